"""Writes tests/data/personal_data_labelled.jsonl: synthetic consultation answers with every piece of personal
data labelled by its exact span and kind. Run `python tests/data/make_personal_data_labelled.py` to rebuild it;
it is seeded, so the file only changes when this script does.

The answers are written to sound like the free text people send to a health and social care consultation. The
names, numbers and places are invented (Ofcom's drama telephone ranges, NHS numbers made up with a valid check
digit, example.org-style addresses). About a fifth of the lines hold no personal data at all but are written to
trip a detector (hospitals named after people, "Will" and "May" as words, ward and band numbers, invalid NHS
numbers). A few hard cases are kept on purpose even though the detector misses them (a lone forename in lower
case, names outside Faker's lists), so the figures are honest rather than perfect. The forms a review found
missed (0044 and dotted numbers, lower-case postcodes, e-mail addresses in words, lower-case names) come after,
from their own seed, so the earlier lines keep their values.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "personal_data_labelled.jsonl"

FORENAMES = """Sarah James Priya Mohammed Chidi Agnieszka Siobhan Aoife Kwame Olumide Fatima Wei Emma Tom Aisha
Daniel Chloe Rhys Megan Callum Bethan Hamza Zainab Ewan Niamh Oliver Amelia Tunde Grace Joseph Leanne Kelly
Gareth Sian Yusuf Amara Lukasz Marta Ravi Deepa Imran Nadia Owen Jade Connor Ellie Femi Bukola""".split()
SURNAMES = """Okafor Nowak Patel Khan Hughes O'Brien McDonald Smith-Jones Adeyemi Kowalczyk Chaudhry Nguyen Evans
Thompson Walsh Begum Campbell Davies Ahmed Osei Mensah Robinson Clarke Hussain Byrne Murphy Price Fletcher
Lloyd Sharma Ali Wilson Taylor Edwards Okonkwo Wright Morgan Kaur Singh Bennett Harris Collins Doyle""".split()
TITLES = ["Dr", "Mrs", "Mr", "Ms", "Miss", "Nurse", "Sister", "Matron", "Dr.", "Professor", "Councillor"]
AMBIGUOUS = ["Will", "May", "Hope", "Grace", "Joy", "Dawn", "Mark", "Rose", "Faith", "Frank"]
CUES = ["my colleague", "my manager", "a nurse called", "my husband", "my daughter", "my friend", "my mentor"]
STREETS = """Acacia High Church Station Victoria Mill Albert Chapel Queens Manor Riverside Kingsway Oak Elm
Beech Meadow Orchard Willow Park Springfield Greenbank Hollins Moor Castle""".split()
STREET_TYPES = (
    "Street Road Lane Avenue Close Drive Way Court Crescent Place Terrace Gardens Grove Mews".split()
)
POSTCODES = """LS1 4AP SW1A 1AA M1 1AE B33 8TH CR2 6XH DN55 1PT EC1A 1BB W1A 0AX BS1 5TR NE1 7RU L1 8JQ CF10 3AT
G2 1DY EH1 1YZ BT1 5GS YO1 7HH HU1 2AA S1 2HE NG1 5FS OX1 2JD LS6 2QT HG1 2RD WF1 3JN BD7 1DP""".split()
POSTCODES = [" ".join(POSTCODES[i : i + 2]) for i in range(0, len(POSTCODES), 2)]
DOMAINS = ["nhs.net", "example.org", "example.co.uk", "harbourside-care.example", "mail.example.com"]
AREA = [("20", "7946 0{:03d}"), ("113", "496 0{:03d}"), ("117", "496 0{:03d}"), ("121", "496 0{:03d}"),
        ("161", "496 0{:03d}"), ("191", "498 0{:03d}"), ("1632", "960{:03d}"), ("29", "2018 0{:03d}"),
        ("28", "9649 6{:03d}")]  # fmt: skip


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        digits[0] = rng.choice([4, 6, 7, 9])
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def invalid_nhs_number(rng: random.Random) -> str:
    valid = nhs_number(rng)
    return valid[:9] + str((int(valid[9]) + rng.randint(1, 8)) % 10)


def spaced(number: str, rng: random.Random) -> str:
    style = rng.choice(["space", "space", "dash", "none"])
    if style == "none":
        return number
    sep = " " if style == "space" else "-"
    return f"{number[:3]}{sep}{number[3:6]}{sep}{number[6:]}"


def phone(rng: random.Random) -> str:
    if rng.random() < 0.45:  # a mobile
        tail = f"900{rng.randint(0, 999):03d}"
        return rng.choice(
            [
                f"07700 {tail}",
                f"07700 {tail[:3]} {tail[3:]}",
                f"07700{tail}",
                f"+44 7700 {tail}",
                f"+447700{tail}",
                f"+44 (0)7700 {tail}",
                f"07700-{tail}",
            ]
        )
    area, local = rng.choice(AREA)
    local = local.format(rng.randint(0, 999))
    flat = local.replace(" ", "")
    return rng.choice(
        [
            f"0{area} {local}",
            f"(0{area}) {local}",
            f"0{area}-{local.replace(' ', '-')}",
            f"+44 {area} {local}",
            f"+44 (0){area} {local}",
            f"0{area}{flat}",
        ]
    )


def email(rng: random.Random) -> str:
    first, last = rng.choice(FORENAMES).lower(), re.sub(r"\W", "", rng.choice(SURNAMES).lower())
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{rng.randint(1, 99)}",
                        f"{first}+consultation", f"{last}.{first}"])  # fmt: skip
    return f"{local}@{rng.choice(DOMAINS)}"


def address(rng: random.Random) -> str:
    street = f"{rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
    number = f"{rng.randint(1, 240)}{rng.choice(['', '', '', 'a', 'b'])}"
    return rng.choice(
        [f"{number} {street}", f"Flat {rng.randint(1, 30)}, {number} {street}", f"{number} {street}"]
    )


# Each slot returns (text, [(start, end, kind)]) relative to its own text.
def slot(kind: str, rng: random.Random):
    if kind == "email":
        value = email(rng)
        return value, [(0, len(value), "email")]
    if kind == "phone":
        value = phone(rng)
        return value, [(0, len(value), "phone")]
    if kind == "nhs":
        value = spaced(nhs_number(rng), rng)
        return value, [(0, len(value), "nhs_number")]
    if kind == "badnhs":
        return spaced(invalid_nhs_number(rng), rng), []
    if kind == "postcode":
        value = rng.choice(POSTCODES)
        if rng.random() < 0.1:
            value = value.lower()
        return value, [(0, len(value), "postcode")]
    if kind == "address":
        value = address(rng)
        return value, [(0, len(value), "address")]
    if kind == "fullname":
        value = f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}"
        return value, [(0, len(value), "name")]
    if kind == "forename":
        value = rng.choice(FORENAMES)
        return value, [(0, len(value), "name")]
    if kind == "titlename":
        title = rng.choice(TITLES)
        name = (
            rng.choice(SURNAMES) if rng.random() < 0.6 else f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}"
        )
        value = f"{title} {name}"
        return value, [(len(title) + 1, len(value), "name")]
    if kind == "cuedname":
        cue, name = rng.choice(CUES), rng.choice(AMBIGUOUS + FORENAMES)
        value = f"{cue} {name}"
        return value, [(len(cue) + 1, len(value), "name")]
    if kind == "ambiguousfull":
        value = f"{rng.choice(AMBIGUOUS)} {rng.choice(SURNAMES)}"
        return value, [(0, len(value), "name")]
    if kind == "phone_variant":
        value = phone_variant(rng)
        return value, [(0, len(value), "phone")]
    if kind == "nhs_variant":
        number = nhs_number(rng)
        sep = rng.choice([".", "  ", " . ", "-"]) if rng.random() < 0.9 else "\t"
        sep = sep if sep != " . " else "."
        value = f"{number[:3]}{sep}{number[3:6]}{sep}{number[6:]}"
        return value, [(0, len(value), "nhs_number")]
    if kind == "postcode_variant":
        outward, inward = rng.choice(POSTCODES).split()
        value = rng.choice(
            [
                f"{outward.capitalize()} {inward}",
                f"{outward}{inward}".lower(),
                f"{outward}  {inward}",
                f"{outward}-{inward}".lower(),
                f"{outward.lower()} {inward.lower()}",
                f"{outward}{inward}",
            ]
        )
        return value, [(0, len(value), "postcode")]
    if kind == "email_obfuscated":
        value = obfuscated_email(rng)
        return value, [(0, len(value), "email")]
    if kind == "lowername":
        value = f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}".lower()
        return value, [(0, len(value), "name")]
    if kind == "lowertitlename":
        title = rng.choice(["nurse", "dr", "mrs", "mr", "sister", "dr.", "ms"])
        name = (
            rng.choice(SURNAMES) if rng.random() < 0.5 else f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}"
        )
        value = f"{title} {name.lower()}"
        return value, [(len(title) + 1, len(value), "name")]
    raise ValueError(kind)


def phone_variant(rng: random.Random) -> str:
    """Ways of writing a number that the first patterns missed: 0044, dots, doubled spaces, hyphens after +44,
    and the nine-digit numbers of the towns with five-digit area codes (Ofcom's drama range 016977 4xxx)."""
    tail = f"900{rng.randint(0, 999):03d}"
    if rng.random() < 0.25:
        local = f"4{rng.randint(0, 999):03d}"
        return rng.choice([f"016977 {local}", f"016977-{local}", f"+44 16977 {local}", f"(016977) {local}"])
    return rng.choice(
        [
            f"0044 7700 {tail}",
            f"00 44 7700 {tail}",
            f"07700.{tail[:3]}.{tail[3:]}",
            f"07700  {tail}",
            f"+44-7700-{tail}",
            f"0113.496.0{rng.randint(0, 999):03d}",
            f"0044 20 7946 0{rng.randint(0, 999):03d}",
            f"020  7946  0{rng.randint(0, 999):03d}",
        ]
    )


def obfuscated_email(rng: random.Random) -> str:
    first, last = rng.choice(FORENAMES).lower(), re.sub(r"\W", "", rng.choice(SURNAMES).lower())
    domain = rng.choice(["nhs.net", "example.org", "example.co.uk"])
    words = domain.replace(".", " dot ")
    return rng.choice(
        [
            f"{first} dot {last} at {words}",
            f"{first}.{last} [at] {domain}",
            f"{first}.{last} (at) {domain}",
            f"{first}.{last}@{domain.replace('.', ' . ')}",
            f"{first}{last} at {words}",
            f"{first}.{last} at {domain}",
        ]
    )


POSITIVE_TEMPLATES = [
    "I was assaulted on a night shift and {titlename} was the only person who checked on me afterwards.",
    "Please contact me on {phone} if you want to hear more about what happened on our ward.",
    "You can e-mail me at {email}, I am happy to be contacted about this consultation.",
    "My NHS number is {nhs}, and my records will show how long I waited for occupational health.",
    "I live at {address}, {postcode} and the bus does not run early enough for the 7am shift.",
    "{fullname} from the staff side supported me through the investigation and I am grateful.",
    "When I reported it, {titlename} said it was part of the job. It is not part of the job.",
    "{forename} on reception was spat at twice last month and nobody recorded it.",
    "Ring the practice on {phone} and ask for {titlename}, she will confirm everything I have said.",
    "I care for my mother at {address} and carers are often shouted at by neighbours.",
    "Our team lead {fullname} has asked for body cameras three times. Contact her on {email}.",
    "Patient {fullname} (NHS number {nhs}) was moved to a side room after threatening staff.",
    "Send the results to {address}, {postcode}, not to my work address.",
    "I have worked with {cuedname} for ten years and she has never been so frightened at work.",
    "The agency told {ambiguousfull} that violence was to be expected in mental health services.",
    "My details: {fullname}, {address}, {postcode}, {phone}.",
    "{titlename} and {titlename} both witnessed it, so I do not understand why it was closed.",
    "I wrote to {email} and to {email} but nobody replied for six weeks.",
    "Our community nurses visit homes alone. Last week {forename} was followed back to her car.",
    "Please do not publish my name ({fullname}). I am a healthcare assistant at a care home in {postcode}.",
    "My son's NHS number is {nhs}. He has a learning disability and staff were kind to him.",
    "I was on the phone to 111 for an hour and then a paramedic, {titlename}, arrived and was abused by my neighbour.",
    "If you need more, call {phone} after 6pm or text {phone}.",
    "{cuedname} works in A&E and was punched in the face last winter.",
    "The home manager, {fullname}, refused to report it to the police.",
    "Write to me at {address}. I do not use e-mail.",
    "I am writing on behalf of {titlename}, who cannot use a computer since her stroke.",
    "The covenant must protect people like {forename} and {forename}, who left care work after being hit.",
    "Our practice manager can be reached on {phone} or at {email}.",
    "Reference: {nhs}. I was the patient and I saw the nurse being attacked.",
    "My postcode is {postcode} and there is no secure parking for staff at our hospital.",
    "We moved from {address} because patients' relatives kept turning up at our door.",
    "{titlename} told me to put it in writing, so here it is.",
    "It was {cuedname} who found me after the assault, and she still has nightmares.",
    "Contact {fullname} on {phone}; he is our Freedom to Speak Up guardian.",
]
NEGATIVE_TEMPLATES = [
    "Staffing on the ward was poor in 2024 and 12 people left in six months.",
    "Will this covenant apply to agency staff and bank staff as well as permanent staff?",
    "May I suggest that social care staff are included from day one?",
    "Hope is not a strategy. We need alarms, cameras and proper lone working policies.",
    "Grace periods for mandatory training would help people returning after an assault.",
    "The Queen Elizabeth Hospital has security on every entrance but the community sites do not.",
    "Staff at St George's were brilliant during the pandemic and still are.",
    "Victoria Hospital and Princess Royal Hospital share one security team at night.",
    "I am a Band 5 staff nurse on Ward 12 and we work 12 hour shifts with two breaks.",
    "Agenda for Change pay bands should recognise the risk of violence in some roles.",
    "We called 999 three times in May and the police came once.",
    "Between 2019 and 2023 reported assaults rose by 40 per cent, according to the Staff Survey.",
    "Our invoice reference was {badnhs} and the payment was late again.",
    "Please add a question about Freedom to Speak Up Guardians.",
    "The Royal College of Nursing and Unison both support the covenant.",
    "Mark my words, without funding this will be words on paper.",
    "It takes 20 minutes to walk from the car park to the Emergency Department at night.",
    "I scored 4 out of 5 for the first question but I disagree with question 3.",
    "Dawn and dusk are when lone workers are most at risk in rural areas.",
    "The Integrated Care Board for North East and Yorkshire should publish the figures.",
    "Mental Health Act assessments are where my colleagues get hurt most.",
    "Our trust spent £250,000 on body cameras in 2023 and 1 in 10 are broken.",
    "Covid made everything worse and the public are angrier now.",
    "Joy at work is rare these days; fear is more common.",
    "Frank conversations with managers are needed, not posters.",
    "Church Lane surgery closed its doors after repeated break-ins.",
    "Access to Occupational Health takes 6 to 8 weeks in our area.",
    "I have worked in the NHS for 25 years and in social care for 10.",
    "We need 24/7 security at Accident and Emergency, not just 9 to 5.",
    "Training should be face to face, not e-learning. Module 3 is useless.",
]
# Lines kept as they are: tricky cases written by hand. {} marks a labelled span as {kind|text}.
HAND_WRITTEN = [
    "i asked for {name|sarah} on the ward but she had gone home",
    "Ring me: {phone|07700 900 461} (mobile) or {phone|0113 496 0875} (home).",
    "My NHS number: {nhs_number|401 023 2137}.",
    "Post it to {address|3 Mill Lane}, {postcode|LS14AP}.",
    "{name|Siobhan} and {name|Mohammed} from the night team were both assaulted in March.",
    "Thanks to {name|Will} (my colleague) for encouraging me to respond.",
    "I spoke to mrs {name|jones} at the council and nothing happened.",
    "My manager {name|Will} said it would be dealt with. It was not.",
    "Email {email|safe.staff@example.org} for our branch's evidence.",
    "The ward clerk {name|Bukola Adeyemi} keeps a log of every incident.",
    "Please contact {name|Aoife} at {email|aoife.byrne@nhs.net} or {phone|+44 20 7946 0321}.",
    "Sister {name|O'Brien} and Dr {name|McDonald} sorted it out in the end.",
    "My flat, {address|Flat 7, 12 Riverside Court}, has been broken into twice.",
    "Our address is {address|45 High Street}, {postcode|HG1 2RD}.",
    "It happened in June outside the Victoria Hospital in Blackpool.",
    "We held a vigil at St Thomas' for a colleague who died.",
    "The numbers 123 456 7890 and 000 000 0000 are just examples in our training slides.",
    "Will May Hope still be open? Not a name question, a policy one: will May's rota hold?",
    "Call 111 or 999, or the switchboard extension 4471, never a personal mobile.",
    "Shifts run 0700-1930 and 1900-0730; handover is at 07:30 on 07/11/2024.",
    "The M62 and the A1 were closed, so the night staff arrived two hours late.",
    "Sort code 20-00-00 and account 12345678 are what the payroll letter used as an example.",
    "Vitamin B12 clinics and Covid-19 boosters are where receptionists get the most abuse.",
    "Between 10 and 12 Acute Medical Unit staff were off sick after the incident.",
    "Over 1,200 staff signed the petition; 3 Trusts in our ICS have signed the covenant.",
    "Lone workers should have alarms. Meta and Tab are not names, nor is Lone.",
    "Park and ride at the Leeds General Infirmary stops at 8pm.",
    "Page 12 of the consultation document, paragraph 4, says the opposite.",
    "Nurse Practitioners, Healthcare Assistants and Physician Associates all need this protection.",
    "Our Freedom to Speak Up Guardian and the Chief Nurse both agreed with us.",
    "We ring 0300 numbers all day for interpreters and are kept on hold.",
    "Rose Court care home and Hope House hospice have both signed up.",
    "The Mental Health Act, the Care Act 2014 and the Health and Social Care Act 2022 all apply.",
    "The answer to question 7 is yes, and to question 8 is no, for the reasons in my letter of 3 March.",
]


# Added after the review of the detector (the forms it missed), generated with their own seed so the lines above
# keep their values.
VARIANT_TEMPLATES = [
    "Please ring me on {phone_variant} after my shift, I am happy to talk.",
    "My number is {phone_variant} but I do not always pick up at work.",
    "My NHS number is {nhs_variant}, in case you need to find my records.",
    "I live near {postcode_variant} and there is no late bus to the hospital.",
    "Send anything to {postcode_variant}, that is my home postcode.",
    "You can write to me at {email_obfuscated} if you want more detail.",
    "E-mail {email_obfuscated} (I have written it like that to avoid spam).",
    "i am writing for my friend {lowername} who was assaulted at work",
    "the person who helped most was {lowertitlename} on the night team",
    "please thank {lowertitlename} and {lowername} for me, they stayed with me",
]
VARIANT_NEGATIVES = [
    "The meeting is on 07.12.2026 at 07:30 and the next one on 14.01.2027 at 19.30.",
    "It cost £1,250.00 for the alarms and £12.50 a month each to run them.",
    "the night staff were kind and the ward was clean but we need more security at the door",
    "we were told to wait for the manager to call back and nobody did",
    "our shift starts at 0700 and the handover finishes at 0730 on most days",
    "the incident was logged as 2026.11.30 12:45 and closed a week later",
    "the doctor said the band 5 nurses would get training in march",
    "a 10% rise in assaults, 1 in 4 staff, and 3.5 hours to see security",
    "i asked whether the covenant will cover porters, cleaners and security staff too",
    "Ward 7b and bay 3 had the most incidents, 14.5 per 1,000 bed days.",
]


# The exact forms the review found missed, and near misses that are not personal data.
REVIEW_CASES = [
    "Call {phone|0044 7700 900123} or {phone|07700.900.123} or {phone|07700  900123} or {phone|+44-7700-900123}.",
    "The office in Brampton is on {phone|016977 4567}.",
    "NHS number {nhs_number|943.476.5919}, or as the letter had it, {nhs_number|943  476  5919}.",
    "Postcodes: {postcode|Ls1 4AP}, {postcode|ls14ap}, {postcode|LS1  4AP} and {postcode|ls1-4ap}.",
    "Write to {email|jo dot bloggs at nhs dot net} or {email|jo.bloggs [at] nhs.net} or {email|jo.bloggs@nhs . net}.",
    "i was helped by {name|sarah jones} and nurse {name|priya patel} on the night it happened",
    "The dates were 07.12.2026 and 08.12.2026, at 07:30 and 19:45, and it cost £40.",
    "I work at nhs.net sites and we met at work. Then the trust changed its e-mail system.",
]


def render(template: str, rng: random.Random):
    text, spans, cursor = "", [], 0
    for match in re.finditer(r"\{(\w+)\}", template):
        text += template[cursor : match.start()]
        value, relative = slot(match.group(1), rng)
        spans += [(len(text) + start, len(text) + end, kind) for start, end, kind in relative]
        text += value
        cursor = match.end()
    text += template[cursor:]
    return text, spans


def hand(template: str):
    text, spans, cursor = "", [], 0
    for match in re.finditer(r"\{(\w+)\|([^}]*)\}", template):
        text += template[cursor : match.start()]
        spans.append((len(text), len(text) + len(match.group(2)), match.group(1)))
        text += match.group(2)
        cursor = match.end()
    return text + template[cursor:], spans


def main() -> None:
    rng = random.Random(13)  # nosec B311  # synthetic test data
    records = []
    for round_ in range(8):
        for template in POSITIVE_TEMPLATES:
            if round_ and rng.random() < 0.15:
                continue
            records.append(render(template, rng))
    for round_ in range(2):
        for template in NEGATIVE_TEMPLATES:
            if round_ and not re.search(r"\{", template):
                continue
            records.append(render(template, rng))
    records += [hand(line) for line in HAND_WRITTEN]
    variants = random.Random(2026)  # nosec B311  # synthetic test data
    for _round in range(3):
        for template in VARIANT_TEMPLATES:
            records.append(render(template, variants))
    records += [render(line, variants) for line in VARIANT_NEGATIVES]
    records += [hand(line) for line in REVIEW_CASES]
    with OUT.open("w") as handle:
        for number, (text, spans) in enumerate(records, start=1):
            labelled = [
                {"start": start, "end": end, "kind": kind, "text": text[start:end]}
                for start, end, kind in spans
            ]
            handle.write(json.dumps({"id": number, "text": text, "spans": labelled}) + "\n")
    print(f"{len(records)} lines written to {OUT}")


if __name__ == "__main__":
    main()
