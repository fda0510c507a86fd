"""The workforce records, one module per subdomain. Every model is importable from here."""

from .arrangements import AgreementDocument, JointArrangement, JointArrangementPartner
from .invitations import Invitation
from .moves import SectorMove
from .organisations import Membership, Organisation, OrganisationType, Region, Sector
from .passport import AcceptanceRule, CredentialReliance, PassportCredential, PassportShare
from .people import Employment, EmploymentQuerySet, Person
from .posts import Assignment, Post
from .teams import IntegratedTeam, IntegratedTeamMember

__all__ = [
    "AcceptanceRule",
    "AgreementDocument",
    "CredentialReliance",
    "Assignment",
    "Employment",
    "IntegratedTeam",
    "IntegratedTeamMember",
    "EmploymentQuerySet",
    "Invitation",
    "JointArrangement",
    "JointArrangementPartner",
    "Membership",
    "Organisation",
    "OrganisationType",
    "PassportCredential",
    "PassportShare",
    "Person",
    "Post",
    "Region",
    "Sector",
    "SectorMove",
]
