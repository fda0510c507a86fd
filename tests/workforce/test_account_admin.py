"""People, accounts and roles at an organisation: invitations (one-time, expiring, rate limited), granting and
revoking roles, leavers (their sessions end at once), the last administrator, audit and e-mails."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cms.accounts.models import AuditEvent
from cms.accounts.roles import roles_for_user
from workforce import services
from workforce.models import Invitation, Membership
from workforce.selectors.organisations import invitation_for_token, invitation_token

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "a-long-synthetic-passphrase-42"  # noqa: S105


@pytest.fixture
def platform_admin(make_user):
    return make_user("platform_admin", email="platform@ops.example")


@pytest.fixture
def org_admin(make_user, organisation):
    return make_user("org_admin", organisation=organisation, email="admin@trust.example")


def invite(actor, organisation, email="new.starter@trust.example", roles=("hr_admin",), capture=None):
    if capture is None:
        return services.invitation_create(
            actor=actor, organisation=organisation, email=email, roles=list(roles)
        )
    with capture(execute=True):
        return services.invitation_create(
            actor=actor, organisation=organisation, email=email, roles=list(roles)
        )


def link_in(message) -> str:
    return re.search(r"http://testserver(/workforce/invitation/[^/\s]+/)", message.body).group(1)


# --- invitations ------------------------------------------------------------------------------------------------


def test_an_invitation_is_emailed_and_its_token_never_stored(
    org_admin, organisation, django_capture_on_commit_callbacks
):
    invitation = invite(org_admin, organisation, capture=django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["new.starter@trust.example"]]
    path = link_in(mail.outbox[0])
    token = path.split("/")[-2]
    assert token == invitation_token(invitation)
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert token not in str(stored), "the token is not in the row"
    assert invitation_for_token(token) == invitation
    assert invitation_for_token(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert invitation_for_token("zz-unknown") is None
    event = AuditEvent.objects.get(action="invitation.sent")
    assert event.actor == org_admin and token not in str(event.detail) and token not in event.summary


def test_accepting_creates_the_account_with_its_roles_once(
    client, org_admin, organisation, django_capture_on_commit_callbacks
):
    invite(
        org_admin,
        organisation,
        roles=("hr_admin", "incident_reporter"),
        capture=django_capture_on_commit_callbacks,
    )
    path = link_in(mail.outbox[0])
    page = client.get(path)
    assert page.status_code == 200 and "new.starter@trust.example" in page.content.decode()

    mismatch = client.post(
        path,
        {"first_name": "Ada", "last_name": "Starter", "password": NEW_PASSWORD, "password_again": "other"},
    )
    assert mismatch.status_code == 400
    assert mismatch.context["form"].errors["password_again"] == ["The passwords do not match"]
    weak = client.post(
        path, {"first_name": "Ada", "last_name": "Starter", "password": "short", "password_again": "short"}
    )
    assert weak.status_code == 400 and "password" in weak.context["form"].errors
    assert not User.objects.filter(email="new.starter@trust.example").exists(), "a bad form writes nothing"

    done = client.post(
        path,
        {
            "first_name": "Ada",
            "last_name": "Starter",
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    assert done.status_code == 302 and done.url == reverse("accounts:login")
    user = User.objects.get(email="new.starter@trust.example")
    assert user.get_full_name() == "Ada Starter" and user.check_password(NEW_PASSWORD)
    assert roles_for_user(user) == {"hr_admin", "incident_reporter"}
    assert set(user.memberships.values_list("granted_by", flat=True)) == {org_admin.pk}
    assert AuditEvent.objects.filter(action="invitation.accepted", actor=user).exists()

    used = client.get(path)
    assert used.status_code == 410
    assert "already been used" in used.content.decode()
    again = client.post(
        path,
        {"first_name": "Eve", "last_name": "X", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert again.status_code == 410
    assert User.objects.filter(email="new.starter@trust.example").count() == 1


def test_an_invitation_expires(client, org_admin, organisation, django_capture_on_commit_callbacks, settings):
    invitation = invite(org_admin, organisation, capture=django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(path)
    assert response.status_code == 410 and "has expired" in response.content.decode()
    with pytest.raises(ValidationError, match="expired"):
        services.invitation_accept(
            invitation=invitation, first_name="A", last_name="B", password=NEW_PASSWORD
        )
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(
        days=settings.INVITATION_VALID_DAYS
    )


def test_a_new_invitation_replaces_a_waiting_one_and_cancelling_closes_the_link(
    client, org_admin, organisation, django_capture_on_commit_callbacks
):
    first = invite(org_admin, organisation, capture=django_capture_on_commit_callbacks)
    first_path = link_in(mail.outbox[0])
    second = invite(org_admin, organisation, roles=("incident_reporter",))
    first.refresh_from_db()
    assert first.cancelled_at is not None
    assert client.get(first_path).status_code == 410
    services.invitation_cancel(actor=org_admin, invitation=second)
    with pytest.raises(ValidationError):
        services.invitation_cancel(actor=org_admin, invitation=second)
    assert AuditEvent.objects.filter(action="invitation.cancelled").count() == 1


def test_an_existing_account_accepts_when_signed_in_as_itself(
    client, login, make_user, org_admin, organisation, other_organisation, django_capture_on_commit_callbacks
):
    colleague = make_user(
        "incident_reporter", organisation=other_organisation, email="colleague@council.example"
    )
    invite(
        org_admin, organisation, email="Colleague@Council.example", capture=django_capture_on_commit_callbacks
    )
    path = link_in(mail.outbox[0])
    assert "Sign in" in client.get(path).content.decode()
    refused = client.post(
        path, {"first_name": "A", "last_name": "B", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert refused.status_code == 400
    assert "sign in to accept" in refused.content.decode()
    stranger = make_user(email="someone.else@trust.example")
    login(stranger)
    wrong = client.post(path)
    assert (
        wrong.status_code == 400
        and "This invitation is for colleague@council.example" in wrong.content.decode()
    )
    login(colleague)
    assert client.post(path).status_code == 302
    assert colleague.memberships.filter(organisation=organisation, role="hr_admin").exists()


def test_bad_invitation_input_is_refused_beside_its_field(client, login, org_admin, organisation):
    login(org_admin)
    url = reverse("workforce:invitation_create", args=[organisation.pk])
    response = client.post(url, {"email": "not-an-address", "roles": []})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["email"] == ["Enter a valid email address."]
    assert errors["roles"] == ["Choose at least one role"]
    platform = client.post(url, {"email": "a@b.example", "roles": ["platform_admin"]})
    assert "roles" in platform.context["form"].errors
    assert not Invitation.objects.exists()
    sent = client.post(url, {"email": "a@b.example", "roles": ["hr_admin"]})
    assert sent.status_code == 302
    member = client.post(url, {"email": org_admin.email, "roles": ["hr_admin"]})
    assert "already has a role here" in member.context["form"].errors["email"][0]


def test_invitations_are_rate_limited(org_admin, organisation, settings):
    settings.INVITATIONS_PER_HOUR = 3
    for n in range(3):
        invite(org_admin, organisation, email=f"person{n}@trust.example")
    with pytest.raises(ValidationError) as exc:
        invite(org_admin, organisation, email="person9@trust.example")
    assert "3 invitations in the last hour" in exc.value.message_dict["email"][0]
    assert Invitation.objects.count() == 3


def test_one_address_is_invited_a_few_times_a_day_at_most(org_admin, organisation, settings):
    settings.INVITATIONS_PER_ADDRESS_PER_DAY = 2
    invite(org_admin, organisation)
    invite(org_admin, organisation)
    with pytest.raises(ValidationError, match="too often today"):
        invite(org_admin, organisation)


def test_org_admins_invite_only_to_their_own_active_organisations(
    make_user, org_admin, organisation, other_organisation, platform_admin
):
    with pytest.raises(PermissionDenied):
        invite(org_admin, other_organisation)
    assert invite(platform_admin, other_organisation).organisation == other_organisation
    for role in ("hr_admin", "incident_handler", "analyst", "auditor"):
        with pytest.raises(PermissionDenied):
            invite(make_user(role, organisation=organisation), organisation)
    services.organisation_set_active(
        actor=platform_admin, organisation=organisation, active=False, reason="Closed"
    )
    with pytest.raises(PermissionDenied):
        invite(org_admin, organisation)


# --- roles, leavers and the last administrator -----------------------------------------------------------------


def test_grant_and_revoke_a_role_audited_and_told(
    make_user, org_admin, organisation, django_capture_on_commit_callbacks
):
    member = make_user("incident_reporter", organisation=organisation, email="member@trust.example")
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.role_grant(
            actor=org_admin, organisation=organisation, user=member, role="hr_admin"
        )
    assert roles_for_user(member) == {"incident_reporter", "hr_admin"}
    assert mail.outbox[-1].to == ["member@trust.example"]
    assert "You were made HR administrator" in mail.outbox[-1].body
    with pytest.raises(ValidationError, match="already HR administrator"):
        services.role_grant(actor=org_admin, organisation=organisation, user=member, role="hr_admin")
    with django_capture_on_commit_callbacks(execute=True):
        services.role_revoke(actor=org_admin, membership=membership)
    assert roles_for_user(User.objects.get(pk=member.pk)) == {"incident_reporter"}
    assert "You are no longer HR administrator" in mail.outbox[-1].body
    actions = set(AuditEvent.objects.filter(actor=org_admin).values_list("action", flat=True))
    assert {
        "account.role_granted",
        "account.role_revoked",
        "membership.granted",
        "membership.revoked",
    } <= actions


def test_an_administrator_cannot_change_their_own_roles_or_someone_outside(
    make_user, org_admin, organisation, other_organisation
):
    with pytest.raises(ValidationError, match="Another administrator"):
        services.role_grant(
            actor=org_admin, organisation=organisation, user=org_admin, role="identity_custodian"
        )
    outsider = make_user("incident_reporter", organisation=other_organisation)
    with pytest.raises(ValidationError, match="Invite this person"):
        services.role_grant(actor=org_admin, organisation=organisation, user=outsider, role="hr_admin")


def test_the_last_administrator_cannot_be_removed_or_leave(
    make_user, org_admin, organisation, platform_admin
):
    membership = org_admin.memberships.get(role="org_admin")
    for actor in (org_admin, platform_admin):
        with pytest.raises(ValidationError) as exc:
            services.role_revoke(actor=actor, membership=membership)
        assert exc.value.messages == [
            f"{org_admin.get_full_name()} is the last administrator of {organisation.name}. "
            "Make someone else an administrator first."
        ]
        with pytest.raises(ValidationError, match="last administrator"):
            services.member_leave(actor=actor, organisation=organisation, user=org_admin)
    assert Membership.objects.filter(pk=membership.pk).exists()
    second = make_user("org_admin", organisation=organisation)
    services.role_revoke(actor=second, membership=membership)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_deactivated_admin_does_not_count_as_the_other_administrator(make_user, org_admin, organisation):
    other = make_user("org_admin", organisation=organisation, is_active=False)
    assert other.memberships.exists()
    with pytest.raises(ValidationError, match="last administrator"):
        services.member_leave(actor=org_admin, organisation=organisation, user=org_admin)


def test_a_leaver_loses_every_role_and_every_session_at_once(
    client, login, make_user, org_admin, organisation, django_capture_on_commit_callbacks
):
    leaver = make_user(
        "hr_admin", "incident_reporter", organisation=organisation, email="leaver@trust.example"
    )
    login(leaver)
    assert client.get(reverse("workforce:person_list")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        deactivated = services.member_leave(
            actor=org_admin, organisation=organisation, user=leaver, reason="Retired"
        )
    assert deactivated
    leaver.refresh_from_db()
    assert not leaver.is_active and not leaver.memberships.exists()
    response = client.get(reverse("workforce:person_list"))
    assert response.status_code == 302 and "sign-in" in response.url, "the open session ended"
    assert "Your account was deactivated" in mail.outbox[-1].body
    event = AuditEvent.objects.get(action="account.left_organisation")
    assert event.actor == org_admin and event.detail["deactivated"] is True
    assert AuditEvent.objects.filter(action="account.deactivated", object_id=str(leaver.pk)).exists()


def test_a_leaver_with_roles_elsewhere_keeps_the_account_but_not_the_sessions(
    client, login, make_user, org_admin, organisation, other_organisation
):
    leaver = make_user("hr_admin", organisation=organisation)
    services.membership_grant(user=leaver, organisation=other_organisation, role="hr_admin")
    login(leaver)
    assert not services.member_leave(actor=org_admin, organisation=organisation, user=leaver)
    leaver.refresh_from_db()
    assert leaver.is_active
    assert list(leaver.memberships.values_list("organisation", flat=True)) == [other_organisation.pk]
    assert client.get(reverse("workforce:person_list")).status_code == 302


# --- the screens ------------------------------------------------------------------------------------------------


def test_the_people_screens(client, login, make_user, org_admin, organisation):
    member = make_user("incident_reporter", organisation=organisation, email="member@trust.example")
    login(org_admin)
    detail = client.get(reverse("workforce:organisation_detail", args=[organisation.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "member@trust.example" in body and "Who holds what" in body
    export = client.get(reverse("workforce:organisation_detail", args=[organisation.pk]) + "?_export=csv")
    rows = b"".join(export.streaming_content).decode()
    assert "member@trust.example" in rows and "Incident reporter" in rows
    page = reverse("workforce:member_detail", args=[organisation.pk, member.pk])
    bad = client.post(page, {"action": "grant", "role": ""})
    assert bad.status_code == 400 and "role" in bad.context["form"].errors
    assert client.post(page, {"action": "grant", "role": "hr_admin"}).status_code == 302
    assert member.memberships.filter(role="hr_admin").exists()
    own = client.post(
        reverse("workforce:member_detail", args=[organisation.pk, org_admin.pk]),
        {"action": "revoke", "membership": org_admin.memberships.get().pk},
    )
    assert own.status_code == 400 and "last administrator" in own.content.decode()
    leave = reverse("workforce:member_leave", args=[organisation.pk, member.pk])
    assert client.get(leave).status_code == 200
    assert client.post(leave, {"reason": "Moved away"}).status_code == 302
    assert not User.objects.get(pk=member.pk).is_active
    assert client.get(page).status_code == 404, "no longer a member"


def test_the_people_and_organisation_tables_take_a_fixed_few_queries(
    client, login, make_user, org_admin, organisation, django_assert_max_num_queries
):
    for n in range(30):
        make_user("incident_reporter", "hr_admin", organisation=organisation, email=f"p{n}@trust.example")
    login(org_admin)
    client.get(reverse("workforce:organisation_detail", args=[organisation.pk]))  # warm the session
    with django_assert_max_num_queries(20):
        assert client.get(reverse("workforce:organisation_detail", args=[organisation.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("workforce:organisation_list")).status_code == 200
