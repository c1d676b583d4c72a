"""Stand-in for lms/djangoapps/courseware/masquerade.py: settings on the request's user
(``setup_masquerade`` stores them there), keyed by course key."""

from dataclasses import dataclass


@dataclass
class CourseMasquerade:
    course_key: object
    role: str = "student"
    user_partition_id: int | None = None
    group_id: int | None = None
    user_name: str | None = None


def get_course_masquerade(user, course_key):
    return getattr(user, "masquerade_settings", {}).get(course_key, None)


def get_masquerade_role(user, course_key):
    masquerade = get_course_masquerade(user, course_key)
    return masquerade.role if masquerade else None


def is_masquerading_as_student(user, course_key):
    return get_masquerade_role(user, course_key) == "student"
