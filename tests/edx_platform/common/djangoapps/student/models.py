"""Stand-in for common/djangoapps/student/models.py: the names the plugin uses."""

import hashlib

from tests.openedx_standin.models import (  # noqa: F401
    CourseAccessRole,
    CourseEnrollment,
    UserProfile,
)


def anonymous_id_for_user(user, course_id):
    return hashlib.md5(f"{user.pk}:{course_id}".encode()).hexdigest()  # noqa: S324
