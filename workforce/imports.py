"""Bulk import of people, posts and assignments from our template or an ESR-style staff extract (CSV).

The columns and the two layouts are in `import_columns`.

A dry run lists every row's errors with its row number and column. The real import checks the whole file
again and writes nothing unless every row is valid, in one transaction.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from cms.audit import audit

from .import_columns import (
    COLUMNS,
    HEADINGS,
    esr_columns,
    esr_heading_for,
    esr_row,
    layout_of,
    template_columns,
)
from .matching import is_valid_ni_number, person_match_key
from .models import Assignment, Employment, Organisation, Person, Post
from .selectors.access import hr_organisation_ids
from .vocabulary import AFC_BANDS, JOB_ROLE_STAFF_GROUP, ContractType, JobRole, PayFramework, PostStatus

REQUIRED = (
    "ni_number",
    "first_name",
    "last_name",
    "date_of_birth",
    "employer_code",
    "employment_start",
    "post_number",
    "post_title",
    "job_role",
    "pay_framework",
    "assignment_start",
)
MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%b-%Y")
FAR_FUTURE = datetime.date(9999, 12, 31)


@dataclass
class RowError:
    row: int
    column: str  # the column code (`COLUMNS`)
    message: str
    heading: str = ""  # the column's heading in the file, as the person sees it


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    people_created: int = 0
    people_matched: int = 0
    posts_created: int = 0
    employments_created: int = 0
    assignments_created: int = 0
    imported: bool = False
    layout: str = "template"

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    match_key: str
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    employer: Organisation
    staff_number: str
    contract_type: str
    employment_start: datetime.date
    post_key: tuple[int, str]
    post_fields: dict
    work_organisation: Organisation
    start: datetime.date
    end: datetime.date | None
    fte: Decimal


def parse_date(value: str, formats: tuple[str, ...] = DATE_FORMATS) -> datetime.date | None:
    """The date a cell holds in one of `formats`, or None. The passport import reads its dates with it too."""
    for fmt in formats:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def choice_key(value: str, choices) -> str | None:
    """The key of the choice a cell names, by key or label, ignoring case; None if it names none."""
    lowered = value.strip().casefold()
    for key, label in choices:
        if lowered in (key.casefold(), str(label).casefold()):
            return key
    return None


def _fte(value: str, default: str = "1") -> Decimal | None:
    try:
        number = Decimal(value or default)
    except InvalidOperation:
        return None
    return (
        number
        if Decimal("0.01") <= number <= Decimal("1") and number == number.quantize(Decimal("0.01"))
        else None
    )


def _organisation_lookup() -> dict[str, Organisation]:
    lookup = {}
    for organisation in Organisation.objects.all():
        for code in (organisation.ods_code, organisation.cqc_provider_id, organisation.local_authority_code):
            if code:
                lookup[code.casefold()] = organisation
        lookup[organisation.name.casefold()] = organisation
    return lookup


def _organisation_find(organisations: dict[str, Organisation], value: str) -> Organisation | None:
    """By code or name; ESR names an organisation "<code> <name>", so the first word is tried as a code."""
    value = value.strip().casefold()
    return organisations.get(value) or organisations.get(value.split(" ", 1)[0]) if value else None


def _lower_first(heading: str) -> str:
    return heading if heading.startswith("National") else heading[0].lower() + heading[1:]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_reader(data: bytes) -> tuple[list[str], object] | None:
    """The first sheet of a workbook as (headings, rows of {heading: text}); None if it cannot be read."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        headings = [_cell(value) for value in next(rows, ())]
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same error to the person uploading it
        return None

    def records():
        try:
            for row in rows:
                if any(v not in (None, "") for v in row):
                    yield {h: _cell(v) for h, v in zip(headings, row, strict=False) if h}
        except Exception as exc:  # noqa: BLE001 - a workbook broken part-way is reported like a broken CSV
            raise csv.Error(f"the workbook could not be read: {exc.__class__.__name__}") from exc

    records = records()
    return headings, records


def read_csv(upload) -> tuple[list[dict], list[RowError], str]:
    """The rows of a CSV file or an XLSX workbook (its first sheet) as dicts keyed by column code, or a
    file-level error; and the layout ('template' or 'esr')."""
    if upload.size > MAX_BYTES:
        return [], [RowError(0, "", "The file must be smaller than 10MB")], "template"
    data = upload.read()
    if data.startswith(b"PK\x03\x04"):
        workbook = _xlsx_reader(data)
        if workbook is None:
            return (
                [],
                [RowError(0, "", "The file is not a spreadsheet we can read: save it as XLSX or CSV")],
                "template",
            )
        headings, reader = workbook
        headings = [h.strip() for h in headings]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [RowError(0, "", "The file must be a CSV file saved as UTF-8")], "template"
        reader = csv.DictReader(io.StringIO(text))
        headings = [h.strip() for h in (reader.fieldnames or [])]
    layout = layout_of(headings)
    found, missing = esr_columns(headings) if layout == "esr" else template_columns(headings)
    if missing:
        message = "The file is missing these columns: " + ", ".join(missing)
        return [], [RowError(1, ", ".join(missing), message, heading=", ".join(missing))], layout
    rows = []
    try:
        for raw in reader:
            values = {found[k.strip()]: (v or "").strip() for k, v in raw.items() if k and k.strip() in found}
            rows.append(esr_row(values) if layout == "esr" else values)
            if len(rows) > MAX_ROWS:
                message = f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files"
                return [], [RowError(0, "", message)], layout
    except csv.Error as exc:
        # A malformed file, or one cell longer than the csv module's field limit (131,072 characters).
        row = getattr(reader, "line_num", 0)
        message = (
            f"Row {row} could not be read: a cell is too long or the file is not a valid CSV file ({exc})"
        )
        return [], [RowError(row, "", message)], layout
    if not rows:
        return [], [RowError(0, "", "The file has no rows to import")], layout
    return rows, [], layout


def _validate(rows: list[dict], *, actor) -> tuple[list[_Row], list[RowError]]:
    organisations = _organisation_lookup()
    allowed = set(hr_organisation_ids(user=actor))
    parsed: list[_Row] = []
    errors: list[RowError] = []
    post_definitions: dict[tuple[int, str], tuple[int, dict]] = {}
    for index, raw in enumerate(rows):
        number = index + 2  # the heading is row 1, as a spreadsheet shows it
        row_errors: list[RowError] = []

        def bad(column, message, _errors=row_errors, _number=number):
            _errors.append(RowError(_number, column, message))

        for column in REQUIRED:
            if not raw.get(column):
                bad(column, f"Enter the {_lower_first(HEADINGS[column])}")
        if raw.get("ni_number") and not is_valid_ni_number(raw["ni_number"]):
            bad("ni_number", "Enter a National Insurance number in the right format, like QQ123456C")
        dates = {}
        for column in ("date_of_birth", "employment_start", "assignment_start", "assignment_end"):
            if raw.get(column):
                dates[column] = parse_date(raw[column])
                if dates[column] is None:
                    bad(column, "Enter a real date as YYYY-MM-DD or DD/MM/YYYY")
        employer = _organisation_find(organisations, raw.get("employer_code", ""))
        if raw.get("employer_code") and employer is None:
            bad("employer_code", f"No organisation has the code {raw['employer_code']}")
        elif employer is not None and employer.pk not in allowed:
            bad("employer_code", f"You are not an HR administrator at {employer.display_name}")
        work_code = raw.get("work_organisation_code", "")
        work_organisation = _organisation_find(organisations, work_code) if work_code else employer
        if work_code and work_organisation is None:
            bad("work_organisation_code", f"No organisation has the code {work_code}")
        contract_type = choice_key(raw.get("contract_type") or "permanent", ContractType.choices)
        if contract_type is None:
            bad("contract_type", "Enter a contract type: " + ", ".join(ContractType.values))
        job_role = choice_key(raw.get("job_role", ""), JobRole.choices) if raw.get("job_role") else None
        if raw.get("job_role") and job_role is None:
            bad("job_role", f"'{raw['job_role']}' is not a national job role")
        framework = (
            choice_key(raw.get("pay_framework", ""), PayFramework.choices)
            if raw.get("pay_framework")
            else None
        )
        if raw.get("pay_framework") and framework is None:
            bad("pay_framework", "Enter a pay framework: " + ", ".join(PayFramework.values))
        band = raw.get("pay_band", "")
        if framework == PayFramework.AFC and band.lower() not in AFC_BANDS:
            bad("pay_band", "Enter an Agenda for Change band: 1 to 9, or 8a to 8d")
        post_fte, fte = _fte(raw.get("post_fte", "")), _fte(raw.get("assignment_fte", ""))
        if post_fte is None:
            bad("post_fte", "Enter an FTE between 0.01 and 1, like 0.6")
        if fte is None:
            bad("assignment_fte", "Enter an FTE between 0.01 and 1, like 0.6")
        start, end = dates.get("assignment_start"), dates.get("assignment_end")
        if start and end and end < start:
            bad("assignment_end", "The assignment end date must be the same as or after its start date")
        if start and dates.get("employment_start") and start < dates["employment_start"]:
            bad("assignment_start", "The assignment cannot start before the employment")
        dob = dates.get("date_of_birth")
        if dob and (dob > datetime.date.today() - datetime.timedelta(days=365 * 15) or dob.year < 1900):
            bad("date_of_birth", "Enter a date of birth for someone aged 15 or over")

        if not row_errors and employer is not None:
            post_key = (employer.pk, raw["post_number"].casefold())
            post_fields = {
                "reference": raw["post_number"],
                "title": raw["post_title"],
                "job_role": job_role,
                "staff_group": JOB_ROLE_STAFF_GROUP[job_role],
                "pay_framework": framework,
                "pay_band": band.lower() if framework == PayFramework.AFC else band,
                "fte": post_fte,
            }
            first = post_definitions.setdefault(post_key, (number, post_fields))
            if first[1] != post_fields:
                bad("post_number", f"Post {raw['post_number']} is described differently on row {first[0]}")
        if row_errors:
            errors.extend(row_errors)
            continue
        parsed.append(
            _Row(
                number=number,
                match_key=person_match_key(
                    ni_number=raw["ni_number"], date_of_birth=dob, surname=raw["last_name"]
                ),
                first_name=raw["first_name"],
                last_name=raw["last_name"],
                date_of_birth=dob,
                employer=employer,
                staff_number=raw.get("staff_number", ""),
                contract_type=contract_type,
                employment_start=dates["employment_start"],
                post_key=post_key,
                post_fields=post_fields,
                work_organisation=work_organisation,
                start=start,
                end=end,
                fte=fte,
            )
        )
    errors.extend(_overlaps(parsed))
    return parsed, sorted(
        errors, key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99)
    )


def _overlaps(parsed: list[_Row]) -> list[RowError]:
    """Assignments may not overlap another primary assignment of the same person, in the file or already held."""
    periods: dict[str, list[tuple[datetime.date, datetime.date, str]]] = defaultdict(list)
    keys = list({row.match_key for row in parsed})
    for chunk_start in range(0, len(keys), 500):
        existing = Assignment.objects.filter(
            is_primary=True, person__match_key__in=keys[chunk_start : chunk_start + 500]
        ).values_list("person__match_key", "start_date", "end_date", "post__title")
        for key, start, end, title in existing:
            periods[key].append((start, end or FAR_FUTURE, f"their assignment to {title} already recorded"))
    errors = []
    for row in parsed:
        end = row.end or FAR_FUTURE
        clash = next((p for p in periods[row.match_key] if p[0] <= end and row.start <= p[1]), None)
        if clash is not None:
            errors.append(
                RowError(
                    row.number,
                    "assignment_start",
                    f"This assignment overlaps {clash[2]} from {clash[0]:%d/%m/%Y}",
                )
            )
            continue
        periods[row.match_key].append((row.start, end, f"row {row.number}"))
    return errors


def workforce_import(*, upload, actor, dry_run: bool) -> ImportResult:
    rows, errors, layout = read_csv(upload)
    result = ImportResult(rows=len(rows), errors=errors, layout=layout)
    if errors:
        return result
    parsed, result.errors = _validate(rows, actor=actor)
    heading_for = esr_heading_for if layout == "esr" else HEADINGS.get
    for error in result.errors:
        error.heading = heading_for(error.column) or error.column
    if result.errors or dry_run:
        _count(result, parsed, write=False)
        return result
    _write(result, parsed, actor=actor)
    return result


def _count(result: ImportResult, parsed: list[_Row], *, write: bool) -> None:
    keys = {row.match_key for row in parsed}
    known = set()
    key_list = list(keys)
    for i in range(0, len(key_list), 500):
        known.update(
            Person.objects.filter(match_key__in=key_list[i : i + 500]).values_list("match_key", flat=True)
        )
    result.people_created = len(keys - known)
    result.people_matched = len(keys & known)
    result.assignments_created = len(parsed)


@transaction.atomic
def _write(result: ImportResult, parsed: list[_Row], *, actor) -> None:
    """All or nothing: every row was valid, and everything is written in this one transaction."""
    keys = list({row.match_key for row in parsed})
    people: dict[str, Person] = {}
    for i in range(0, len(keys), 500):
        people.update(
            (p.match_key, p)
            for p in Person.objects.select_for_update().filter(match_key__in=keys[i : i + 500])
        )
    result.people_matched = len(people)
    new_people = {}
    for row in parsed:
        if row.match_key not in people and row.match_key not in new_people:
            new_people[row.match_key] = Person(
                match_key=row.match_key,
                first_name=row.first_name,
                last_name=row.last_name,
                date_of_birth=row.date_of_birth,
            )
    Person.objects.bulk_create(new_people.values(), batch_size=1000)
    # bulk_create gives primary keys on PostgreSQL and SQLite 3.35+, which is all we support.
    people.update(new_people)
    result.people_created = len(new_people)

    employer_ids = {row.employer.pk for row in parsed}
    posts = {
        (post.organisation_id, post.reference.casefold()): post
        for post in Post.objects.filter(organisation_id__in=employer_ids).filter(
            Q(reference__in={row.post_fields["reference"] for row in parsed})
        )
    }
    new_posts = {}
    for row in parsed:
        if row.post_key not in posts and row.post_key not in new_posts:
            new_posts[row.post_key] = Post(
                organisation=row.employer, status=PostStatus.FILLED, **row.post_fields
            )
    bulk_create_with_history(list(new_posts.values()), Post, batch_size=1000, default_user=actor)
    posts.update(new_posts)
    result.posts_created = len(new_posts)

    employments: dict[tuple, Employment] = {}
    person_ids = [p.pk for p in people.values()]
    for i in range(0, len(person_ids), 500):
        for employment in Employment.objects.filter(
            person_id__in=person_ids[i : i + 500], employer_id__in=employer_ids
        ):
            employments[(employment.person_id, employment.employer_id, employment.start_date)] = employment
    new_employments = {}
    for row in parsed:
        key = (people[row.match_key].pk, row.employer.pk, row.employment_start)
        if key not in employments and key not in new_employments:
            new_employments[key] = Employment(
                person=people[row.match_key],
                employer=row.employer,
                start_date=row.employment_start,
                staff_number=row.staff_number,
                contract_type=row.contract_type,
            )
    # Employments and assignments start their history at their first change; the import itself is audited.
    Employment.objects.bulk_create(list(new_employments.values()), batch_size=1000)
    employments.update(new_employments)
    result.employments_created = len(new_employments)

    assignments = [
        Assignment(
            employment=employments[(people[row.match_key].pk, row.employer.pk, row.employment_start)],
            person=people[row.match_key],
            post=posts[row.post_key],
            work_organisation=row.work_organisation,
            fte=row.fte,
            start_date=row.start,
            end_date=row.end,
        )
        for row in parsed
    ]
    Assignment.objects.bulk_create(assignments, batch_size=1000)
    result.assignments_created = len(assignments)
    result.imported = True
    audit(
        action="workforce.import.completed",
        actor=actor,
        object_type="workforce.person",
        summary=f"Imported {len(parsed)} rows: {result.people_created} new people, {result.posts_created} new posts",
        detail={
            "rows": len(parsed),
            "people_created": result.people_created,
            "people_matched": result.people_matched,
            "posts_created": result.posts_created,
            "assignments_created": result.assignments_created,
        },
    )
