"""Joint arrangements: setting them up and changing them, their partners' shares, and their signed agreements."""

from __future__ import annotations

import zipfile
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cms.audit import audit

from ..models import AgreementDocument, JointArrangement, JointArrangementPartner
from ..selectors.access import is_hr_admin
from ..vocabulary import PartnerRole, PostKind
from .organisations import not_member_message


def _percent(value: Decimal) -> str:
    value = Decimal(value).normalize()
    return f"{value:f}%"


def joint_arrangement_validate(*, actor, data: dict, partners: list[dict]) -> None:
    """Every invariant of a joint arrangement, reported against the field a person would correct."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    employer = data["employer"]
    if not is_hr_admin(user=actor, organisation=employer):
        add("employer", not_member_message(employer))
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
    if not is_hr_admin(user=actor, organisation=arrangement.employer):
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
    if not is_hr_admin(user=actor, organisation=arrangement.employer):
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
