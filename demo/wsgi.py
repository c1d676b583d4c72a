"""WSGI entry point of the demo (gunicorn: ``gunicorn -c demo/gunicorn.conf.py demo.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings")

application = get_wsgi_application()
