"""Stand-in for lms/djangoapps/grades/signals/signals.py."""

from django.dispatch import Signal

SCORE_PUBLISHED = Signal()
PROBLEM_WEIGHTED_SCORE_CHANGED = Signal()
