"""The demo's Celery app, configured exactly as Open edX configures its own
(openedx/core/lib/celery/__init__.py): settings read without a namespace, so the demo
settings use the same old-style names the LMS does (CELERY_ALWAYS_EAGER, BROKER_URL,
CELERYBEAT_SCHEDULE). The plugin's tasks are shared tasks, found by autodiscovery.

Demo default: CELERY_ALWAYS_EAGER (no broker). With CODIO_CELERY_EAGER=0 tasks go to
Redis (CODIO_BROKER_URL); run a worker with ``celery -A demo worker`` and the grade outbox
sweep with ``celery -A demo beat`` (or ``manage.py lti_bridge_deliver_due_grades`` from cron).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings")

app = Celery("proj")
app.config_from_object("django.conf:settings")
app.autodiscover_tasks()
