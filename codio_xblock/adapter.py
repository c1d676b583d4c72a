"""What codio_xblock needs from the LMS it runs in, behind one interface.

Two worlds implement it:

* :mod:`codio_xblock.openedx` inside Open edX (LMS and Studio): the only module of the
  package that imports edx-platform;
* :mod:`codio_xblock.standalone` everywhere else (xblock-sdk workbench, the demo, tests).

The setting ``CODIO_XBLOCK["ADAPTER"]`` chooses: ``""`` (default) picks Open edX when
edx-platform is importable, else standalone; ``"openedx"``, ``"standalone"`` or the dotted
path of a :class:`PlatformAdapter` subclass choose explicitly.

Grades take the path Open edX weights (docs/decisions/0006-grades-on-the-csm-path.rst): raw
earned/possible are published, and the course grade weights them by the block's ``weight``
exactly as :func:`weighted_score` does.
"""

import importlib
import importlib.util
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

from . import conf


@dataclass(frozen=True)
class PlatformUser:
    user_key: str  # the platform's user id, as a string
    username: str
    email: str = ""
    full_name: str = ""
    given_name: str = ""
    family_name: str = ""
    is_global_staff: bool = False
    # The user's time zone (an IANA name, Open edX's ``time_zone`` preference), or "".
    time_zone: str = ""
    # Course staff viewing the course as a learner (Open edX masquerade): launched as a
    # Learner, under their own identity, never as the learner they may be viewing as.
    masquerading: bool = False
    # Course staff viewing the course as a specific learner (Open edX "View this course as:
    # Specific learner"): that learner. The unit then shows a read-only view with the
    # learner's grade and never launches, neither as the learner nor as the staff member.
    learner_viewed: "PlatformUser | None" = None


@dataclass(frozen=True)
class CourseMember:
    """One member of a course as the membership service lists it (NRPS 2.0)."""

    position: int  # where the member sorts (the LMS's user id); never sent to a tool
    user_key: str
    username: str
    email: str = ""
    full_name: str = ""
    given_name: str = ""
    family_name: str = ""
    active: bool = True  # enrolled (or on the course team) with an active account
    course_roles: frozenset = frozenset()  # names of ROLE_MAP, as course_roles() finds them


@dataclass(frozen=True)
class CourseInfo:
    id: str
    label: str
    title: str


@dataclass(frozen=True)
class BlockGrading:
    """What decides whether a block takes a score now (lti-consumer's rule)."""

    weight: float | None
    has_score: bool
    due: datetime | None  # with the grace period added
    accept_grades_past_due: bool

    def past_due(self, now):
        return self.due is not None and now > self.due

    def refusal(self, now):
        """Why a score must be refused now, or "" when it may be recorded."""
        if not self.has_score:
            return "not_scored"
        if self.past_due(now) and not self.accept_grades_past_due:
            return "past_due"
        return ""


def weighted_score(raw_earned, raw_possible, weight):
    """(earned, possible) as Open edX's grades count them: the raw score scaled to the
    block's weight; unscaled when there is no weight or nothing was possible.

    Same arithmetic as ``weighted_score`` in edx-platform's lms/djangoapps/grades/scores.py.
    """
    if weight is None or raw_possible == 0:
        return raw_earned, raw_possible
    return float(raw_earned) * weight / raw_possible, float(weight)


class PlatformAdapter(ABC):
    """The LMS as codio_xblock sees it. Every method takes and returns plain values."""

    name = ""

    # ---- users, courses, roles ----
    @abstractmethod
    def current_user(self, block):
        """The :class:`PlatformUser` viewing ``block``, or None for an anonymous visitor."""

    def current_user_key(self, request):
        """The signed-in user of a Django request, or None (Django users in both worlds)."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return str(user.pk)

    @abstractmethod
    def course_info(self, block):
        """:class:`CourseInfo` of the course holding ``block``."""

    @abstractmethod
    def course_roles(self, user, course_id):
        """The user's course roles, as names of ``ROLE_MAP`` (strict: limited staff are not
        staff), org-wide staff/instructor roles included."""

    @abstractmethod
    def course_members(self, course_id, *, after=0, limit=100):
        """At most ``limit`` :class:`CourseMember` of the course whose ``position`` is above
        ``after``, in ``position`` order: learners enrolled (active or not) and the course
        team, their roles found exactly as :meth:`course_roles` finds them. One page at a
        time, so a course of any size is never loaded at once."""

    @abstractmethod
    def course_url(self, block):
        """Where the tool's 'return' link leads (the unit in the courseware)."""

    @abstractmethod
    def is_studio(self, block):
        """True when ``block`` is rendered by the authoring tool (no launches there)."""

    def writes_content(self, block):
        """True where a handler may change the block's authored fields: Studio, which saves
        them to the draft. The LMS reads published content only (its field data refuses
        content and settings writes)."""
        return self.is_studio(block)

    @abstractmethod
    def can_author(self, block):
        """May the current user change this block's settings (Studio write access to its
        course)? Decides every edit, whatever runtime the request came through."""

    @abstractmethod
    def request_can_author(self, request, usage_id):
        """May the signed-in user of a Django request change the block ``usage_id``?"""

    # ---- gradebook ----
    @abstractmethod
    def block_grading(self, usage_id):
        """:class:`BlockGrading` of the block, or None if it is no longer in its course."""

    @abstractmethod
    def publish_grade(self, *, usage_id, user_key, raw_earned, raw_possible, comment=""):
        """Write a raw score to the gradebook; the LMS weights it by the block's weight."""

    @abstractmethod
    def clear_grade(self, *, usage_id, user_key):
        """Remove the learner's score on the block: they count as not graded."""

    @abstractmethod
    def current_grade(self, *, usage_id, user_key):
        """The raw (earned, possible) the gradebook holds for the user on the block, or None."""

    def shown_grade(self, *, usage_id, user_key, weight):
        """The user's (earned, possible) on the block as the LMS's grades show it (Open edX:
        the progress page), or None when the gradebook holds no score. Here the raw score
        weighted by the block's ``weight`` today, as the standalone (demo) gradebook shows
        it; Open edX weights it as its grades app does (:mod:`codio_xblock.openedx`)."""
        raw = self.current_grade(usage_id=usage_id, user_key=user_key)
        if raw is None:
            return None
        return weighted_score(raw[0], raw[1], weight)

    # ---- personal data ----
    def connect_signals(self):  # noqa: B027 - optional: only Open edX has signals to hear
        """Connect to the LMS's signals (retirement); called once when the app is ready."""


def in_openedx():
    """True inside the Open edX LMS or Studio (edx-platform importable)."""
    try:
        return importlib.util.find_spec("common.djangoapps.student") is not None
    except ModuleNotFoundError:  # no "common" package at all
        return False


BUILT_IN = {
    "openedx": "codio_xblock.openedx.OpenEdxAdapter",
    "standalone": "codio_xblock.standalone.StandaloneAdapter",
}
_instances = {}


def get():
    """The adapter chosen by ``CODIO_XBLOCK["ADAPTER"]`` (one instance per choice)."""
    choice = conf.get("ADAPTER") or ("openedx" if in_openedx() else "standalone")
    path = BUILT_IN.get(choice, choice)
    if path not in _instances:
        module_name, _, class_name = path.rpartition(".")
        cls = getattr(importlib.import_module(module_name), class_name)
        if not (isinstance(cls, type) and issubclass(cls, PlatformAdapter)):
            raise TypeError(f"CODIO_XBLOCK['ADAPTER'] = {choice!r} is not a PlatformAdapter")
        _instances[path] = cls()
    return _instances[path]
