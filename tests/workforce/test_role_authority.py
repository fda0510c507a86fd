"""Who may hand out which role, and how long an invitation carries its sender's authority.

An organisation administrator hands out only the roles whose powers stay within their organisation; the roles
that reach further (data protection officer, auditor, analyst, editor, consultation moderator, safeguarding lead)
are a platform administrator's to give. An invitation works only while its sender still administers the
organisation, and a deactivated account taken up again through one starts with nothing of its past."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.accounts.models import AuditEvent
from cms.accounts.roles import ORGANISATION_ROLES, ORGANISATION_SCOPED_ROLES, roles_for_user
from cms.accounts.services import platform_admin_grant, platform_admin_revoke, user_deactivate
from demo.factories.incidents import IncidentReportFactory
from demo.factories.workforce import EmploymentFactory
from workforce import services
from workforce.models import Invitation, Membership
from workforce.selectors.organisations import invitation_problem, invitation_token, is_platform_admin

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-synthetic-passphrase-42"  # noqa: S105
BEYOND_ONE_ORGANISATION = (
    "dpo",
    "auditor",
    "editor",
    "consultation_moderator",
    "safeguarding_lead",
    "analyst",
)


@pytest.fixture
def platform_admin(make_user):
    return make_user("platform_admin", email="platform@ops.example")


@pytest.fixture
def care_home_admin(make_user, other_organisation):
    return make_user("org_admin", organisation=other_organisation, email="admin@carehome.example")


@pytest.fixture
def colleague(make_user, other_organisation):
    return make_user("incident_reporter", organisation=other_organisation, email="mate@carehome.example")


def _accept(invitation):
    return services.invitation_accept(
        invitation=invitation, first_name="New", last_name="Starter", password=PASSWORD
    )


# --- F1: roles whose powers reach beyond one organisation -----------------------------------------------------


def test_the_roles_an_organisation_administrator_gives_are_exactly_the_organisation_scoped_ones():
    assert {role.key for role in ORGANISATION_ROLES} - {
        role.key for role in ORGANISATION_SCOPED_ROLES
    } == set(BEYOND_ONE_ORGANISATION)
    assert {role.key for role in ORGANISATION_SCOPED_ROLES} == {
        "org_admin",
        "hr_admin",
        "incident_reporter",
        "incident_handler",
        "identity_custodian",
    }


def test_an_org_admin_of_a_care_home_cannot_make_a_platform_wide_dpo(
    client, login, make_user, organisation, other_organisation, care_home_admin, colleague
):
    with pytest.raises(ValidationError) as refused:
        services.role_grant(
            actor=care_home_admin, organisation=other_organisation, user=colleague, role="dpo"
        )
    assert "Only a platform administrator" in refused.value.message_dict["role"][0]
    assert not Membership.objects.filter(user=colleague, role="dpo").exists()
    assert "dpo" not in roles_for_user(colleague)

    victim = make_user("incident_reporter", organisation=organisation, email="victim@trust.example")
    EmploymentFactory(
        employer=organisation, person__work_email="victim@trust.example", person__first_name="Vic"
    )
    IncidentReportFactory(
        reporter=victim, organisation=organisation, mode="confidential", narrative="Secret story"
    )
    login(colleague)
    response = client.post(reverse("records:subject_export"), {"email": "victim@trust.example"})
    assert response.status_code == 403
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Secret story" not in body


def test_an_org_admin_cannot_make_an_auditor_and_the_trail_stays_closed(
    client, login, other_organisation, care_home_admin, colleague
):
    with pytest.raises(ValidationError):
        services.role_grant(
            actor=care_home_admin, organisation=other_organisation, user=colleague, role="auditor"
        )
    login(colleague)
    assert client.get("/audit/").status_code == 403


@pytest.mark.parametrize("role", BEYOND_ONE_ORGANISATION)
def test_an_org_admin_gives_a_far_reaching_role_neither_directly_nor_by_invitation(
    role, other_organisation, care_home_admin, colleague
):
    with pytest.raises(ValidationError) as direct:
        services.role_grant(actor=care_home_admin, organisation=other_organisation, user=colleague, role=role)
    assert "platform administrator" in direct.value.message_dict["role"][0]
    with pytest.raises(ValidationError) as invited:
        services.invitation_create(
            actor=care_home_admin,
            organisation=other_organisation,
            email="someone@carehome.example",
            roles=["incident_reporter", role],
        )
    assert "platform administrator" in invited.value.message_dict["roles"][0]
    assert not Invitation.objects.exists()
    assert not Membership.objects.filter(role=role).exists()


@pytest.mark.parametrize("role", BEYOND_ONE_ORGANISATION)
def test_a_platform_administrator_gives_every_role(role, platform_admin, other_organisation, colleague):
    services.role_grant(actor=platform_admin, organisation=other_organisation, user=colleague, role=role)
    assert role in roles_for_user(colleague)
    invitation = services.invitation_create(
        actor=platform_admin, organisation=other_organisation, email="someone@carehome.example", roles=[role]
    )
    assert role in roles_for_user(_accept(invitation))


def test_an_org_admin_may_still_give_the_organisations_own_roles(
    other_organisation, care_home_admin, colleague
):
    for role in ("hr_admin", "incident_handler", "identity_custodian", "org_admin"):
        services.role_grant(actor=care_home_admin, organisation=other_organisation, user=colleague, role=role)
    assert {"hr_admin", "incident_handler", "identity_custodian", "org_admin"} <= roles_for_user(colleague)


def test_the_screens_offer_an_org_admin_only_the_organisations_own_roles(
    client, login, platform_admin, other_organisation, care_home_admin, colleague
):
    login(care_home_admin)
    invite_url = reverse("workforce:invitation_create", args=[other_organisation.pk])
    page = client.get(invite_url)
    offered = {key for key, _ in page.context["form"].fields["roles"].choices}
    assert offered == {role.key for role in ORGANISATION_SCOPED_ROLES}
    assert "Data protection officer</strong>" not in page.content.decode()
    refused = client.post(invite_url, {"email": "someone@carehome.example", "roles": ["dpo"]})
    assert refused.status_code == 400 and "roles" in refused.context["form"].errors
    member_url = reverse("workforce:member_detail", args=[other_organisation.pk, colleague.pk])
    grant_page = client.get(member_url)
    assert "dpo" not in {key for key, _ in grant_page.context["form"].fields["role"].choices}
    grant = client.post(member_url, {"action": "grant", "role": "auditor"})
    assert grant.status_code == 400 and "role" in grant.context["form"].errors
    assert "auditor" not in roles_for_user(colleague)

    client.logout()
    login(platform_admin)
    offered = {key for key, _ in client.get(invite_url).context["form"].fields["roles"].choices}
    assert offered == {role.key for role in ORGANISATION_ROLES}


def test_a_waiting_invitation_for_a_role_its_sender_may_not_give_is_refused(
    platform_admin, other_organisation, care_home_admin
):
    # Sent before the rule, by an organisation administrator: the link must not hand out the role now.
    invitation = services.invitation_create(
        actor=platform_admin, organisation=other_organisation, email="someone@carehome.example", roles=["dpo"]
    )
    Invitation.objects.filter(pk=invitation.pk).update(invited_by=care_home_admin)
    invitation.refresh_from_db()
    assert "no longer stands" in invitation_problem(invitation)
    with pytest.raises(ValidationError):
        _accept(invitation)
    assert not Membership.objects.filter(role="dpo").exists()


# --- F2: an invitation outliving the administrator who sent it ------------------------------------------------


def test_an_invitation_dies_with_the_inviter_who_left(client, make_user, organisation):
    rogue = make_user("org_admin", organisation=organisation, email="rogue@trust.example")
    other_admin = make_user("org_admin", organisation=organisation, email="boss@trust.example")
    invitation = services.invitation_create(
        actor=rogue,
        organisation=organisation,
        email="rogue.alt@gmail.example",
        roles=["org_admin", "identity_custodian"],
    )
    kept = services.invitation_create(
        actor=other_admin, organisation=organisation, email="starter@trust.example", roles=["hr_admin"]
    )
    services.member_leave(actor=other_admin, organisation=organisation, user=rogue, reason="dismissed")
    invitation.refresh_from_db()
    assert not invitation.is_pending() and invitation.cancelled_at is not None
    event = AuditEvent.objects.get(action="invitation.cancelled", object_id=str(invitation.pk))
    assert event.actor == other_admin and event.detail["reason"] == "inviter_no_longer_administers"
    with pytest.raises(ValidationError):
        _accept(invitation)
    assert not Membership.objects.filter(user__email="rogue.alt@gmail.example").exists()
    page = client.get(reverse("workforce:invitation_accept", args=[invitation_token(invitation)]))
    assert page.status_code == 410
    kept.refresh_from_db()
    assert kept.is_pending(), "a colleague's invitations stand"


def test_losing_the_administrator_role_cancels_their_waiting_invitations(make_user, organisation):
    inviter = make_user("org_admin", "hr_admin", organisation=organisation, email="inviter@trust.example")
    other_admin = make_user("org_admin", organisation=organisation, email="boss@trust.example")
    invitation = services.invitation_create(
        actor=inviter, organisation=organisation, email="starter@trust.example", roles=["hr_admin"]
    )
    services.role_revoke(
        actor=other_admin,
        membership=Membership.objects.get(user=inviter, organisation=organisation, role="hr_admin"),
    )
    invitation.refresh_from_db()
    assert invitation.is_pending(), "losing another role changes nothing"
    services.role_revoke(
        actor=other_admin,
        membership=Membership.objects.get(user=inviter, organisation=organisation, role="org_admin"),
    )
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None
    with pytest.raises(ValidationError):
        _accept(invitation)


def test_an_invitation_from_an_account_deactivated_elsewhere_is_refused(client, make_user, organisation):
    # Deactivated by a platform administrator or in the CMS, where nothing cancels the invitations.
    inviter = make_user("org_admin", organisation=organisation, email="inviter@trust.example")
    invitation = services.invitation_create(
        actor=inviter, organisation=organisation, email="starter@trust.example", roles=["hr_admin"]
    )
    user_deactivate(user=inviter, actor=None, reason="dismissed")
    invitation.refresh_from_db()
    assert invitation.is_pending()
    page = client.get(reverse("workforce:invitation_accept", args=[invitation_token(invitation)]))
    assert page.status_code == 410 and "no longer stands" in page.content.decode()
    with pytest.raises(ValidationError, match="no longer administers"):
        _accept(invitation)
    assert not Membership.objects.filter(user__email="starter@trust.example").exists()


def test_a_platform_administrators_invitation_works_without_a_membership(platform_admin, organisation):
    invitation = services.invitation_create(
        actor=platform_admin, organisation=organisation, email="starter@trust.example", roles=["org_admin"]
    )
    assert invitation_problem(invitation) is None
    assert roles_for_user(_accept(invitation)) == {"org_admin"}


def test_a_former_platform_administrators_invitation_no_longer_stands(
    make_user, platform_admin, organisation
):
    make_user("platform_admin", email="keeper@ops.example")
    invitation = services.invitation_create(
        actor=platform_admin, organisation=organisation, email="starter@trust.example", roles=["hr_admin"]
    )
    platform_admin_revoke(user=platform_admin)
    invitation = Invitation.objects.select_related("invited_by").get(pk=invitation.pk)
    assert "no longer stands" in invitation_problem(invitation)
    with pytest.raises(ValidationError):
        _accept(invitation)


# --- F3: reactivation through an invitation --------------------------------------------------------------------


def test_an_invitation_reactivates_a_deactivated_account_without_its_old_powers(
    make_user, organisation, other_organisation
):
    make_user("platform_admin", email="keeper@ops.example")
    old = make_user(
        "hr_admin", "incident_handler", organisation=other_organisation, email="sacked@ops.example"
    )
    services.membership_grant(user=old, organisation=organisation, role="identity_custodian")
    platform_admin_grant(user=old)
    old.is_superuser = old.is_staff = True
    old.save()
    TOTPDevice.objects.create(user=old, name="old phone", confirmed=True)
    StaticDevice.objects.create(user=old, name="Recovery codes", confirmed=True)
    user_deactivate(user=old, actor=None, reason="dismissed")

    admin = make_user("org_admin", organisation=organisation, email="admin@trust.example")
    invitation = services.invitation_create(
        actor=admin, organisation=organisation, email="sacked@ops.example", roles=["incident_reporter"]
    )
    user = _accept(invitation)
    user.refresh_from_db()
    assert user.pk == old.pk and user.is_active
    assert not is_platform_admin(user=user)
    assert not user.is_superuser and not user.is_staff
    assert roles_for_user(user) == {"incident_reporter"}
    assert list(user.memberships.values_list("organisation", "role")) == [
        (organisation.pk, "incident_reporter")
    ]
    assert (
        not TOTPDevice.objects.filter(user=user).exists()
        and not StaticDevice.objects.filter(user=user).exists()
    )
    dropped = AuditEvent.objects.get(action="account.reactivated", object_id=str(user.pk)).detail["dropped"]
    assert {"Platform administrator", "HR administrator", "Incident handler", "Identity custodian"} <= set(
        dropped["groups"]
    )
    assert dropped["flags"] == ["is_superuser", "is_staff"] and dropped["two_factor_devices"] == 2
    revoked = AuditEvent.objects.filter(action="membership.revoked", detail__user_id=user.pk)
    assert {event.detail["role"] for event in revoked} == {
        "hr_admin",
        "incident_handler",
        "identity_custodian",
    }
    assert user.check_password(PASSWORD)


def test_a_failed_reactivation_leaves_the_old_account_as_it_was(make_user, organisation, other_organisation):
    old = make_user("hr_admin", organisation=other_organisation, email="sacked@ops.example")
    user_deactivate(user=old, actor=None)
    admin = make_user("org_admin", organisation=organisation, email="admin@trust.example")
    invitation = services.invitation_create(
        actor=admin, organisation=organisation, email="sacked@ops.example", roles=["incident_reporter"]
    )
    with pytest.raises(ValidationError) as weak:
        services.invitation_accept(invitation=invitation, first_name="S", last_name="D", password="short")
    assert "password" in weak.value.message_dict
    old.refresh_from_db()
    assert not old.is_active and roles_for_user(old) == {"hr_admin"}
    invitation.refresh_from_db()
    assert invitation.is_pending()
