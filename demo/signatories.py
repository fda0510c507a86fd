"""Demo: the pledge bank, Harbourside Care signing with two pledges, and a few other signatories at tiers.

Idempotent: an organisation that already has a signature is left alone. Dates are relative to today so the
annual report for the current and the previous financial year has something to show.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cms.accounts.models import User
from covenant.signatories import services
from covenant.signatories.models import (
    CovenantSignature,
    FinancialYear,
    Pledge,
    RecognitionAward,
    SignatureStatus,
    Tier,
)
from demo.factories.cms import UserFactory
from workforce.services import membership_grant

PLEDGE_BANK = (
    (
        "Support after violence or abuse",
        "We will offer every member of staff who reports violence or abuse support within 72 hours.",
        "Percentage of reports where support was offered within 72 hours",
    ),
    (
        "Recognise the staff passport",
        "We will accept checks and training from the staff passport instead of repeating them.",
        "Percentage of checks reused for staff joining from another organisation",
    ),
    (
        "Joint roles across health and care",
        "We will create joint and rotational roles with a partner in the other sector.",
        "Number of joint or rotational roles in post",
    ),
    (
        "Flexible working for carers",
        "We will offer flexible working to staff who are unpaid carers.",
        "Percentage of requests from carers agreed",
    ),
    (
        "Speak up safely",
        "We will make sure every member of staff knows how to speak up and is listened to.",
        "Percentage of staff who say they feel safe to speak up",
    ),
    (
        "Recognise military and care qualifications",
        "We will recognise relevant qualifications gained in the armed forces or in social care.",
        "Number of roles whose requirements list equivalent qualifications",
    ),
)


@transaction.atomic
def seed(*, world, sizes: dict, stdout=None) -> None:
    bank = {}
    for position, (title, text, indicator) in enumerate(PLEDGE_BANK):
        bank[title], _ = Pledge.objects.get_or_create(
            title=title, defaults={"text": text, "suggested_indicator": indicator, "sort_order": position}
        )
    orgs = world.organisations
    users = world.users
    editor = users.get("editor@rw-icb.example")
    if editor is None or not orgs:
        return
    today = timezone.localdate()
    this_year = FinancialYear.containing(today)
    last_year = this_year.previous()
    signed_on = last_year.start + datetime.timedelta(days=45)

    harbourside = _request(
        organisation=orgs["Harbourside Care"],
        user=users["hr.admin@harbourside-care.example"],
        signatory=("Grace Okafor", "Registered manager and director"),
        co_signatory=("Jo Pennant", "Senior care worker and staff representative"),
        signed_on=signed_on,
        pledges=[
            services.PledgeInput(
                bank_pledge=bank["Support after violence or abuse"],
                indicator=bank["Support after violence or abuse"].suggested_indicator,
                target=Decimal("95"),
                unit="%",
            ),
            services.PledgeInput(
                own_text="We will give every new care worker a named mentor for their first three months.",
                indicator="New care workers with a named mentor",
                target=Decimal("100"),
                unit="%",
            ),
        ],
    )
    hospitals = _request(
        organisation=orgs["Riverside Hospitals"],
        user=users["hr.admin@riverside-hospitals.example"],
        signatory=("Dr Helen Marr", "Chief executive"),
        co_signatory=("", ""),
        signed_on=signed_on - datetime.timedelta(days=20),
        pledges=[
            services.PledgeInput(
                bank_pledge=bank["Recognise the staff passport"],
                indicator=bank["Recognise the staff passport"].suggested_indicator,
                target=Decimal("80"),
                unit="%",
            ),
            services.PledgeInput(
                bank_pledge=bank["Joint roles across health and care"],
                indicator=bank["Joint roles across health and care"].suggested_indicator,
                target=Decimal("6"),
                unit="roles",
            ),
        ],
    )
    council = _request(
        organisation=orgs["Riverside Council"],
        user=users["hr.admin@riverside-council.example"],
        signatory=("Martin Ashby", "Director of adult social services"),
        co_signatory=("", ""),
        signed_on=signed_on + datetime.timedelta(days=60),
        pledges=[
            services.PledgeInput(
                bank_pledge=bank["Flexible working for carers"],
                indicator=bank["Flexible working for carers"].suggested_indicator,
                target=Decimal("90"),
                unit="%",
            )
        ],
    )
    harbourside, hospitals, council = (
        services.signature_approve(signature=signature, user=editor)
        if signature.status == SignatureStatus.REQUESTED
        else signature
        for signature in (harbourside, hospitals, council)
    )
    # A request waiting for an editor, for the review screen.
    _request(
        organisation=orgs["St Aidan's Hospice"],
        user=None,
        signatory=("Ruth Deakin", "Chief executive"),
        co_signatory=("", ""),
        signed_on=today - datetime.timedelta(days=3),
        pledges=[
            services.PledgeInput(
                bank_pledge=bank["Speak up safely"],
                indicator=bank["Speak up safely"].suggested_indicator,
                target=Decimal("75"),
                unit="%",
            )
        ],
    )
    _progress(
        harbourside, users["hr.admin@harbourside-care.example"], {last_year: (88, 70), this_year: (93, 85)}
    )
    _progress(
        hospitals, users["hr.admin@riverside-hospitals.example"], {last_year: (64, 3), this_year: (78, 5)}
    )
    _award(hospitals, Tier.BRONZE, signed_on + datetime.timedelta(days=30), editor)
    _award(hospitals, Tier.SILVER, signed_on + datetime.timedelta(days=200), editor)
    _award(council, Tier.BRONZE, signed_on + datetime.timedelta(days=120), editor)
    _award(harbourside, Tier.BRONZE, min(today, signed_on + datetime.timedelta(days=300)), editor)


def _request(*, organisation, user, signatory, co_signatory, signed_on, pledges) -> CovenantSignature:
    existing = CovenantSignature.objects.filter(organisation=organisation).order_by("-requested_at").first()
    if existing is not None:
        return existing
    if user is None:
        # An organisation without a demo HR login: its request is made as its (synthetic) HR administrator.
        email = f"hr.admin@{organisation.short_name.lower().replace(' ', '-').replace(chr(39), '')}.example"
        user = User.objects.filter(email=email).first() or UserFactory(email=email, job_title="HR lead")
        membership_grant(user=user, organisation=organisation, role="hr_admin")
    return services.signature_request(
        user=user,
        organisation=organisation,
        signatory_name=signatory[0],
        signatory_role=signatory[1],
        co_signatory_name=co_signatory[0],
        co_signatory_role=co_signatory[1],
        signed_on=signed_on,
        pledges=pledges,
    )


def _progress(signature, user, values_by_year) -> None:
    pledges = list(signature.pledges.all())
    for year, values in values_by_year.items():
        for pledge, value in zip(pledges, values, strict=False):
            if not pledge.progress.filter(financial_year=year.start_year).exists():
                services.pledge_progress_record(pledge=pledge, user=user, year=year, value=Decimal(value))


def _award(signature, tier, awarded_on, editor) -> None:
    if RecognitionAward.objects.filter(organisation=signature.organisation, tier=tier).exists():
        return
    services.recognition_award(
        organisation=signature.organisation,
        tier=tier,
        evidence="Demo evidence: staff briefings, policies shared with staff, figures reported in this service.",
        awarded_on=awarded_on,
        user=editor,
    )
