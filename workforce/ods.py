"""Organisations imported from the NHS Organisation Data Service (ODS) standard files.

ODS publishes each kind of organisation as a CSV file without a heading row, in one fixed column order (the
"standard" layout of etr.csv for NHS trusts, eccg.csv and the ICB files, and the same layout for local
authorities and care providers): 1 organisation code, 2 name, 3 national grouping, 4 high level health
geography, 5-9 address lines, 10 postcode, 11 open date, 12 close date, then columns this import does not read.
Dates are YYYYMMDD. A dry run lists every problem as (row number, column, message); the import checks the whole
file again and writes nothing unless every row is valid. Organisations are matched by ODS code, so importing a
newer file updates them rather than adding them twice, and one with a close date on or before today is
deactivated (an import never reactivates one: that is a decision made on the organisation's page).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cms.access import require_permission
from cms.audit import audit

from .models import Organisation, OrganisationType, Region
from .models.organisations import ods_code_validator
from .roles import MANAGE_ORGANISATIONS

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MIN_COLUMNS = 12
CODE, NAME, NATIONAL_GROUPING, HEALTH_GEOGRAPHY, POSTCODE, OPEN_DATE, CLOSE_DATE = 0, 1, 2, 3, 9, 10, 11
COLUMN_NAMES = {
    CODE: "Organisation code (column 1)",
    NAME: "Name (column 2)",
    HEALTH_GEOGRAPHY: "High level health geography (column 4)",
    OPEN_DATE: "Open date (column 11)",
    CLOSE_DATE: "Close date (column 12)",
}
# NHS England regions, as the "national grouping" column codes them.
REGIONS = {
    "Y56": Region.LONDON,
    "Y58": Region.SOUTH_WEST,
    "Y59": Region.SOUTH_EAST,
    "Y60": Region.MIDLANDS,
    "Y61": Region.EAST,
    "Y62": Region.NORTH_WEST,
    "Y63": Region.NORTH_EAST_YORKSHIRE,
}
FILE_KINDS = (
    ("trusts", "NHS trusts (etr.csv)"),
    ("icbs", "Integrated care boards and sub-ICB locations (eccg.csv, the ICB files)"),
    ("local_authorities", "Local authorities (the ODS local authority file)"),
    ("care_providers", "Care providers and care homes (the ODS care home and independent provider files)"),
)
SMALL_WORDS = {"AND": "and", "OF": "of", "THE": "the", "FOR": "for", "IN": "in", "ON": "on"}
KEPT_UPPER = {"NHS", "ICB", "CIC", "UK", "GP", "CCG", "ICS", "LLP", "PLC"}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class OdsImportResult:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    unchanged: int = 0
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    code: str
    name: str
    region: str
    icb_code: str
    closed_on: datetime.date | None


def display_name(value: str) -> str:
    """ODS names are in capitals: "RIVERSIDE UNIVERSITY HOSPITALS NHS FOUNDATION TRUST" reads as "Riverside
    University Hospitals NHS Foundation Trust". A name already in mixed case is kept as it is."""
    value = " ".join(value.split())
    if value != value.upper():
        return value
    words = []
    for index, word in enumerate(value.split(" ")):
        if word in KEPT_UPPER:
            words.append(word)
        elif index and word in SMALL_WORDS:
            words.append(SMALL_WORDS[word])
        else:
            words.append("-".join(part.capitalize() for part in word.split("-")))
    return " ".join(words)


def organisation_type_for(kind: str, name: str) -> str:
    upper = name.upper()
    if kind == "trusts":
        if "AMBULANCE" in upper:
            return OrganisationType.AMBULANCE_TRUST
        if "FOUNDATION TRUST" in upper:
            return OrganisationType.NHS_FOUNDATION_TRUST
        return OrganisationType.NHS_TRUST
    return {
        "icbs": OrganisationType.INTEGRATED_CARE_BOARD,
        "local_authorities": OrganisationType.LOCAL_AUTHORITY,
        "care_providers": OrganisationType.CARE_PROVIDER,
    }[kind]


def _date(value: str) -> datetime.date | None | bool:
    """A YYYYMMDD date, None for a blank cell, False for anything else."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return False


def _read(upload) -> tuple[list[list[str]], list[RowError]]:
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return [], [RowError(0, "file", f"The file is larger than {MAX_BYTES // (1024 * 1024)}MB")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline="")) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        return [], [RowError(0, "file", f"The file is not a CSV file: {exc}")]
    if not rows:
        return [], [RowError(0, "file", "The file has no rows")]
    if len(rows) > MAX_ROWS:
        return [], [RowError(0, "file", f"The file has more than {MAX_ROWS:,} rows")]
    return rows, []


def _parse(rows: list[list[str]]) -> tuple[list[_Row], list[RowError]]:
    errors: list[RowError] = []
    parsed: list[_Row] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    names_in_use = {org.name.casefold(): org for org in Organisation.objects.only("name", "ods_code")}
    for number, cells in enumerate(rows, start=1):
        row_errors: list[RowError] = []
        if len(cells) < MIN_COLUMNS:
            errors.append(
                RowError(
                    number,
                    "whole row",
                    f"The ODS layout has at least {MIN_COLUMNS} columns; this row has {len(cells)}. "
                    "Is this an ODS file, without a heading row?",
                )
            )
            continue
        code = cells[CODE].strip().upper()
        name = display_name(cells[NAME])
        if not code:
            row_errors.append(RowError(number, COLUMN_NAMES[CODE], "Enter the organisation's ODS code"))
        else:
            try:
                ods_code_validator(code)
            except ValidationError as exc:
                row_errors.append(RowError(number, COLUMN_NAMES[CODE], exc.messages[0]))
            if code in seen_codes:
                row_errors.append(
                    RowError(number, COLUMN_NAMES[CODE], f"ODS code {code} is also on row {seen_codes[code]}")
                )
            seen_codes.setdefault(code, number)
        if not name:
            row_errors.append(RowError(number, COLUMN_NAMES[NAME], "Enter the organisation's name"))
        elif len(name) > 200:
            row_errors.append(RowError(number, COLUMN_NAMES[NAME], "The name is longer than 200 characters"))
        else:
            holder = names_in_use.get(name.casefold())
            if holder is not None and holder.ods_code != code:
                message = (
                    f"Another organisation ({holder.ods_code}) already has this name"
                    if holder.ods_code
                    else "An organisation without an ODS code already has this name: give it its ODS code on "
                    "its page, then import again"
                )
                row_errors.append(RowError(number, COLUMN_NAMES[NAME], message))
            if name.casefold() in seen_names:
                row_errors.append(
                    RowError(
                        number, COLUMN_NAMES[NAME], f"The same name is on row {seen_names[name.casefold()]}"
                    )
                )
            seen_names.setdefault(name.casefold(), number)
        opened, closed = _date(cells[OPEN_DATE]), _date(cells[CLOSE_DATE])
        for column, value in ((OPEN_DATE, opened), (CLOSE_DATE, closed)):
            if value is False:
                row_errors.append(
                    RowError(number, COLUMN_NAMES[column], "Enter the date as YYYYMMDD, like 20240401")
                )
        if opened and closed and closed < opened:
            row_errors.append(
                RowError(number, COLUMN_NAMES[CLOSE_DATE], "The close date is before the open date")
            )
        errors.extend(row_errors)
        if not row_errors:
            parsed.append(
                _Row(
                    number=number,
                    code=code,
                    name=name,
                    region=REGIONS.get(cells[NATIONAL_GROUPING].strip().upper(), ""),
                    icb_code=cells[HEALTH_GEOGRAPHY].strip().upper(),
                    closed_on=closed or None,
                )
            )
    return parsed, errors


@transaction.atomic
def organisations_import(*, upload, kind: str, actor, dry_run: bool = True) -> OdsImportResult:
    """Check (dry run) or import one ODS file of `kind` (FILE_KINDS)."""
    require_permission(actor, MANAGE_ORGANISATIONS)
    if kind not in dict(FILE_KINDS):
        raise ValidationError({"kind": "Choose what the file lists"})
    result = OdsImportResult()
    rows, result.errors = _read(upload)
    if result.errors:
        return result
    result.rows = len(rows)
    existing = {org.ods_code: org for org in Organisation.objects.select_for_update().exclude(ods_code="")}
    parsed, result.errors = _parse(rows)
    if result.errors:
        return result
    today = timezone.localdate()
    icbs = {
        code: org
        for code, org in existing.items()
        if org.organisation_type == OrganisationType.INTEGRATED_CARE_BOARD
    }
    to_save: list[tuple[Organisation, bool]] = []
    for row in parsed:
        organisation = existing.get(row.code)
        is_new = organisation is None
        closed = row.closed_on is not None and row.closed_on <= today
        values = {
            "name": row.name,
            "organisation_type": organisation_type_for(kind, row.name),
            "region": row.region or (organisation.region if organisation else ""),
            "closed_on": row.closed_on,
        }
        values["sector"] = OrganisationType.sector_for(values["organisation_type"])
        if is_new:
            organisation = Organisation(ods_code=row.code, is_active=not closed, **values)
            result.created.append(row.code)
        else:
            changed = [key for key, value in values.items() if getattr(organisation, key) != value]
            for key in changed:
                setattr(organisation, key, values[key])
            if closed and organisation.is_active:
                organisation.is_active = False
                result.deactivated.append(row.code)
                changed.append("is_active")
            if changed:
                result.updated.append(row.code)
            else:
                result.unchanged += 1
        organisation._ods_icb_code = row.icb_code
        to_save.append((organisation, is_new))
        if organisation.organisation_type == OrganisationType.INTEGRATED_CARE_BOARD:
            icbs[row.code] = organisation
    if dry_run:
        return result
    for organisation, _is_new in to_save:
        if organisation.pk is None or organisation.ods_code in result.updated:
            organisation.save()
    for organisation, _is_new in to_save:
        icb = icbs.get(organisation._ods_icb_code)
        if icb is not None and icb.pk != organisation.pk and organisation.icb_id != icb.pk:
            organisation.icb = icb
            organisation.save(update_fields=["icb"])
            if organisation.ods_code not in result.created and organisation.ods_code not in result.updated:
                result.updated.append(organisation.ods_code)
                result.unchanged -= 1
    result.imported = True
    audit(
        action="organisation.imported",
        actor=actor,
        object_type="workforce.organisation",
        summary=(
            f"Imported {result.rows} organisations from an ODS file: {len(result.created)} new, "
            f"{len(result.updated)} updated, {len(result.deactivated)} deactivated"
        ),
        detail={
            "kind": kind,
            "created": result.created,
            "updated": result.updated,
            "deactivated": result.deactivated,
        },
    )
    return result
