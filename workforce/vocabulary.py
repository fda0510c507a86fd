"""National vocabularies used by posts, moves and the staff passport.

Staff groups and job roles follow the NHS Workforce Statistics (NWD) staff groups and the adult social care
workforce data set (ASC-WDS) job roles, trimmed to the roles an integrated care system's HR teams record most.
"""

from django.db import models


class StaffGroup(models.TextChoices):
    MEDICAL = "medical", "Medical and dental"
    NURSING = "nursing", "Nursing, midwifery and health visiting"
    AHP = "ahp", "Allied health professionals"
    SCIENTIFIC = "scientific", "Scientific, therapeutic and technical"
    AMBULANCE = "ambulance", "Ambulance staff"
    CLINICAL_SUPPORT = "clinical_support", "Support to clinical staff"
    INFRASTRUCTURE = "infrastructure", "NHS infrastructure support"
    ASC_DIRECT_CARE = "asc_direct_care", "Adult social care: direct care"
    ASC_MANAGERIAL = "asc_managerial", "Adult social care: managerial"
    ASC_REGULATED = "asc_regulated", "Adult social care: regulated professions"
    ASC_OTHER = "asc_other", "Adult social care: other roles"


class JobRole(models.TextChoices):
    # NHS (NWD job roles)
    CONSULTANT = "consultant", "Consultant"
    RESIDENT_DOCTOR = "resident_doctor", "Resident doctor"
    STAFF_NURSE = "staff_nurse", "Staff nurse"
    SISTER_CHARGE_NURSE = "sister", "Sister or charge nurse"
    NURSING_ASSOCIATE = "nursing_associate", "Nursing associate"
    HEALTHCARE_ASSISTANT = "healthcare_assistant", "Healthcare assistant"
    PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"
    OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"
    PARAMEDIC = "paramedic", "Paramedic"
    PHARMACIST = "pharmacist", "Pharmacist"
    DISCHARGE_COORDINATOR = "discharge_coordinator", "Discharge coordinator"
    MANAGER = "manager", "Manager"
    ADMINISTRATOR = "administrator", "Administrative and clerical"
    # Adult social care (ASC-WDS job roles)
    CARE_WORKER = "care_worker", "Care worker"
    SENIOR_CARE_WORKER = "senior_care_worker", "Senior care worker"
    SUPPORT_WORKER = "support_worker", "Support and outreach worker"
    REGISTERED_MANAGER = "registered_manager", "Registered manager"
    SOCIAL_WORKER = "social_worker", "Social worker"
    ASC_REGISTERED_NURSE = "asc_registered_nurse", "Registered nurse (social care)"
    ASC_OCCUPATIONAL_THERAPIST = "asc_occupational_therapist", "Occupational therapist (social care)"
    TRUSTED_ASSESSOR = "trusted_assessor", "Trusted assessor"
    # Integrated roles
    INTEGRATED_CARE_MANAGER = "integrated_care_manager", "Integrated care manager"
    JOINT_COMMISSIONER = "joint_commissioner", "Joint commissioner"


JOB_ROLE_STAFF_GROUP = {
    JobRole.CONSULTANT: StaffGroup.MEDICAL,
    JobRole.RESIDENT_DOCTOR: StaffGroup.MEDICAL,
    JobRole.STAFF_NURSE: StaffGroup.NURSING,
    JobRole.SISTER_CHARGE_NURSE: StaffGroup.NURSING,
    JobRole.NURSING_ASSOCIATE: StaffGroup.NURSING,
    JobRole.HEALTHCARE_ASSISTANT: StaffGroup.CLINICAL_SUPPORT,
    JobRole.PHYSIOTHERAPIST: StaffGroup.AHP,
    JobRole.OCCUPATIONAL_THERAPIST: StaffGroup.AHP,
    JobRole.PARAMEDIC: StaffGroup.AMBULANCE,
    JobRole.PHARMACIST: StaffGroup.SCIENTIFIC,
    JobRole.DISCHARGE_COORDINATOR: StaffGroup.CLINICAL_SUPPORT,
    JobRole.MANAGER: StaffGroup.INFRASTRUCTURE,
    JobRole.ADMINISTRATOR: StaffGroup.INFRASTRUCTURE,
    JobRole.CARE_WORKER: StaffGroup.ASC_DIRECT_CARE,
    JobRole.SENIOR_CARE_WORKER: StaffGroup.ASC_DIRECT_CARE,
    JobRole.SUPPORT_WORKER: StaffGroup.ASC_DIRECT_CARE,
    JobRole.REGISTERED_MANAGER: StaffGroup.ASC_MANAGERIAL,
    JobRole.SOCIAL_WORKER: StaffGroup.ASC_REGULATED,
    JobRole.ASC_REGISTERED_NURSE: StaffGroup.ASC_REGULATED,
    JobRole.ASC_OCCUPATIONAL_THERAPIST: StaffGroup.ASC_REGULATED,
    JobRole.TRUSTED_ASSESSOR: StaffGroup.ASC_OTHER,
    JobRole.INTEGRATED_CARE_MANAGER: StaffGroup.INFRASTRUCTURE,
    JobRole.JOINT_COMMISSIONER: StaffGroup.INFRASTRUCTURE,
}


class PayFramework(models.TextChoices):
    AFC = "afc", "Agenda for Change"
    MEDICAL = "medical", "Medical and dental"
    NJC = "njc", "NJC (local government)"
    LOCAL = "local", "Local (provider's own)"


AFC_BANDS = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9")


class PostStatus(models.TextChoices):
    FUNDED = "funded", "Funded"
    VACANT = "vacant", "Vacant"
    FILLED = "filled", "Filled"
    FROZEN = "frozen", "Frozen"
    CLOSED = "closed", "Closed"


class PostKind(models.TextChoices):
    SINGLE = "single", "Single organisation"
    JOINT = "joint", "Joint post"
    ROTATIONAL = "rotational", "Rotational"
    INTEGRATED_TEAM = "integrated_team", "Integrated team"


class ContractType(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    FIXED_TERM = "fixed_term", "Fixed term"
    BANK = "bank", "Bank or pool"
    HONORARY = "honorary", "Honorary"
    APPRENTICE = "apprentice", "Apprentice"
    OTHER = "other", "Other"


class AssignmentKind(models.TextChoices):
    SUBSTANTIVE = "substantive", "Substantive"
    SECONDED_IN = "seconded_in", "Seconded in"
    HONORARY = "honorary", "Honorary"
    ROTATION = "rotation", "Rotation placement"
    JOINT_SHARE = "joint_share", "Joint role"


class LegalModel(models.TextChoices):
    JOINT_EMPLOYMENT = "joint_employment", "Joint employment"
    SECONDMENT = "secondment", "Secondment (single employer)"
    HONORARY = "honorary", "Honorary contract (single employer)"
    LEAD_HOST_ROTATION = "lead_host_rotation", "Lead employer and host rotation"
    S75_INTEGRATED = "s75_integrated", "Section 75 integrated provision"
    TUPE = "tupe", "TUPE transfer"


class PartnerRole(models.TextChoices):
    EMPLOYER = "employer", "Employer"
    HOST = "host", "Host (place of work)"
    FUNDER = "funder", "Funder"
    LINE_MANAGEMENT = "line_management", "Line management"
    PROFESSIONAL_SUPERVISION = "professional_supervision", "Professional supervision"


class ArrangementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class DocumentKind(models.TextChoices):
    JOINT_AGREEMENT = "joint_agreement", "Joint appointment agreement"
    SECONDMENT_AGREEMENT = "secondment_agreement", "Secondment agreement"
    HONORARY_CONTRACT = "honorary_contract", "Honorary contract"
    S75_SCHEDULE = "s75_schedule", "Section 75 agreement schedule"
    MOU = "mou", "Memorandum of understanding"


class MoveType(models.TextChoices):
    PERMANENT = "permanent", "Permanent move"
    SECONDMENT_START = "secondment_start", "Secondment start"
    SECONDMENT_EXTEND = "secondment_extend", "Secondment extension"
    SECONDMENT_RETURN = "secondment_return", "Secondment return"
    ROTATION = "rotation", "Rotation"
    JOINT_ROLE_START = "joint_role_start", "Joint role start"
    JOINT_ROLE_END = "joint_role_end", "Joint role end"
    TUPE = "tupe", "TUPE transfer"
    LEAVER = "leaver", "Leaver"


class MoveStatus(models.TextChoices):
    RECORDED = "recorded", "Waiting for the receiving organisation"
    CONFIRMED = "confirmed", "Confirmed"


class DestinationSector(models.TextChoices):
    HEALTH = "health", "NHS and health"
    SOCIAL_CARE = "social_care", "Social care"
    VOLUNTARY = "voluntary", "Voluntary and community"
    OTHER_SECTOR = "other_sector", "Another sector"
    EDUCATION = "education", "Education"
    RETIRED = "retired", "Retired"
    NOT_IN_EMPLOYMENT = "not_in_employment", "Not in employment"
    NOT_KNOWN = "not_known", "Not known"
    REFUSED = "refused", "Declined to say"


class CredentialKind(models.TextChoices):
    IDENTITY = "identity", "Identity"
    RIGHT_TO_WORK = "right_to_work", "Right to work"
    DBS = "dbs", "DBS check"
    PROFESSIONAL_REGISTRATION = "professional_registration", "Professional registration"
    TRAINING = "training", "Statutory and mandatory training"
    OCCUPATIONAL_HEALTH = "occupational_health", "Occupational health clearance"


class CredentialStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class HolderResponse(models.TextChoices):
    PENDING = "pending", "Waiting for the holder"
    ACCEPTED = "accepted", "Accepted by the holder"
    REJECTED = "rejected", "Rejected by the holder"


class ProfessionalRegister(models.TextChoices):
    NMC = "nmc", "Nursing and Midwifery Council (NMC)"
    HCPC = "hcpc", "Health and Care Professions Council (HCPC)"
    GMC = "gmc", "General Medical Council (GMC)"
    SWE = "swe", "Social Work England (SWE)"
    GPHC = "gphc", "General Pharmaceutical Council (GPhC)"
    GDC = "gdc", "General Dental Council (GDC)"
    GOC = "goc", "General Optical Council (GOC)"


class DBSLevel(models.TextChoices):
    BASIC = "basic", "Basic"
    STANDARD = "standard", "Standard"
    ENHANCED = "enhanced", "Enhanced"
    ENHANCED_BARRED = "enhanced_barred", "Enhanced with barred list"


DBS_LEVEL_ORDER = {
    DBSLevel.BASIC: 1,
    DBSLevel.STANDARD: 2,
    DBSLevel.ENHANCED: 3,
    DBSLevel.ENHANCED_BARRED: 4,
}
