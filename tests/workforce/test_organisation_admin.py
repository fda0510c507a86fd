"""Organisations: the platform administrator adds, changes, deactivates and imports them from ODS files; a
deactivated organisation's records are out of its members' scope."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cms.accounts.models import AuditEvent
from demo.factories.workforce import OrganisationFactory
from workforce import selectors, services
from workforce.models import Organisation, OrganisationType, Region
from workforce.ods import display_name, organisations_import

pytestmark = pytest.mark.django_db

ODS = Path(__file__).resolve().parent.parent / "data" / "ods"


def ods_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (ODS / name).read_bytes(), content_type="text/csv")


@pytest.fixture
def platform_admin(make_user):
    return make_user("platform_admin", email="platform@ops.example")


def organisation_fields(**overrides):
    fields = {
        "name": "Synthetic Valley NHS Trust",
        "short_name": "Valley",
        "organisation_type": OrganisationType.NHS_TRUST,
        "region": Region.NORTH_WEST,
        "ods_code": "ZV1",
        "cqc_provider_id": "",
        "local_authority_code": "",
        "icb": None,
    }
    return {**fields, **overrides}


# --- services ---------------------------------------------------------------------------------------------------


def test_platform_admin_creates_changes_and_deactivates_an_organisation(platform_admin):
    organisation = services.organisation_create(actor=platform_admin, **organisation_fields())
    assert organisation.sector == "health"
    assert AuditEvent.objects.get(action="organisation.created").actor == platform_admin

    services.organisation_update(
        actor=platform_admin,
        organisation=organisation,
        **organisation_fields(organisation_type=OrganisationType.LOCAL_AUTHORITY, ods_code="ZV2"),
    )
    organisation.refresh_from_db()
    assert (organisation.sector, organisation.ods_code) == ("social_care", "ZV2")
    changed = AuditEvent.objects.get(action="organisation.changed")
    assert changed.detail["changed"]["ods_code"] == ["ZV1", "ZV2"]

    with pytest.raises(ValidationError) as exc:
        services.organisation_set_active(actor=platform_admin, organisation=organisation, active=False)
    assert "reason" in exc.value.message_dict
    services.organisation_set_active(
        actor=platform_admin, organisation=organisation, active=False, reason="Merged"
    )
    organisation.refresh_from_db()
    assert not organisation.is_active
    assert AuditEvent.objects.get(action="organisation.deactivated").detail == {"reason": "Merged"}


def test_duplicate_ods_code_and_name_are_refused_beside_their_fields(platform_admin, organisation):
    before = Organisation.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(
            actor=platform_admin, **organisation_fields(ods_code="RV9", name=organisation.name.upper())
        )
    errors = exc.value.message_dict
    assert errors["ods_code"] == [f"{organisation.name} already has the ODS code RV9"]
    assert errors["name"] == ["Another organisation already has this name"]
    assert Organisation.objects.count() == before


def test_only_platform_admins_manage_organisations(make_user, organisation):
    for role in ("org_admin", "hr_admin", "analyst"):
        user = make_user(role, organisation=organisation)
        with pytest.raises(PermissionDenied):
            services.organisation_create(actor=user, **organisation_fields())
        with pytest.raises(PermissionDenied):
            services.organisation_set_active(actor=user, organisation=organisation, active=False, reason="x")


def test_a_deactivated_organisation_leaves_every_members_scope(make_user, organisation, platform_admin):
    hr = make_user("hr_admin", "incident_handler", organisation=organisation)
    assert selectors.hr_organisation_ids(user=hr) == [organisation.pk]
    assert list(selectors.organisations_for_user(user=hr, role="incident_handler")) == [organisation]

    services.organisation_set_active(
        actor=platform_admin, organisation=organisation, active=False, reason="Closed"
    )
    hr = type(hr).objects.get(pk=hr.pk)  # a new request
    assert selectors.hr_organisation_ids(user=hr) == []
    assert not selectors.organisations_for_user(user=hr).exists()


def test_a_deactivated_organisations_hr_screens_and_cases_are_closed(
    client, login, make_user, organisation, platform_admin
):
    hr = make_user("hr_admin", "incident_handler", organisation=organisation)
    login(hr)
    assert client.get(reverse("workforce:person_list")).status_code == 200
    services.organisation_set_active(
        actor=platform_admin, organisation=organisation, active=False, reason="Closed"
    )
    assert client.get(reverse("workforce:person_list")).status_code == 403


# --- the ODS import ---------------------------------------------------------------------------------------------


def test_names_in_capitals_read_as_names():
    assert display_name("SYNTHETIC VALLEY AND DALES NHS FOUNDATION TRUST") == (
        "Synthetic Valley and Dales NHS Foundation Trust"
    )
    assert display_name("St Aidan's Hospice") == "St Aidan's Hospice"


def test_dry_run_then_import_then_reimport_updates_by_code(platform_admin):
    icbs = organisations_import(upload=ods_file("eccg.csv"), kind="icbs", actor=platform_admin, dry_run=False)
    assert icbs.imported and sorted(icbs.created) == ["QZ1", "QZ2"]

    dry = organisations_import(upload=ods_file("etr.csv"), kind="trusts", actor=platform_admin, dry_run=True)
    assert dry.ok and not dry.imported and sorted(dry.created) == ["ZT1", "ZT2", "ZT3"]
    assert not Organisation.objects.filter(ods_code__startswith="ZT").exists(), "a dry run writes nothing"

    organisations_import(upload=ods_file("etr.csv"), kind="trusts", actor=platform_admin, dry_run=False)
    valley = Organisation.objects.get(ods_code="ZT1")
    assert valley.name == "Synthetic Valley University Hospitals NHS Foundation Trust"
    assert valley.organisation_type == OrganisationType.NHS_FOUNDATION_TRUST
    assert valley.region == Region.NORTH_EAST_YORKSHIRE
    assert valley.icb.ods_code == "QZ1"
    assert Organisation.objects.get(ods_code="ZT2").organisation_type == OrganisationType.AMBULANCE_TRUST

    again = organisations_import(
        upload=ods_file("etr_next_release.csv"), kind="trusts", actor=platform_admin, dry_run=False
    )
    assert again.created == ["ZT4"]
    assert sorted(again.updated) == ["ZT1", "ZT2"]
    assert again.deactivated == ["ZT2"]
    assert again.unchanged == 1
    assert Organisation.objects.filter(ods_code__startswith="ZT").count() == 4, "no duplicates"
    valley.refresh_from_db()
    assert valley.name == "Synthetic Valley and Dales University Hospitals NHS Foundation Trust"
    ambulance = Organisation.objects.get(ods_code="ZT2")
    assert not ambulance.is_active and ambulance.closed_on == datetime.date(2025, 3, 31)
    event = AuditEvent.objects.filter(action="organisation.imported").first()
    assert event.actor == platform_admin and event.detail["deactivated"] == ["ZT2"]


def test_councils_and_care_homes_take_their_type_and_sector(platform_admin):
    organisations_import(
        upload=ods_file("local_authorities.csv"),
        kind="local_authorities",
        actor=platform_admin,
        dry_run=False,
    )
    organisations_import(
        upload=ods_file("care_homes.csv"), kind="care_providers", actor=platform_admin, dry_run=False
    )
    council = Organisation.objects.get(ods_code="ZL001")
    assert (council.organisation_type, council.sector) == (OrganisationType.LOCAL_AUTHORITY, "social_care")
    closed_home = Organisation.objects.get(ods_code="ZC0002")
    assert closed_home.organisation_type == OrganisationType.CARE_PROVIDER and not closed_home.is_active


def test_dry_run_reports_every_error_by_row_and_column_and_the_import_writes_nothing(platform_admin):
    OrganisationFactory(name="Synthetic Fine NHS Trust", ods_code="ZX1")
    result = organisations_import(
        upload=ods_file("etr_with_errors.csv"), kind="trusts", actor=platform_admin, dry_run=False
    )
    assert not result.imported
    found = {(error.row, error.column, error.message) for error in result.errors}
    assert found == {
        (1, "Organisation code (column 1)", "Enter the organisation's ODS code"),
        (
            2,
            "Organisation code (column 1)",
            "Enter an ODS code of 3 to 6 capital letters and digits, like RXX or 8AB12",
        ),
        (3, "Name (column 2)", "Enter the organisation's name"),
        (4, "Open date (column 11)", "Enter the date as YYYYMMDD, like 20240401"),
        (4, "Close date (column 12)", "Enter the date as YYYYMMDD, like 20240401"),
        (5, "Name (column 2)", "Another organisation (ZX1) already has this name"),
        (6, "Organisation code (column 1)", "ODS code ZT7 is also on row 5"),
        (7, "Close date (column 12)", "The close date is before the open date"),
        (
            8,
            "whole row",
            "The ODS layout has at least 12 columns; this row has 3. Is this an ODS file, without a heading row?",
        ),
    }
    assert not Organisation.objects.filter(ods_code__startswith="ZT").exists()
    assert not AuditEvent.objects.filter(action="organisation.imported").exists()


def test_an_empty_or_non_csv_file_is_a_clear_error(platform_admin):
    empty = organisations_import(
        upload=SimpleUploadedFile("etr.csv", b""), kind="trusts", actor=platform_admin, dry_run=True
    )
    assert [(e.row, e.column, e.message) for e in empty.errors] == [(0, "file", "The file has no rows")]


def test_the_import_needs_a_platform_admin(make_user, organisation):
    with pytest.raises(PermissionDenied):
        organisations_import(
            upload=ods_file("etr.csv"), kind="trusts", actor=make_user("org_admin", organisation=organisation)
        )


# --- the screens ------------------------------------------------------------------------------------------------


def test_the_import_screen_shows_errors_then_imports(client, login, platform_admin):
    login(platform_admin)
    url = reverse("workforce:organisation_import")
    bad = client.post(url, {"kind": "trusts", "mode": "dry_run", "file": ods_file("etr_with_errors.csv")})
    assert bad.status_code == 400
    assert "8 problems found" in bad.content.decode()
    assert "ODS code ZT7 is also on row 5" in bad.content.decode()
    dry = client.post(url, {"kind": "icbs", "mode": "dry_run", "file": ods_file("eccg.csv")})
    assert "2 new organisations" in dry.content.decode()
    assert not Organisation.objects.filter(ods_code__startswith="QZ").exists()
    done = client.post(url, {"kind": "icbs", "mode": "import", "file": ods_file("eccg.csv")})
    assert done.status_code == 302
    assert Organisation.objects.filter(organisation_type="icb").count() == 2
    missing = client.post(url, {"mode": "import"})
    assert missing.status_code == 400


def test_the_create_screen_puts_a_duplicate_code_beside_its_field(
    client, login, platform_admin, organisation
):
    login(platform_admin)
    url = reverse("workforce:organisation_create")
    response = client.post(
        url, {"name": "Synthetic Dales NHS Trust", "organisation_type": "nhs_trust", "ods_code": "RV9"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ods_code"] == [
        f"{organisation.name} already has the ODS code RV9"
    ]
    assert not Organisation.objects.filter(name="Synthetic Dales NHS Trust").exists()
    bad_code = client.post(
        url, {"name": "Synthetic Dales NHS Trust", "organisation_type": "nhs_trust", "ods_code": "r-9"}
    )
    assert "ods_code" in bad_code.context["form"].errors
    created = client.post(
        url, {"name": "Synthetic Dales NHS Trust", "organisation_type": "nhs_trust", "ods_code": "ZD1"}
    )
    assert created.status_code == 302
    dales = Organisation.objects.get(ods_code="ZD1")
    assert created.url == reverse("workforce:organisation_detail", args=[dales.pk])


def test_the_edit_and_status_screens(client, login, platform_admin, organisation):
    login(platform_admin)
    edit = reverse("workforce:organisation_edit", args=[organisation.pk])
    page = client.get(edit)
    assert page.status_code == 200 and "Change the organisation" in page.content.decode()
    response = client.post(
        edit,
        {
            "name": organisation.name,
            "organisation_type": "nhs_foundation_trust",
            "ods_code": "RV9",
            "short_name": "Riverside",
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.short_name == "Riverside"
    status = reverse("workforce:organisation_status", args=[organisation.pk])
    refused = client.post(status, {"reason": ""})
    assert refused.status_code == 400
    assert "Enter why you are deactivating the organisation" in refused.content.decode()
    assert client.post(status, {"reason": "Merged"}).status_code == 302
    organisation.refresh_from_db()
    assert not organisation.is_active
    assert client.post(status, {}).status_code == 302
    organisation.refresh_from_db()
    assert organisation.is_active


def test_organisation_list_exports_are_audited_and_neutralised(client, login, platform_admin):
    OrganisationFactory(name="=1+1 Synthetic Trust", ods_code="ZQ1")
    login(platform_admin)
    response = client.get(reverse("workforce:organisation_list") + "?_export=csv")
    body = b"".join(response.streaming_content).decode()
    assert "'=1+1 Synthetic Trust" in body
    assert AuditEvent.objects.filter(action="organisation.exported").exists()


def test_an_organisation_added_by_hand_without_a_code_is_not_duplicated_by_an_import(platform_admin):
    OrganisationFactory(name="Synthetic Valley University Hospitals NHS Foundation Trust", ods_code="")
    result = organisations_import(
        upload=ods_file("etr.csv"), kind="trusts", actor=platform_admin, dry_run=False
    )
    assert not result.imported
    assert [(e.row, e.message) for e in result.errors] == [
        (
            1,
            "An organisation without an ODS code already has this name: give it its ODS code on its page, "
            "then import again",
        )
    ]
