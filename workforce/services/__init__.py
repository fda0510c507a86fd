"""Writes for the workforce app. Every service is atomic and writes its own audit record."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cms.accounts.roles import ROLES_BY_KEY, group_for
from cms.audit import audit

from .matching import is_valid_ni_number, person_match_key
from .models import (
    AcceptanceRule,
    AgreementDocument,
    Assignment,
    Employment,
    JointArrangement,
    JointArrangementPartner,
    Membership,
    Organisation,
    PassportCredential,
    Person,
    Post,
    SectorMove,
)
from .vocabulary import (
    AFC_BANDS,
    DBS_LEVEL_ORDER,
    JOB_ROLE_STAFF_GROUP,
    AssignmentKind,
    ContractType,
    CredentialKind,
    CredentialStatus,
    DBSLevel,
    MoveStatus,
    MoveType,
    PartnerRole,
    PayFramework,
    PostKind,
    PostStatus,
)


@transaction.atomic
def membership_grant(*, user, organisation: Organisation, role: str, granted_by=None) -> Membership:
    """Give `user` the role at `organisation` (idempotent) and the group that carries the role's permissions."""
    if role not in ROLES_BY_KEY:
        raise ValueError(f"Unknown role {role!r}")
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"granted_by": granted_by}
    )
    user.groups.add(group_for(role))
    if created:
        audit(
            action="membership.granted",
            actor=granted_by,
            obj=membership,
            summary=f"{user.email} made {ROLES_BY_KEY[role].name} at {organisation.name}",
            actor_label="" if granted_by else "system",
        )
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, revoked_by=None) -> None:
    user, role = membership.user, membership.role
    audit(
        action="membership.revoked",
        actor=revoked_by,
        obj=membership,
        summary=f"{user.email} no longer {ROLES_BY_KEY[role].name} at {membership.organisation.name}",
        actor_label="" if revoked_by else "system",
    )
    membership.delete()
    if not Membership.objects.filter(user=user, role=role).exists():
        user.groups.remove(group_for(role))


# --- shared checks ----------------------------------------------------------------------------------------------


def _is_hr_admin(user, organisation: Organisation | None) -> bool:
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        user.has_perm("workforce.view_workforce")
        and Membership.objects.filter(user=user, organisation=organisation, role="hr_admin").exists()
    )


def _not_member_message(organisation: Organisation) -> str:
    return f"You are not an HR administrator at {organisation.display_name}"


def _lock_person(person: Person) -> Person:
    # Serialises writes to one person's assignments, so two moves cannot both pass the overlap check.
    return Person.objects.select_for_update().get(pk=person.pk)


def _day_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=1)


def _overlapping(queryset, start: datetime.date, end: datetime.date | None):
    queryset = queryset.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if end is not None:
        queryset = queryset.filter(start_date__lte=end)
    return queryset


# --- people, employments, posts, assignments --------------------------------------------------------------------


@transaction.atomic
def person_create_or_match(
    *, ni_number: str, date_of_birth: datetime.date, first_name: str, last_name: str, actor=None
) -> tuple[Person, bool]:
    """Find the person by the consented match key, or create them. Returns (person, created)."""
    if not is_valid_ni_number(ni_number):
        raise ValidationError(
            {"ni_number": "Enter a National Insurance number in the right format, like QQ123456C"}
        )
    key = person_match_key(ni_number=ni_number, date_of_birth=date_of_birth, surname=last_name)
    person, created = Person.objects.get_or_create(
        match_key=key,
        defaults={
            "first_name": first_name.strip(),
            "last_name": last_name.strip(),
            "date_of_birth": date_of_birth,
        },
    )
    audit(
        action="workforce.person.created" if created else "workforce.person.matched",
        actor=actor,
        obj=person,
        summary=f"{'Created' if created else 'Matched'} person record {person.pk}",
    )
    return person, created


@transaction.atomic
def employment_start(
    *,
    person: Person,
    employer: Organisation,
    start_date: datetime.date,
    contract_type: str = ContractType.PERMANENT,
    staff_number: str = "",
    tupe_protected: bool = False,
    actor=None,
) -> Employment:
    employment = Employment.objects.create(
        person=person,
        employer=employer,
        start_date=start_date,
        contract_type=contract_type,
        staff_number=staff_number,
        tupe_protected=tupe_protected,
    )
    audit(
        action="workforce.employment.started",
        actor=actor,
        obj=employment,
        summary=f"Employment of person {person.pk} at {employer.name} from {start_date:%d/%m/%Y}",
    )
    return employment


def post_validate(*, pay_framework: str, pay_band: str) -> None:
    if pay_framework == PayFramework.AFC and pay_band not in AFC_BANDS:
        raise ValidationError({"pay_band": "Enter an Agenda for Change band: 1 to 9, or 8a to 8d"})


@transaction.atomic
def post_create(*, organisation: Organisation, actor=None, **fields) -> Post:
    post_validate(pay_framework=fields.get("pay_framework", ""), pay_band=fields.get("pay_band", ""))
    fields.setdefault("staff_group", JOB_ROLE_STAFF_GROUP.get(fields.get("job_role"), ""))
    post = Post(organisation=organisation, **fields)
    post._history_user = actor
    post.full_clean()
    post.save()
    audit(
        action="workforce.post.created",
        actor=actor,
        obj=post,
        summary=f"Post {post.reference} at {organisation.name}",
    )
    return post


def assignment_validate(
    *,
    person: Person,
    employment: Employment,
    post: Post,
    start_date: datetime.date,
    end_date: datetime.date | None,
    is_primary: bool,
    exclude_ids: Iterable[int] = (),
) -> None:
    """The no-overlap rule: one period per post per employment, and one primary assignment at a time."""
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": "The end date must be the same as or after the start date"})
    others = Assignment.objects.filter(person=person).exclude(pk__in=list(exclude_ids))
    clash = _overlapping(others.filter(employment=employment, post=post), start_date, end_date).first()
    if clash is None and is_primary:
        clash = _overlapping(others.filter(is_primary=True), start_date, end_date).first()
    if clash is not None:
        until = f"to {clash.end_date:%d %B %Y}" if clash.end_date else "with no end date"
        raise ValidationError(
            {
                "start_date": f"This overlaps {person.full_name}'s assignment to {clash.post.title} from "
                f"{clash.start_date:%d %B %Y} {until}"
            }
        )


@transaction.atomic
def assignment_create(
    *,
    employment: Employment,
    post: Post,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    work_organisation: Organisation | None = None,
    kind: str = AssignmentKind.SUBSTANTIVE,
    is_primary: bool = True,
    fte: Decimal = Decimal("1.00"),
    planned_end_date: datetime.date | None = None,
    home_assignment: Assignment | None = None,
    actor=None,
) -> Assignment:
    person = _lock_person(employment.person)
    assignment_validate(
        person=person,
        employment=employment,
        post=post,
        start_date=start_date,
        end_date=end_date,
        is_primary=is_primary,
    )
    assignment = Assignment.objects.create(
        employment=employment,
        person=person,
        post=post,
        work_organisation=work_organisation or post.organisation,
        kind=kind,
        is_primary=is_primary,
        fte=fte,
        start_date=start_date,
        end_date=end_date,
        planned_end_date=planned_end_date,
        home_assignment=home_assignment,
    )
    if end_date is None and post.status in (PostStatus.FUNDED, PostStatus.VACANT):
        post.status = PostStatus.FILLED
        post.save(update_fields=["status"])
    audit(
        action="workforce.assignment.created",
        actor=actor,
        obj=assignment,
        summary=f"Person {person.pk} assigned to post {post.reference} from {start_date:%d/%m/%Y}",
    )
    return assignment


def _assignment_close(assignment: Assignment, *, last_day: datetime.date) -> None:
    if last_day < assignment.start_date:
        raise ValidationError(
            {
                "effective_date": f"The move must start after the current assignment began on {assignment.start_date:%d %B %Y}"
            }
        )
    assignment.end_date = last_day
    assignment.save(update_fields=["end_date"])
    post = assignment.post
    if not post.assignments.filter(Q(end_date__isnull=True) | Q(end_date__gt=last_day)).exists():
        if post.status == PostStatus.FILLED:
            post.status = PostStatus.VACANT
            post.save(update_fields=["status"])


# --- joint arrangements -----------------------------------------------------------------------------------------


def _percent(value: Decimal) -> str:
    value = Decimal(value).normalize()
    return f"{value:f}%"


def joint_arrangement_validate(*, actor, data: dict, partners: list[dict]) -> None:
    """Every invariant of a joint arrangement, reported against the field a person would correct."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    employer = data["employer"]
    if not _is_hr_admin(actor, employer):
        add("employer", _not_member_message(employer))
    start, end, review = data.get("start_date"), data.get("end_date"), data.get("review_date")
    if start and end and end < start:
        add("end_date", "The end date must be the same as or after the start date")
    if start and review and review < start:
        add("review_date", "The review date must be after the start date")

    organisations = [p["organisation"] for p in partners]
    if len(partners) < 2:
        add("partners", "Add at least 2 partner organisations")
    if len(set(organisations)) != len(organisations):
        add("partners", "Each organisation can be a partner only once")
    funding = sum((Decimal(p["funding_share"]) for p in partners), Decimal("0"))
    time = sum((Decimal(p["time_share"]) for p in partners), Decimal("0"))
    if funding != Decimal("100"):
        add("partners", f"Funding shares must add up to 100%. They add up to {_percent(funding)}.")
    if time != Decimal("100"):
        add("partners", f"Time shares must add up to 100%. They add up to {_percent(time)}.")

    roles_by_org = {p["organisation"]: set(p.get("roles") or []) for p in partners}
    for field, role, label in (
        ("employer", PartnerRole.EMPLOYER, "employer"),
        ("place_of_work", PartnerRole.HOST, "host"),
        ("funder", PartnerRole.FUNDER, "funder"),
    ):
        organisation = data.get(field)
        if organisation is not None and role not in roles_by_org.get(organisation, set()):
            add(field, f"{organisation.display_name} must be a partner with the {label} role")
    for field in ("line_manager_organisation", "professional_supervisor_organisation"):
        organisation = data.get(field)
        if organisation is not None and organisation not in roles_by_org:
            add(field, f"{organisation.display_name} must be one of the partners")
    post = data.get("post")
    if post is not None and post.organisation not in roles_by_org:
        add("post", "The post must belong to one of the partner organisations")
    if errors:
        raise ValidationError(errors)


ARRANGEMENT_FIELDS = (
    "title",
    "post",
    "legal_model",
    "status",
    "employer",
    "place_of_work",
    "funder",
    "line_manager",
    "line_manager_organisation",
    "professional_supervisor",
    "professional_supervisor_organisation",
    "purpose",
    "s75_reference",
    "start_date",
    "end_date",
    "review_date",
)


def _save_partners(arrangement: JointArrangement, partners: list[dict], *, actor) -> None:
    existing = {p.organisation_id: p for p in arrangement.partners.all()}
    keep = set()
    for item in partners:
        organisation = item["organisation"]
        keep.add(organisation.pk)
        partner = existing.get(organisation.pk) or JointArrangementPartner(
            arrangement=arrangement, organisation=organisation
        )
        partner.roles = sorted(item.get("roles") or [])
        partner.funding_share = Decimal(item["funding_share"])
        partner.time_share = Decimal(item["time_share"])
        partner._history_user = actor
        partner.save()
    for organisation_id, partner in existing.items():
        if organisation_id not in keep:
            partner._history_user = actor
            partner.delete()


@transaction.atomic
def joint_arrangement_create(*, actor, data: dict, partners: list[dict]) -> JointArrangement:
    joint_arrangement_validate(actor=actor, data=data, partners=partners)
    arrangement = JointArrangement(
        created_by=actor, **{k: data.get(k) for k in ARRANGEMENT_FIELDS if k in data}
    )
    for field in ("line_manager", "professional_supervisor", "purpose", "s75_reference"):
        if getattr(arrangement, field) is None:
            setattr(arrangement, field, "")
    arrangement._history_user = actor
    arrangement.save()
    _save_partners(arrangement, partners, actor=actor)
    post = arrangement.post
    if post.kind != PostKind.JOINT:
        post.kind = PostKind.JOINT
        post.save(update_fields=["kind"])
    audit(
        action="workforce.joint_arrangement.created",
        actor=actor,
        obj=arrangement,
        summary=f"Joint arrangement '{arrangement.title}' set up",
        detail={"partners": {p["organisation"].name: str(p["funding_share"]) for p in partners}},
    )
    return arrangement


@transaction.atomic
def joint_arrangement_update(
    *, arrangement: JointArrangement, actor, data: dict, partners: list[dict]
) -> JointArrangement:
    if not _is_hr_admin(actor, arrangement.employer):
        raise PermissionDenied("Only the employer's HR administrators can change this arrangement.")
    joint_arrangement_validate(actor=actor, data=data, partners=partners)
    changed = []
    for field in ARRANGEMENT_FIELDS:
        if field in data:
            value = data[field]
            if value is None and field in (
                "line_manager",
                "professional_supervisor",
                "purpose",
                "s75_reference",
            ):
                value = ""
            if getattr(arrangement, field) != value:
                changed.append(field)
                setattr(arrangement, field, value)
    arrangement._history_user = actor
    arrangement.save()
    _save_partners(arrangement, partners, actor=actor)
    audit(
        action="workforce.joint_arrangement.updated",
        actor=actor,
        obj=arrangement,
        summary=f"Joint arrangement '{arrangement.title}' changed",
        detail={"fields": changed},
    )
    return arrangement


AGREEMENT_MAX_BYTES = 10 * 1024 * 1024
# Signatures at the start of the file: the content decides the type, not the name or the browser's claim.
AGREEMENT_SIGNATURES = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    (b"PK\x03\x04", "application/vnd.oasis.opendocument.text", (".odt",)),
)


def agreement_file_check(upload) -> str:
    """Return the file's content type, or raise if it is too big or not a PDF, Word or OpenDocument file."""
    if upload.size > AGREEMENT_MAX_BYTES:
        raise ValidationError({"file": "The file must be smaller than 10MB"})
    if upload.size == 0:
        raise ValidationError({"file": "The selected file is empty"})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    name = (upload.name or "").lower()
    for signature, content_type, extensions in AGREEMENT_SIGNATURES:
        if head.startswith(signature) and name.endswith(extensions):
            if signature == b"PK\x03\x04" and not _zip_is_office_document(upload, extensions[0]):
                break
            return content_type
    raise ValidationError(
        {"file": "The selected file must be a PDF, Word (.docx) or OpenDocument (.odt) file"}
    )


def _zip_is_office_document(upload, extension: str) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)
    if extension == ".docx":
        return "word/document.xml" in names
    return "content.xml" in names


@transaction.atomic
def agreement_document_add(
    *, arrangement: JointArrangement, actor, kind: str, title: str, upload
) -> AgreementDocument:
    if not _is_hr_admin(actor, arrangement.employer):
        raise PermissionDenied("Only the employer's HR administrators can add agreement documents.")
    content_type = agreement_file_check(upload)
    document = AgreementDocument(
        arrangement=arrangement,
        kind=kind,
        title=title,
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    document.file.save(upload.name.rsplit("/", 1)[-1], upload, save=False)
    document.save()
    audit(
        action="workforce.agreement_document.added",
        actor=actor,
        obj=document,
        summary=f"Agreement '{title}' added to '{arrangement.title}'",
    )
    return document


# --- staff passport ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PassportCheck:
    """One acceptance rule of the receiving organisation and what the passport offers against it."""

    rule: AcceptanceRule
    credential: PassportCredential | None
    reused: bool
    reason: str

    @property
    def label(self) -> str:
        return str(self.rule.get_kind_display()) + (f": {self.rule.subject}" if self.rule.subject else "")


def _credential_fails(credential: PassportCredential, rule: AcceptanceRule, on_date: datetime.date) -> str:
    status = credential.status_on(on_date)
    if status not in (CredentialStatus.ISSUED, CredentialStatus.ACCEPTED):
        return f"The passport's {credential} is {CredentialStatus(status).label.lower()}"
    if (
        rule.minimum_dbs_level
        and DBS_LEVEL_ORDER.get(credential.dbs_level, 0) < DBS_LEVEL_ORDER[rule.minimum_dbs_level]
    ):
        return f"Needs a {DBSLevel(rule.minimum_dbs_level).label.lower()} DBS check"
    if rule.requires_update_service and not credential.dbs_update_service:
        return "The DBS check is not on the update service"
    if rule.max_age_days is not None and (on_date - credential.issued_on).days > rule.max_age_days:
        return f"Issued more than {rule.max_age_days} days before the start date"
    if rule.accepted_issuer_sectors and credential.issued_by.sector not in rule.accepted_issuer_sectors:
        return f"Not accepted when issued by {credential.issued_by.get_sector_display().lower()}"
    return ""


def passport_evaluate(
    *, person: Person, organisation: Organisation, job_role: str, on_date: datetime.date
) -> list[PassportCheck]:
    """Which checks the receiving organisation can reuse from the passport and which it must repeat."""
    rules = list(
        AcceptanceRule.objects.filter(organisation=organisation).filter(Q(job_role="") | Q(job_role=job_role))
    )
    credentials = list(person.credentials.select_related("issued_by").order_by("-issued_on", "-pk"))
    checks = []
    for rule in rules:
        candidates = [
            c
            for c in credentials
            if c.kind == rule.kind and (not rule.subject or rule.subject.casefold() in c.subject.casefold())
        ]
        if not candidates:
            checks.append(PassportCheck(rule, None, False, "Not on the passport"))
            continue
        failures = [(c, _credential_fails(c, rule, on_date)) for c in candidates]
        usable = next((c for c, failure in failures if not failure), None)
        if usable is not None:
            checks.append(PassportCheck(rule, usable, True, "Reused from the passport"))
        else:
            credential, failure = failures[0]
            checks.append(PassportCheck(rule, credential, False, failure))
    return checks


@transaction.atomic
def passport_credential_set_status(
    *, credential: PassportCredential, actor, status: str, reason: str = ""
) -> None:
    if status in (CredentialStatus.REJECTED, CredentialStatus.REVOKED) and not reason.strip():
        raise ValidationError({"status_reason": "Give the reason the credential is rejected or revoked"})
    if not _is_hr_admin(actor, credential.issued_by):
        raise PermissionDenied(
            "Only the issuing organisation's HR administrators can change this credential."
        )
    credential.status = status
    credential.status_reason = reason.strip()
    credential._history_user = actor
    credential.save(update_fields=["status", "status_reason"])
    audit(
        action="workforce.credential.status_changed",
        actor=actor,
        obj=credential,
        summary=f"Credential {credential.pk} {status}",
        detail={"reason": reason},
    )


# --- reporting lines and work e-mail ----------------------------------------------------------------------------


def _hr_organisation_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm("workforce.view_workforce"):
        return set()
    return set(
        Membership.objects.filter(user=user, role="hr_admin").values_list("organisation_id", flat=True)
    )


def reporting_employments(*, person: Person, actor, on_date: datetime.date | None = None):
    """The person's employments, not yet ended, whose reporting line `actor` may change: those with an
    employer where the actor is HR administrator. Empty means the actor cannot change the person's lines."""
    on_date = on_date or timezone.localdate()
    return (
        Employment.objects.open_on(on_date)
        .filter(person=person, employer_id__in=_hr_organisation_ids(actor))
        .select_related("employer", "line_manager")
        .order_by("start_date", "pk")
    )


def _reports_to(*, manager: Person, person: Person, on_date: datetime.date) -> bool:
    """Whether `manager` already reports to `person`, directly or up the chain, through open employments.

    One query per level; a set of people seen stops the walk even if the data already holds a loop.
    """
    frontier, seen = {manager.pk}, {manager.pk}
    while frontier:
        if person.pk in frontier:
            return True
        above = set(
            Employment.objects.open_on(on_date)
            .filter(person_id__in=frontier, line_manager__isnull=False)
            .values_list("line_manager_id", flat=True)
        )
        frontier = above - seen
        seen |= frontier
    return False


@transaction.atomic
def employment_set_line_manager(
    *, employment: Employment, line_manager: Person | None, actor, field: str = "line_manager"
) -> bool:
    """Record who the person reports to under this employment (None: no one). Returns whether it changed.

    Only HR administrators of the employer may change it. Refused: the person as their own manager, and a
    manager who already reports to the person (directly or through others), which would make a loop.
    """
    if not _is_hr_admin(actor, employment.employer):
        raise PermissionDenied(_not_member_message(employment.employer))
    person = employment.person
    if line_manager is not None:
        if line_manager.pk == person.pk:
            raise ValidationError({field: "A person cannot be their own line manager"})
        if _reports_to(manager=line_manager, person=person, on_date=timezone.localdate()):
            raise ValidationError(
                {
                    field: f"{line_manager.full_name} reports to {person.full_name}, directly or through "
                    "their own managers, so cannot also be their line manager"
                }
            )
    previous = employment.line_manager_id
    new = line_manager.pk if line_manager is not None else None
    if previous == new:
        return False
    employment.line_manager = line_manager
    employment._history_user = actor
    employment.save(update_fields=["line_manager"])
    audit(
        action="workforce.employment.line_manager_changed",
        actor=actor,
        obj=employment,
        summary=f"Line manager of person {person.pk} at {employment.employer.name} "
        + ("removed" if new is None else "set"),
        detail={"person": person.pk, "from_person": previous, "to_person": new},
    )
    return True


def work_email_normalise(value: str) -> str:
    return (value or "").strip().lower()


@transaction.atomic
def person_set_work_email(*, person: Person, work_email: str, actor) -> bool:
    """Set the work e-mail that links the record to a sign-in account. Returns whether it changed.

    HR administrators of an organisation that employs the person now may change it. Each address belongs to
    one person record.
    """
    if not reporting_employments(person=person, actor=actor).exists():
        raise PermissionDenied("Only HR administrators of the person's current employer can change this")
    email = work_email_normalise(work_email)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {"work_email": "Enter an e-mail address like name@example.nhs.uk"}
            ) from None
        holder = Person.objects.filter(work_email=email).exclude(pk=person.pk).first()
        if holder is not None:
            # Name the organisations that keep the other record, so the two HR teams can put it right (an
            # address set on the wrong record by mistake, or by someone who should not have).
            employers = sorted(
                set(
                    Employment.objects.open_on(timezone.localdate())
                    .filter(person=holder)
                    .values_list("employer__name", flat=True)
                )
            )
            where = f" kept by {', '.join(employers)}" if employers else ""
            raise ValidationError(
                {
                    "work_email": f"Another person's record{where} already has this work e-mail address. "
                    "Ask that organisation's HR team to correct their record"
                }
            )
    previous = person.work_email
    if email == previous:
        return False
    person.work_email = email
    try:
        with transaction.atomic():
            person.save(update_fields=["work_email"])
    except IntegrityError:
        # Another HR administrator recorded the same address a moment ago.
        raise ValidationError(
            {"work_email": "Another person's record already has this work e-mail address"}
        ) from None
    audit(
        action="workforce.person.work_email_changed",
        actor=actor,
        obj=person,
        summary=f"Work e-mail of person {person.pk} " + ("removed" if not email else "recorded"),
        detail={"from": previous, "to": email},
    )
    return True


@transaction.atomic
def person_reporting_update(
    *, person: Person, actor, work_email: str, line_managers: dict[int, Person | None]
) -> int:
    """Set a person's work e-mail and, per employment id, who they report to, all or nothing.

    Errors are keyed `work_email` and `line_manager_<employment id>`. Returns how many things changed.
    """
    person = _lock_person(person)
    employments = {e.pk: e for e in reporting_employments(person=person, actor=actor)}
    if not employments or not set(line_managers) <= set(employments):
        raise PermissionDenied("Only HR administrators of the person's current employer can change this")
    errors: dict[str, list[str]] = {}
    changed = 0
    try:
        changed += person_set_work_email(person=person, work_email=work_email, actor=actor)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for employment_id, manager in line_managers.items():
        employment = employments[employment_id]
        employment.person = person
        try:
            changed += employment_set_line_manager(
                employment=employment,
                line_manager=manager,
                actor=actor,
                field=f"line_manager_{employment_id}",
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return changed


# --- sector moves -----------------------------------------------------------------------------------------------

MOVES_NEEDING_END_DATE = {MoveType.SECONDMENT_START, MoveType.SECONDMENT_EXTEND, MoveType.ROTATION}
MOVES_FROM_SECONDMENT = {MoveType.SECONDMENT_EXTEND, MoveType.SECONDMENT_RETURN}


def person_current_assignments(*, person: Person, on_date: datetime.date):
    return (
        Assignment.objects.filter(person=person, start_date__lte=on_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on_date))
        .select_related(
            "post__organisation", "work_organisation", "employment__employer", "home_assignment__post"
        )
    )


@transaction.atomic
def sector_move_record(
    *,
    actor,
    person: Person,
    move_type: str,
    from_post: Post,
    effective_date: datetime.date,
    reason: str,
    to_organisation: Organisation | None = None,
    to_post: Post | None = None,
    end_date: datetime.date | None = None,
    offer_date: datetime.date | None = None,
    destination_sector: str = "",
    joint_arrangement: JointArrangement | None = None,
) -> SectorMove:
    """The sending organisation records a move. Leavers take effect at once; others wait for the receiver."""
    person = _lock_person(person)
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    current = {
        a.post_id: a for a in person_current_assignments(person=person, on_date=_day_before(effective_date))
    }
    from_assignment = current.get(from_post.pk)
    if from_assignment is None:
        posts = ", ".join(sorted(a.post.title for a in current.values())) or "none"
        add(
            "from_post",
            f"{from_post.title} is not {person.full_name}'s current post. Their current posts: {posts}",
        )
    from_organisation = from_assignment.work_organisation if from_assignment else from_post.organisation
    if from_assignment is not None and not (
        _is_hr_admin(actor, from_organisation) or _is_hr_admin(actor, from_assignment.employment.employer)
    ):
        add("from_post", _not_member_message(from_organisation))
    if not reason.strip():
        add("reason", "Enter the reason for the move")
    if offer_date is not None and offer_date > effective_date:
        add("offer_date", "The offer date must be on or before the start date")
    if end_date is not None and end_date <= effective_date:
        add("end_date", "The end date must be after the start date")
    if move_type in MOVES_NEEDING_END_DATE and end_date is None:
        add("end_date", "Enter the planned end date")
    if move_type == MoveType.JOINT_ROLE_START and joint_arrangement is None:
        add("joint_arrangement", "Choose the joint arrangement the person is joining")

    if move_type == MoveType.LEAVER:
        to_organisation, to_post = None, None
        if not destination_sector:
            add("destination_sector", "Select where the person is going, or 'Not known'")
        to_sector = destination_sector
    else:
        if move_type in MOVES_FROM_SECONDMENT and from_assignment is not None:
            home = from_assignment.home_assignment
            if home is None:
                add("from_post", f"{from_post.title} is not a secondment or rotation")
            elif move_type == MoveType.SECONDMENT_RETURN:
                to_organisation, to_post = home.work_organisation, home.post
            else:
                to_organisation, to_post = from_organisation, from_post
                if (
                    from_assignment.planned_end_date
                    and end_date
                    and end_date <= from_assignment.planned_end_date
                ):
                    add("end_date", "The new end date must be after the current planned end date")
        if joint_arrangement is not None and to_post is None:
            to_post = joint_arrangement.post
            to_organisation = to_organisation or joint_arrangement.employer
        if to_organisation is None:
            add("to_organisation", "Select the organisation the person is moving to")
        if to_post is None:
            add("to_post", "Select the post the person is moving to")
        elif (
            to_organisation is not None
            and to_post.organisation_id != to_organisation.pk
            and not (joint_arrangement is not None and to_post.pk == joint_arrangement.post_id)
        ):
            add("to_post", f"{to_post.title} is not a post at {to_organisation.display_name}")
        to_sector = to_organisation.sector if to_organisation else ""

    if not errors:
        pending = SectorMove.objects.filter(person=person, status=MoveStatus.RECORDED).first()
        if pending is not None:
            add(
                "effective_date", f"{person.full_name} already has a move waiting for confirmation: {pending}"
            )
        later = (
            Assignment.objects.filter(person=person, is_primary=True, start_date__gte=effective_date)
            .exclude(pk=from_assignment.pk)
            .first()
        )
        if later is not None:
            add(
                "effective_date",
                f"This overlaps {person.full_name}'s assignment to {later.post.title} from "
                f"{later.start_date:%d %B %Y}",
            )
    if errors:
        raise ValidationError(errors)

    move = SectorMove(
        person=person,
        move_type=move_type,
        from_organisation=from_organisation,
        from_sector=from_organisation.sector,
        from_post=from_post,
        from_assignment=from_assignment,
        to_organisation=to_organisation,
        to_sector=to_sector,
        to_post=to_post,
        staff_group=from_post.staff_group,
        joint_arrangement=joint_arrangement,
        offer_date=offer_date,
        effective_date=effective_date,
        end_date=end_date,
        days_offer_to_start=(effective_date - offer_date).days if offer_date else None,
        reason=reason.strip(),
        recorded_by=actor,
    )
    move._history_user = actor
    move.save()
    audit(
        action="workforce.move.recorded",
        actor=actor,
        obj=move,
        summary=f"{move.get_move_type_display()} of person {person.pk} recorded by {from_organisation.name}",
    )
    if move_type == MoveType.LEAVER:
        _assignment_close(from_assignment, last_day=_day_before(effective_date))
        employment = from_assignment.employment
        if not employment.assignments.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=effective_date)
        ).exists():
            employment.end_date = _day_before(effective_date)
            employment.save(update_fields=["end_date"])
        move.status = MoveStatus.CONFIRMED
        move.save(update_fields=["status"])
    return move


def _employment_at(person: Person, employer: Organisation, start: datetime.date, **fields) -> Employment:
    existing = (
        Employment.objects.filter(person=person, employer=employer, start_date__lte=start)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .first()
    )
    return existing or Employment.objects.create(person=person, employer=employer, start_date=start, **fields)


@transaction.atomic
def sector_move_confirm(*, move: SectorMove, actor) -> SectorMove:
    """The receiving organisation confirms the arrival: the assignments change and the passport is applied."""
    move = (
        SectorMove.objects.select_for_update().select_related("from_assignment__employment").get(pk=move.pk)
    )
    if move.status != MoveStatus.RECORDED:
        raise ValidationError("This move has already been confirmed")
    if not _is_hr_admin(actor, move.to_organisation):
        raise PermissionDenied(_not_member_message(move.to_organisation))
    person = _lock_person(move.person)
    start, last_day = move.effective_date, _day_before(move.effective_date)
    source = move.from_assignment
    if source.end_date is not None and source.end_date < last_day:
        raise ValidationError(f"{person.full_name} left {source.post.title} on {source.end_date:%d %B %Y}")

    checks = passport_evaluate(
        person=person, organisation=move.to_organisation, job_role=move.to_post.job_role, on_date=start
    )
    new_assignment = None
    if move.move_type == MoveType.SECONDMENT_EXTEND:
        source.planned_end_date = move.end_date
        source.save(update_fields=["planned_end_date"])
        new_assignment = source
    elif move.move_type == MoveType.SECONDMENT_RETURN:
        home = source.home_assignment
        _assignment_close(source, last_day=last_day)
        new_assignment = assignment_create(
            employment=home.employment,
            post=home.post,
            work_organisation=home.work_organisation,
            kind=home.kind,
            is_primary=home.is_primary,
            fte=home.fte,
            start_date=start,
            actor=actor,
        )
    elif move.move_type in (MoveType.SECONDMENT_START, MoveType.ROTATION):
        # The employer does not change: the person is placed with the host and keeps a right to return.
        _assignment_close(source, last_day=last_day)
        new_assignment = assignment_create(
            employment=source.employment,
            post=move.to_post,
            work_organisation=move.to_organisation,
            kind=AssignmentKind.SECONDED_IN
            if move.move_type == MoveType.SECONDMENT_START
            else AssignmentKind.ROTATION,
            fte=source.fte,
            start_date=start,
            planned_end_date=move.end_date,
            home_assignment=source,
            actor=actor,
        )
    else:
        arrangement = move.joint_arrangement
        employer = arrangement.employer if arrangement else move.to_organisation
        _assignment_close(source, last_day=last_day)
        old_employment = source.employment
        if (
            old_employment.employer_id != employer.pk
            and not old_employment.assignments.filter(
                Q(end_date__isnull=True) | Q(end_date__gte=start)
            ).exists()
        ):
            old_employment.end_date = last_day
            old_employment.save(update_fields=["end_date"])
        employment = _employment_at(person, employer, start, tupe_protected=move.move_type == MoveType.TUPE)
        new_assignment = assignment_create(
            employment=employment,
            post=move.to_post,
            work_organisation=arrangement.place_of_work if arrangement else move.to_organisation,
            kind=AssignmentKind.JOINT_SHARE
            if move.move_type == MoveType.JOINT_ROLE_START
            else AssignmentKind.SUBSTANTIVE,
            fte=source.fte,
            start_date=start,
            actor=actor,
        )

    reused = [c.credential for c in checks if c.reused]
    move.credentials_reused.set(reused)
    for credential in reused:
        if credential.status == CredentialStatus.ISSUED:
            credential.status = CredentialStatus.ACCEPTED
            credential.save(update_fields=["status"])
    move.checks_repeated = [{"check": c.label, "reason": c.reason} for c in checks if not c.reused]
    move.to_assignment = new_assignment
    move.status = MoveStatus.CONFIRMED
    move.confirmed_by = actor
    move.confirmed_at = timezone.now()
    move._history_user = actor
    move.save()
    audit(
        action="workforce.move.confirmed",
        actor=actor,
        obj=move,
        summary=f"{move.get_move_type_display()} of person {person.pk} confirmed by {move.to_organisation.name}",
        detail={"reused": len(reused), "repeated": len(move.checks_repeated)},
    )
    return move


@transaction.atomic
def acceptance_rule_create(*, actor, organisation: Organisation, **fields) -> AcceptanceRule:
    """A receiving organisation's rule for reusing a passport check instead of repeating it."""
    if not _is_hr_admin(actor, organisation):
        raise ValidationError({"organisation": _not_member_message(organisation)})
    if fields.get("kind") != CredentialKind.DBS and (
        fields.get("minimum_dbs_level") or fields.get("requires_update_service")
    ):
        raise ValidationError({"minimum_dbs_level": "DBS level and update service apply only to DBS checks"})
    rule = AcceptanceRule(organisation=organisation, **fields)
    rule.full_clean()
    rule.save()
    audit(action="workforce.acceptance_rule.created", actor=actor, obj=rule, summary=str(rule))
    return rule


@transaction.atomic
def acceptance_rule_delete(*, actor, rule: AcceptanceRule) -> None:
    if not _is_hr_admin(actor, rule.organisation):
        raise PermissionDenied(_not_member_message(rule.organisation))
    audit(action="workforce.acceptance_rule.deleted", actor=actor, obj=rule, summary=str(rule))
    rule.delete()
