from .classroom import (
    ClassMembership,
    Classroom,
    ClassUnitContent,
    GradeChange,
    MentorScope,
    ResourceLink,
    RosterSync,
    Unit,
    Work,
)
from .delivery import GradeDelivery
from .identity import Account, EmailVerification, Link, OrgMembership, SyncConflict
from .platform import Deployment, Organization, OrganizationChange, Registration, ToolKey
from .replay import SpentValue

__all__ = [
    "Account",
    "ClassMembership",
    "Classroom",
    "ClassUnitContent",
    "Deployment",
    "EmailVerification",
    "GradeChange",
    "GradeDelivery",
    "Link",
    "MentorScope",
    "OrgMembership",
    "Organization",
    "OrganizationChange",
    "Registration",
    "ResourceLink",
    "RosterSync",
    "SpentValue",
    "SyncConflict",
    "ToolKey",
    "Unit",
    "Work",
]
