"""The plugin's Celery settings as Open edX's Celery app reads them.

edx-platform's app (openedx/core/lib/celery/__init__.py) is ``Celery('proj')`` configured by
``config_from_object('django.conf:settings')`` with no namespace: old-style names such as
``CELERYBEAT_SCHEDULE`` and ``CELERY_ALWAYS_EAGER`` are read, ``CELERY_BEAT_SCHEDULE`` is not.
"""

from datetime import timedelta
from types import SimpleNamespace

from celery import Celery

from lti_bridge.settings.common import SWEEP_NAME, plugin_settings


def lms_settings(**extra):
    """Django settings shaped like the LMS's (lms/envs/common.py names), before plugins."""
    values = {
        "CELERY_ALWAYS_EAGER": False,
        "BROKER_URL": "redis://127.0.0.1:6379/9",
        "CELERY_DEFAULT_QUEUE": "edx.lms.core.default",
        "CELERYBEAT_SCHEDULE": {"lms-task": {"task": "lms.x", "schedule": timedelta(hours=1)}},
    }
    return SimpleNamespace(**{**values, **extra})


def app_configured_like_open_edx(settings):
    app = Celery("proj", set_as_current=False)
    app.config_from_object(settings)
    return app


def test_open_edx_beat_runs_the_sweep():
    settings = lms_settings()
    plugin_settings(settings)
    schedule = app_configured_like_open_edx(settings).conf.beat_schedule
    assert schedule[SWEEP_NAME]["task"] == "lti_bridge.deliver_due_grades"
    assert schedule[SWEEP_NAME]["schedule"] == timedelta(minutes=1)
    assert "lms-task" in schedule  # the LMS's own entries stay


def test_an_operators_entry_of_the_same_name_wins():
    mine = {"task": "lti_bridge.deliver_due_grades", "schedule": timedelta(minutes=5)}
    settings = lms_settings(CELERYBEAT_SCHEDULE={SWEEP_NAME: mine})
    plugin_settings(settings)
    assert app_configured_like_open_edx(settings).conf.beat_schedule[SWEEP_NAME][
        "schedule"
    ] == timedelta(minutes=5)


def test_apps_with_the_celery_namespace_get_it_too():
    settings = SimpleNamespace(CELERY_BEAT_SCHEDULE={"other": {"task": "x"}})
    plugin_settings(settings)
    app = Celery("other", set_as_current=False)
    app.config_from_object(settings, namespace="CELERY")
    assert {SWEEP_NAME, "other"} <= set(app.conf.beat_schedule)


def test_the_demo_app_is_configured_as_open_edx_configures_its_own():
    from demo.celery import app

    assert app.main == "proj"
    assert SWEEP_NAME in app.conf.beat_schedule
    assert app.conf.task_always_eager is True  # CELERY_ALWAYS_EAGER, the LMS's name
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert "lti_bridge.deliver_due_grades" in app.tasks
