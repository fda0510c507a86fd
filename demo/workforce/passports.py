"""The staff passport in the demo: what each employer accepts from another (acceptance rules), and everyone's
credentials: identity, right to work, DBS checks, training and occupational health.
"""

from __future__ import annotations

import datetime

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
    verified = {
        "recorded_by": recorder,
        "recorded_at": now,
        "verified_by": verifier,
        "verified_at": now,
        "holder_response": HolderResponse.ACCEPTED,
        "holder_responded_at": now,
    }
    PassportCredential.objects.bulk_create(
        [
            PassportCredential(
                person=jo,
                kind=CredentialKind.IDENTITY,
                issued_by=care,
                issued_on=datetime.date(2019, 8, 1),
                evidence_seen="UK passport",
                evidence_checked_on=datetime.date(2019, 8, 1),
                **verified,
            ),
            PassportCredential(
                person=jo,
                kind=CredentialKind.RIGHT_TO_WORK,
                issued_by=care,
                issued_on=datetime.date(2019, 8, 1),
                evidence_seen="UK passport",
                evidence_checked_on=datetime.date(2019, 8, 1),
                **verified,
            ),
            PassportCredential(
                person=jo,
                kind=CredentialKind.DBS,
                dbs_level=DBSLevel.ENHANCED_BARRED,
                dbs_update_service=True,
                dbs_update_checked_on=today - datetime.timedelta(days=20),
                reference="001234567890",
                issued_by=care,
                issued_on=today - datetime.timedelta(days=400),
                evidence_seen="DBS certificate and update service status check",
                evidence_checked_on=today - datetime.timedelta(days=20),
                **verified,
            ),
            PassportCredential(
                person=jo,
                kind=CredentialKind.TRAINING,
                subject="Safeguarding adults level 2",
                issued_by=care,
                issued_on=today - datetime.timedelta(days=200),
                expires_on=today + datetime.timedelta(days=900),
                evidence_seen="Course certificate",
                evidence_checked_on=today - datetime.timedelta(days=200),
                **verified,
            ),
            PassportCredential(
                person=jo,
                kind=CredentialKind.TRAINING,
                subject="Moving and handling",
                issued_by=care,
                issued_on=today - datetime.timedelta(days=100),
                expires_on=today + datetime.timedelta(days=265),
                evidence_seen="Course certificate",
                evidence_checked_on=today - datetime.timedelta(days=100),
                **{**verified, "holder_response": HolderResponse.PENDING, "holder_responded_at": None},
            ),
            PassportCredential(
                person=jo,
                kind=CredentialKind.TRAINING,
                subject="Care Certificate",
                issued_by=care,
                issued_on=today - datetime.timedelta(days=30),
                evidence_seen="Care Certificate signed by the assessor",
                evidence_checked_on=today - datetime.timedelta(days=30),
                recorded_by=recorder,
                recorded_at=now,
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
                person_id=person_id,
                kind=CredentialKind.IDENTITY,
                issued_by=issuer,
                issued_on=started,
                **_checked(started, "Passport"),
            )
        )
        credentials.append(
            PassportCredential(
                person_id=person_id,
                kind=CredentialKind.RIGHT_TO_WORK,
                issued_by=issuer,
                issued_on=started,
                **_checked(started, "Passport"),
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
                    **_checked(issued, "DBS certificate"),
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
                        **_checked(done, "Course certificate"),
                    )
                )
            if issuer.sector == "health":
                credentials.append(
                    PassportCredential(
                        person_id=person_id,
                        kind=CredentialKind.OCCUPATIONAL_HEALTH,
                        issued_by=issuer,
                        issued_on=started,
                        **_checked(started, "Occupational health clearance letter"),
                    )
                )
    PassportCredential.objects.bulk_create(credentials, batch_size=1000)
