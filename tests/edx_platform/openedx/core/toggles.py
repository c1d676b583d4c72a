"""Stand-in for openedx/core/toggles.py: the flag that moves course authoring roles to
openedx-authz (``authz.enable_course_authoring``; turning it on migrates the role
assignments from CourseAccessRole to openedx-authz)."""

from openedx.core.djangoapps.waffle_utils import CourseWaffleFlag

AUTHZ_COURSE_AUTHORING_FLAG = CourseWaffleFlag("authz.enable_course_authoring", __name__)


def enable_authz_course_authoring(course_key):
    return AUTHZ_COURSE_AUTHORING_FLAG.is_enabled(course_key)
