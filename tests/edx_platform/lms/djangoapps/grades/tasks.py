"""Stand-in for lms/djangoapps/grades/tasks.py ``recalculate_subsection_grade_v3``: a Celery
task the LMS queues with a countdown (``RECALCULATE_GRADE_DELAY_SECONDS``) and a worker runs
later, never inside the request that published the score. Here it is queued in ``QUEUED``
and runs only when a test runs the queue (``run_queued``), as a worker would."""

RECALCULATE_GRADE_DELAY_SECONDS = 2  # to prevent excessive _has_db_updated failures

QUEUED = []


class _Task:
    def __init__(self, run):
        self.run = run

    def apply_async(self, kwargs=None, countdown=None, **options):
        QUEUED.append((self, dict(kwargs or {})))


def _recalculate_subsection_grade(**kwargs):
    """The subsection grade update (filled in with the grades app's persistence)."""


recalculate_subsection_grade_v3 = _Task(_recalculate_subsection_grade)


def run_queued():
    """Run the queued grade tasks in order, as the LMS's workers would."""
    while QUEUED:
        task, kwargs = QUEUED.pop(0)
        task.run(**kwargs)
