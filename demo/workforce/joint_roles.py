"""Joint arrangements in the demo: roles shared between the NHS and councils, with each partner's funding and
time shares, made through the workforce services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from demo.workforce.employers import COUNCIL, TRUST, TRUST_HR
from workforce import services
from workforce.models import JointArrangement, Post
from workforce.vocabulary import (
    JOB_ROLE_STAFF_GROUP,
    JobRole,
    LegalModel,
    PartnerRole,
    PayFramework,
    PostStatus,
)


def seed_joint_arrangements(orgs, users, today) -> list[JointArrangement]:
    trust, council, community, wolds_council = (
        orgs[TRUST],
        orgs[COUNCIL],
        orgs["Wolds Community"],
        orgs["Wolds Council"],
    )
    specs = [
        (
            "Hospital discharge and reablement lead",
            trust,
            council,
            "RV9-JOINT-01",
            JobRole.INTEGRATED_CARE_MANAGER,
            LegalModel.JOINT_EMPLOYMENT,
            ("60", "40"),
            ("50", "50"),
            "S75 Riverside BCF, schedule 3",
        ),
        (
            "Trusted assessor, care home discharges",
            trust,
            council,
            "RV9-JOINT-03",
            JobRole.TRUSTED_ASSESSOR,
            LegalModel.SECONDMENT,
            ("50", "50"),
            ("20", "80"),
            "",
        ),
        (
            "Integrated community mental health lead",
            community,
            wolds_council,
            "RW8-JOINT-01",
            JobRole.INTEGRATED_CARE_MANAGER,
            LegalModel.S75_INTEGRATED,
            ("70", "30"),
            ("60", "40"),
            "S75 Wolds integrated mental health, schedule 1",
        ),
    ]
    arrangements = []
    for title, employer, partner, reference, role, model, funding, time, s75 in specs:
        existing = JointArrangement.objects.filter(title=title).first()
        if existing:
            arrangements.append(existing)
            continue
        post, _ = Post.objects.get_or_create(
            organisation=employer,
            reference=reference,
            defaults={
                "title": title,
                "job_role": role,
                "staff_group": JOB_ROLE_STAFF_GROUP[role],
                "pay_framework": PayFramework.AFC,
                "pay_band": "8a",
                "status": PostStatus.VACANT,
            },
        )
        actor = users[TRUST_HR] if employer == trust else users["hr.admin@wolds-community.example"]
        arrangements.append(
            services.joint_arrangement_create(
                actor=actor,
                data={
                    "title": title,
                    "post": post,
                    "legal_model": model,
                    "status": "active",
                    "employer": employer,
                    "place_of_work": partner,
                    "funder": employer,
                    "line_manager": "Head of integrated discharge",
                    "line_manager_organisation": employer,
                    "professional_supervisor": "Principal social worker",
                    "professional_supervisor_organisation": partner,
                    "purpose": "Joined-up care across health and "
                    "social care, so people leave hospital to the right support without delay.",
                    "s75_reference": s75,
                    "start_date": today - datetime.timedelta(days=300),
                    "end_date": None,
                    "review_date": today + datetime.timedelta(days=65),
                },
                partners=[
                    {
                        "organisation": employer,
                        "roles": [PartnerRole.EMPLOYER, PartnerRole.FUNDER, PartnerRole.LINE_MANAGEMENT],
                        "funding_share": Decimal(funding[0]),
                        "time_share": Decimal(time[0]),
                    },
                    {
                        "organisation": partner,
                        "roles": [PartnerRole.HOST, PartnerRole.FUNDER, PartnerRole.PROFESSIONAL_SUPERVISION],
                        "funding_share": Decimal(funding[1]),
                        "time_share": Decimal(time[1]),
                    },
                ],
            )
        )
    return arrangements
