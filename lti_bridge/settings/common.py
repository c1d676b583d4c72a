"""Open edX plugin settings (``plugin_app.settings_config``) for lti_bridge."""

from datetime import timedelta

from .. import queue

# The grade outbox sweep (lti_bridge.deliver_due_grades): rows whose retry is due, or whose
# task the broker lost. Where no beat runs, run `manage.py lms lti_bridge_deliver_due_grades`
# from cron instead.
SWEEP = {
    "task": queue.DELIVER_DUE_GRADES,
    "schedule": timedelta(minutes=1),
    "options": {"expires": 55},
}


SWEEP_NAME = "lti-bridge-deliver-due-grades"

# Rosters (NRPS): every class whose roster is older than LTI_BRIDGE["ROSTER_MAX_AGE"] is read
# again. Where no beat runs, run `manage.py lms lti_bridge_sync_rosters` from cron.
ROSTERS = {
    "task": queue.SYNC_STALE_ROSTERS,
    "schedule": timedelta(minutes=30),
    "options": {"expires": 25 * 60},
}
ROSTERS_NAME = "lti-bridge-sync-stale-rosters"


def plugin_settings(settings):
    settings.LTI_BRIDGE = {**getattr(settings, "LTI_BRIDGE", {})}
    # Open edX's Celery app reads Django settings without the CELERY namespace
    # (openedx/core/lib/celery/__init__.py: config_from_object("django.conf:settings")), so
    # its beat reads CELERYBEAT_SCHEDULE; CELERY_BEAT_SCHEDULE serves apps configured with
    # namespace="CELERY". An operator's own entry of the same name wins in both.
    for name in ("CELERYBEAT_SCHEDULE", "CELERY_BEAT_SCHEDULE"):
        schedule = getattr(settings, name, None) or {}
        setattr(settings, name, {SWEEP_NAME: SWEEP, ROSTERS_NAME: ROSTERS, **schedule})
