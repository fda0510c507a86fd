import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.accounts.models import AuditEvent
from demo.factories.workforce import (
    AssignmentFactory,
    EmploymentFactory,
    PostFactory,
)
from workforce import services
from workforce.matching import person_match_key
from workforce.models import Assignment, Employment, JointArrangement, Person, SectorMove
from workforce.vocabulary import (
    AssignmentKind,
    CredentialKind,
    CredentialStatus,
    LegalModel,
    MoveStatus,
    MoveType,
    PartnerRole,
    PostStatus,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def arrangement_data(trust, council, post, **overrides):
    data = {
        "title": "Integrated discharge lead",
        "post": post,
        "legal_model": LegalModel.JOINT_EMPLOYMENT,
        "status": "active",
        "employer": trust,
        "place_of_work": council,
        "funder": trust,
        "line_manager": "A. Manager",
        "line_manager_organisation": trust,
        "professional_supervisor": "B. Supervisor",
        "professional_supervisor_organisation": council,
        "purpose": "Faster discharge to social care",
        "s75_reference": "",
        "start_date": D(2026, 4, 1),
        "end_date": None,
        "review_date": D(2027, 4, 1),
    }
    data.update(overrides)
    return data


def partners_60_40(trust, council, funding=("60", "40"), time=("50", "50")):
    return [
        {
            "organisation": trust,
            "roles": [PartnerRole.EMPLOYER, PartnerRole.FUNDER, PartnerRole.LINE_MANAGEMENT],
            "funding_share": Decimal(funding[0]),
            "time_share": Decimal(time[0]),
        },
        {
            "organisation": council,
            "roles": [PartnerRole.HOST, PartnerRole.FUNDER, PartnerRole.PROFESSIONAL_SUPERVISION],
            "funding_share": Decimal(funding[1]),
            "time_share": Decimal(time[1]),
        },
    ]


class TestPersonMatching:
    def test_match_key_is_keyed_hash_and_normalised(self, settings):
        a = person_match_key(ni_number="qq 12 34 56 c", date_of_birth=D(1990, 1, 2), surname="O'Neil")
        b = person_match_key(ni_number="QQ123456C", date_of_birth=D(1990, 1, 2), surname="o neil")
        assert a == b and len(a) == 64
        settings.HASHING_KEY = "another-key"
        assert person_match_key(ni_number="QQ123456C", date_of_birth=D(1990, 1, 2), surname="oneil") != a

    def test_create_then_match_never_stores_ni_number(self):
        person, created = services.person_create_or_match(
            ni_number="QQ123456C", date_of_birth=D(1990, 1, 2), first_name="Ann", last_name="Lee"
        )
        again, created_again = services.person_create_or_match(
            ni_number="QQ 123456 C", date_of_birth=D(1990, 1, 2), first_name="Annie", last_name="LEE"
        )
        assert created and not created_again and again == person
        stored = " ".join(str(v) for v in Person.objects.values_list().get())
        assert "123456" not in stored

    def test_bad_ni_number(self):
        with pytest.raises(ValidationError) as exc:
            services.person_create_or_match(
                ni_number="12345", date_of_birth=D(1990, 1, 2), first_name="A", last_name="B"
            )
        assert "ni_number" in exc.value.message_dict


class TestAssignments:
    def test_overlapping_primary_assignment_refused(self, trust):
        employment = EmploymentFactory(employer=trust, start_date=D(2024, 1, 1))
        AssignmentFactory(employment=employment, start_date=D(2024, 1, 1), end_date=D(2024, 12, 31))
        other = PostFactory(organisation=trust)
        with pytest.raises(ValidationError, match="overlaps"):
            services.assignment_create(employment=employment, post=other, start_date=D(2024, 6, 1))
        services.assignment_create(employment=employment, post=other, start_date=D(2025, 1, 1))
        assert Assignment.objects.filter(person=employment.person).count() == 2

    def test_end_before_start(self, trust):
        employment = EmploymentFactory(employer=trust)
        with pytest.raises(ValidationError, match="end date"):
            services.assignment_create(
                employment=employment,
                post=PostFactory(organisation=trust),
                start_date=D(2025, 1, 1),
                end_date=D(2024, 1, 1),
            )


class TestJointArrangements:
    def test_create_60_40_with_history_and_audit(self, trust, council, hr_trust, joint_post):
        arrangement = services.joint_arrangement_create(
            actor=hr_trust,
            data=arrangement_data(trust, council, joint_post),
            partners=partners_60_40(trust, council),
        )
        shares = {p.organisation: p.funding_share for p in arrangement.partners.all()}
        assert shares == {trust: Decimal("60"), council: Decimal("40")}
        joint_post.refresh_from_db()
        assert joint_post.kind == "joint"
        assert arrangement.history.count() == 1
        assert AuditEvent.objects.filter(action="workforce.joint_arrangement.created").exists()

    @pytest.mark.parametrize(
        ("funding", "time", "message"),
        [
            (("60", "30"), ("50", "50"), "Funding shares must add up to 100%. They add up to 90%."),
            (("60", "40"), ("50", "50.5"), "Time shares must add up to 100%. They add up to 100.5%."),
            (("60.01", "40"), ("50", "50"), "They add up to 100.01%."),
        ],
    )
    def test_shares_must_total_exactly_100(
        self, trust, council, hr_trust, joint_post, funding, time, message
    ):
        with pytest.raises(ValidationError) as exc:
            services.joint_arrangement_create(
                actor=hr_trust,
                data=arrangement_data(trust, council, joint_post),
                partners=partners_60_40(trust, council, funding, time),
            )
        assert any(message in m for m in exc.value.message_dict["partners"])
        assert not JointArrangement.objects.exists()

    def test_user_must_be_hr_admin_of_employer(self, trust, council, hr_council, joint_post):
        with pytest.raises(ValidationError) as exc:
            services.joint_arrangement_create(
                actor=hr_council,
                data=arrangement_data(trust, council, joint_post),
                partners=partners_60_40(trust, council),
            )
        assert "not an HR administrator" in exc.value.message_dict["employer"][0]

    def test_roles_dates_and_partners_checked(self, trust, council, hr_trust, joint_post, care_provider):
        data = arrangement_data(
            trust,
            council,
            joint_post,
            place_of_work=care_provider,
            review_date=D(2025, 1, 1),
            end_date=D(2026, 1, 1),
        )
        with pytest.raises(ValidationError) as exc:
            services.joint_arrangement_create(
                actor=hr_trust, data=data, partners=partners_60_40(trust, council)
            )
        errors = exc.value.message_dict
        assert "place_of_work" in errors and "review_date" in errors and "end_date" in errors

    def test_update_changes_shares_and_keeps_history(self, trust, council, hr_trust, hr_council, joint_post):
        arrangement = services.joint_arrangement_create(
            actor=hr_trust,
            data=arrangement_data(trust, council, joint_post),
            partners=partners_60_40(trust, council),
        )
        with pytest.raises(PermissionDenied):
            services.joint_arrangement_update(
                arrangement=arrangement,
                actor=hr_council,
                data=arrangement_data(trust, council, joint_post),
                partners=partners_60_40(trust, council),
            )
        services.joint_arrangement_update(
            arrangement=arrangement,
            actor=hr_trust,
            data=arrangement_data(trust, council, joint_post, review_date=D(2027, 10, 1)),
            partners=partners_60_40(trust, council, ("70", "30")),
        )
        arrangement.refresh_from_db()
        assert arrangement.review_date == D(2027, 10, 1)
        assert arrangement.history.count() == 2
        partner = arrangement.partners.get(organisation=trust)
        assert partner.funding_share == Decimal("70") and partner.history.count() == 2


class TestAgreementDocuments:
    @pytest.fixture
    def arrangement(self, trust, council, hr_trust, joint_post):
        return services.joint_arrangement_create(
            actor=hr_trust,
            data=arrangement_data(trust, council, joint_post),
            partners=partners_60_40(trust, council),
        )

    def test_pdf_accepted(self, arrangement, hr_trust):
        upload = SimpleUploadedFile("agreement.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
        document = services.agreement_document_add(
            arrangement=arrangement, actor=hr_trust, kind="joint_agreement", title="Signed", upload=upload
        )
        assert document.content_type == "application/pdf" and document.size == upload.size

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("agreement.pdf", b"MZ\x90\x00 this is an executable"),
            ("agreement.exe", b"%PDF-1.7"),
            ("agreement.docx", b"PK\x03\x04 not really a zip"),
            ("empty.pdf", b""),
        ],
    )
    def test_content_checked_not_name(self, arrangement, hr_trust, name, content):
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        with pytest.raises(ValidationError) as exc:
            services.agreement_document_add(
                arrangement=arrangement, actor=hr_trust, kind="joint_agreement", title="Bad", upload=upload
            )
        assert "file" in exc.value.message_dict
        assert not arrangement.documents.exists()

    def test_too_big(self, arrangement, hr_trust):
        upload = SimpleUploadedFile(
            "big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
        )
        with pytest.raises(ValidationError, match="smaller than 10MB"):
            services.agreement_document_add(
                arrangement=arrangement, actor=hr_trust, kind="joint_agreement", title="Big", upload=upload
            )


class TestSectorMoves:
    def record(self, actor, person, from_post, **kwargs):
        kwargs.setdefault("move_type", MoveType.PERMANENT)
        kwargs.setdefault("effective_date", D(2026, 6, 1))
        kwargs.setdefault("reason", "Career progression into the NHS")
        return services.sector_move_record(actor=actor, person=person, from_post=from_post, **kwargs)

    def test_care_worker_moves_into_trust_reusing_dbs_and_training(
        self, care_worker, care_provider, trust, trust_post, hr_care, hr_trust, trust_rules
    ):
        from_post = care_worker.assignments.get().post
        move = self.record(
            hr_care,
            care_worker,
            from_post,
            to_organisation=trust,
            to_post=trust_post,
            offer_date=D(2026, 5, 4),
        )
        assert move.status == MoveStatus.RECORDED and move.days_offer_to_start == 28
        assert (move.from_sector, move.to_sector) == ("social_care", "health")
        with pytest.raises(PermissionDenied):
            services.sector_move_confirm(move=move, actor=hr_care)
        move = services.sector_move_confirm(move=move, actor=hr_trust)
        assert move.status == MoveStatus.CONFIRMED and move.confirmed_by == hr_trust
        assert {c.kind for c in move.credentials_reused.all()} == {
            CredentialKind.DBS,
            CredentialKind.TRAINING,
        }
        assert [c["check"] for c in move.checks_repeated] == ["Occupational health clearance"]
        old, new = care_worker.assignments.order_by("start_date")
        assert (
            old.end_date == D(2026, 5, 31)
            and new.start_date == D(2026, 6, 1)
            and new.work_organisation == trust
        )
        employments = Employment.objects.filter(person=care_worker).order_by("start_date")
        assert [e.employer for e in employments] == [care_provider, trust]
        assert employments[0].end_date == D(2026, 5, 31)
        from_post.refresh_from_db()
        assert from_post.status == PostStatus.VACANT
        assert move.credentials_reused.filter(status=CredentialStatus.ACCEPTED).count() == 2
        with pytest.raises(ValidationError, match="already been confirmed"):
            services.sector_move_confirm(move=move, actor=hr_trust)

    def test_expired_or_revoked_credentials_are_repeated(
        self, care_worker, trust, trust_post, hr_care, hr_trust, trust_rules
    ):
        care_worker.credentials.filter(kind=CredentialKind.DBS).update(status=CredentialStatus.REVOKED)
        care_worker.credentials.filter(kind=CredentialKind.TRAINING).update(expires_on=D(2026, 1, 1))
        move = self.record(
            hr_care,
            care_worker,
            care_worker.assignments.get().post,
            to_organisation=trust,
            to_post=trust_post,
        )
        move = services.sector_move_confirm(move=move, actor=hr_trust)
        assert move.credentials_reused.count() == 0
        reasons = " ".join(c["reason"] for c in move.checks_repeated)
        assert "revoked" in reasons and "expired" in reasons

    def test_from_must_be_current_post(self, care_worker, trust, trust_post, hr_care):
        with pytest.raises(ValidationError) as exc:
            self.record(hr_care, care_worker, trust_post, to_organisation=trust, to_post=trust_post)
        assert "is not Jo Pennant's current post" in exc.value.message_dict["from_post"][0]

    def test_sender_must_belong_to_from_organisation(self, care_worker, trust, trust_post, hr_trust):
        with pytest.raises(ValidationError) as exc:
            self.record(
                hr_trust,
                care_worker,
                care_worker.assignments.get().post,
                to_organisation=trust,
                to_post=trust_post,
            )
        assert "not an HR administrator at Harbourside" in exc.value.message_dict["from_post"][0]

    def test_dates_checked(self, care_worker, trust, trust_post, hr_care):
        with pytest.raises(ValidationError) as exc:
            self.record(
                hr_care,
                care_worker,
                care_worker.assignments.get().post,
                move_type=MoveType.SECONDMENT_START,
                to_organisation=trust,
                to_post=trust_post,
                offer_date=D(2026, 7, 1),
                end_date=D(2026, 5, 1),
            )
        errors = exc.value.message_dict
        assert errors["end_date"] == ["The end date must be after the start date"]
        assert errors["offer_date"] == ["The offer date must be on or before the start date"]
        assert not SectorMove.objects.exists()

    def test_overlap_with_later_assignment_and_pending_move(
        self, care_worker, care_provider, trust, trust_post, hr_care
    ):
        from_post = care_worker.assignments.get().post
        self.record(hr_care, care_worker, from_post, to_organisation=trust, to_post=trust_post)
        with pytest.raises(ValidationError, match="waiting for confirmation"):
            self.record(hr_care, care_worker, from_post, to_organisation=trust, to_post=trust_post)

    def test_to_post_must_be_at_to_organisation(self, care_worker, council, trust_post, hr_care):
        with pytest.raises(ValidationError) as exc:
            self.record(
                hr_care,
                care_worker,
                care_worker.assignments.get().post,
                to_organisation=council,
                to_post=trust_post,
            )
        assert "is not a post at" in exc.value.message_dict["to_post"][0]

    def test_secondment_start_extend_and_return_restores_home(
        self, care_worker, care_provider, trust, trust_post, hr_care, hr_trust
    ):
        home = care_worker.assignments.get()
        move = self.record(
            hr_care,
            care_worker,
            home.post,
            move_type=MoveType.SECONDMENT_START,
            to_organisation=trust,
            to_post=trust_post,
            end_date=D(2026, 11, 30),
        )
        services.sector_move_confirm(move=move, actor=hr_trust)
        seconded = Assignment.objects.get(person=care_worker, end_date__isnull=True)
        assert seconded.kind == AssignmentKind.SECONDED_IN and seconded.home_assignment == home
        assert seconded.employment == home.employment  # the employer does not change

        extend = self.record(
            hr_trust,
            care_worker,
            trust_post,
            move_type=MoveType.SECONDMENT_EXTEND,
            effective_date=D(2026, 11, 1),
            end_date=D(2027, 2, 28),
        )
        services.sector_move_confirm(move=extend, actor=hr_trust)
        seconded.refresh_from_db()
        assert seconded.planned_end_date == D(2027, 2, 28)

        back = self.record(
            hr_trust,
            care_worker,
            trust_post,
            move_type=MoveType.SECONDMENT_RETURN,
            effective_date=D(2027, 3, 1),
        )
        assert back.to_organisation == care_provider and back.to_post == home.post
        services.sector_move_confirm(move=back, actor=hr_care)
        restored = Assignment.objects.get(person=care_worker, end_date__isnull=True)
        assert restored.post == home.post and restored.employment == home.employment
        assert restored.start_date == D(2027, 3, 1) and restored.kind == home.kind
        home.refresh_from_db()
        assert home.end_date == D(2026, 5, 31)  # history kept, not overwritten

    def test_return_only_from_a_secondment(self, care_worker, hr_care):
        with pytest.raises(ValidationError, match="not a secondment"):
            self.record(
                hr_care, care_worker, care_worker.assignments.get().post, move_type=MoveType.SECONDMENT_RETURN
            )

    def test_leaver_takes_effect_at_once(self, care_worker, hr_care):
        move = self.record(
            hr_care,
            care_worker,
            care_worker.assignments.get().post,
            move_type=MoveType.LEAVER,
            destination_sector="health",
        )
        assert move.status == MoveStatus.CONFIRMED and move.to_sector == "health"
        assert care_worker.employments.get().end_date == D(2026, 5, 31)

    def test_leaver_needs_destination(self, care_worker, hr_care):
        with pytest.raises(ValidationError) as exc:
            self.record(hr_care, care_worker, care_worker.assignments.get().post, move_type=MoveType.LEAVER)
        assert "destination_sector" in exc.value.message_dict

    def test_joint_role_start(self, care_worker, trust, council, joint_post, hr_care, hr_trust):
        arrangement = services.joint_arrangement_create(
            actor=hr_trust,
            data=arrangement_data(trust, council, joint_post),
            partners=partners_60_40(trust, council),
        )
        move = self.record(
            hr_care,
            care_worker,
            care_worker.assignments.get().post,
            move_type=MoveType.JOINT_ROLE_START,
            joint_arrangement=arrangement,
        )
        assert move.to_post == joint_post and move.to_organisation == trust
        with pytest.raises(PermissionDenied):
            services.sector_move_confirm(move=move, actor=hr_care)
        services.sector_move_confirm(move=move, actor=hr_trust)
        joint = Assignment.objects.get(person=care_worker, end_date__isnull=True)
        assert joint.kind == AssignmentKind.JOINT_SHARE and joint.work_organisation == council
        assert joint.employment.employer == trust


def test_credential_revoke_needs_reason(care_worker, hr_care):
    credential = care_worker.credentials.first()
    with pytest.raises(ValidationError):
        services.passport_credential_set_status(credential=credential, actor=hr_care, status="revoked")
    services.passport_credential_set_status(
        credential=credential, actor=hr_care, status="revoked", reason="Lapsed"
    )
    credential.refresh_from_db()
    assert credential.status == "revoked" and credential.history.count() == 2


def test_afc_band_validated(trust):
    with pytest.raises(ValidationError):
        services.post_create(
            organisation=trust,
            reference="X1",
            title="Nurse",
            job_role="staff_nurse",
            pay_framework="afc",
            pay_band="11",
        )
    post = services.post_create(
        organisation=trust,
        reference="X1",
        title="Nurse",
        job_role="staff_nurse",
        pay_framework="afc",
        pay_band="8a",
    )
    assert post.staff_group == "nursing"
