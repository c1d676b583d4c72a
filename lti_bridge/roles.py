"""LTI roles to bridge rights (DESIGN section 4). Pure: no Django imports.

Context and institution roles, full URIs or short names; the highest role wins:
Instructor/Administrator/TeachingAssistant/ContentDeveloper -> TEACHER,
Mentor -> read-only TEACHER, anything else -> STUDENT.
"""

from dataclasses import dataclass

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


def _short(role):
    """'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'
    -> 'TeachingAssistant'; 'http://...membership#Instructor' -> 'Instructor'."""
    if not isinstance(role, str):
        return ""
    return role.rsplit("#", 1)[-1].rsplit("/", 1)[-1].strip()


def bridge_role(lti_roles):
    names = {_short(r) for r in (lti_roles or []) if isinstance(r, str)}
    if names & _TEACHER_NAMES:
        return BridgeRole(TEACHER)
    if names & _MENTOR_NAMES:
        return BridgeRole(TEACHER, read_only=True)
    return BridgeRole(STUDENT)


_ORG_ADMIN_ROLES = {
    "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator",
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
    "urn:lti:sysrole:ims/lis/Administrator",
    "urn:lti:instrole:ims/lis/Administrator",
}


def is_org_admin(lti_roles):
    """A system or institution Administrator of the LMS administers the organization.
    A course's (context) Administrator does not: that is a teacher of one class."""
    return any(isinstance(r, str) and r.strip() in _ORG_ADMIN_ROLES for r in lti_roles or [])
