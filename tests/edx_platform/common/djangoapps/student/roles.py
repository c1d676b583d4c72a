"""Stand-in for common/djangoapps/student/roles.py (edx-platform master, the version read for
Verawood: openedx-authz beside CourseAccessRole), calling the real openedx-authz.

Roles come from two places: ``CourseAccessRole`` rows (legacy) and openedx-authz role
assignments in a course scope, converted to their legacy names (``AuthzCompatCourseAccessRole``;
``authz_get_all_course_assignments_for_user`` keeps only ``CourseOverviewData`` scopes, so an
org-wide ``course-v1:ORG+*`` assignment gives no role here). ``RoleCache(user)`` always merges
both, whatever the ``authz.enable_course_authoring`` flag says; ``add_users`` and
``users_with_role`` use one or the other, by the flag.

Role checks include derived roles: ``CourseLimitedStaffRole`` (``BASE_ROLE = "staff"``) makes
``CourseStaffRole(key).has_user(user)`` True unless the check runs inside
``strict_role_checking()``, which clears the process-wide inheritance dict and restores it with
no try/finally (an exception inside leaves inheritance off). Inactive users hold no role.
``BulkRoleCache.prefetch`` adds, for each openedx-authz role, ``compat_role`` (the variable
left over from the legacy loop) instead of the role itself, and fails with ``NameError`` when
the batch has no legacy role (``UnboundLocalError``): as on master.

Where openedx-authz is not installed (the Ulmo and Teak pins) this is those releases'
roles.py: the same caches and checks over CourseAccessRole alone.
"""

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey
from openedx.core.lib.cache_utils import get_cache

from tests.openedx_standin.models import CourseAccessRole

try:
    from openedx_authz.api import users as authz_api
    from openedx_authz.api.data import CourseOverviewData
    from openedx_authz.constants import roles as authz_roles
except ImportError:  # Ulmo, Teak: roles.py had no openedx-authz
    authz_api = None

REGISTERED_ACCESS_ROLES = {}
ACCESS_ROLES_INHERITANCE = {}
ROLE_CACHE_UNGROUPED_ROLES__KEY = "ungrouped"


def get_authz_role_from_legacy_role(legacy_role):
    return authz_roles.LEGACY_COURSE_ROLE_EQUIVALENCES.get(legacy_role, None)


def get_legacy_role_from_authz_role(authz_role):
    return next(
        (k for k, v in authz_roles.LEGACY_COURSE_ROLE_EQUIVALENCES.items() if v == authz_role),
        None,
    )


def enable_authz_course_authoring(course_key):
    from openedx.core.toggles import enable_authz_course_authoring as enabled

    return authz_api is not None and enabled(course_key)


def authz_add_role(user, authz_role, course_key):
    existing = authz_api.get_user_role_assignments_in_scope(
        user_external_key=user.username, scope_external_key=course_key
    )
    if authz_role in [role.external_key for a in existing for role in a.roles]:
        return
    authz_api.assign_role_to_user_in_scope(
        user_external_key=user.username,
        role_external_key=authz_role,
        scope_external_key=course_key,
    )


def authz_get_all_course_assignments_for_user(user):
    if authz_api is None:
        return []
    assignments = authz_api.get_user_role_assignments(user_external_key=user.username)
    return [a for a in assignments if isinstance(a.scope, CourseOverviewData)]


def get_org_from_key(key):
    return CourseKey.from_string(key).org


def register_access_role(cls):
    REGISTERED_ACCESS_ROLES[cls.ROLE] = cls
    if base_role := getattr(cls, "BASE_ROLE", None):
        ACCESS_ROLES_INHERITANCE.setdefault(base_role, set()).add(cls.ROLE)
    return cls


@contextmanager
def strict_role_checking():
    OLD_ACCESS_ROLES_INHERITANCE = ACCESS_ROLES_INHERITANCE.copy()  # noqa: N806 (as in edx-platform)
    ACCESS_ROLES_INHERITANCE.clear()
    yield
    ACCESS_ROLES_INHERITANCE.update(OLD_ACCESS_ROLES_INHERITANCE)


def get_role_cache_key_for_course(course_key=None):
    return str(course_key) if course_key else ROLE_CACHE_UNGROUPED_ROLES__KEY


@dataclass(frozen=True)
class AuthzCompatCourseAccessRole:
    """CourseAccessRole-compatible data, so the caches hold legacy and openedx-authz roles."""

    user_id: int
    username: str
    org: str
    course_id: str
    role: str


def get_authz_compat_course_access_roles_for_user(user):
    compat_role_assignments = set()
    for assignment in authz_get_all_course_assignments_for_user(user):
        for role in assignment.roles:
            legacy_role = get_legacy_role_from_authz_role(authz_role=role.external_key)
            course_key = assignment.scope.external_key
            compat_role_assignments.add(
                AuthzCompatCourseAccessRole(
                    user_id=user.id,
                    username=user.username,
                    org=get_org_from_key(course_key),
                    course_id=course_key,
                    role=legacy_role,
                )
            )
    return compat_role_assignments


class BulkRoleCache:
    """Roles of a batch of users, in the request cache, grouped by course."""

    CACHE_NAMESPACE = "student.roles.BulkRoleCache"
    CACHE_KEY = "roles_by_user"

    @classmethod
    def prefetch(cls, users):
        roles_by_user = defaultdict(lambda: defaultdict(set))
        get_cache(cls.CACHE_NAMESPACE)[cls.CACHE_KEY] = roles_by_user

        # Legacy roles
        for role in CourseAccessRole.objects.filter(user__in=users).select_related("user"):
            course_id = get_role_cache_key_for_course(role.course_id)
            user_roles_set_for_course = roles_by_user[role.user.id][course_id]
            compat_role = AuthzCompatCourseAccessRole(
                user_id=role.user.id,
                username=role.user.username,
                org=role.org,
                course_id=role.course_id,
                role=role.role,
            )
            user_roles_set_for_course.add(compat_role)

        # openedx-authz roles (master adds ``compat_role``, left from the loop above)
        for user in users:
            for role in get_authz_compat_course_access_roles_for_user(user):
                course_id = get_role_cache_key_for_course(role.course_id)
                user_roles_set_for_course = roles_by_user[user.id][course_id]
                user_roles_set_for_course.add(compat_role)  # noqa: F821 (sic)

        for user in [u for u in users if u.id not in roles_by_user]:
            roles_by_user[user.id] = {}

    @classmethod
    def get_user_roles(cls, user):
        return get_cache(cls.CACHE_NAMESPACE)[cls.CACHE_KEY][user.id]


class RoleCache:
    """The roles of one user (legacy and openedx-authz, merged): from BulkRoleCache when
    prefetched, else read."""

    def __init__(self, user):
        try:
            self._roles_by_course_id = BulkRoleCache.get_user_roles(user)
        except KeyError:
            self._roles_by_course_id = {}
            # openedx-authz compatibility implementation
            for compat_role in get_authz_compat_course_access_roles_for_user(user):
                course_id = get_role_cache_key_for_course(compat_role.course_id)
                self._roles_by_course_id.setdefault(course_id, set()).add(compat_role)
            # legacy implementation
            for role in CourseAccessRole.objects.filter(user=user).all():
                course_id = get_role_cache_key_for_course(role.course_id)
                self._roles_by_course_id.setdefault(course_id, set()).add(
                    AuthzCompatCourseAccessRole(
                        user_id=user.id,
                        username=user.username,
                        org=role.org,
                        course_id=role.course_id,
                        role=role.role,
                    )
                )
        self._roles = set()
        for roles_for_course in self._roles_by_course_id.values():
            self._roles.update(roles_for_course)

    @staticmethod
    def get_roles(role):
        return ACCESS_ROLES_INHERITANCE.get(role, set()) | {role}

    @property
    def all_roles_set(self):
        return self._roles

    @property
    def roles_by_course_id(self):
        return self._roles_by_course_id

    def has_role(self, role, course_id, org):
        course_roles = self._roles_by_course_id.get(get_role_cache_key_for_course(course_id), [])
        return any(r.role in self.get_roles(role) and r.org == org for r in course_roles)


class RoleBase:
    def __init__(self, role_name, org="", course_key=None):
        self.org = org
        self.course_key = course_key
        self._role_name = role_name

    def has_user(self, user, check_user_activation=True):
        if check_user_activation and not (user.is_authenticated and user.is_active):
            return False
        if not hasattr(user, "_roles"):
            user._roles = RoleCache(user)
        return user._roles.has_role(self._role_name, self.course_key, self.org)

    def add_users(self, *users):
        if enable_authz_course_authoring(self.course_key):
            role = get_authz_role_from_legacy_role(self.ROLE)
            for user in users:
                if user.is_authenticated and user.is_active:
                    authz_add_role(user=user, authz_role=role, course_key=str(self.course_key))
                    if hasattr(user, "_roles"):
                        del user._roles
            return
        for user in users:
            if user.is_authenticated and user.is_active:
                CourseAccessRole.objects.get_or_create(
                    user=user,
                    role=self._role_name,
                    org=self.org,
                    course_id=str(self.course_key) if self.course_key else "",
                )
                if hasattr(user, "_roles"):
                    del user._roles

    def users_with_role(self):
        if enable_authz_course_authoring(self.course_key):
            users_data = authz_api.get_users_for_role_in_scope(
                role_external_key=get_authz_role_from_legacy_role(self.ROLE),
                scope_external_key=str(self.course_key),
            )
            usernames = [user_data.username for user_data in users_data]
            return get_user_model().objects.filter(username__in=usernames)
        return get_user_model().objects.filter(
            courseaccessrole__role=self._role_name,
            courseaccessrole__org=self.org,
            courseaccessrole__course_id=str(self.course_key) if self.course_key else "",
        )


class CourseRole(RoleBase):
    def __init__(self, role, course_key):
        super().__init__(role, course_key.org, course_key)


class OrgRole(RoleBase):
    pass


@register_access_role
class CourseStaffRole(CourseRole):
    ROLE = "staff"

    def __init__(self, *args, **kwargs):
        super().__init__(self.ROLE, *args, **kwargs)


@register_access_role
class CourseLimitedStaffRole(CourseStaffRole):
    ROLE = "limited_staff"
    BASE_ROLE = CourseStaffRole.ROLE


@register_access_role
class CourseInstructorRole(CourseRole):
    ROLE = "instructor"

    def __init__(self, *args, **kwargs):
        super().__init__(self.ROLE, *args, **kwargs)


@register_access_role
class CourseBetaTesterRole(CourseRole):
    ROLE = "beta_testers"

    def __init__(self, *args, **kwargs):
        super().__init__(self.ROLE, *args, **kwargs)


@register_access_role
class CourseDataResearcherRole(CourseRole):
    ROLE = "data_researcher"

    def __init__(self, *args, **kwargs):
        super().__init__(self.ROLE, *args, **kwargs)


class OrgStaffRole(OrgRole):
    def __init__(self, *args, **kwargs):
        super().__init__("staff", *args, **kwargs)


class OrgInstructorRole(OrgRole):
    def __init__(self, *args, **kwargs):
        super().__init__("instructor", *args, **kwargs)
