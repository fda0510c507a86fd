"""The staff passport's services: recording with evidence, verification by a second person, the holder's answer,
share codes (random, hashed, expiring, one organisation, rate limited), revocation and expiry reaching every
organisation that relied on a credential, and expiry reminders sent once."""

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.accounts.models import AuditEvent
from demo.factories.workforce import PassportCredentialFactory
from workforce import services
from workforce.models import CredentialReliance, PassportCredential, PassportShare
from workforce.selectors.passport import passport_evaluate
from workforce.services.passport import error_code
from workforce.services.passport_shares import (
    CODE_ALPHABET,
    CODE_LENGTH,
    REDEEM_FAILURES_PER_HOUR,
    SHARE_LIFETIME,
    share_code_hash,
)
from workforce.tasks import passport_expiries_chase
from workforce.vocabulary import CredentialKind, CredentialStatus, DBSLevel, HolderResponse

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def dbs_data(**overrides):
    return {
        "kind": CredentialKind.DBS,
        "dbs_level": DBSLevel.ENHANCED_BARRED,
        "dbs_update_service": True,
        "reference": "001234567890",
        "issued_on": TODAY - datetime.timedelta(days=30),
        "evidence_seen": "DBS certificate",
        "evidence_checked_on": TODAY - datetime.timedelta(days=2),
        **overrides,
    }


@pytest.fixture
def hr_care_second(make_user, care_provider):
    return make_user("hr_admin", organisation=care_provider, email="hr2@care.example")


@pytest.fixture
def holder(make_user, care_worker, care_provider):
    care_worker.work_email = "jo.pennant@care.example"
    care_worker.save(update_fields=["work_email"])
    return make_user("incident_reporter", organisation=care_provider, email="jo.pennant@care.example")


def record(actor, person, organisation, **overrides):
    return services.passport_credential_record(
        actor=actor, person=person, organisation=organisation, data=dbs_data(**overrides)
    )


class TestRecordAndVerify:
    def test_hr_records_a_credential_with_evidence_and_date_that_waits_for_verification(
        self, hr_care, care_worker, care_provider
    ):
        credential = record(hr_care, care_worker, care_provider)
        assert credential.recorded_by == hr_care and credential.evidence_seen == "DBS certificate"
        assert credential.evidence_checked_on == TODAY - datetime.timedelta(days=2)
        assert not credential.is_verified
        assert AuditEvent.objects.filter(
            action="workforce.credential.recorded", object_id=str(credential.pk)
        ).exists()

    def test_the_one_who_recorded_it_cannot_verify_it(self, hr_care, care_worker, care_provider):
        credential = record(hr_care, care_worker, care_provider)
        with pytest.raises(ValidationError) as exc:
            services.passport_credential_verify(actor=hr_care, credential=credential)
        assert error_code(exc.value) == "same_person"
        credential.refresh_from_db()
        assert credential.verified_at is None and credential.verified_by is None

    def test_a_second_person_verifies(self, hr_care, hr_care_second, care_worker, care_provider):
        credential = record(hr_care, care_worker, care_provider)
        services.passport_credential_verify(actor=hr_care_second, credential=credential)
        credential.refresh_from_db()
        assert credential.verified_by == hr_care_second and credential.is_verified
        assert AuditEvent.objects.filter(
            action="workforce.credential.verified", actor=hr_care_second
        ).exists()
        with pytest.raises(ValidationError):
            services.passport_credential_verify(actor=hr_care_second, credential=credential)

    def test_the_database_refuses_a_verifier_who_recorded_it(self, hr_care, care_worker, care_provider):
        credential = record(hr_care, care_worker, care_provider)
        with pytest.raises(IntegrityError), transaction.atomic():
            PassportCredential.objects.filter(pk=credential.pk).update(
                verified_by=hr_care, verified_at=timezone.now()
            )

    def test_another_organisations_hr_can_neither_record_nor_verify(
        self, hr_care, hr_trust, care_worker, care_provider
    ):
        with pytest.raises(ValidationError):
            record(hr_trust, care_worker, care_provider)
        credential = record(hr_care, care_worker, care_provider)
        with pytest.raises(PermissionDenied):
            services.passport_credential_verify(actor=hr_trust, credential=credential)

    def test_an_unverified_credential_is_not_reused(
        self, hr_care, care_worker, care_provider, trust, trust_rules
    ):
        PassportCredential.objects.filter(person=care_worker).delete()
        record(hr_care, care_worker, care_provider)
        checks = passport_evaluate(person=care_worker, organisation=trust, job_role="", on_date=TODAY)
        assert not any(c.reused for c in checks)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"dbs_level": ""}, "dbs_level"),
            ({"kind": CredentialKind.IDENTITY}, "dbs_level"),
            ({"evidence_seen": " "}, "evidence_seen"),
            ({"evidence_checked_on": None}, "evidence_checked_on"),
            ({"evidence_checked_on": TODAY + datetime.timedelta(days=1)}, "evidence_checked_on"),
            ({"issued_on": TODAY + datetime.timedelta(days=1)}, "issued_on"),
            ({"expires_on": TODAY - datetime.timedelta(days=60)}, "expires_on"),
            (
                {
                    "kind": CredentialKind.PROFESSIONAL_REGISTRATION,
                    "dbs_level": "",
                    "dbs_update_service": False,
                },
                "register",
            ),
            (
                {
                    "kind": CredentialKind.PROFESSIONAL_REGISTRATION,
                    "dbs_level": "",
                    "dbs_update_service": False,
                    "register": "nmc",
                    "reference": "",
                },
                "reference",
            ),
            ({"kind": CredentialKind.TRAINING, "dbs_level": "", "dbs_update_service": False}, "subject"),
            ({"register": "nmc"}, "register"),
        ],
    )
    def test_bad_details_are_refused_by_field_and_write_nothing(
        self, hr_care, care_worker, care_provider, overrides, field
    ):
        before = PassportCredential.objects.count()
        with pytest.raises(ValidationError) as exc:
            record(hr_care, care_worker, care_provider, **overrides)
        assert field in exc.value.message_dict
        assert PassportCredential.objects.count() == before

    def test_a_professional_registration_has_register_number_and_expiry(
        self, hr_care, care_worker, care_provider
    ):
        credential = record(
            hr_care,
            care_worker,
            care_provider,
            kind=CredentialKind.PROFESSIONAL_REGISTRATION,
            dbs_level="",
            dbs_update_service=False,
            register="nmc",
            reference="12A3456E",
            expires_on=TODAY + datetime.timedelta(days=300),
        )
        assert (
            credential.description
            == "Professional registration (Nursing and Midwifery Council (NMC) 12A3456E)"
        )


class TestHolder:
    def test_the_holder_accepts_or_rejects_with_a_reason_and_the_issuer_is_told(
        self, holder, care_worker, hr_care, django_capture_on_commit_callbacks
    ):
        credential = care_worker.credentials.get(kind=CredentialKind.DBS)
        with pytest.raises(ValidationError) as exc:
            services.passport_credential_respond(actor=holder, credential=credential, response="rejected")
        assert "reason" in exc.value.message_dict
        with django_capture_on_commit_callbacks(execute=True):
            services.passport_credential_respond(
                actor=holder, credential=credential, response="rejected", reason="The level is wrong"
            )
        credential.refresh_from_db()
        assert credential.holder_response == HolderResponse.REJECTED
        assert [m.to for m in mail.outbox] == [[hr_care.email]]
        assert "rejected" in mail.outbox[0].subject
        assert AuditEvent.objects.filter(action="workforce.credential.holder_rejected", actor=holder).exists()

    def test_a_rejected_credential_is_not_reused(self, holder, care_worker, trust, trust_rules):
        credential = care_worker.credentials.get(kind=CredentialKind.DBS)
        services.passport_credential_respond(
            actor=holder, credential=credential, response="rejected", reason="x"
        )
        checks = passport_evaluate(person=care_worker, organisation=trust, job_role="", on_date=TODAY)
        dbs = next(c for c in checks if c.rule.kind == CredentialKind.DBS)
        assert not dbs.reused and dbs.reason == "Not on the passport"

    def test_nobody_else_answers_for_the_holder(self, make_user, hr_care, care_worker):
        credential = care_worker.credentials.get(kind=CredentialKind.DBS)
        for someone in (hr_care, make_user(email="someone@else.example")):
            with pytest.raises(PermissionDenied):
                services.passport_credential_respond(
                    actor=someone, credential=credential, response="accepted"
                )


class TestShareCodes:
    def test_a_code_is_random_shown_once_and_stored_only_as_its_keyed_hash(self, holder, trust):
        first = services.passport_share_create(actor=holder, organisation=trust)
        second = services.passport_share_create(actor=holder, organisation=trust)
        assert first.code != second.code
        assert len(first.code) == CODE_LENGTH and set(first.code) <= set(CODE_ALPHABET)
        share = PassportShare.objects.get(pk=first.share.pk)
        assert share.code_hash == share_code_hash(first.code) and first.code not in share.code_hash
        stored = " ".join(str(v) for v in PassportShare.objects.values_list().get(pk=share.pk))
        assert first.code not in stored
        assert share.expires_at == pytest.approx(
            timezone.now() + SHARE_LIFETIME, abs=datetime.timedelta(minutes=1)
        )
        for audit in AuditEvent.objects.filter(action="workforce.passport_share.created"):
            assert first.code not in str(audit.detail) + audit.summary

    def test_the_receiver_redeems_once_and_sees_what_it_reuses(
        self, holder, care_worker, trust, hr_trust, trust_rules
    ):
        new = services.passport_share_create(actor=holder, organisation=trust)
        share = services.passport_share_redeem(actor=hr_trust, code=new.display_code.lower())
        assert share.redeemed_by == hr_trust
        reused = set(
            CredentialReliance.objects.filter(organisation=trust).values_list("credential__kind", flat=True)
        )
        assert reused == {CredentialKind.DBS, CredentialKind.TRAINING}
        with pytest.raises(ValidationError) as exc:
            services.passport_share_redeem(actor=hr_trust, code=new.code)
        assert error_code(exc.value) == "used"

    def test_an_expired_code_is_refused(self, holder, trust, hr_trust, monkeypatch):
        new = services.passport_share_create(actor=holder, organisation=trust)
        later = timezone.now() + SHARE_LIFETIME + datetime.timedelta(seconds=1)
        monkeypatch.setattr(timezone, "now", lambda: later)
        with pytest.raises(ValidationError) as exc:
            services.passport_share_redeem(actor=hr_trust, code=new.code)
        assert error_code(exc.value) == "expired"
        assert PassportShare.objects.get().redeemed_at is None

    def test_a_code_works_only_for_its_organisation(self, holder, trust, council, hr_council):
        new = services.passport_share_create(actor=holder, organisation=trust)
        with pytest.raises(ValidationError) as exc:
            services.passport_share_redeem(actor=hr_council, code=new.code)
        assert error_code(exc.value) == "other_organisation"
        assert exc.value.messages == [services.passport_shares.BAD_CODE]

    def test_a_withdrawn_code_is_refused(self, holder, trust, hr_trust):
        new = services.passport_share_create(actor=holder, organisation=trust)
        services.passport_share_withdraw(actor=holder, share=new.share)
        with pytest.raises(ValidationError) as exc:
            services.passport_share_redeem(actor=hr_trust, code=new.code)
        assert error_code(exc.value) == "withdrawn"

    def test_a_forged_code_is_refused_and_audited(self, hr_trust):
        with pytest.raises(ValidationError) as exc:
            services.passport_share_redeem(actor=hr_trust, code="ABCD-EFGH-JKLM")
        assert error_code(exc.value) == "unknown"
        assert AuditEvent.objects.filter(
            action="workforce.passport_share.redeem_failed", actor=hr_trust
        ).exists()
        with pytest.raises(ValidationError) as exc:
            services.passport_share_redeem(actor=hr_trust, code="not a code")
        assert "code" in exc.value.message_dict

    def test_redemption_is_rate_limited_per_account_and_right_codes_are_given_back(
        self, holder, trust, hr_trust
    ):
        for _ in range(3):
            code = services.passport_share_create(actor=holder, organisation=trust).code
            services.passport_share_redeem(actor=hr_trust, code=code)
        for _ in range(REDEEM_FAILURES_PER_HOUR):
            with pytest.raises(ValidationError):
                services.passport_share_redeem(actor=hr_trust, code="ABCD-EFGH-JKLM")
        right = services.passport_share_create(actor=holder, organisation=trust).code
        with pytest.raises(ValidationError) as exc:
            services.passport_share_redeem(actor=hr_trust, code=right)
        assert error_code(exc.value) == "rate_limited"
        assert PassportShare.objects.filter(redeemed_at__isnull=True).count() == 1

    def test_an_account_without_a_staff_record_cannot_share(self, make_user, trust):
        with pytest.raises(PermissionDenied):
            services.passport_share_create(actor=make_user(email="nobody@x.example"), organisation=trust)


class TestRevocationAndExpiry:
    @pytest.fixture
    def relied_on(self, holder, trust, hr_trust, trust_rules):
        code = services.passport_share_create(actor=holder, organisation=trust).code
        services.passport_share_redeem(actor=hr_trust, code=code)
        return CredentialReliance.objects.get(
            organisation=trust, credential__kind=CredentialKind.DBS
        ).credential

    def test_revoking_reaches_every_organisation_that_relied_on_it_once(
        self, relied_on, hr_care, hr_trust, council, hr_council, django_capture_on_commit_callbacks
    ):
        CredentialReliance.objects.create(credential=relied_on, organisation=council)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.passport_credential_set_status(
                credential=relied_on,
                actor=hr_care,
                status=CredentialStatus.REVOKED,
                reason="Barring information",
            )
        assert sorted(m.to[0] for m in mail.outbox) == sorted([hr_trust.email, hr_council.email])
        assert all("revoked" in m.subject for m in mail.outbox)
        callbacks[0]()  # the task runs again (a worker died after sending): nothing more is sent
        assert len(mail.outbox) == 2

    def test_expiry_reminds_holder_and_issuer_once_and_tells_those_who_relied(
        self, relied_on, holder, hr_care, hr_trust, care_worker
    ):
        soon = care_worker.credentials.get(subject="Safeguarding adults level 2")
        soon.expires_on = TODAY + datetime.timedelta(days=10)
        soon.save()
        run = passport_expiries_chase(today=TODAY, days=30)
        assert (run.holders_reminded, run.issuers_reminded) == (1, 1)
        assert {m.to[0] for m in mail.outbox} == {holder.email, hr_care.email}
        assert passport_expiries_chase(today=TODAY, days=30).holders_reminded == 0
        assert len(mail.outbox) == 2
        relied_on.expires_on = TODAY - datetime.timedelta(days=1)
        relied_on.save()
        run = passport_expiries_chase(today=TODAY, days=30)
        assert run.relying_told == 1 and mail.outbox[-1].to == [hr_trust.email]
        assert "expired" in mail.outbox[-1].subject
        assert passport_expiries_chase(today=TODAY, days=30).relying_told == 0

    def test_the_receiver_sees_a_revoked_credential_as_revoked(
        self, relied_on, hr_care, hr_trust, client, login
    ):
        services.passport_credential_set_status(
            credential=relied_on, actor=hr_care, status=CredentialStatus.REVOKED, reason="Barring information"
        )
        login(hr_trust)
        html = client.get("/workforce/passport/shared/").content.decode()
        assert "Revoked" in html and "Barring information" in html


def test_the_management_command_runs_the_reminders(care_worker, holder):
    PassportCredentialFactory(
        person=care_worker,
        kind=CredentialKind.TRAINING,
        subject="Fire safety",
        issued_by=care_worker.employments.get().employer,
        expires_on=TODAY + datetime.timedelta(days=5),
    )
    out = io.StringIO()
    call_command("passport_expiry_reminders", "--days", "7", stdout=out)
    assert "1 holder(s)" in out.getvalue()
