"""The bridge's one door to Celery: flows queue background work here, never by importing tasks.

``lti_bridge.tasks`` holds the Celery tasks; they are thin and call the flows. The flows in
turn must queue tasks (a grade to send, a mail, a roster sync), which used to make the two
import each other. Now the flows call this module, which knows the tasks only by their
explicit names (the names the tasks are declared with, below) and finds them in the Celery
app's registry at send time; ``LtiBridgeConfig.ready`` imports ``lti_bridge.tasks`` so the
registry holds them in every process, web or worker. So: flows -> queue, tasks -> flows,
and queue imports neither.

Everything is sent after the surrounding transaction commits (a worker must find the rows
it is told about), except :func:`later`, which a task uses to come back after a backoff.

The names are plain strings, importable from a settings module (the beat schedule in
``lti_bridge.settings.common`` uses them), so this module imports Django and Celery only
inside its functions.
"""

SEND_VERIFICATION_EMAIL = "lti_bridge.send_verification_email"
SEND_RESET_EMAIL = "lti_bridge.send_password_reset_email"
DELIVER_GRADE = "lti_bridge.deliver_grade"
DELIVER_GRADES = "lti_bridge.deliver_grades"
DELIVER_DUE_GRADES = "lti_bridge.deliver_due_grades"
SYNC_ROSTER = "lti_bridge.sync_roster"
SYNC_STALE_ROSTERS = "lti_bridge.sync_stale_rosters"


def task(name):
    """The registered task called ``name`` (a KeyError names a task that does not exist)."""
    from celery import current_app

    return current_app.tasks[name]


def after_commit(name, *args, robust=False):
    """Send task ``name`` with ``args`` once the current transaction commits (at once outside
    one). ``robust``: a broker that cannot take the message is logged by Django and never
    fails the request that asked; use it where a periodic task asks again anyway."""
    from django.db import transaction

    transaction.on_commit(lambda: task(name).delay(*args), robust=robust)


def each_after_commit(name, arguments, *, robust=False):
    """Send task ``name`` once per tuple in ``arguments``, after commit, in that order."""
    from django.db import transaction

    arguments = list(arguments)
    transaction.on_commit(lambda: [task(name).delay(*args) for args in arguments], robust=robust)


def later(name, *args, countdown):
    """Send task ``name`` now, to run ``countdown`` seconds from now (a retry's backoff)."""
    task(name).apply_async(args, countdown=countdown)
