"""Stand-in for lms/djangoapps/grades/signals/handlers.py ``score_published_handler`` (and
``problem_raw_score_changed_handler``): the raw score goes to the CSM, and the weighted one
(``weighted_score`` with the block's weight) is what the subsection grade task receives."""

from django.dispatch import receiver

from lms.djangoapps.courseware.model_data import get_score, set_score
from lms.djangoapps.grades.scores import weighted_score

from .signals import PROBLEM_WEIGHTED_SCORE_CHANGED, SCORE_PUBLISHED


def is_score_higher_or_equal(prev_earned, prev_possible, earned, possible):
    """openedx/core/lib/grade_utils.py"""
    return (earned / possible if possible else 0) >= (
        prev_earned / prev_possible if prev_possible else 0
    )


@receiver(SCORE_PUBLISHED, dispatch_uid="standin_score_published_handler")
def score_published_handler(
    sender, block, user, raw_earned, raw_possible, only_if_higher, **kwargs
):
    if only_if_higher:
        previous = get_score(user.id, block.location)
        if previous is not None and not is_score_higher_or_equal(
            previous.grade, previous.max_grade, raw_earned, raw_possible
        ):
            return False
    modified = set_score(user.id, block.location, raw_earned, raw_possible)
    if raw_possible is not None:  # problem_raw_score_changed_handler's guard
        weighted_earned, weighted_possible = weighted_score(
            raw_earned, raw_possible, getattr(block, "weight", None)
        )
    else:
        weighted_earned, weighted_possible = raw_earned, raw_possible
    PROBLEM_WEIGHTED_SCORE_CHANGED.send(
        sender=None,
        weighted_earned=weighted_earned,
        weighted_possible=weighted_possible,
        user_id=user.id,
        course_id=str(block.location.course_key),
        usage_id=str(block.location),
        modified=modified,
    )
    return True
