"""The columns the workforce import reads, by the headings a person sees, and the ESR-style staff extract.

A file is read in one of two layouts, recognised by its headings:

- **the template** (`HEADINGS`): one heading per column in plain words ("Employer ODS code"). The column
  codes of the first version of the import (`employer_code`) are still accepted, so old files keep working;
- **an ESR-style staff extract** (`ESR_HEADINGS`): the column names of an Electronic Staff Record staff in post
  report ("Employee Number", "Last Name", "Position Title", "Contracted WTE"...). Its rows are translated to
  the template's columns (`esr_row`), so the same checks apply to both.

Either way the importer works on rows keyed by column code, and reports each error under the heading the file
itself used.
"""

from __future__ import annotations

import re

from .vocabulary import AFC_BANDS, ContractType

HEADINGS = {
    "ni_number": "National Insurance number",
    "first_name": "First name",
    "last_name": "Last name",
    "date_of_birth": "Date of birth",
    "employer_code": "Employer ODS code",
    "staff_number": "Staff number",
    "contract_type": "Contract type",
    "employment_start": "Employment start date",
    "post_number": "Post number",
    "post_title": "Post title",
    "job_role": "Job role",
    "pay_framework": "Pay framework",
    "pay_band": "Pay band",
    "post_fte": "Post FTE",
    "work_organisation_code": "Place of work ODS code",
    "assignment_start": "Assignment start date",
    "assignment_end": "Assignment end date",
    "assignment_fte": "Assignment FTE",
}
COLUMNS = tuple(HEADINGS)

# ESR staff in post extract: heading -> the template column it fills. Position Number, Hire Date, Assignment
# End Date, Pay Framework and Place of Work are optional (see `esr_row`).
ESR_HEADINGS = {
    "Employee Number": "staff_number",
    "Assignment Number": "",
    "Last Name": "last_name",
    "First Name": "first_name",
    "Date of Birth": "date_of_birth",
    "NI Number": "ni_number",
    "Organisation": "employer_code",
    "Position Number": "post_number",
    "Position Title": "post_title",
    "Staff Group": "",
    "Job Role": "job_role",
    "Grade": "pay_band",
    "Assignment Category": "contract_type",
    "Hire Date": "employment_start",
    "Assignment Start Date": "assignment_start",
    "Assignment End Date": "assignment_end",
    "Contracted WTE": "assignment_fte",
    "Pay Framework": "pay_framework",
    "Place of Work": "work_organisation_code",
}
ESR_REQUIRED = (
    "Employee Number",
    "Last Name",
    "First Name",
    "Date of Birth",
    "NI Number",
    "Organisation",
    "Position Title",
    "Job Role",
    "Assignment Start Date",
    "Contracted WTE",
)
ESR_CONTRACT_TYPES = {
    "permanent": ContractType.PERMANENT,
    "fixed term temp": ContractType.FIXED_TERM,
    "fixed term": ContractType.FIXED_TERM,
    "bank": ContractType.BANK,
    "honorary": ContractType.HONORARY,
    "apprentice": ContractType.APPRENTICE,
}
_AFC_GRADE = re.compile(r"^(?:band\s*|xn0?|xr0?|afc\s*)?(\d[a-d]?)$", re.IGNORECASE)


def _fold(heading: str) -> str:
    return " ".join(heading.replace("_", " ").split()).casefold()


_TEMPLATE_BY_FOLDED = {_fold(h): code for code, h in HEADINGS.items()} | {
    _fold(code): code for code in COLUMNS
}
_ESR_BY_FOLDED = {_fold(h): h for h in ESR_HEADINGS}


def layout_of(headings: list[str]) -> str:
    """'esr' when the headings are an ESR extract's, else 'template'."""
    folded = {_fold(h) for h in headings}
    esr = sum(_fold(h) in folded for h in ESR_REQUIRED)
    return "esr" if esr > len(ESR_REQUIRED) // 2 else "template"


def template_columns(headings: list[str]) -> tuple[dict[str, str], list[str]]:
    """({file heading: column code}, [the headings of missing columns]) for a file in the template layout."""
    found = {h: _TEMPLATE_BY_FOLDED[_fold(h)] for h in headings if _fold(h) in _TEMPLATE_BY_FOLDED}
    missing = [HEADINGS[code] for code in COLUMNS if code not in found.values()]
    return found, missing


def esr_columns(headings: list[str]) -> tuple[dict[str, str], list[str]]:
    """({file heading: ESR heading}, [missing required ESR headings]) for an ESR extract."""
    found = {h: _ESR_BY_FOLDED[_fold(h)] for h in headings if _fold(h) in _ESR_BY_FOLDED}
    missing = [h for h in ESR_REQUIRED if h not in found.values()]
    return found, missing


def esr_row(values: dict[str, str]) -> dict[str, str]:
    """One ESR row (keyed by ESR heading) as a template row (keyed by column code).

    ESR names a position "number|title|..." when no Position Number column is given; an AfC grade reads
    "Band 5" or "XN05"; a contract is an Assignment Category; the hire date defaults to the assignment start.
    """
    row = {code: values.get(heading, "") for heading, code in ESR_HEADINGS.items() if code}
    title = row["post_title"]
    if not row["post_number"] and "|" in title:
        parts = [part.strip() for part in title.split("|")]
        row["post_number"], row["post_title"] = parts[0], parts[1] if len(parts) > 1 else ""
    grade = _AFC_GRADE.match(row["pay_band"].strip())
    if not row["pay_framework"]:
        row["pay_framework"] = "afc" if grade and grade.group(1).lower() in AFC_BANDS else "local"
    if row["pay_framework"].casefold() in ("afc", "agenda for change") and grade:
        row["pay_band"] = grade.group(1).lower()
    category = row["contract_type"].strip().casefold()
    row["contract_type"] = ESR_CONTRACT_TYPES.get(category, row["contract_type"])
    row["employment_start"] = row["employment_start"] or row["assignment_start"]
    # The extract gives the person's WTE, not the post's budget: a post is taken as one whole-time post.
    row["post_fte"] = "1"
    return row


def esr_heading_for(code: str) -> str:
    """The ESR heading an error in column `code` is reported under."""
    return next((h for h, c in ESR_HEADINGS.items() if c == code), HEADINGS.get(code, code))
