"""Editors decide requests to sign; every role on every staff screen; anonymous visitors sign in first."""

import datetime

import pytest

from cms.accounts import roles
from cms.accounts.models import AuditEvent
from covenant.signatories.models import RecognitionAward, SignatureStatus
from demo.factories.signatories import CovenantSignatureFactory, SignaturePledgeFactory

pytestmark = pytest.mark.django_db

# Every role the project defines, so a new role is checked here without anyone adding it.
ROLES = tuple(role.key for role in roles.ROLES)


@pytest.fixture
def waiting(care_provider, hr_admin):
    signature = CovenantSignatureFactory(
        organisation=care_provider, status=SignatureStatus.REQUESTED, requested_by=hr_admin
    )
    SignaturePledgeFactory(signature=signature, own_text="We will give every care worker a mentor.")
    return signature


def _staff_urls(waiting, pledge_pk):
    return {
        "sign": "/covenant/sign/",
        "my": "/covenant/my-organisation/",
        "progress": f"/covenant/pledges/{pledge_pk}/progress/",
        "review_list": "/covenant/review/",
        "review_detail": f"/covenant/review/{waiting.pk}/",
        "award": "/covenant/recognition/award/",
    }


# What each role may open: HR administrators their own organisation's screens, editors the deciding screens.
ALLOWED = {
    "hr_admin": {"sign", "my", "progress"},
    "editor": {"review_list", "review_detail", "award"},
}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_every_staff_screen(client, login, make_user, care_provider, waiting, role):
    signed = CovenantSignatureFactory(organisation__name="Signed Trust")
    pledge = SignaturePledgeFactory(signature=signed)
    user = make_user(role, organisation=signed.organisation if role == "hr_admin" else care_provider)
    login(user)
    for name, url in _staff_urls(waiting, pledge.pk).items():
        status = client.get(url).status_code
        expected = 200 if name in ALLOWED.get(role, set()) else 403
        assert status == expected, (role, name, status)


def test_anonymous_visitors_are_sent_to_sign_in(client, waiting):
    pledge = waiting.pledges.get()
    for url in _staff_urls(waiting, pledge.pk).values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/sign-in/"), url
        assert client.post(url, {}).status_code == 302


def test_editor_approves_a_request(client, login, editor, waiting):
    login(editor)
    html = client.get(f"/covenant/review/{waiting.pk}/").content.decode()
    assert "Harbourside Care Homes Ltd" in html and "mentor" in html
    assert "Harbourside" in client.get("/covenant/review/").content.decode()

    response = client.post(f"/covenant/review/{waiting.pk}/", {"decision": "approve", "reason": ""})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == SignatureStatus.APPROVED
    assert waiting.approved_by == editor and waiting.decided_at is not None
    assert AuditEvent.objects.filter(action="covenant.signature_approved", actor=editor).exists()
    assert "Harbourside Care Homes Ltd" in client.get("/covenant/signatories/").content.decode()


def test_rejecting_needs_a_reason(client, login, editor, waiting):
    login(editor)
    response = client.post(f"/covenant/review/{waiting.pk}/", {"decision": "reject", "reason": "  "})
    assert response.status_code == 400
    assert "Say why the request is not approved" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == SignatureStatus.REQUESTED

    client.post(
        f"/covenant/review/{waiting.pk}/", {"decision": "reject", "reason": "Pledge 1 has no target date"}
    )
    waiting.refresh_from_db()
    assert waiting.status == SignatureStatus.REJECTED and waiting.approved_by is None
    assert waiting.decision_reason == "Pledge 1 has no target date"
    assert "0 organisations" in client.get("/covenant/signatories/").content.decode()


def test_bad_decisions_are_refused(client, login, editor, waiting):
    login(editor)
    assert client.post(f"/covenant/review/{waiting.pk}/", {"decision": "maybe"}).status_code == 400
    assert client.get("/covenant/review/999999/").status_code == 404
    client.post(f"/covenant/review/{waiting.pk}/", {"decision": "approve"})
    # A second decision on a decided request changes nothing.
    client.post(f"/covenant/review/{waiting.pk}/", {"decision": "reject", "reason": "late"})
    waiting.refresh_from_db()
    assert waiting.status == SignatureStatus.APPROVED


def test_an_editor_cannot_decide_their_own_request(client, login, make_user, care_provider):
    both = make_user("editor", "hr_admin", organisation=care_provider)
    signature = CovenantSignatureFactory(
        organisation=care_provider, status=SignatureStatus.REQUESTED, requested_by=both
    )
    login(both)
    html = client.get(f"/covenant/review/{signature.pk}/").content.decode()
    assert "another editor must decide it" in html
    response = client.post(f"/covenant/review/{signature.pk}/", {"decision": "approve"})
    assert response.status_code == 403
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.REQUESTED


def test_editor_awards_tiers_in_order_with_five_year_expiry(client, login, editor, care_provider):
    CovenantSignatureFactory(organisation=care_provider, signed_on=datetime.date(2025, 4, 10))
    login(editor)

    def award(tier, day):
        return client.post(
            "/covenant/recognition/award/",
            {
                "organisation": care_provider.pk,
                "tier": tier,
                "evidence": "Staff briefings, policy, passport acceptance",
                "awarded_on_day": str(day.day),
                "awarded_on_month": str(day.month),
                "awarded_on_year": str(day.year),
            },
        )

    refused = award("silver", datetime.date(2025, 6, 1))
    assert refused.status_code == 400
    assert "Silver needs a current bronze award first" in refused.content.decode()
    assert award("bronze", datetime.date(2024, 6, 1)).status_code == 400, "before it signed"
    assert award("bronze", datetime.date(2025, 6, 1)).status_code == 302
    assert award("silver", datetime.date(2025, 9, 1)).status_code == 302
    silver = RecognitionAward.objects.get(tier="silver")
    assert silver.expires_on == datetime.date(2030, 9, 1) and silver.awarded_by == editor
    html = client.get("/covenant/recognition/").content.decode()
    assert "Harbourside Care Homes Ltd" in html and "1 September 2030" in html
    assert "Holds a current bronze award." in html
    assert award("gold", datetime.date(2025, 9, 2)).status_code == 302


def test_unsigned_organisations_cannot_be_awarded(client, login, editor, care_provider):
    login(editor)
    response = client.post(
        "/covenant/recognition/award/",
        {
            "organisation": care_provider.pk,
            "tier": "bronze",
            "evidence": "x",
            "awarded_on_day": "1",
            "awarded_on_month": "6",
            "awarded_on_year": "2025",
        },
    )
    assert response.status_code == 400
    assert not RecognitionAward.objects.exists()
