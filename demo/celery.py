"""The demo's Celery app (Open edX has its own; the plugin's tasks are shared tasks).

Demo default: CELERY_TASK_ALWAYS_EAGER (no broker). With CODIO_CELERY_EAGER=0 tasks go to
Redis (CODIO_BROKER_URL); run a worker with ``celery -A demo worker``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings")

app = Celery("demo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
