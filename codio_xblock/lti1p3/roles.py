"""Open edX course roles to LTI roles, by an overridable table (DESIGN section 4).

Pure: takes the course roles the adapter found and the table from settings.
"""

from .constants import ContextRole, SystemRole

# Open edX course role name -> LTI context role URIs.
DEFAULT_ROLE_MAP = {
    "instructor": [ContextRole.INSTRUCTOR.value, ContextRole.ADMINISTRATOR.value],
    "staff": [ContextRole.INSTRUCTOR.value],
    "limited_staff": [ContextRole.MENTOR.value],
    "community_ta": [ContextRole.TEACHING_ASSISTANT.value],
    "group_moderator": [ContextRole.TEACHING_ASSISTANT.value],
    "beta_tester": [ContextRole.LEARNER.value],
    "learner": [ContextRole.LEARNER.value],
}

# Roles no table may hand to course-level staff: only global staff get them.
SYSTEM_ROLES = {role.value for role in SystemRole}


def lti_roles_for(course_roles, *, is_global_staff=False, role_map=None):
    """The LTI roles to send for a user with ``course_roles`` (an iterable of names).

    Unknown course roles are ignored; a user with no recognised role is a Learner.
    System administrator roles in the table are dropped (course staff must never be
    sent as system administrators); global staff get the system Administrator role.
    """
    table = role_map if role_map is not None else DEFAULT_ROLE_MAP
    roles = []
    for name in course_roles:
        for uri in table.get(name, ()):
            if uri not in roles and uri not in SYSTEM_ROLES:
                roles.append(uri)
    if not roles:
        roles = list(table.get("learner", [ContextRole.LEARNER.value]))
    if is_global_staff:
        roles.append(SystemRole.ADMINISTRATOR.value)
    return roles
