"""LTI roles to bridge rights (DESIGN section 4). Pure: no Django imports.

A launch's or a roster member's roles are parsed once into a :class:`RoleSet`. The class
role comes from the course (context, "membership") roles only; institution and system roles
decide organization administration (``RoleSet.is_org_admin``), never the class role: an
institution Instructor who is a Learner of this course is a learner here.

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

_TEACHER_NAMES = frozenset({"Instructor", "Administrator", "TeachingAssistant", "ContentDeveloper"})
_MENTOR_NAMES = frozenset({"Mentor"})
MAX_RECORDED = 50  # roles kept on a membership (the launch's first 50 strings)


@dataclass(frozen=True)
class BridgeRole:
    role: str
    read_only: bool = False

    @property
    def is_teacher(self):
        return self.role == TEACHER


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
    elif role in CONTEXT_ROLE_NAMES:  # simple names
        name = role
    else:
        return ""
    return name if name in CONTEXT_ROLE_NAMES else ""


@dataclass(frozen=True)
class RoleSet:
    """The roles of one person in one course, parsed once from what the LMS sent.

    ``uris``: the role strings as sent (at most the first 50 strings; anything else in the
    list is dropped). ``course``: the principal context (course) roles they name.
    ``lms_administrator``: a system or institution Administrator of the LMS.

    Course roles outrank institution roles: the class role comes from ``course`` alone,
    so an institution Instructor who is a Learner of this course is a learner here; the
    institution and system roles decide organization administration only.
    """

    uris: tuple = ()
    course: frozenset = frozenset()
    lms_administrator: bool = False

    @classmethod
    def parse(cls, values):
        strings = [v for v in values or () if isinstance(v, str)][:MAX_RECORDED]
        return cls(
            uris=tuple(strings),
            course=frozenset(filter(None, map(context_role, strings))),
            lms_administrator=any(v.strip() in ADMINISTRATOR_ROLES for v in strings),
        )

    @property
    def bridge_role(self):
        """The highest course role wins: teacher, then read-only teacher (mentor), then
        student."""
        if self.course & _TEACHER_NAMES:
            return BridgeRole(TEACHER)
        if self.course & _MENTOR_NAMES:
            return BridgeRole(TEACHER, read_only=True)
        return BridgeRole(STUDENT)

    @property
    def is_org_admin(self):
        """A system or institution Administrator of the LMS administers the organization.
        A course's (context) Administrator does not: that is a teacher of one class."""
        return self.lms_administrator

    @property
    def may_pick_units(self):
        """Deep linking: the course's teachers, content developers and administrators, or the
        LMS's administrators, may pick; mentors (read-only) and learners may not."""
        role = self.bridge_role
        return (role.is_teacher and not role.read_only) or self.is_org_admin
