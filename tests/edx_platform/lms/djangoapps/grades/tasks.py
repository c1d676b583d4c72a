"""Stand-in for lms/djangoapps/grades/tasks.py ``recalculate_subsection_grade_v3``: a Celery
task the LMS queues with a countdown (``RECALCULATE_GRADE_DELAY_SECONDS``) and a worker runs
later, never inside the request that published the score. Here it is queued in ``QUEUED``
and runs only when a test runs the queue (``run_queued``), as a worker would.

The task recomputes the learner's grade of every subsection holding the scored block
(``_update_subsection_grades``: ``SubsectionGradeFactory.update``, i.e.
subsection_grade.py ``CreateSubsectionGrade`` over the subsection's scored blocks with
their weight of the day, no persisted block) and persists it with the ``BlockRecord`` of
each block (``update_or_create_model``), when something in it was attempted or a score was
deleted. Left out: the ``_has_db_updated_with_new_score`` retry, ``only_if_higher``
(the plugin never sends it), overrides and ``SUBSECTION_SCORE_CHANGED`` (the course
grade)."""

RECALCULATE_GRADE_DELAY_SECONDS = 2  # to prevent excessive _has_db_updated failures

QUEUED = []


class _Task:
    def __init__(self, run):
        self.run = run

    def apply_async(self, kwargs=None, countdown=None, **options):
        QUEUED.append((self, dict(kwargs or {})))


def _subsection_of(store, location):
    """The subsection (sequential) holding ``location`` (the block structure's
    ``subsections`` field of GradesTransformer), or None."""
    while location is not None and location.block_type != "sequential":
        location = store.get_parent_location(location)
    return location


def _recalculate_subsection_grade(**kwargs):
    from opaque_keys.edx.keys import UsageKey
    from xmodule.modulestore.django import BLOCKS, modulestore

    from lms.djangoapps.courseware.model_data import get_score as csm_score
    from lms.djangoapps.grades.models import BlockRecord, PersistentSubsectionGrade
    from lms.djangoapps.grades.scores import get_score

    store = modulestore()
    user_id = kwargs["user_id"]
    subsection = _subsection_of(store, UsageKey.from_string(kwargs["usage_id"]))
    if subsection is None:
        return
    problem_scores = {}
    for block in list(BLOCKS.values()):
        location = block.scope_ids.usage_id
        if _subsection_of(store, location) != subsection or not getattr(block, "has_score", 0):
            continue
        score = get_score({}, {str(location): csm_score(user_id, location)}, None, block)
        if score is not None:
            problem_scores[location] = score
    graded = [score for score in problem_scores.values() if score.graded]
    attempts = [s.first_attempted for s in problem_scores.values() if s.first_attempted]
    first_attempted = min(attempts) if attempts else None
    if not (
        first_attempted or kwargs.get("score_deleted") or kwargs.get("force_update_subsections")
    ):
        return
    PersistentSubsectionGrade.update_or_create_grade(
        user_id=user_id,
        usage_key=subsection,
        earned_all=sum(s.earned for s in problem_scores.values()),
        possible_all=sum(s.possible for s in problem_scores.values()),
        earned_graded=sum(s.earned for s in graded),
        possible_graded=sum(s.possible for s in graded),
        first_attempted=first_attempted,
        visible_blocks=[
            BlockRecord(location, score.weight, score.raw_possible, score.graded)
            for location, score in problem_scores.items()
        ],
    )


recalculate_subsection_grade_v3 = _Task(_recalculate_subsection_grade)


def run_queued():
    """Run the queued grade tasks in order, as the LMS's workers would."""
    while QUEUED:
        task, kwargs = QUEUED.pop(0)
        task.run(**kwargs)
