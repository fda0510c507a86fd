"""Finds likely personal data and possible safeguarding disclosures in free text.

These are suggestions for a moderator, never automatic redactions. Each kind is a pattern plus a check that
removes the commonest false positives: NHS numbers only with a valid mod-11 check digit; phone numbers only in
the shapes UK numbers are written in (with spaces, hyphens or full stops between the groups); postcodes in any
case only with a strict inward code; e-mail addresses also when written to dodge a filter ("jo dot bloggs at nhs
dot net") but only ending in a common top-level domain; names from a list of forenames and surnames (the en_GB and other English
locales' lists that Faker ships, read offline) or after a title (Dr, Mrs, Nurse, Sister ...), where a forename
that is also an ordinary word (Will, May, Hope) counts only with a surname, a title or a word such as
"colleague" or "called" before it. Lower-case names count after a title or as a listed forename and surname,
never when a word is a common English word. How well this does is measured on `tests/data/personal_data_labelled.jsonl`
by `benchmarks/redaction.py` and `tests/covenant/consultation/test_detection_quality.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module

from .vocabulary import RedactionReason

EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# An e-mail address written to dodge a filter: "jo dot bloggs at nhs dot net", "jo.bloggs [at] nhs.net",
# "jo.bloggs@nhs . net". The last part must be a common top-level domain, in lower case. A plain " at " counts
# only with a dot in the part before it ("jo.bloggs at nhs.net") or a "dot" in words after it ("jo at nhs dot
# net"), so that "I work at nhs.net" or "we met at work. Then" are not taken for one.
_WDOT = r"(?:[ \t]*[\[(<{][ \t]*dot[ \t]*[\])>}][ \t]*|[ \t]+dot[ \t]+)"
_TDOT = rf"(?:\.|{_WDOT})"  # a dot as written in an address, or in words
_LDOT = rf"(?:[ \t]{{0,2}}\.[ \t]{{0,2}}|{_WDOT})"  # also a full stop with spaces, after an "@"
_TLD = r"(?-i:com|org|net|uk|gov|nhs|ac|co|edu|info|io|me|scot|wales|cymru|ie|eu|biz)"
_SYMBOL_AT = r"(?:[ \t]*@[ \t]*|[ \t]*[\[(<{][ \t]*at[ \t]*[\])>}][ \t]*)"
OBFUSCATED_EMAIL_RE = re.compile(
    r"(?<![\w.+-])(?:"
    rf"[\w+-]+(?:{_TDOT}[\w+-]+)*{_SYMBOL_AT}[\w-]+(?:{_LDOT}[\w-]+)*{_LDOT}{_TLD}"
    rf"|[\w+-]+(?:{_TDOT}[\w+-]+)+[ \t]+at[ \t]+[\w-]+(?:{_TDOT}[\w-]+)*{_TDOT}{_TLD}"
    rf"|[\w+-]+[ \t]+at[ \t]+[\w-]+(?:{_TDOT}[\w-]+)*{_WDOT}{_TLD}"
    r")(?![\w@])",
    re.IGNORECASE,
)
# Between groups of digits: a space or a few, a hyphen or a full stop (943.476.5919, 07700  900123).
_SEP = r"(?:[ \t]{1,3}|[.-])?"
# Ten digits in the NHS pattern 3-3-4, with separators, or run together.
NHS_NUMBER_RE = re.compile(rf"(?<![\d+])(\d{{3}}){_SEP}(\d{{3}}){_SEP}(\d{{4}})(?![\d])")
# UK numbers: +44, 0044 or 0, then the ten digits of the national number grouped as people write them (mobiles
# 7xxx xxxxxx, London 20 xxxx xxxx, cities 1xx xxx xxxx, towns 1xxx xxxxxx), the nine of the few towns with
# five-digit area codes (016977 4567), or an area code in brackets.
PHONE_RE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:(?:\+|00[ \t]?)44[ \t.-]{0,3}(?:\(0\)[ \t.-]{0,3})?|0)"
    rf"(?:\d{{4}}{_SEP}\d{{3}}{_SEP}\d{{3}}|\d{{4}}{_SEP}\d{{6}}|\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{4}}"
    rf"|\d{{2}}{_SEP}\d{{4}}{_SEP}\d{{4}}|\d{{10}}|1\d{{4}}(?:[ \t]{{1,3}}|[.-])\d{{4}})"
    rf"|\(0\d{{2,5}}\)[ \t]{{0,3}}\d{{3,4}}{_SEP}\d{{3,4}}|\(01\d{{4}}\)[ \t]{{0,3}}\d{{4,5}}"
    r")(?![\d])"
)
# Postcodes in any case, with a space or a few, a hyphen or nothing between the parts; the inward code is
# strict (a digit and two of the letters used there: never C, I, K, M, O or V), which keeps "a1 3pm" or "b12 5mg"
# out. A road and an ordinal ("M62 2nd") still looks like one: the moderator dismisses it.
POSTCODE_RE = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)(?:[ \t]{1,3}|-)?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE
)
STREET_WORDS = (
    "Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Drive|Way|Court|Crescent|Place|Terrace|Gardens|Grove|"
    "Walk|Row|Square|Hill|Park|Mews|Parade|Rise|View|Green|Vale|Wharf|Boulevard|Gate|Yard|Approach"
)
ADDRESS_RE = re.compile(
    r"\b(?:(?:Flat|Apartment|Apt|Unit|Room)\s+\d{1,4}[A-Za-z]?,?\s+)?"
    rf"\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'-]+\s+){{1,3}}(?:{STREET_WORDS})\b"
)
TITLES = (
    "Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Nurse|Sister|Matron|Prof|Professor|Sir|Dame|Councillor|Cllr|Rev|Reverend|"
    "Father|Lord|Lady"
)
# A capitalised word as names are written: Smith, O'Brien, McDonald, Smith-Jones.
NAME_PATTERN = r"(?:[A-Z]')?(?:Mc|Mac)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
NAME_AFTER_TITLE_RE = re.compile(rf"\b(?:{TITLES})\.?\s+({NAME_PATTERN}(?:\s+{NAME_PATTERN})?)\b")
TOKEN_RE = re.compile(rf"\b{NAME_PATTERN}\b")
SAFEGUARDING_RE = re.compile(
    r"\b(?:"
    r"kill(?:ing)? myself|end(?:ing)? my life|suicid\w*|self[- ]harm\w*|hurt(?:ing)? myself|"
    r"want to die|no reason to live|"
    r"(?:he|she|they|partner|husband|wife) (?:hits|beats|hurts|threatens) me|domestic (?:abuse|violence)|"
    r"not safe at home|afraid to go home|child (?:is )?at risk|sexual(?:ly)? (?:abused|assaulted)|"
    r"threatened to kill|being abused|still being (?:hit|abused|threatened)"
    r")\b",
    re.IGNORECASE,
)

# Forenames that are also ordinary words or places: a name only with a surname, a title or a cue word before.
AMBIGUOUS_FORENAMES = frozenset(
    """Will May Hope Grace Joy Faith Rose Mark Bill Sue Pat April June August Dawn Summer Autumn Winter Lily Iris
    Ruby Amber Holly Ivy Jack Frank Hazel Robin Ray Dean Miles Chase Max Art Sky Guy Victor Rich Sunny Sunday
    Monday Friday Blessing Precious Gift Favour Patience Promise Goodluck Charity Honour Mercy Harmony Destiny
    Justice Trinity Star Crystal Jade Pearl Daisy Poppy Heather Violet Fern Willow River Brook Brooke Storm Rain
    Sterling Carol Chester Lincoln Jordan Paris Austin Florence Georgia India Sydney Kent Don Penny Nick Kit
    Drew Reed Rod Gene Happy Royal Major Prince King Earl Duke Baron Basil Sage Ginger Cherry Olive Page Case
    Lane Bishop Hunter Mason Taylor Parker Carter Cooper Fisher Porter Walker Marshall Bay Cliff Dale Glen Heath
    Wade Chance Rusty Noble Young Long Hall Ward Wood Hill Green Brown White Black Gray Grey Lee Say Sonny Bob
    Bud Ali Asia Angel Beau Bell Belle Carmen Christian Clay Colt Cash Dallas Denver Dylan Eden Ellis Ember
    Gale Harley Jay Jewel Journey Legend Liberty London Lucky Madison Marina Marley Melody Memory Miracle
    Misty Nova Oakley Ocean Orion Phoenix Quinn Raven Reign Remy Rio Rowan Royce Ryder Sawyer Scout Shadow
    Shell Sierra Skye Snow Sol Spencer Tate Tiger True Tyler Unique Valentine Vale Wren Zion Hero Noel Christmas
    Easter Marsh Rowe Stone Banks Price Rice Power Best Little""".split()
)
# Capitalised words that are never a person's name here, and words after which a forename is a place.
NOT_NAMES = frozenset(
    """The This That These Those There Then They Their When What Where Which While Why How Who Our Your We You
    It Its If In On At Of For From To With Without And But Or Not No Yes Please Thank Thanks Dear Hello Hi
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
    September October November December Christmas Easter NHS Trust Hospital Hospitals Ward Wards Unit Team Teams
    Council Care Centre Center Street Road Lane Avenue Station Park House Court Infirmary Surgery Practice Medical
    Health Healthcare Primary School College University Square Clinic Service Services Board Covenant England
    Scotland Wales Ireland Britain British English Government Department Minister Secretary Band Agency Bank
    Staff Nurse Nurses Doctor Doctors Sister Matron Manager Managers Practitioner Practitioners Associate
    Associates Assistant Assistants Consultant Consultants Registrar Paramedic Paramedics Midwife Midwives Social
    Worker Workers Carer Carers Home Homes Community Mental Adult Adults Children Child Emergency Accident
    Department Intensive Acute General Royal Queen King Prince Princess Saint St Mount North South East West
    Central Covid Coronavirus Agenda Change Freedom Speak Up Guardian Integrated System Region Regional Local
    Authority Safeguarding Police Ambulance Fire Union Unison Unite College Royal Chief Executive Director
    Officer Lead Leads Head Deputy Senior Junior Student Students Trainee Training Day Night Shift Shifts""".split()
)
PLACE_AFTER = frozenset(
    {"St", "Saint", "Queen", "King", "Prince", "Princess", "Lady", "Royal", "Mount", "Port"}
)
PLACE_BEFORE = frozenset(
    "Hospital Ward Unit Street Road Lane Avenue House Court Centre Center Infirmary Surgery Practice School "
    "College University Park Square Station Building Wing Suite Clinic Hall Health Medical Trust".split()
)
# A capitalised word right after one of these is a name even if it is also an ordinary word: "my colleague Will".
NAME_CUES = frozenset(
    """called named colleague colleagues manager husband wife partner son daughter mum mother dad father friend
    sister brother nurse doctor carer supervisor midwife matron consultant registrar paramedic grandson
    granddaughter nan grandma grandad aunt uncle cousin boss mentor neighbour niece nephew""".split()
)


@dataclass(frozen=True)
class Flag:
    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        if self.kind == "safeguarding":
            return "Possible safeguarding disclosure"
        return RedactionReason(self.kind).label


# Forenames from these locales may stand alone ("Sarah was kind"); those only in the broad lists (the generic
# English one holds words such as "Lone" and "Meta") count only before a surname or after a cue.
CORE_LOCALES = ("en_GB", "en_IE", "en_IN", "en_NG", "en_PK", "en_KE", "en_NZ", "en_US")
LOCALES = (*CORE_LOCALES, "en", "ha_NG", "tw_GH", "pl_PL")


def _faker_names(locales: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    forenames: set[str] = set()
    surnames: set[str] = set()
    for locale in locales:
        provider = import_module(f"faker.providers.person.{locale}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            forenames.update(getattr(provider, attribute, ()))
        surnames.update(getattr(provider, "last_names", ()))
    clean = re.compile(rf"^{NAME_PATTERN}$")
    return (
        frozenset(name for name in forenames if clean.match(name)),
        frozenset(name for name in surnames if clean.match(name)),
    )


@lru_cache(maxsize=1)
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(forenames, surnames) from the person providers Faker ships, read offline (no network, no model)."""
    return _faker_names(LOCALES)


@lru_cache(maxsize=1)
def standalone_forenames() -> frozenset[str]:
    return _faker_names(CORE_LOCALES)[0] - ambiguous_forenames()


@lru_cache(maxsize=1)
def ambiguous_forenames() -> frozenset[str]:
    """Forenames that are also common English words: the list above and any in Faker's own English word list."""
    # Faker is imported when the lists are first built, not with this module: it takes about 0.1 s to load.
    from faker.providers.lorem.en_US import Provider as Words

    common = {word.capitalize() for word in Words.word_list}
    forenames, _ = name_lists()
    return AMBIGUOUS_FORENAMES | (forenames & common)


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number mod-11 check: weights 10..2 on the first nine digits; 11 - remainder is the check digit
    (11 becomes 0; 10 means the number can never be valid)."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False  # 000 000 0000 passes the arithmetic but is a placeholder, never a number
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


_PREVIOUS_WORD_RE = re.compile(r"([A-Za-z']+)[ \t]+$")


def _previous_word(text: str, start: int) -> str:
    match = _PREVIOUS_WORD_RE.search(text, max(0, start - 40), start)
    return match.group(1) if match else ""


def _name_spans(text: str) -> list[tuple[int, int]]:
    """Runs of capitalised words that look like a person's name (the title rule is applied separately)."""
    forenames, surnames = name_lists()
    ambiguous_words = ambiguous_forenames()
    standalone = standalone_forenames()
    tokens = [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]
    spans = []
    index = 0
    while index < len(tokens):
        start, end, word = tokens[index]
        previous = _previous_word(text, start)
        cued = previous.lower() in NAME_CUES and previous.islower()
        ambiguous = word in ambiguous_words
        if not (cued or word in forenames or ambiguous) or previous in PLACE_AFTER:
            index += 1  # a name starts with a forename or after a cue ("my colleague ...")
            continue
        run_end, last = end, index
        # Extend over surnames (or unknown capitalised words) that follow with a single space.
        while last + 1 < len(tokens):
            next_start, next_end, next_word = tokens[last + 1]
            if text[run_end:next_start] != " " or next_word in NOT_NAMES or next_word in PLACE_BEFORE:
                break
            if next_word not in surnames and next_word not in forenames and next_word in ambiguous_words:
                break
            run_end, last = next_end, last + 1
            if last - index >= 2:
                break
        followed_by_place = (
            last + 1 < len(tokens)
            and tokens[last + 1][2] in PLACE_BEFORE
            and text[run_end : tokens[last + 1][0]] == " "
        )
        if followed_by_place or (word in NOT_NAMES and not (cued and ambiguous)):
            index = last + 1
            continue
        forename_like = word in forenames or ambiguous
        if (forename_like and (last > index or cued)) or word in standalone or cued:
            spans.append((start, run_end))
        index = last + 1
    return spans


_LOWER_WORD_RE = re.compile(r"\b[a-z][a-z']*[a-z](?:-[a-z]+)?\b")
_TITLE_BEFORE_RE = re.compile(rf"\b(?:{TITLES})\.?[ \t]+$", re.IGNORECASE)
# Lower-case words that are never taken for a name, on top of Faker's English word list and the words above.
_LOWER_NOT_NAMES = frozenset(
    """a an and are as at be been but by can could did do does done for from had has have he her here him his i
    if in into is it its me my no not of on or our out she so than that the their them then there they this to
    too up us was we were what when where which who will with would yes you your said says told asked went got
    came left right ward bay bed day night shift team staff care nurse doctor sister matron home house road
    street lane hall wood hill green white black brown grey gray long young rich price power little best lord
    lady sir dame father mother just only also very more most much many some any all each every other""".split()
)


@lru_cache(maxsize=1)
def _lower_name_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(forenames, surnames, ambiguous) in lower case, without common English words (Faker's English word list
    and the lists above); `ambiguous` are the forenames that are also words ("grace"), names only before a
    surname."""
    # Faker is imported when the lists are first built, not with this module: it takes about 0.1 s to load.
    from faker.providers.lorem.en_US import Provider as Words

    forenames, surnames = name_lists()
    common = (
        {word.lower() for word in Words.word_list}
        | {word.lower() for word in NOT_NAMES | PLACE_BEFORE | NAME_CUES}
        | _LOWER_NOT_NAMES
    )
    return (
        frozenset(name.lower() for name in forenames) - common,
        frozenset(name.lower() for name in surnames) - common,
        frozenset(name.lower() for name in ambiguous_forenames()),
    )


def _lower_name_spans(text: str) -> list[tuple[int, int]]:
    """Names written in lower case: a known forename or surname after a title ("nurse priya patel", "mrs
    jones"), or a known forename followed by a known surname ("sarah jones", "grace nguyen")."""
    forenames, surnames, ambiguous = _lower_name_lists()
    tokens = [(m.start(), m.end(), m.group()) for m in _LOWER_WORD_RE.finditer(text)]
    spans = []
    index = 0
    while index < len(tokens):
        start, end, word = tokens[index]
        following = (
            tokens[index + 1] if index + 1 < len(tokens) and text[end : tokens[index + 1][0]] == " " else None
        )
        titled = _TITLE_BEFORE_RE.search(text, max(0, start - 20), start) is not None
        if following is not None and word in forenames and following[2] in surnames:
            spans.append((start, following[1]))  # a forename and a surname, after a title or not
            index += 2
            continue
        if titled and word not in ambiguous and (word in forenames or word in surnames):
            spans.append((start, end))
        index += 1
    return spans


def find_personal_data(text: str) -> list[Flag]:
    """Likely personal data in `text`, earliest first, without overlapping spans."""
    if not text:
        return []
    found: list[Flag] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if not _overlaps((start, end), taken):
            taken.append((start, end))
            found.append(Flag(kind, start, end, text[start:end]))

    for match in OBFUSCATED_EMAIL_RE.finditer(text):
        add("email", match.start(), match.end())
    for match in EMAIL_RE.finditer(text):
        add("email", match.start(), match.end())
    for match in NHS_NUMBER_RE.finditer(text):
        if nhs_number_is_valid("".join(match.groups())):
            add("nhs_number", match.start(), match.end())
    for match in PHONE_RE.finditer(text):
        add("phone", match.start(), match.end())
    for match in ADDRESS_RE.finditer(text):
        add("address", match.start(), match.end())
    for match in POSTCODE_RE.finditer(text):
        add("postcode", match.start(), match.end())
    for match in NAME_AFTER_TITLE_RE.finditer(text):
        start, end = match.start(1), match.end(1)
        first, _, second = match.group(1).partition(" ")
        if first in NOT_NAMES or first in PLACE_BEFORE:
            continue
        if second and (second in NOT_NAMES or second in PLACE_BEFORE):
            end = start + len(first)
        add("name", start, end)
    for start, end in _name_spans(text):
        add("name", start, end)
    for start, end in _lower_name_spans(text):
        add("name", start, end)
    return sorted(found, key=lambda flag: flag.start)


def find_safeguarding(text: str) -> list[Flag]:
    return [Flag("safeguarding", m.start(), m.end(), m.group()) for m in SAFEGUARDING_RE.finditer(text or "")]


def highlight(text: str, flags: list[Flag]) -> list[tuple[str, str]]:
    """Split text into (label, piece), label "" for unflagged pieces, so a template can mark flagged spans without
    marking up HTML itself. `flags` in order of their start; a flag overlapping the one before is left out."""
    pieces, cursor = [], 0
    for flag in flags:
        if flag.start < cursor:
            continue
        pieces.append(("", text[cursor : flag.start]))
        pieces.append((flag.label, text[flag.start : flag.end]))
        cursor = flag.end
    pieces.append(("", text[cursor:]))
    return [piece for piece in pieces if piece[1]]
