"""Stand-in for lms/djangoapps/grades/signals/handlers.py: the chain a published score
takes, with the real receivers' names, arguments and order.

``SCORE_PUBLISHED`` -> ``score_published_handler`` (raw score into the CSM, then
``PROBLEM_RAW_SCORE_CHANGED`` with ``weight=block.weight`` and the publisher's
``grader_response``) -> ``problem_raw_score_changed_handler`` (weights it with
``weighted_score``, then ``PROBLEM_WEIGHTED_SCORE_CHANGED`` with ``grader_response`` passed
on) -> ``enqueue_subsection_update`` (the subsection grade task, queued as
``recalculate_subsection_grade_v3.apply_async(..., countdown=RECALCULATE_GRADE_DELAY_SECONDS)``)
and, connected by the plugin machinery, edx-completion's ``scorable_block_completion``.

Left out: the tracking-log event (``events.grade_updated``), the submissions-API receivers
and the handlers of signals the plugin never sends.
"""

from django.dispatch import receiver
from opaque_keys.edx.keys import LearningContextKey
from xblock.scorable import ScorableXBlockMixin, Score

from lms.djangoapps.courseware.model_data import get_score, set_score
from lms.djangoapps.grades.constants import ScoreDatabaseTableEnum
from lms.djangoapps.grades.scores import weighted_score
from lms.djangoapps.grades.tasks import (
    RECALCULATE_GRADE_DELAY_SECONDS,
    recalculate_subsection_grade_v3,
)

from .signals import (
    PROBLEM_RAW_SCORE_CHANGED,
    PROBLEM_WEIGHTED_SCORE_CHANGED,
    SCORE_PUBLISHED,
    SUBSECTION_OVERRIDE_CHANGED,
)


def is_score_higher_or_equal(prev_earned, prev_possible, earned, possible):
    """openedx/core/lib/grade_utils.py"""
    return (earned / possible if possible else 0) >= (
        prev_earned / prev_possible if prev_possible else 0
    )


@receiver(SCORE_PUBLISHED)
def score_published_handler(
    sender, block, user, raw_earned, raw_possible, only_if_higher, **kwargs
):
    """Handles whenever a block's score is published. Returns whether the score was
    actually updated."""
    update_score = True
    if only_if_higher:
        previous_score = get_score(user.id, block.location)
        if previous_score is not None and not is_score_higher_or_equal(
            previous_score.grade, previous_score.max_grade, raw_earned, raw_possible
        ):
            update_score = False
    if update_score:
        score_modified_time = set_score(user.id, block.location, raw_earned, raw_possible)
        if isinstance(block, ScorableXBlockMixin):
            block.set_score(Score(raw_earned=raw_earned, raw_possible=raw_possible))
        PROBLEM_RAW_SCORE_CHANGED.send(
            sender=None,
            raw_earned=raw_earned,
            raw_possible=raw_possible,
            weight=getattr(block, "weight", None),
            user_id=user.id,
            course_id=str(block.location.course_key),
            usage_id=str(block.location),
            only_if_higher=only_if_higher,
            modified=score_modified_time,
            score_db_table=ScoreDatabaseTableEnum.courseware_student_module,
            score_deleted=kwargs.get("score_deleted", False),
            grader_response=kwargs.get("grader_response", False),
        )
    return update_score


@receiver(PROBLEM_RAW_SCORE_CHANGED)
def problem_raw_score_changed_handler(sender, **kwargs):
    """Converts the raw score to a weighted score and fires PROBLEM_WEIGHTED_SCORE_CHANGED."""
    if kwargs["raw_possible"] is not None:
        weighted_earned, weighted_possible = weighted_score(
            kwargs["raw_earned"], kwargs["raw_possible"], kwargs["weight"]
        )
    else:  # TODO: remove as part of TNL-5982 (edx-platform's own comment)
        weighted_earned, weighted_possible = kwargs["raw_earned"], kwargs["raw_possible"]
    PROBLEM_WEIGHTED_SCORE_CHANGED.send(
        sender=None,
        weighted_earned=weighted_earned,
        weighted_possible=weighted_possible,
        user_id=kwargs["user_id"],
        course_id=kwargs["course_id"],
        usage_id=kwargs["usage_id"],
        only_if_higher=kwargs["only_if_higher"],
        score_deleted=kwargs.get("score_deleted", False),
        modified=kwargs["modified"],
        score_db_table=kwargs["score_db_table"],
        grader_response=kwargs.get("grader_response", False),
    )


@receiver(PROBLEM_WEIGHTED_SCORE_CHANGED)
@receiver(SUBSECTION_OVERRIDE_CHANGED)
def enqueue_subsection_update(sender, **kwargs):
    """Enqueues the subsection grade update (asynchronous in the LMS)."""
    context_key = LearningContextKey.from_string(kwargs["course_id"])
    if not context_key.is_course:
        return
    recalculate_subsection_grade_v3.apply_async(
        kwargs=dict(
            user_id=kwargs["user_id"],
            anonymous_user_id=kwargs.get("anonymous_user_id"),
            course_id=kwargs["course_id"],
            usage_id=kwargs["usage_id"],
            only_if_higher=kwargs.get("only_if_higher"),
            expected_modified_time=kwargs["modified"],
            score_deleted=kwargs.get("score_deleted", False),
            score_db_table=kwargs["score_db_table"],
            force_update_subsections=kwargs.get("force_update_subsections", False),
        ),
        countdown=RECALCULATE_GRADE_DELAY_SECONDS,
    )
