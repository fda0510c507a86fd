"""The staff passport in the demo: what each employer accepts from another (acceptance rules), and everyone's
credentials: identity, right to work, DBS checks, training and occupational health.
"""

from __future__ import annotations

import datetime

from demo.workforce.employers import CARE, COUNCIL, TRUST
from workforce.models import AcceptanceRule, Assignment, PassportCredential
from workforce.vocabulary import CredentialKind, CredentialStatus, DBSLevel

TRAINING = ("Safeguarding adults level 2", "Moving and handling", "Infection prevention and control")
CLINICAL_OR_CARE = {
    "nursing",
    "ahp",
    "clinical_support",
    "ambulance",
    "medical",
    "asc_direct_care",
    "asc_regulated",
    "asc_managerial",
}


def seed_acceptance_rules(orgs) -> None:
    rules = [
        (
            TRUST,
            CredentialKind.DBS,
            "",
            {"minimum_dbs_level": DBSLevel.ENHANCED, "requires_update_service": True},
        ),
        (TRUST, CredentialKind.TRAINING, "Safeguarding adults", {"max_age_days": 3 * 365}),
        (TRUST, CredentialKind.TRAINING, "Moving and handling", {"max_age_days": 3 * 365}),
        (TRUST, CredentialKind.IDENTITY, "", {}),
        (TRUST, CredentialKind.OCCUPATIONAL_HEALTH, "", {"accepted_issuer_sectors": ["health"]}),
        (COUNCIL, CredentialKind.DBS, "", {"minimum_dbs_level": DBSLevel.ENHANCED}),
        (COUNCIL, CredentialKind.TRAINING, "Safeguarding adults", {}),
        (COUNCIL, CredentialKind.IDENTITY, "", {}),
        (CARE, CredentialKind.DBS, "", {"minimum_dbs_level": DBSLevel.ENHANCED_BARRED}),
        (CARE, CredentialKind.TRAINING, "Moving and handling", {"max_age_days": 365}),
        (CARE, CredentialKind.RIGHT_TO_WORK, "", {}),
        ("Wolds Community", CredentialKind.DBS, "", {"minimum_dbs_level": DBSLevel.ENHANCED}),
        ("Brightwater Home Care", CredentialKind.DBS, "", {"minimum_dbs_level": DBSLevel.ENHANCED}),
    ]
    for short_name, kind, subject, options in rules:
        AcceptanceRule.objects.get_or_create(
            organisation=orgs[short_name], kind=kind, subject=subject, job_role="", defaults=options
        )


def seed_credentials(people, rng, today) -> None:
    people_ids = [p.pk for p in people if p.last_name != "Pennant" or p.first_name != "Jo"]
    current = {
        a.person_id: a
        for a in Assignment.objects.filter(person_id__in=people_ids).select_related(
            "post", "employment__employer"
        )
    }
    credentials = []
    for person_id, assignment in current.items():
        issuer = assignment.employment.employer
        started = assignment.start_date
        credentials.append(
            PassportCredential(
                person_id=person_id, kind=CredentialKind.IDENTITY, issued_by=issuer, issued_on=started
            )
        )
        credentials.append(
            PassportCredential(
                person_id=person_id, kind=CredentialKind.RIGHT_TO_WORK, issued_by=issuer, issued_on=started
            )
        )
        if assignment.post.staff_group in CLINICAL_OR_CARE:
            issued = today - datetime.timedelta(days=rng.randint(30, 5 * 365))
            credentials.append(
                PassportCredential(
                    person_id=person_id,
                    kind=CredentialKind.DBS,
                    issued_by=issuer,
                    issued_on=issued,
                    dbs_level=DBSLevel.ENHANCED_BARRED if rng.random() < 0.8 else DBSLevel.ENHANCED,
                    dbs_update_service=rng.random() < 0.7,
                    reference=f"00{rng.randint(10**9, 10**10 - 1)}",
                    status=CredentialStatus.REVOKED if rng.random() < 0.01 else CredentialStatus.ISSUED,
                    status_reason="Barring information received" if rng.random() < 0.01 else "",
                )
            )
            for subject in TRAINING:
                done = today - datetime.timedelta(days=rng.randint(10, 4 * 365))
                credentials.append(
                    PassportCredential(
                        person_id=person_id,
                        kind=CredentialKind.TRAINING,
                        subject=subject,
                        issued_by=issuer,
                        issued_on=done,
                        expires_on=done + datetime.timedelta(days=3 * 365),
                    )
                )
            if issuer.sector == "health":
                credentials.append(
                    PassportCredential(
                        person_id=person_id,
                        kind=CredentialKind.OCCUPATIONAL_HEALTH,
                        issued_by=issuer,
                        issued_on=started,
                    )
                )
    PassportCredential.objects.bulk_create(credentials, batch_size=1000)
