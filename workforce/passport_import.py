"""Bulk import of passport credentials from a CSV file with human column headings (`template_csv()` gives the
headings, the allowed values and an example row).

Each row names a person by their staff number at the issuing organisation or their work e-mail, and a check with
the evidence seen and the date. A dry run lists every error by row number (the heading is row 1) and column; the
import checks the whole file again and writes nothing unless every row is valid, in one transaction. Imported
credentials are recorded by the importer and wait, like any other, for a second person to verify them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cms.audit import audit

from .imports import choice_key, parse_date
from .models import Employment, Organisation, PassportCredential, Person
from .selectors.access import is_hr_admin
from .selectors.passport_holders import own_person_ids
from .selectors.people import people_visible_to
from .services.passport import OWN_CREDENTIAL, credential_validate
from .vocabulary import CredentialKind, DBSLevel, ProfessionalRegister

# (heading, credential field, what it takes)
COLUMNS = (
    ("Staff number", "staff_number", "The person's staff number at the issuing organisation, or leave blank"),
    ("Work e-mail", "work_email", "The person's work e-mail, if there is no staff number"),
    ("Check", "kind", "; ".join(str(label) for _, label in CredentialKind.choices)),
    ("DBS level", "dbs_level", "; ".join(str(label) for _, label in DBSLevel.choices)),
    ("On the DBS update service", "dbs_update_service", "Yes or No"),
    ("Professional register", "register", "; ".join(key.upper() for key, _ in ProfessionalRegister.choices)),
    ("Registration or certificate number", "reference", "Needed for a professional registration"),
    ("Training subject", "subject", "Needed for training"),
    ("Issued on", "issued_on", "A date, like 9/2/2026 or 2026-02-09"),
    ("Expires on", "expires_on", "A date, or blank if it does not expire"),
    ("Evidence seen", "evidence_seen", "What you saw, like DBS certificate"),
    ("Evidence seen on", "evidence_checked_on", "A date"),
)
HEADINGS = tuple(heading for heading, _, _ in COLUMNS)
FIELD_HEADING = {name: heading for heading, name, _ in COLUMNS}
EXAMPLE = (
    "RV9-001234",
    "",
    "DBS check",
    "Enhanced with barred list",
    "Yes",
    "",
    "001234567890",
    "",
    "9/2/2026",
    "",
    "DBS certificate",
    "9/2/2026",
)
MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
MAX_LENGTHS = {"reference": 60, "subject": 120, "evidence_seen": 255}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class CredentialImportResult:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def template_csv() -> str:
    """The headings and an example row; the import page lists what each column takes."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    writer.writerow(EXAMPLE)
    return out.getvalue()


def _read(upload) -> tuple[list[dict], list[RowError]]:
    if upload.size > MAX_BYTES:
        return [], [RowError(0, "", "The file must be smaller than 5MB")]
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(0, "", "The file must be a CSV file saved as UTF-8")]
    reader = csv.DictReader(io.StringIO(text))
    headings = [(h or "").strip() for h in (reader.fieldnames or [])]
    missing = [h for h in HEADINGS if h not in headings]
    if missing:
        return [], [
            RowError(1, ", ".join(missing), "The file is missing these columns: " + ", ".join(missing))
        ]
    rows = []
    try:
        for row in reader:
            rows.append({(k or "").strip(): (v or "").strip() for k, v in row.items() if k})
            if len(rows) > MAX_ROWS:
                return [], [
                    RowError(0, "", f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files")
                ]
    except csv.Error as exc:
        return [], [RowError(reader.line_num, "", f"Row {reader.line_num} could not be read ({exc})")]
    if not rows:
        return [], [RowError(0, "", "The file has no rows to import")]
    return rows, []


def _people(organisation: Organisation, rows: list[dict]) -> tuple[dict[str, int], dict[str, int]]:
    numbers = {r.get("Staff number", "") for r in rows} - {""}
    emails = {r.get("Work e-mail", "").lower() for r in rows} - {""}
    by_number = dict(
        Employment.objects.filter(employer=organisation, staff_number__in=numbers).values_list(
            "staff_number", "person_id"
        )
    )
    by_email = dict(Person.objects.filter(work_email__in=emails).values_list("work_email", "pk"))
    return by_number, by_email


def _parse(
    rows: list[dict], *, organisation: Organisation, visible: set[int], own: frozenset[int] = frozenset()
) -> tuple[list[dict], list[RowError]]:
    today = timezone.localdate()
    by_number, by_email = _people(organisation, rows)
    parsed, errors = [], []
    for index, raw in enumerate(rows):
        number = index + 2  # the heading is row 1, as a spreadsheet shows it
        row_errors = []

        def bad(name, message, _errors=row_errors, _number=number):
            _errors.append(RowError(_number, FIELD_HEADING.get(name, name), message))

        staff_number, email = raw.get("Staff number", ""), raw.get("Work e-mail", "").lower()
        person_id = by_number.get(staff_number) if staff_number else by_email.get(email) if email else None
        if not staff_number and not email:
            bad("staff_number", "Enter a staff number or a work e-mail")
        elif person_id is None or person_id not in visible:
            which = "staff_number" if staff_number else "work_email"
            bad(
                which,
                f"No one with this {'staff number' if staff_number else 'work e-mail'} works for {organisation.display_name}",
            )
        elif person_id in own:
            bad("staff_number" if staff_number else "work_email", OWN_CREDENTIAL)
        data = {
            "kind": choice_key(raw.get("Check", ""), CredentialKind.choices),
            "dbs_level": "",
            "register": "",
            "reference": raw.get("Registration or certificate number", ""),
            "subject": raw.get("Training subject", ""),
            "evidence_seen": raw.get("Evidence seen", ""),
        }
        if data["kind"] is None:
            bad("kind", "Enter one of: " + COLUMNS[2][2])
        if raw.get("DBS level"):
            data["dbs_level"] = choice_key(raw["DBS level"], DBSLevel.choices) or ""
            if not data["dbs_level"]:
                bad("dbs_level", "Enter one of: " + COLUMNS[3][2])
        update = raw.get("On the DBS update service", "").casefold()
        if update not in ("", "yes", "no"):
            bad("dbs_update_service", "Enter Yes or No")
        data["dbs_update_service"] = update == "yes"
        if raw.get("Professional register"):
            data["register"] = choice_key(raw["Professional register"], ProfessionalRegister.choices) or ""
            if not data["register"]:
                bad("register", "Enter one of: " + COLUMNS[5][2])
        for name in ("issued_on", "expires_on", "evidence_checked_on"):
            value = raw.get(FIELD_HEADING[name], "")
            data[name] = parse_date(value, DATE_FORMATS) if value else None
            if value and data[name] is None:
                bad(name, "Enter a real date, like 9/2/2026")
        for name, limit in MAX_LENGTHS.items():
            if len(data[name]) > limit:
                bad(name, f"Enter at most {limit} characters")
        if not row_errors:
            for name, messages in credential_validate(data=data, today=today).items():
                for message in messages:
                    bad(name, message)
        if row_errors:
            errors.extend(row_errors)
        else:
            parsed.append({**data, "person_id": person_id})
    return parsed, errors


def passport_credentials_import(
    *, upload, actor, organisation: Organisation, dry_run: bool
) -> CredentialImportResult:
    """Check (and unless `dry_run`, import) a file of credentials issued by `organisation`, where the actor must be
    HR administrator, for people the actor may see."""
    if not is_hr_admin(user=actor, organisation=organisation):
        raise PermissionDenied(
            "Only the issuing organisation's HR administrators can import its credentials."
        )
    visible = set(people_visible_to(user=actor).values_list("pk", flat=True))
    result = CredentialImportResult()
    rows, errors = _read(upload)
    result.rows = len(rows)
    if errors:
        result.errors = errors
        return result
    parsed, result.errors = _parse(
        rows, organisation=organisation, visible=visible, own=frozenset(own_person_ids(user=actor))
    )
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        now = timezone.now()
        credentials = [
            PassportCredential(issued_by=organisation, recorded_by=actor, recorded_at=now, **row)
            for row in parsed
        ]
        created = bulk_create_with_history(
            credentials, PassportCredential, batch_size=1000, default_user=actor
        )
        audit(
            action="workforce.credential.imported",
            actor=actor,
            object_type="workforce.passportcredential",
            summary=f"Imported {len(created)} credentials issued by {organisation.name}",
            detail={"organisation": organisation.pk, "rows": len(created)},
        )
    result.created = len(created)
    result.imported = True
    return result
