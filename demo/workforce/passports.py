"""The staff passport in the demo: what each employer accepts from another (acceptance rules), and everyone's
credentials: identity, right to work, DBS checks, training and occupational health.
"""

from __future__ import annotations

import datetime
import functools

from django.utils import timezone

from demo.workforce.employers import CARE, CARE_HR, COUNCIL, TRUST, TRUST_HR
from workforce.models import AcceptanceRule, Assignment, PassportCredential, Person
from workforce.vocabulary import CredentialKind, CredentialStatus, DBSLevel, HolderResponse

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


def seed_journey_credentials(jo: Person, orgs, users, today) -> None:
    """Jo Pennant's passport: recorded by Harbourside Care's HR administrator and verified by a second one (the
    trust's, who also acts for Harbourside in the demo); Jo has accepted all but the newest training, and the
    Care Certificate still waits for a second person to verify it."""
    care, recorder, verifier = orgs[CARE], users[CARE_HR], users[TRUST_HR]
    now = timezone.now()
    recorded = {"recorded_by": recorder, "recorded_at": now}
    verified = {
        **recorded,
        "verified_by": verifier,
        "verified_at": now,
        "holder_response": HolderResponse.ACCEPTED,
        "holder_responded_at": now,
    }

    def credential(kind, days_ago: int | None, evidence: str, *, checked: dict = verified, **fields):
        """One of Jo's credentials issued by Harbourside `days_ago` (None: on Jo's first day there, 1 August
        2019) and checked that day unless `fields` say otherwise."""
        issued_on = (
            datetime.date(2019, 8, 1) if days_ago is None else today - datetime.timedelta(days=days_ago)
        )
        return PassportCredential(
            person=jo,
            kind=kind,
            issued_by=care,
            issued_on=issued_on,
            evidence_seen=evidence,
            **{"evidence_checked_on": issued_on, **checked, **fields},
        )

    def expires_in(days: int) -> datetime.date:
        return today + datetime.timedelta(days=days)

    PassportCredential.objects.bulk_create(
        [
            credential(CredentialKind.IDENTITY, None, "UK passport"),
            credential(CredentialKind.RIGHT_TO_WORK, None, "UK passport"),
            credential(
                CredentialKind.DBS,
                400,
                "DBS certificate and update service status check",
                dbs_level=DBSLevel.ENHANCED_BARRED,
                dbs_update_service=True,
                dbs_update_checked_on=today - datetime.timedelta(days=20),
                reference="001234567890",
                evidence_checked_on=today - datetime.timedelta(days=20),
            ),
            credential(
                CredentialKind.TRAINING,
                200,
                "Course certificate",
                subject="Safeguarding adults level 2",
                expires_on=expires_in(900),
            ),
            credential(
                CredentialKind.TRAINING,
                100,
                "Course certificate",
                subject="Moving and handling",
                expires_on=expires_in(265),
                checked={**verified, "holder_response": HolderResponse.PENDING, "holder_responded_at": None},
            ),
            credential(
                CredentialKind.TRAINING,
                30,
                "Care Certificate signed by the assessor",
                subject="Care Certificate",
                checked=recorded,
            ),
        ]
    )


def _checked(issued_on: datetime.date, evidence: str) -> dict:
    """Credentials of the demo's other people stand for records carried over from before the passport: their
    evidence was seen and verified on the day they were issued (as the migration treats such records)."""
    return {
        "evidence_seen": evidence,
        "evidence_checked_on": issued_on,
        "verified_at": datetime.datetime.combine(issued_on, datetime.time(12), tzinfo=datetime.UTC),
    }


def _carried_over(person_id: int, issuer, kind, issued_on: datetime.date, evidence: str, **fields):
    return PassportCredential(
        person_id=person_id,
        kind=kind,
        issued_by=issuer,
        issued_on=issued_on,
        **_checked(issued_on, evidence),
        **fields,
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

        credential = functools.partial(_carried_over, person_id, issuer)
        credentials.append(credential(CredentialKind.IDENTITY, started, "Passport"))
        credentials.append(credential(CredentialKind.RIGHT_TO_WORK, started, "Passport"))
        if assignment.post.staff_group in CLINICAL_OR_CARE:
            issued = today - datetime.timedelta(days=rng.randint(30, 5 * 365))
            credentials.append(
                credential(
                    CredentialKind.DBS,
                    issued,
                    "DBS certificate",
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
                    credential(
                        CredentialKind.TRAINING,
                        done,
                        "Course certificate",
                        subject=subject,
                        expires_on=done + datetime.timedelta(days=3 * 365),
                    )
                )
            if issuer.sector == "health":
                credentials.append(
                    credential(
                        CredentialKind.OCCUPATIONAL_HEALTH, started, "Occupational health clearance letter"
                    )
                )
    PassportCredential.objects.bulk_create(credentials, batch_size=1000)
