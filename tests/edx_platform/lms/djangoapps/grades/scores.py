"""Stand-in for lms/djangoapps/grades/scores.py (``get_score``, ``weighted_score``,
``compute_percent``) and the aggregation of xmodule/graders.py ``aggregate_scores`` that a
subsection grade (lms/djangoapps/grades/subsection_grade.py) is made of."""

from dataclasses import dataclass
from datetime import datetime


@dataclass
class ProblemScore:
    raw_earned: float | None
    raw_possible: float | None
    earned: float
    possible: float
    weight: float | None
    graded: bool
    first_attempted: datetime | None = None


def weighted_score(raw_earned, raw_possible, weight):
    assert raw_possible is not None
    if weight is None or raw_possible == 0:
        return raw_earned, raw_possible
    return float(raw_earned) * weight / raw_possible, float(weight)


def compute_percent(earned, possible):
    return round(earned / possible, 2) if possible > 0 else 0.0


def get_score(submissions_scores, csm_scores, persisted_block, block):
    """``block`` is the content block (``location``, ``weight``, ``max_score()``; ``graded``
    explicit or None); ``persisted_block`` the ``BlockRecord`` a persisted subsection grade
    keeps for it, or None. The weight (and graded) come from the persisted block if there is
    one, else from the block (``_get_weight_from_block``). Submissions API scores, already
    weighted, come first; then the CSM's raw score weighted by that weight; else 0 of the
    persisted raw_possible or the block's max_score, weighted."""
    weight = persisted_block.weight if persisted_block else getattr(block, "weight", None)
    submission = (submissions_scores or {}).get(str(block.location))
    first_attempted = None
    if submission:
        raw_earned = raw_possible = None
        earned, possible = submission["points_earned"], submission["points_possible"]
        first_attempted = submission.get("created_at")
    else:
        csm = csm_scores.get(str(block.location))
        if csm is not None and csm.max_grade is not None:
            if csm.grade is not None:
                raw_earned, first_attempted = csm.grade, csm.created
            else:
                raw_earned = 0.0
            raw_possible = csm.max_grade
        else:
            raw_earned = 0.0
            raw_possible = persisted_block.raw_possible if persisted_block else block.max_score()
        if raw_possible is None:
            return None
        earned, possible = weighted_score(raw_earned, raw_possible, weight)
    if possible is None or earned is None:
        return None
    if persisted_block:
        explicit = persisted_block.graded
    else:
        explicit = getattr(block, "graded_explicitly", None)
    graded = possible > 0 and (True if explicit is None else explicit)
    return ProblemScore(raw_earned, raw_possible, earned, possible, weight, graded, first_attempted)


def subsection_percent_graded(scores):
    """The graded total of a subsection: weighted earned over weighted possible of its
    graded problems (xmodule/graders.py aggregate_scores), as a rounded percentage."""
    graded = [s for s in scores if s is not None and s.graded]
    return compute_percent(sum(s.earned for s in graded), sum(s.possible for s in graded))
