"""The bridge on its own: Django settings with lti_bridge as the only project app, no XBlock,
no workbench, no codio_xblock (ADR 0010). ``tox -e bridge-alone`` installs the bridge's
distribution alone into a clean environment and runs the bridge's tests with these settings.

The Celery app, configured as the demo's and Open edX's are (settings without a namespace).
"""

from celery import Celery

app = Celery("bridge_alone")
app.config_from_object("django.conf:settings")
app.autodiscover_tasks()
