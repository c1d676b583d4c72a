"""Open edX plugin settings (``plugin_app.settings_config``) for lti_bridge."""

from datetime import timedelta

# The grade outbox sweep (lti_bridge.deliver_due_grades): rows whose retry is due, or whose
# task the broker lost. Where no beat runs, run `manage.py lms lti_bridge_deliver_due_grades`
# from cron instead.
SWEEP = {
    "task": "lti_bridge.deliver_due_grades",
    "schedule": timedelta(minutes=1),
    "options": {"expires": 55},
}


def plugin_settings(settings):
    settings.LTI_BRIDGE = {**getattr(settings, "LTI_BRIDGE", {})}
    schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None)
    if schedule is None:
        schedule = {}
    settings.CELERY_BEAT_SCHEDULE = {"lti-bridge-deliver-due-grades": SWEEP, **schedule}
