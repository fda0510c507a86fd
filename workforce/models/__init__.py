"""The workforce records, one module per subdomain. Every model is importable from here."""

from .arrangements import AgreementDocument, JointArrangement, JointArrangementPartner
from .moves import SectorMove
from .organisations import Membership, Organisation, OrganisationType, Region, Sector
from .passport import AcceptanceRule, PassportCredential
from .people import Employment, EmploymentQuerySet, Person
from .posts import Assignment, Post
from .teams import IntegratedTeam, IntegratedTeamMember

__all__ = [
    "AcceptanceRule",
    "AgreementDocument",
    "Assignment",
    "Employment",
    "IntegratedTeam",
    "IntegratedTeamMember",
    "EmploymentQuerySet",
    "JointArrangement",
    "JointArrangementPartner",
    "Membership",
    "Organisation",
    "OrganisationType",
    "PassportCredential",
    "Person",
    "Post",
    "Region",
    "Sector",
    "SectorMove",
]
