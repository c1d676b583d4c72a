from .classroom import ClassMembership, Classroom, ResourceLink, Unit, Work
from .identity import Account, Link, OrgMembership
from .platform import Deployment, Organization, Registration, ToolKey
from .replay import SpentValue

__all__ = [
    "Account",
    "ClassMembership",
    "Classroom",
    "Deployment",
    "Link",
    "OrgMembership",
    "Organization",
    "Registration",
    "ResourceLink",
    "SpentValue",
    "ToolKey",
    "Unit",
    "Work",
]
