"""Stand-in for lms/djangoapps/grades/api.py: exposes the grades signals module."""

from lms.djangoapps.grades.signals import (
    handlers,  # noqa: F401  (connects the receivers)
    signals,  # noqa: F401
)
