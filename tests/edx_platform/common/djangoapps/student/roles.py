"""Stand-in for common/djangoapps/student/roles.py (edx-platform master).

Role checks include derived roles: ``CourseLimitedStaffRole`` (``BASE_ROLE = "staff"``) makes
``CourseStaffRole(key).has_user(user)`` True unless the check runs inside
``strict_role_checking()``; inactive users hold no role. Org roles have an empty course id.
"""

from contextlib import contextmanager

from tests.openedx_standin.models import CourseAccessRole

ACCESS_ROLES_INHERITANCE = {}


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


class RoleBase:
    def __init__(self, role_name, org="", course_key=None):
        self.org = org
        self.course_key = course_key
        self._role_name = role_name

    def has_user(self, user, check_user_activation=True):
        if check_user_activation and not (user.is_authenticated and user.is_active):
            return False
        names = ACCESS_ROLES_INHERITANCE.get(self._role_name, set()) | {self._role_name}
        return CourseAccessRole.objects.filter(
            user=user,
            role__in=names,
            org=self.org,
            course_id=str(self.course_key) if self.course_key else "",
        ).exists()

    def add_users(self, *users):
        for user in users:
            CourseAccessRole.objects.get_or_create(
                user=user,
                role=self._role_name,
                org=self.org,
                course_id=str(self.course_key) if self.course_key else "",
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


class OrgStaffRole(OrgRole):
    def __init__(self, *args, **kwargs):
        super().__init__("staff", *args, **kwargs)


class OrgInstructorRole(OrgRole):
    def __init__(self, *args, **kwargs):
        super().__init__("instructor", *args, **kwargs)
