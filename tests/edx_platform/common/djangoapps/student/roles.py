"""Stand-in for common/djangoapps/student/roles.py (edx-platform master).

Roles are read through ``RoleCache`` (per user, cached on the user object as ``_roles``) or
``BulkRoleCache.prefetch`` (a batch of users, in the request cache). Role checks include
derived roles: ``CourseLimitedStaffRole`` (``BASE_ROLE = "staff"``) makes
``CourseStaffRole(key).has_user(user)`` True unless the check runs inside
``strict_role_checking()``; inactive users hold no role. Org roles have an empty course id.
"""

from collections import defaultdict
from contextlib import contextmanager

from openedx.core.lib.cache_utils import get_cache

from tests.openedx_standin.models import CourseAccessRole

ACCESS_ROLES_INHERITANCE = {}
ROLE_CACHE_UNGROUPED_ROLES__KEY = "ungrouped"


def register_access_role(cls):
    if base_role := getattr(cls, "BASE_ROLE", None):
        ACCESS_ROLES_INHERITANCE.setdefault(base_role, set()).add(cls.ROLE)
    return cls


@contextmanager
def strict_role_checking():
    old = ACCESS_ROLES_INHERITANCE.copy()
    ACCESS_ROLES_INHERITANCE.clear()
    yield
    ACCESS_ROLES_INHERITANCE.update(old)


def get_role_cache_key_for_course(course_key=None):
    return str(course_key) if course_key else ROLE_CACHE_UNGROUPED_ROLES__KEY


class BulkRoleCache:
    """Every CourseAccessRole of a batch of users, in the request cache, grouped by course."""

    CACHE_NAMESPACE = "student.roles.BulkRoleCache"
    CACHE_KEY = "roles_by_user"

    @classmethod
    def prefetch(cls, users):
        roles_by_user = defaultdict(lambda: defaultdict(set))
        get_cache(cls.CACHE_NAMESPACE)[cls.CACHE_KEY] = roles_by_user
        for role in CourseAccessRole.objects.filter(user__in=users).select_related("user"):
            course_id = get_role_cache_key_for_course(role.course_id)
            roles_by_user[role.user.id][course_id].add(role)
        for user in [u for u in users if u.id not in roles_by_user]:
            roles_by_user[user.id] = {}

    @classmethod
    def get_user_roles(cls, user):
        return get_cache(cls.CACHE_NAMESPACE)[cls.CACHE_KEY][user.id]


class RoleCache:
    """The CourseAccessRoles of one user: from BulkRoleCache when prefetched, else queried."""

    def __init__(self, user):
        try:
            self._roles_by_course_id = BulkRoleCache.get_user_roles(user)
        except KeyError:
            self._roles_by_course_id = {}
            for role in CourseAccessRole.objects.filter(user=user):
                course_id = get_role_cache_key_for_course(role.course_id)
                self._roles_by_course_id.setdefault(course_id, set()).add(role)

    @staticmethod
    def get_roles(role):
        return ACCESS_ROLES_INHERITANCE.get(role, set()) | {role}

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
        for user in users:
            CourseAccessRole.objects.get_or_create(
                user=user,
                role=self._role_name,
                org=self.org,
                course_id=str(self.course_key) if self.course_key else "",
            )
            if hasattr(user, "_roles"):
                del user._roles


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


class OrgStaffRole(OrgRole):
    def __init__(self, *args, **kwargs):
        super().__init__("staff", *args, **kwargs)


class OrgInstructorRole(OrgRole):
    def __init__(self, *args, **kwargs):
        super().__init__("instructor", *args, **kwargs)
