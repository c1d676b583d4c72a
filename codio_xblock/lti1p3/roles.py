"""Open edX course roles to LTI roles, by an overridable table (DESIGN section 4).

Pure: takes the course roles the adapter found and the table from settings.
"""

from collections.abc import Collection, Iterable, Mapping
from typing import Final

from lti_bridge.protocol.vocabulary import (
    INSTITUTION_PREFIX,
    SYSTEM_PREFIX,
    ContextRole,
    SystemRole,
)

# Open edX course role name -> LTI context role URIs.
DEFAULT_ROLE_MAP: Final[dict[str, list[str]]] = {
    "instructor": [ContextRole.INSTRUCTOR.value, ContextRole.ADMINISTRATOR.value],
    "staff": [ContextRole.INSTRUCTOR.value],
    "limited_staff": [ContextRole.MENTOR.value],
    # Forum roles (django_comment_common: Community TA, Group Moderator, Moderator,
    # Administrator) moderate discussions and give no course-staff rights in Open edX: their
    # holders are learners. See FORUM_HELPERS for the operator setting that sends the first
    # two as teaching assistants.
    "community_ta": [ContextRole.LEARNER.value],
    "group_moderator": [ContextRole.LEARNER.value],
    "forum_moderator": [ContextRole.LEARNER.value],
    "forum_administrator": [ContextRole.LEARNER.value],
    "beta_tester": [ContextRole.LEARNER.value],
    "learner": [ContextRole.LEARNER.value],
}

# The forum roles xblock-lti-consumer sends as Learner + the TeachingAssistant sub-role
# (lti_consumer/lti_1p3/constants.py LTI_1P3_ROLE_MAP), which a tool following Codio's role
# table makes a teacher: what they get with FORUM_HELPERS_AS_TEACHING_ASSISTANTS.
FORUM_HELPERS: Final = ("community_ta", "group_moderator")
FORUM_HELPER_AS_TEACHING_ASSISTANT: Final[list[str]] = [
    ContextRole.LEARNER.value,
    ContextRole.TEACHING_ASSISTANT.value,
]


def default_role_map(*, forum_helpers_as_teaching_assistants: bool = False) -> dict[str, list[str]]:
    """The default table, with forum helpers sent as teaching assistants if asked."""
    table = {name: list(uris) for name, uris in DEFAULT_ROLE_MAP.items()}
    if forum_helpers_as_teaching_assistants:
        for name in FORUM_HELPERS:
            table[name] = list(FORUM_HELPER_AS_TEACHING_ASSISTANT)
    return table


# Role vocabularies no table may hand to course-level staff (system and institution
# roles, LTI Core 1.3 A.2.1-A.2.2): only global staff get the system Administrator role.
NON_COURSE_PREFIXES: Final = (SYSTEM_PREFIX, INSTITUTION_PREFIX)


def is_course_role(uri: str) -> bool:
    return not uri.startswith(NON_COURSE_PREFIXES)


def lti_roles_for(
    course_roles: Iterable[str],
    *,
    is_global_staff: bool = False,
    role_map: Mapping[str, Collection[str]] | None = None,
) -> list[str]:
    """The LTI roles to send for a user with ``course_roles`` (an iterable of names).

    Unknown course roles are ignored; a user with no recognised role is a Learner.
    System and institution roles in the table are dropped (course staff must never be
    sent as system or institution administrators, a known mistake of the official LTI
    consumer block); global staff get the system Administrator role.
    """
    table = role_map if role_map is not None else DEFAULT_ROLE_MAP
    roles: list[str] = []
    for name in course_roles:
        for uri in table.get(name, ()):
            if uri not in roles and is_course_role(uri):
                roles.append(uri)
    if not roles:
        roles = list(table.get("learner", [ContextRole.LEARNER.value]))
    if is_global_staff:
        roles.append(SystemRole.ADMINISTRATOR.value)
    return roles
