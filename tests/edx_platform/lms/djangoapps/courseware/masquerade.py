"""Stand-in for lms/djangoapps/courseware/masquerade.py: settings on the request's user
(``setup_masquerade`` stores them there from the session), keyed by course key; a specific
learner's masquerade binds the block to that learner (``setup_masquerade``'s user) and hides
every block whose class does not set ``show_in_read_only_mode`` (``filter_displayed_blocks``,
which block_render.py adds to the runtime's wrappers)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from web_fragments.fragment import Fragment

MASQUERADE_SETTINGS_KEY = "masquerade_settings"


@dataclass
class CourseMasquerade:
    course_key: object
    role: str = "student"
    user_partition_id: int | None = None
    group_id: int | None = None
    user_name: str | None = None


def setup_masquerade(request, course_key, staff_access=False, reset_masquerade_data=False):
    """(CourseMasquerade or None, the user blocks are bound to): the learner named by a
    specific learner's masquerade (enrolled in the course, else the masquerade is dropped),
    carrying the masquerade settings and ``real_user``; else ``request.user``."""
    from tests.openedx_standin.models import CourseEnrollment

    if request.user is None or not staff_access:
        return None, request.user
    masquerade_settings = request.session.setdefault(MASQUERADE_SETTINGS_KEY, {})
    request.user.masquerade_settings = masquerade_settings
    course_masquerade = masquerade_settings.get(course_key, None)
    masquerade_user = None
    if course_masquerade and course_masquerade.user_name:
        enrolled = CourseEnrollment.objects.filter(course_id=str(course_key), is_active=True)
        try:
            masquerade_user = get_user_model().objects.get(
                pk__in=enrolled.values("user_id"), username=course_masquerade.user_name
            )
        except get_user_model().DoesNotExist:
            course_masquerade = None
            del masquerade_settings[course_key]
        else:
            masquerade_user.masquerade_settings = request.user.masquerade_settings
            masquerade_user.real_user = request.user
    return course_masquerade, masquerade_user or request.user


def get_course_masquerade(user, course_key):
    return getattr(user, "masquerade_settings", {}).get(course_key, None)


def get_masquerade_role(user, course_key):
    masquerade = get_course_masquerade(user, course_key)
    return masquerade.role if masquerade else None


def is_masquerading_as_student(user, course_key):
    return get_masquerade_role(user, course_key) == "student"


def is_masquerading_as_specific_student(user, course_key):
    course_masquerade = get_course_masquerade(user, course_key)
    return bool(course_masquerade and course_masquerade.user_name)


def get_specific_masquerading_user(user, course_key):
    course_masquerade = get_course_masquerade(user, course_key)
    if course_masquerade and course_masquerade.user_name:
        return get_user_model().objects.get(username=course_masquerade.user_name)
    return None


def filter_displayed_blocks(block, unused_view, frag, unused_context):
    """Only blocks that set ``show_in_read_only_mode`` show while masquerading as a specific
    user."""
    if getattr(block, "show_in_read_only_mode", False):
        return frag
    return Fragment(
        _("This type of component cannot be shown while viewing the course as a specific student.")
    )
