import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from demo.factories.workforce import AssignmentFactory, EmploymentFactory, PostFactory
from workforce import services
from workforce.models import JointArrangement, SectorMove
from workforce.vocabulary import MoveStatus, MoveType

from .test_services import arrangement_data, partners_60_40

pytestmark = pytest.mark.django_db


def date_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def arrangement_post_data(trust, council, post, *, funding=("60", "40"), employer=None, **overrides):
    data = {
        "title": "Integrated discharge lead",
        "post_reference": post.reference,
        "legal_model": "joint_employment",
        "status": "active",
        "employer": (employer or trust).pk,
        "place_of_work": council.pk,
        "funder": trust.pk,
        "line_manager": "Ada Lovelace, head of discharge",
        "line_manager_organisation": trust.pk,
        "professional_supervisor": "Mary Seacole, principal social worker",
        "professional_supervisor_organisation": council.pk,
        "purpose": "Joined-up discharge",
        **date_fields("start_date", datetime.date(2026, 4, 1)),
        **date_fields("review_date", datetime.date(2027, 4, 1)),
        "partners-TOTAL_FORMS": "3",
        "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "8",
        "partners-0-organisation": trust.pk,
        "partners-0-roles": ["employer", "funder", "line_management"],
        "partners-0-funding_share": funding[0],
        "partners-0-time_share": "50",
        "partners-1-organisation": council.pk,
        "partners-1-roles": ["host", "funder", "professional_supervision"],
        "partners-1-funding_share": funding[1],
        "partners-1-time_share": "50",
        "partners-2-organisation": "",
        "partners-2-funding_share": "",
        "partners-2-time_share": "",
    }
    data.update(overrides)
    return data


class TestJointArrangementForms:
    def test_set_up_60_40(self, client, login, hr_trust, trust, council, joint_post):
        login(hr_trust)
        url = reverse("workforce:arrangement_create")
        assert b"Partner 4" in client.get(url).content
        response = client.post(url, arrangement_post_data(trust, council, joint_post))
        arrangement = JointArrangement.objects.get()
        assert response.status_code == 302 and response["Location"].endswith(f"/{arrangement.pk}/")
        page = client.get(response["Location"]).content.decode()
        assert "60%" in page and "40%" in page and "Mary Seacole" in page
        assert "Change history" in page

    def test_shares_not_100_shows_clear_error_and_writes_nothing(
        self, client, login, hr_trust, trust, council, joint_post
    ):
        login(hr_trust)
        response = client.post(
            reverse("workforce:arrangement_create"),
            arrangement_post_data(trust, council, joint_post, funding=("60", "30")),
        )
        assert response.status_code == 400
        assert "Funding shares must add up to 100%. They add up to 90%." in response.content.decode()
        assert "There is a problem" in response.content.decode()
        assert not JointArrangement.objects.exists()

    def test_organisation_user_does_not_belong_to(self, client, login, hr_trust, trust, council, joint_post):
        login(hr_trust)
        response = client.post(
            reverse("workforce:arrangement_create"),
            arrangement_post_data(trust, council, joint_post, employer=council),
        )
        assert response.status_code == 400
        form = response.context["form"]
        assert any("not an HR administrator at" in e for e in form.errors["employer"])

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"partners-0-funding_share": "abc"}, "partners-0-funding_share"),
            ({"partners-0-roles": []}, "partners-0-roles"),
            ({"start_date_day": "31", "start_date_month": "2"}, "start_date"),
            ({"review_date_day": ""}, "review_date"),
            ({"title": ""}, "title"),
            ({"post_reference": "NOPE"}, "post_reference"),
        ],
    )
    def test_bad_inputs_are_4xx_with_field_errors(
        self, client, login, hr_trust, trust, council, joint_post, overrides, field
    ):
        login(hr_trust)
        data = arrangement_post_data(trust, council, joint_post)
        data.update(overrides)
        response = client.post(reverse("workforce:arrangement_create"), data)
        assert response.status_code == 400
        assert f'id="id_{field}' in response.content.decode() or f"#id_{field}" in response.content.decode()
        assert not JointArrangement.objects.exists()

    def test_edit_keeps_field_history(self, client, login, hr_trust, trust, council, joint_post):
        login(hr_trust)
        client.post(
            reverse("workforce:arrangement_create"), arrangement_post_data(trust, council, joint_post)
        )
        arrangement = JointArrangement.objects.get()
        edit = reverse("workforce:arrangement_edit", args=[arrangement.pk])
        form_page = client.get(edit)
        assert form_page.context["formset"].initial[0]["funding_share"] == 60
        data = arrangement_post_data(
            trust, council, joint_post, funding=("70", "30"), title="Discharge lead (joint)"
        )
        data["partners-INITIAL_FORMS"] = "0"
        assert client.post(edit, data).status_code == 302
        page = client.get(reverse("workforce:arrangement_detail", args=[arrangement.pk])).content.decode()
        assert "Integrated discharge lead" in page and "Discharge lead (joint)" in page  # old and new title
        assert "hr@trust.example" in page
        assert "70%" in page

    def test_upload_agreement_document(self, client, login, hr_trust, hr_council, trust, council, joint_post):
        arrangement = services.joint_arrangement_create(
            actor=hr_trust,
            data=arrangement_data(trust, council, joint_post),
            partners=partners_60_40(trust, council),
        )
        url = reverse("workforce:arrangement_detail", args=[arrangement.pk])
        login(hr_trust)
        bad = client.post(
            url,
            {"kind": "joint_agreement", "title": "Sneaky", "file": SimpleUploadedFile("a.pdf", b"<script>")},
        )
        assert bad.status_code == 400 and "must be a PDF" in bad.content.decode()
        good = client.post(
            url,
            {
                "kind": "joint_agreement",
                "title": "Signed agreement",
                "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
            },
        )
        assert good.status_code == 302
        document = arrangement.documents.get()
        download = client.get(reverse("workforce:agreement_document", args=[arrangement.pk, document.pk]))
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
        login(hr_council)  # a partner can read the documents but not add them
        assert (
            client.get(
                reverse("workforce:agreement_document", args=[arrangement.pk, document.pk])
            ).status_code
            == 200
        )
        assert client.post(url, {"kind": "mou", "title": "x"}).status_code == 403


class TestMoveForms:
    def test_record_and_confirm_with_passport(
        self, client, login, hr_care, hr_trust, care_worker, trust, trust_post, trust_rules
    ):
        login(hr_care)
        url = reverse("workforce:move_record", args=[care_worker.pk])
        from_post = care_worker.assignments.get().post
        response = client.post(
            url,
            {
                "move_type": MoveType.PERMANENT,
                "from_post": from_post.pk,
                "to_organisation": trust.pk,
                "to_post_reference": "t-hca-1",
                "reason": "Wants to train as a nursing associate",
                **date_fields("offer_date", datetime.date(2026, 5, 1)),
                **date_fields("effective_date", datetime.date(2026, 6, 1)),
            },
        )
        move = SectorMove.objects.get()
        assert response.status_code == 302
        detail = client.get(reverse("workforce:move_detail", args=[move.pk])).content.decode()
        assert "Reused from the passport" in detail and "Not on the passport" in detail
        assert "Confirm arrival" not in detail  # the sending side cannot confirm
        login(hr_trust)
        assert (
            "Confirm arrival" in client.get(reverse("workforce:move_detail", args=[move.pk])).content.decode()
        )
        confirmed = client.post(
            reverse("workforce:move_confirm", args=[move.pk]), follow=True
        ).content.decode()
        assert "2 checks reused from the passport, 1 to repeat" in confirmed
        move.refresh_from_db()
        assert move.status == MoveStatus.CONFIRMED and move.days_offer_to_start == 31
        timeline = client.get(reverse("workforce:person_detail", args=[care_worker.pk])).content.decode()
        assert timeline.index("Permanent move") < timeline.index("Employed by Harbourside")  # newest first

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"from_post": "OTHER"}, "from_post", "is not Jo Pennant&#x27;s current post"),
            (
                {"move_type": "secondment_start", **date_fields("end_date", datetime.date(2026, 5, 1))},
                "end_date",
                "The end date must be after the start date",
            ),
            ({"to_post_reference": "NOPE"}, "to_post_reference", "There is no post number NOPE"),
            ({"effective_date_day": "32"}, "effective_date", "Enter a real date"),
            ({"reason": ""}, "reason", "required"),
            (
                {"move_type": "joint_role_start", "joint_arrangement_number": "999"},
                "joint_arrangement_number",
                "There is no active joint arrangement number 999",
            ),
            (
                {"move_type": "joint_role_start", "to_organisation": "", "to_post_reference": ""},
                "joint_arrangement_number",
                "Choose the joint arrangement",
            ),
        ],
    )
    def test_bad_moves(
        self, client, login, hr_care, care_worker, care_provider, trust, trust_post, overrides, field, message
    ):
        other = PostFactory(organisation=care_provider, reference="H-OTHER")
        login(hr_care)
        data = {
            "move_type": MoveType.PERMANENT,
            "from_post": care_worker.assignments.get().post.pk,
            "to_organisation": trust.pk,
            "to_post_reference": "T-HCA-1",
            "reason": "Career move",
            **date_fields("effective_date", datetime.date(2026, 6, 1)),
        }
        data.update(overrides)
        if data["from_post"] == "OTHER":
            data["from_post"] = other.pk
        response = client.post(reverse("workforce:move_record", args=[care_worker.pk]), data)
        assert response.status_code == 400
        assert response.context["form"].errors[field]
        assert message in response.content.decode()
        assert not SectorMove.objects.exists()


class TestExports:
    def test_formulas_neutralised_and_filters_kept(
        self, client, login, hr_care, care_worker, trust, trust_post, care_provider
    ):
        services.sector_move_record(
            actor=hr_care,
            person=care_worker,
            move_type=MoveType.LEAVER,
            from_post=care_worker.assignments.get().post,
            destination_sector="health",
            effective_date=datetime.date(2026, 6, 1),
            reason="=1+1",
        )
        other = EmploymentFactory(employer=care_provider)
        AssignmentFactory(employment=other)
        services.sector_move_record(
            actor=hr_care,
            person=other.person,
            move_type=MoveType.LEAVER,
            from_post=other.assignments.get().post,
            destination_sector="retired",
            effective_date=datetime.date(2026, 6, 1),
            reason="Retirement",
        )
        login(hr_care)
        url = reverse("workforce:move_list") + "?to_sector=health&_export=csv"
        response = client.get(url)
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        assert len(rows) == 2  # header and the one filtered row
        assert "'=1+1" in rows[1] and "=1+1" not in rows[1]
        response = client.get(reverse("workforce:move_list") + "?to_sector=health&_export=xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        values = [cell.value for cell in list(sheet.rows)[1]]
        assert "'=1+1" in values and sheet.max_row == 2

    def test_people_export_neutralises_names(self, client, login, hr_care, care_worker):
        care_worker.first_name = "=HYPERLINK(1)"
        care_worker.save()
        login(hr_care)
        body = b"".join(
            client.get(reverse("workforce:person_list") + "?_export=csv").streaming_content
        ).decode()
        assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body


@pytest.mark.parametrize(
    "url_name",
    ["workforce:person_list", "workforce:post_list", "workforce:arrangement_list", "workforce:move_list"],
)
def test_list_pages_use_constant_queries(
    client, login, hr_trust, trust, council, url_name, django_assert_max_num_queries
):
    def build(n):
        for _ in range(n):
            employment = EmploymentFactory(employer=trust)
            assignment = AssignmentFactory(employment=employment)
            arrangement = services.joint_arrangement_create(
                actor=hr_trust,
                data=arrangement_data(trust, council, assignment.post),
                partners=partners_60_40(trust, council),
            )
            to_post = PostFactory(organisation=trust)
            services.sector_move_record(
                actor=hr_trust,
                person=employment.person,
                move_type=MoveType.PERMANENT,
                from_post=assignment.post,
                to_organisation=trust,
                to_post=to_post,
                effective_date=datetime.date(2026, 6, 1),
                reason="Internal move",
                joint_arrangement=arrangement if False else None,
            )

    login(hr_trust)
    build(3)
    client.get(reverse(url_name))  # warm caches (sessions, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url_name)).status_code == 200
    build(22)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(url_name))
    assert response.status_code == 200 and len(response.context["table"].page.object_list) >= 25


class TestCredentialStatus:
    def test_issuer_revokes_with_reason(self, client, login, hr_care, care_worker):
        credential = care_worker.credentials.get(kind="dbs")
        login(hr_care)
        url = reverse("workforce:person_detail", args=[care_worker.pk])
        missing = client.post(url, {"credential": credential.pk, "status": "revoked", "status_reason": ""})
        assert missing.status_code == 400 and "Give the reason" in missing.content.decode()
        done = client.post(url, {"credential": credential.pk, "status": "revoked", "status_reason": "Barred"})
        assert done.status_code == 302
        credential.refresh_from_db()
        assert (credential.status, credential.status_reason) == ("revoked", "Barred")

    def test_other_organisations_cannot_change_it(
        self, client, login, hr_care, hr_trust, care_worker, trust, trust_post
    ):
        # After moving to the trust, the trust sees the person but not a form for credentials it did not issue.
        move = services.sector_move_record(
            actor=hr_care,
            person=care_worker,
            move_type=MoveType.PERMANENT,
            from_post=care_worker.assignments.get().post,
            to_organisation=trust,
            to_post=trust_post,
            effective_date=datetime.date(2026, 6, 1),
            reason="Career move",
        )
        services.sector_move_confirm(move=move, actor=hr_trust)
        login(hr_trust)
        url = reverse("workforce:person_detail", args=[care_worker.pk])
        assert "Change a credential" not in client.get(url).content.decode()
        credential = care_worker.credentials.get(kind="dbs")
        response = client.post(url, {"credential": credential.pk, "status": "revoked", "status_reason": "x"})
        assert response.status_code == 400
        credential.refresh_from_db()
        assert credential.status != "revoked"


class TestAcceptanceRules:
    url = "/workforce/passport-rules/"

    def test_add_and_remove_rule(self, client, login, hr_trust, trust):
        login(hr_trust)
        response = client.post(
            self.url,
            {
                "organisation": trust.pk,
                "kind": "dbs",
                "minimum_dbs_level": "enhanced",
                "requires_update_service": "on",
                "accepted_issuer_sectors": ["health", "social_care"],
            },
        )
        assert response.status_code == 302
        rule = trust.acceptance_rules.get()
        assert rule.accepted_issuer_sectors == ["health", "social_care"] and rule.requires_update_service
        assert "Enhanced or higher" in client.get(self.url).content.decode()
        assert client.post(self.url, {"delete": rule.pk}).status_code == 302
        assert not trust.acceptance_rules.exists()

    def test_bad_rules(self, client, login, hr_trust, trust, council):
        login(hr_trust)
        wrong_org = client.post(self.url, {"organisation": council.pk, "kind": "identity"})
        assert wrong_org.status_code == 400 and wrong_org.context["form"].errors["organisation"]
        dbs_on_training = client.post(
            self.url, {"organisation": trust.pk, "kind": "training", "minimum_dbs_level": "enhanced"}
        )
        assert dbs_on_training.status_code == 400
        assert "apply only to DBS checks" in dbs_on_training.content.decode()
        assert not trust.acceptance_rules.exists()

    def test_cannot_remove_another_organisations_rule(self, client, login, hr_council, trust_rules):
        login(hr_council)
        assert client.post(self.url, {"delete": trust_rules[0].pk}).status_code == 404
