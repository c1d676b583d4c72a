"""Stand-in for common/djangoapps/student/auth.py ``has_studio_write_access`` (master):
global staff, org and course instructors and (strictly) staff write; limited staff write
only when asked from the LMS (its HACK for instructor dashboard views), never in Studio."""

from django.conf import settings

from .roles import (
    CourseInstructorRole,
    CourseLimitedStaffRole,
    CourseStaffRole,
    OrgInstructorRole,
    OrgStaffRole,
    strict_role_checking,
)

STUDIO_EDIT_CONTENT = 2


def user_has_role(user, role):
    if not user.is_active:
        return False
    if user.is_staff or role.has_user(user):
        return True
    return isinstance(role, CourseStaffRole) and CourseInstructorRole(role.course_key).has_user(
        user
    )


def has_studio_write_access(user, course_key, service_variant=None):
    if user.is_staff or OrgInstructorRole(org=course_key.org).has_user(user):
        return True
    if user_has_role(user, CourseInstructorRole(course_key)):
        return True
    if user_has_role(user, CourseLimitedStaffRole(course_key)):
        return (service_variant or getattr(settings, "SERVICE_VARIANT", "lms")) == "lms"
    with strict_role_checking():
        return OrgStaffRole(org=course_key.org).has_user(user) or user_has_role(
            user, CourseStaffRole(course_key)
        )
