"""LTI roles to bridge rights (DESIGN section 4). Pure: no Django imports.

The class role comes from the course (context, "membership") roles only; institution and
system roles decide organization administration (:func:`is_org_admin`), never the class
role: an institution Instructor who is a Learner of this course is a learner here.

Context roles are understood in every form LMSs send (LTI Core 1.3, A.2.3 and B.2): full
URIs (``.../membership#Instructor``), sub-roles (``.../membership/Instructor#TeachingAssistant``
counts as its principal role, Instructor), the simple names LTI 1.3 still allows
(``Instructor``), and the LTI 1.1 URNs (``urn:lti:role:ims/lis/Instructor``, with
``/TeachingAssistant`` style sub-roles). The highest role wins:
Instructor, Administrator, TeachingAssistant, ContentDeveloper -> TEACHER;
Mentor -> read-only TEACHER; anything else -> STUDENT.
"""

from dataclasses import dataclass

from .protocol.vocabulary import (
    ADMINISTRATOR_ROLES,
    CONTEXT_ROLE_NAMES,
    LEGACY_CONTEXT,
    MEMBERSHIP,
    MEMBERSHIP_SUB,
)

TEACHER = "teacher"
STUDENT = "student"

_TEACHER_NAMES = {"Instructor", "Administrator", "TeachingAssistant", "ContentDeveloper"}
_MENTOR_NAMES = {"Mentor"}


@dataclass(frozen=True)
class BridgeRole:
    role: str
    read_only: bool = False

    @property
    def is_teacher(self):
        return self.role == TEACHER


CONTEXT_NAMES = CONTEXT_ROLE_NAMES


def context_role(role):
    """The principal context role a role string names, or "" (institution, system, other
    vocabularies, malformed)."""
    if not isinstance(role, str):
        return ""
    role = role.strip()
    if role.startswith(MEMBERSHIP):
        name = role[len(MEMBERSHIP) :]
    elif role.startswith(MEMBERSHIP_SUB):  # .../membership/Instructor#TeachingAssistant
        name = role[len(MEMBERSHIP_SUB) :].split("#", 1)[0]
    elif role.startswith(LEGACY_CONTEXT):  # urn:lti:role:ims/lis/Instructor[/Sub]
        name = role[len(LEGACY_CONTEXT) :].split("/", 1)[0]
    elif role in CONTEXT_NAMES:  # simple names
        name = role
    else:
        return ""
    return name if name in CONTEXT_NAMES else ""


def bridge_role(lti_roles):
    names = {context_role(r) for r in (lti_roles or [])}
    if names & _TEACHER_NAMES:
        return BridgeRole(TEACHER)
    if names & _MENTOR_NAMES:
        return BridgeRole(TEACHER, read_only=True)
    return BridgeRole(STUDENT)


_ORG_ADMIN_ROLES = ADMINISTRATOR_ROLES


def is_org_admin(lti_roles):
    """A system or institution Administrator of the LMS administers the organization.
    A course's (context) Administrator does not: that is a teacher of one class."""
    return any(isinstance(r, str) and r.strip() in _ORG_ADMIN_ROLES for r in lti_roles or [])
