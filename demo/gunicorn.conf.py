"""gunicorn settings for serving the demo as production would (and for benchmarks/).

Two worker processes of four threads each (``gthread``), the shape issue 15 measures on a
2-core machine; every value can be changed through the environment:

    CODIO_DEBUG=0 CODIO_DB=mysql CODIO_REDIS_URL=redis://127.0.0.1:6379/1 \\
        gunicorn -c demo/gunicorn.conf.py demo.wsgi

Production also needs ``CODIO_DEBUG=0`` (the demo's settings default to DEBUG on), a real
``CODIO_SECRET_KEY``, a shared cache (``CODIO_REDIS_URL``) and a database server
(``CODIO_DB=mysql``): the database cache on SQLite is for one developer.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# A launch waits on the tool's one outbound fetch at most (lti_bridge HTTP_TIMEOUT);
# a worker silent for longer than this is stuck and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
keepalive = 5
# Connections beyond the threads wait in the listen queue rather than being refused.
backlog = 2048
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "warning")
