"""Writes tests/data/consultation_eval.jsonl: synthetic answers to four consultation questions, each labelled with
the themes it raises and, for the responses sent from a campaign's template, the campaign. Run
`python tests/data/make_consultation_eval.py` to rebuild it (and `--seed N --out PATH` for a development set with
other draws from the same banks); it is seeded, so the file only changes when this script does.

The answers are built from hand-written idea banks: for each question a handful of themes, each a few ideas, each
idea written several ways by hand (paraphrases that share few words), then wrapped as people write to a
consultation: who they are, a feeling, a closing remark, long or very short, formal or blunt, some in lower case
without punctuation, some with typos. About a quarter raise two themes. Campaigns are template texts sent by
between 6 and 22 people, some with a line of their own added, a word changed, a sentence dropped or a typo; some
ordinary answers were sent twice or three times with small edits (duplicates, below a campaign's size); a few
answers say nothing about any theme. Every label comes from the generator, never from a person reading the text.

Records: {"id", "question", "question_text", "text", "themes": [...], "campaign": name or null,
"duplicate_of": id or null}.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "consultation_eval.jsonl"
SEED = 19

QUESTIONS = {
    "report": {
        "text": "What would make it easier to report violence or abuse?",
        "themes": {
            "Shorter, simpler reporting": [
                [
                    "the incident form is far too long",
                    "filling in the Datix takes the best part of an hour",
                    "there are pages of boxes to tick before you can say what happened",
                    "the reporting system asks the same questions three times",
                ],
                [
                    "let us report it on our phones in a couple of minutes",
                    "a short online form that works on a mobile would help",
                    "an app where you can log an incident in two minutes from the car",
                    "make it possible to report by text or a quick call",
                ],
            ],
            "Hearing what happened next": [
                [
                    "nobody ever tells you what happened after you report",
                    "you put a report in and never hear another word",
                    "reports disappear into a black hole and nothing comes back",
                    "we get no feedback at all once the form is sent",
                ],
                [
                    "staff should be told what action was taken within a couple of weeks",
                    "a reply saying what changed because of the report would encourage people",
                    "close the loop so the person who reported knows the outcome",
                ],
            ],
            "Fear of blame": [
                [
                    "staff are scared they will be blamed for provoking it",
                    "people worry that reporting makes them look like they cannot cope",
                    "there is a culture of it's part of the job so nobody speaks up",
                    "colleagues fear being seen as a troublemaker if they complain",
                ],
                [
                    "managers must make it clear that reporting will never count against you",
                    "leaders need to say out loud that abuse is never acceptable",
                    "a no blame approach where the incident is the problem not the nurse",
                ],
            ],
            "Time to report": [
                [
                    "there is no time in a shift to write anything up",
                    "we are too busy on the ward to stop and fill in forms",
                    "by the end of a twelve hour shift you just want to go home",
                    "reporting always ends up done unpaid after the shift finishes",
                ],
                [
                    "give staff protected time to report before they leave",
                    "the rota should allow twenty minutes to write up an incident",
                    "pay people for the time it takes to report",
                ],
            ],
            "Police and consequences": [
                [
                    "the police rarely follow anything up",
                    "nothing happens to the person who assaulted you",
                    "offenders never face any consequences so why bother",
                    "the abuser just carries on as if nothing happened",
                ],
                [
                    "there should be a named police contact for each hospital",
                    "prosecute people who assault health workers",
                    "employers should support staff to press charges",
                ],
            ],
        },
        "campaigns": {
            "Report it campaign": (
                "I am writing in support of the Report It Safely campaign. Every health and social care worker "
                "should be able to report violence in minutes, on any device, and must be told what happened as "
                "a result of their report within fourteen days.",
                ["Shorter, simpler reporting", "Hearing what happened next"],
                18,
            ),
            "Prosecute assaults campaign": (
                "Assaulting a nurse or a carer must have consequences. I call on the government to make sure "
                "every assault on health and care staff is investigated by the police and that offenders are "
                "prosecuted.",
                ["Police and consequences"],
                9,
            ),
        },
    },
    "move": {
        "text": "What should change in how staff move between the NHS and social care?",
        "themes": {
            "Training that moves with you": [
                [
                    "training records should follow you from job to job",
                    "my mandatory training should not start again every time I change employer",
                    "a skills passport that the NHS and care providers both accept",
                    "having to redo moving and handling when you already did it last month is daft",
                ],
                [
                    "one shared record of training across health and care",
                    "recognise certificates from other employers instead of repeating courses",
                    "put all our training on one system every employer can see",
                ],
            ],
            "Checks done once": [
                [
                    "the DBS check should not have to be redone for each new job",
                    "pre-employment checks take months and people give up",
                    "waiting ten weeks for references and checks to clear before starting",
                    "the vetting is repeated every time even within the same area",
                ],
                [
                    "a portable DBS check would save weeks",
                    "checks done once should be accepted by every employer in the system",
                    "let the update service be used so you can start straight away",
                ],
            ],
            "Pay and terms": [
                [
                    "care workers are paid far less than NHS staff for the same work",
                    "moving to social care means a pay cut and losing your pension",
                    "the difference in pay between care homes and hospitals is huge",
                    "you lose sick pay and annual leave entitlement when you move to care",
                ],
                [
                    "social care pay should match Agenda for Change",
                    "bring care staff onto the same terms and conditions as the NHS",
                    "keep your continuous service and holiday when you change sector",
                ],
            ],
            "Experience counted": [
                [
                    "years of experience in care homes count for nothing when you apply to the NHS",
                    "the NHS does not value what you learned in domiciliary care",
                    "you start at the bottom band whatever you have done before",
                ],
                [
                    "recognise experience from social care when setting your band",
                    "clear career pathways that run across both sectors",
                    "joint roles that let people work in a care home and a hospital",
                ],
            ],
        },
        "campaigns": {
            "Fair pay for care campaign": (
                "Care workers do skilled, demanding work and deserve the same pay and terms as NHS staff doing "
                "the same job. Please use the Covenant to bring social care pay up to Agenda for Change rates.",
                ["Pay and terms"],
                22,
            ),
            "Care passport campaign": (
                "I back the Care Passport. My training, my checks and my experience should move with me between "
                "the NHS and social care, so that I never have to repeat my mandatory training or wait months "
                "for a new DBS check.",
                ["Training that moves with you", "Checks done once"],
                7,
            ),
        },
    },
    "lone": {
        "text": "What should happen when someone working alone does not check in on time?",
        "themes": {
            "Escalate quickly": [
                [
                    "someone should ring them within fifteen minutes",
                    "if a check in is missed there must be a call straight away",
                    "the alarm should be raised within a quarter of an hour",
                    "waiting until the next morning to notice is far too late",
                ],
                [
                    "a set timetable for escalating to a manager and then the police",
                    "everyone should know the escalation steps and the times",
                    "if there is no answer after two calls the police should be called",
                ],
            ],
            "A named person responsible": [
                [
                    "there should always be a named person monitoring check ins",
                    "it is never clear whose job it is to notice a missed call",
                    "the coordinator on shift has to own it",
                ],
                [
                    "a named buddy for every lone worker on every shift",
                    "managers on call need to take responsibility for missed check ins",
                    "one person with the list of visits who knows where everyone is",
                ],
            ],
            "Knowing where they are": [
                [
                    "the office needs the address of the visit and the car registration",
                    "nobody knows which house we are in or what car we drive",
                    "location sharing on the work phone so they can find us",
                    "the diary should show exactly where each visit is",
                ],
                [
                    "GPS on the device so someone can be sent to the right place",
                    "keep a record of the visit address and expected finish time",
                ],
            ],
            "Technology that works": [
                [
                    "the check in app does not work without a phone signal",
                    "half the villages we visit have no mobile signal",
                    "the alarms are old and the batteries are always flat",
                    "the lone worker device keeps crashing",
                ],
                [
                    "devices that work on any network or by satellite",
                    "proper training on the alarm and checks that it works",
                    "replace the devices nobody uses with something simple",
                ],
            ],
        },
        "campaigns": {
            "Nobody alone campaign": (
                "Nobody should work alone without a working alarm, a check-in and someone who comes looking for "
                "them. If a lone worker does not check in, a named person must act within fifteen minutes.",
                ["A named person responsible", "Escalate quickly"],
                14,
            ),
        },
    },
    "support": {
        "text": "What support should staff get after violence or abuse at work?",
        "themes": {
            "Counselling and mental health": [
                [
                    "fast access to counselling, not a six month waiting list",
                    "proper mental health support after an assault",
                    "someone trained to talk to about the trauma",
                    "psychological support for the anxiety afterwards",
                ],
                [
                    "occupational health should see you within a week",
                    "free therapy for as long as it is needed",
                    "trauma informed support from people who understand the job",
                ],
            ],
            "Time off without losing pay": [
                [
                    "time off to recover without it counting as sickness",
                    "staff lose pay when they are off after being hurt at work",
                    "being off after an assault triggers the absence policy",
                    "paid leave to recover rather than using your holiday",
                ],
                [
                    "full pay while you recover from an injury at work",
                    "special leave that does not go on your sickness record",
                ],
            ],
            "Manager follow-up": [
                [
                    "my manager never even asked how I was",
                    "nobody checked on me the day after",
                    "the manager should phone you the same day",
                    "a manager who follows up and keeps in touch",
                ],
                [
                    "a welfare call within twenty four hours",
                    "managers trained to support staff after an incident",
                    "regular check ins from your manager for the weeks after",
                ],
            ],
            "Debrief and learning": [
                [
                    "a debrief for the whole team after every serious incident",
                    "we should talk through what happened and what to change",
                    "there is never a proper review of what went wrong",
                ],
                [
                    "learning from incidents shared across the organisation",
                    "change the care plan so it does not happen to the next person",
                    "a hot debrief before the end of the shift",
                ],
            ],
            "Peer support": [
                [
                    "talking to colleagues who have been through the same helped me most",
                    "a peer support network of trained staff",
                    "someone from the team who has had the same experience",
                ],
                [
                    "trained peer supporters on every ward",
                    "a buddy who checks in with you after an incident",
                    "support groups for staff who have been assaulted",
                ],
            ],
        },
        "campaigns": {
            "Care for carers campaign": (
                "Staff who are assaulted at work should get counselling within a week and full pay while they "
                "recover, without it counting against their sickness record. Care for the people who care.",
                ["Counselling and mental health", "Time off without losing pay"],
                11,
            ),
        },
    },
}

OPENERS = {
    "nhs_staff": [
        "As a nurse of twenty years,",
        "I work on an acute medical ward and",
        "Speaking as a paramedic,",
        "As a healthcare assistant in A&E,",
        "I'm a community nurse and",
        "From my experience as a ward sister,",
    ],
    "social_care_staff": [
        "As a home care worker,",
        "I have worked in care homes for 8 years and",
        "Speaking as a support worker,",
        "As a carer working nights,",
        "I manage a small domiciliary care agency and",
    ],
    "public": ["As a relative of a patient,", "My daughter is a nurse and", "As someone who uses services,"],
    "organisation": [
        "Our members tell us that",
        "On behalf of our organisation we believe",
        "Our staff survey found that",
    ],
}
FEELINGS = [
    "Honestly it's exhausting.",
    "This has been going on for years.",
    "I have seen it too many times.",
    "It really matters to us.",
    "Please listen to staff on this.",
    "It makes people feel nobody cares.",
    "We are worn down.",
]
CLOSERS = [
    "Thank you for asking.",
    "That would make a real difference.",
    "Please actually do something this time.",
    "Nothing else will change otherwise.",
    "That's all.",
    "Thanks.",
]
# A line of their own that some supporters put before a campaign's text.
OWN_LINES = [
    "I am a nurse.",
    "I work in a care home in Leeds.",
    "I have been a paramedic for 12 years.",
    "My mum is a carer.",
    "I'm a student nurse.",
    "As a GP receptionist I see this every day.",
]
LINKS = ["Also", "And", "On top of that", "Another thing:", "Plus", "As well as that,"]
NO_THEME = [
    "No comment.",
    "Not sure really, I haven't thought about it.",
    "I don't have anything to add to what I said before.",
    "Don't know.",
    "See my earlier answer.",
    "N/A",
]
# People word the same idea their own way: each answer swaps some of these for a near-synonym.
VARIANTS = {
    "should": ["must", "ought to", "needs to", "has to"],
    "staff": ["people", "workers", "colleagues", "employees"],
    "nobody": ["no one", "no-one"],
    "never": ["hardly ever", "almost never"],
    "far too": ["way too", "much too"],
    "someone": ["somebody", "a person"],
    "would help": ["would be a big help", "would really help", "could help"],
    "the police": ["police", "the cops"],
    "manager": ["line manager", "supervisor", "boss"],
    "quick": ["fast", "simple"],
    "every time": ["each time", "whenever"],
    "proper": ["real", "decent", "good"],
    "after": ["following", "once"],
}
SWAPS = {
    "organisation": "organization",
    "colour": "color",
    "recognise": "recognize",
    "programme": "program",
    "centre": "center",
}


def typo(rng: random.Random, text: str) -> str:
    """One slip of the keyboard: a dropped, doubled or swapped letter in a longer word."""
    words = text.split(" ")
    long = [i for i, word in enumerate(words) if len(word) > 5 and word.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    word, at = words[i], rng.randrange(1, len(words[i]) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        word = word[:at] + word[at + 1 :]
    elif kind == 1:
        word = word[:at] + word[at] + word[at:]
    else:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    words[i] = word
    return " ".join(words)


def sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def ordinary(rng: random.Random, question: dict) -> tuple[str, list[str]]:
    themes = list(question["themes"])
    count = rng.choices([1, 2, 3], weights=[70, 25, 5])[0]
    chosen = rng.sample(themes, count)
    respondent = rng.choice(list(OPENERS))
    parts = []
    for n, theme in enumerate(chosen):
        ideas = question["themes"][theme]
        picked = rng.sample(ideas, rng.choice([1, 1, 2]) if len(ideas) > 1 else 1)
        for m, idea in enumerate(picked):
            phrase = rng.choice(idea)
            if n == 0 and m == 0 and rng.random() < 0.6:
                phrase = f"{rng.choice(OPENERS[respondent])} {phrase}"
            elif (n or m) and rng.random() < 0.4:
                phrase = f"{rng.choice(LINKS)} {phrase}"
            parts.append(sentence(phrase))
    if rng.random() < 0.3:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(FEELINGS))
    if rng.random() < 0.3:
        parts.append(rng.choice(CLOSERS))
    text = " ".join(parts)
    for word, options in VARIANTS.items():
        if f" {word} " in text and rng.random() < 0.5:
            text = text.replace(f" {word} ", f" {rng.choice(options)} ", 1)
    style = rng.random()
    if style < 0.15:  # typed in a hurry on a phone
        text = text.lower().replace(".", "").replace(",", "")
    elif style < 0.22:
        text = text.upper() if len(text) < 120 else text
    for _ in range(rng.choices([0, 1, 2], weights=[65, 25, 10])[0]):
        text = typo(rng, text)
    if rng.random() < 0.2:
        for british, american in SWAPS.items():
            text = text.replace(british, american)
    return text, chosen


def campaign_copy(rng: random.Random, template: str) -> str:
    """How supporters send a template: mostly as it is, some with a line of their own or a small change."""
    sentences = [s.strip() for s in template.split(". ") if s.strip()]
    edit = rng.random()
    if edit < 0.2 and len(sentences) > 2:
        sentences.pop(rng.randrange(1, len(sentences)))
    text = ". ".join(s.rstrip(".") for s in sentences) + "."
    if rng.random() < 0.35:
        text = f"{rng.choice(OWN_LINES)} {text}"
    if rng.random() < 0.25:
        text = f"{text} {rng.choice(FEELINGS + CLOSERS)}"
    if rng.random() < 0.25:
        text = typo(rng, text)
    if rng.random() < 0.1:
        text = text.replace("must", "should").replace("every", "all")
    return text


def build(seed: int) -> list[dict]:
    rng = random.Random(seed)  # nosec B311  # synthetic data, not security
    records = []
    for key, question in QUESTIONS.items():
        rows = []
        for _ in range(165):
            text, themes = ordinary(rng, question)
            rows.append({"text": text, "themes": themes, "campaign": None, "duplicate_of": None})
        for _ in range(5):
            rows.append({"text": rng.choice(NO_THEME), "themes": [], "campaign": None, "duplicate_of": None})
        for name, (template, themes, size) in question["campaigns"].items():
            for _ in range(size):
                rows.append(
                    {
                        "text": campaign_copy(rng, template),
                        "themes": themes,
                        "campaign": name,
                        "duplicate_of": None,
                    }
                )
        rng.shuffle(rows)
        # Some people sent the same answer twice (or three times), with a small change: duplicates, not campaigns.
        originals = [i for i, row in enumerate(rows) if row["campaign"] is None and len(row["text"]) > 60]
        for index in rng.sample(originals, 6):
            for _ in range(rng.choice([1, 1, 2])):
                copy = dict(rows[index])
                copy["text"] = typo(rng, copy["text"]) if rng.random() < 0.5 else copy["text"]
                copy["duplicate_of"] = f"{key}-{index}"
                rows.append(copy)
        for index, row in enumerate(rows):
            records.append(
                {"id": f"{key}-{index}", "question": key, "question_text": question["text"], **row}
            )
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with args.out.open("w") as out:
        for record in build(args.seed):
            out.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
