"""The import template a person downloads: the columns under their plain headings, one example row, and the
values each coded column allows (job roles, pay frameworks, contract types and sectors, and the codes of the
user's own organisations), as CSV or as an XLSX workbook with drop-down lists."""

from __future__ import annotations

import csv
import io

from cms.tables import neutralise

from .import_columns import COLUMNS, HEADINGS
from .models import Organisation, Sector
from .vocabulary import JOB_ROLE_STAFF_GROUP, ContractType, JobRole, PayFramework, StaffGroup


def organisation_code(organisation: Organisation) -> str:
    """The code the import knows the organisation by: ODS, else CQC provider ID, else local authority code."""
    return (
        organisation.ods_code
        or organisation.cqc_provider_id
        or organisation.local_authority_code
        or organisation.name
    )


def example_row(organisations: list[Organisation]) -> dict[str, str]:
    """A synthetic row (QQ is the NI prefix reserved for examples) at the user's first organisation."""
    code = organisation_code(organisations[0]) if organisations else "RXX"
    return {
        "ni_number": "QQ123456C",
        "first_name": "Alex",
        "last_name": "Example",
        "date_of_birth": "14/06/1988",
        "employer_code": code,
        "staff_number": "E100234",
        "contract_type": ContractType.PERMANENT.label,
        "employment_start": "01/04/2026",
        "post_number": "P-1001",
        "post_title": "Staff nurse, ward 7",
        "job_role": JobRole.STAFF_NURSE.label,
        "pay_framework": PayFramework.AFC.label,
        "pay_band": "5",
        "post_fte": "1",
        "work_organisation_code": code,
        "assignment_start": "01/04/2026",
        "assignment_end": "",
        "assignment_fte": "0.8",
    }


def allowed_values(organisations: list[Organisation]) -> dict[str, list[tuple[str, ...]]]:
    """Each coded column's values: a file may give the label (first) or the code."""
    return {
        "Job role": [
            (str(label), value, StaffGroup(JOB_ROLE_STAFF_GROUP[value]).label)
            for value, label in JobRole.choices
        ],
        "Pay framework": [(str(label), value) for value, label in PayFramework.choices],
        "Contract type": [(str(label), value) for value, label in ContractType.choices],
        "Sector": [(str(label), value) for value, label in Sector.choices],
        "Your organisations": [
            (o.display_name, organisation_code(o), o.get_sector_display()) for o in organisations
        ],
    }


def template_csv(*, organisations: list[Organisation]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([HEADINGS[code] for code in COLUMNS])
    example = example_row(organisations)
    writer.writerow([neutralise(example[code]) for code in COLUMNS])
    # utf-8-sig: Excel opens it as UTF-8; the importer reads it back the same way.
    return buffer.getvalue().encode("utf-8-sig")


VALUE_HEADINGS = {
    "Job role": ("Job role", "Code", "Staff group"),
    "Your organisations": ("Organisation", "Code", "Sector"),
}
LISTED = {"Job role": "job_role", "Pay framework": "pay_framework", "Contract type": "contract_type"}


def template_xlsx(*, organisations: list[Organisation]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "People and posts"
    sheet.append([HEADINGS[code] for code in COLUMNS])
    example = example_row(organisations)
    sheet.append([neutralise(example[code]) for code in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, code in enumerate(COLUMNS):
        sheet.column_dimensions[cell_letter(index)].width = max(14, len(HEADINGS[code]) + 2)
    values = workbook.create_sheet("Allowed values")
    column = 0
    for title, rows in allowed_values(organisations).items():
        headings = VALUE_HEADINGS.get(title, (title, "Code"))
        for offset, heading in enumerate(headings):
            cell = values.cell(row=1, column=column + offset + 1, value=heading)
            cell.font = Font(bold=True)
            values.column_dimensions[cell_letter(column + offset)].width = 28
        for number, row in enumerate(rows, start=2):
            for offset, value in enumerate(row):
                values.cell(row=number, column=column + offset + 1, value=neutralise(value))
        if title in LISTED and rows:
            letter = cell_letter(column)
            target = cell_letter(COLUMNS.index(LISTED[title]))
            validation = DataValidation(
                type="list",
                formula1=f"'Allowed values'!${letter}$2:${letter}${len(rows) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=title,
                error=f"Choose a {title.lower()} from the list on the Allowed values sheet",
            )
            sheet.add_data_validation(validation)
            validation.add(f"{target}2:{target}20001")
        column += len(headings) + 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cell_letter(index: int) -> str:
    """The spreadsheet column letter of a 0-based index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
