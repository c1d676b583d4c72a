"""Stand-in for openedx/core/djangoapps/waffle_utils/__init__.py ``CourseWaffleFlag``: a
waffle flag (edx-toggles' WaffleFlag, the real one) that a course may override. The
per-course overrides (WaffleFlagCourseOverrideModel) are not modelled: the flag's own value
decides for every course."""

from edx_toggles.toggles import WaffleFlag


class CourseWaffleFlag(WaffleFlag):
    def is_enabled(self, course_key=None):
        return super().is_enabled()
