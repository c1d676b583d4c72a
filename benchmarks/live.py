"""A live benchmark server: the demo under gunicorn with production settings
(benchmarks/settings.py, demo/gunicorn.conf.py), on MariaDB + Redis or SQLite, and a
browser-like launch driver over real HTTP.

The benchmark process prepares the database (migrate, seed, learners and their signed-in
sessions) through the same settings, starts gunicorn, reads the server's CPU time from
/proc (the master and its workers) and drives launches with ``requests``: cookies kept
per learner, redirects followed hop by hop, the auto-submitted form posted as a browser
posts it.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from benchmarks.common import ROOT
from tests.support import form_fields

TICKS = os.sysconf("SC_CLK_TCK")
HOPS = ("handler", "login", "auth", "launch")
SCENARIOS = {"bridge": "codio_unit.1", "bare": "bench_bare"}
MARKERS = {"bridge": 'data-testid="unit-title"', "bare": 'data-testid="bare-launch"'}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _mysql_recreate(name):
    import MySQLdb

    conn = MySQLdb.connect(host="127.0.0.1", user="root", passwd="")
    cursor = conn.cursor()
    cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
    cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    conn.close()


class LiveDemo:
    """``with LiveDemo(db="mysql") as live:`` a seeded server on ``live.base_url``."""

    def __init__(
        self, db="mysql", workers=2, threads=4, redis_db=7, eager_celery=True, access_log=False
    ):
        self.db, self.workers, self.threads = db, workers, threads
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.var = tempfile.mkdtemp(prefix="codio-live-")
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "CODIO_DEBUG": "0",
            "CODIO_VAR_DIR": self.var,
            "CODIO_DEMO_BASE_URL": self.base_url,
            "CODIO_SECRET_KEY": "benchmark-only-" + "k" * 40,
            "CODIO_CELERY_EAGER": "1" if eager_celery else "0",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_THREADS": str(threads),
            "PYTHONPATH": str(ROOT),
        }
        self.access_log = Path(self.var) / "access.log"
        if access_log:  # requests counted by path (requests_to)
            self.env["GUNICORN_ACCESSLOG"] = str(self.access_log)
        if db == "mysql":
            self.env.update(CODIO_DB="mysql", CODIO_DB_NAME="codio_live_bench")
            self.env["CODIO_REDIS_URL"] = f"redis://127.0.0.1:6379/{redis_db}"
        else:
            self.env.pop("CODIO_DB", None)
            self.env.pop("CODIO_REDIS_URL", None)
        self.server = None

    # -- the database, prepared in this process through the server's settings ---------------
    def prepare(self):
        os.environ.update(self.env)
        if "CODIO_REDIS_URL" not in self.env:
            os.environ.pop("CODIO_REDIS_URL", None)
            os.environ.pop("CODIO_DB", None)
        sys.path.insert(0, str(ROOT))
        if self.db == "mysql":
            _mysql_recreate(self.env["CODIO_DB_NAME"])
            import redis

            redis.Redis.from_url(self.env["CODIO_REDIS_URL"]).flushdb()
        import django

        django.setup()
        from django.core.management import call_command

        from benchmarks import bare_tool
        from demo.seed import seed

        call_command("migrate", run_syncdb=True, verbosity=0)
        if self.db != "mysql":
            call_command("createcachetable", verbosity=0)
        seed(self.base_url)
        bare_tool.register(self.base_url)
        from django.db import connections

        connections.close_all()

    def learners(self, prefix, count):
        """``count`` new learners, each with a signed-in session: [session cookie value]."""
        from django.contrib.auth import (
            BACKEND_SESSION_KEY,
            HASH_SESSION_KEY,
            SESSION_KEY,
            get_user_model,
        )
        from django.contrib.auth.hashers import make_password
        from django.contrib.sessions.backends.db import SessionStore
        from django.db import connections

        User = get_user_model()
        unusable = make_password(None)  # signed in by session only
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{prefix}{i}",
                    first_name="Load",
                    last_name=f"Learner {i}",
                    email=f"{prefix}{i}@example.edu",
                    password=unusable,
                )
                for i in range(count)
            ]
        )
        if not users[0].pk:  # MariaDB does not return the new keys
            users = list(User.objects.filter(username__startswith=prefix).order_by("id"))
        cookies = []
        for user in users:
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            cookies.append(session.session_key)
        connections.close_all()
        return cookies

    # -- the server ------------------------------------------------------------------------
    def start(self):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.server = subprocess.Popen(  # noqa: S603 (our own command line)
            [str(gunicorn), "-c", str(ROOT / "demo" / "gunicorn.conf.py"), "demo.wsgi"],
            env=self.env,
            cwd=ROOT,
            start_new_session=True,  # stop() ends the master and its workers together
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base_url + "/codio/lti/v1/jwks", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if self.server.poll() is not None:
                raise RuntimeError("gunicorn exited at start")
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer in 60 s")
        # every worker up (each imports Django on its own)
        while len(self._pids()) < 1 + self.workers:
            time.sleep(0.1)

    def stop(self):
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait()

    def __enter__(self):
        self.prepare()
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.var, ignore_errors=True)

    def requests_to(self, path, method="GET"):
        """How many requests the server's access log shows for ``path``."""
        marker = f'"{method} {path} '
        with open(self.access_log) as log:
            return sum(marker in line for line in log)

    def account_counts(self, prefix):
        """Accounts and links of the learners ``prefix*`` (one each, none twice)."""
        from django.db import connections
        from django.db.models import Count

        from lti_bridge.models import Account, Link

        several = (
            Link.objects.filter(account__email__startswith=prefix)
            .values("sub")
            .annotate(n=Count("account", distinct=True))
            .filter(n__gt=1)
            .count()
        )
        counts = {
            "accounts": Account.objects.filter(email__startswith=prefix).count(),
            "links": Link.objects.filter(account__email__startswith=prefix).count(),
            "learners_with_several_accounts": several,
        }
        connections.close_all()
        return counts

    def _pids(self):
        master = self.server.pid
        try:
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        except FileNotFoundError:
            children = []
        return [master, *map(int, children)]

    def cpu_seconds(self):
        """User + system CPU time of the server (master and workers) so far."""
        return sum(process_cpu_seconds(pid) for pid in self._pids())


def process_cpu_seconds(pid):
    """User + system CPU time of one process so far (0 once it has ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


class Browser:
    """One learner's browser: a cookie jar, hop-by-hop redirects, the auto-submitted form."""

    def __init__(self, live, session_key, tool="bridge"):
        self.live, self.tool = live, tool
        self.http = requests.Session()
        # As a browser does: a request on a kept-alive connection the server closed meanwhile
        # is sent again once, on a new connection (connection errors only, never an answer).
        retry = Retry(total=1, connect=1, read=1, status=0, other=0, allowed_methods=None)
        self.http.mount("http://", HTTPAdapter(max_retries=retry))
        self.http.cookies.set("sessionid", session_key, domain="127.0.0.1", path="/")
        self.handler = None
        self.state_cookies_left = 0

    def _handler(self):
        page = self.http.get(f"{self.live.base_url}/scenario/{SCENARIOS[self.tool]}/", timeout=30)
        page.raise_for_status()
        match = re.search(r'src="([^"]*/handler/[^"]*/launch/[^"]*)"', page.text)
        return urljoin(self.live.base_url, unescape(match.group(1)))

    def launch(self, cpu_per_hop=False):
        """One launch: (wall s, {hop: server CPU s} when asked). Raises on any failure."""
        if self.handler is None:
            self.handler = self._handler()  # the course page, once (the LMS's, not a hop)
        cpu = {}
        started = time.perf_counter()
        url, method, data = self.handler, "get", None
        for hop in HOPS:
            before = self.live.cpu_seconds() if cpu_per_hop else 0
            if method == "get":
                response = self.http.get(url, allow_redirects=False, timeout=30)
            else:
                response = self.http.post(url, data=data, allow_redirects=False, timeout=30)
            if cpu_per_hop:
                cpu[hop] = self.live.cpu_seconds() - before
            if hop in ("handler", "login"):
                if response.status_code != 302:
                    raise LaunchFailed(hop, response)
                url = urljoin(url, response.headers["Location"])
                if hop == "handler" and self.tool == "bridge":
                    url += "&lti1p3_new_window=1"  # past pylti1p3's cookie check page
            elif hop == "auth":
                if response.status_code != 200:
                    raise LaunchFailed(hop, response)
                action, data = form_fields(response.text)
                url, method = urljoin(url, action), "post"
            elif response.status_code != 200 or MARKERS[self.tool] not in response.text:
                raise LaunchFailed(hop, response)
        self.state_cookies_left = self.drop_state_cookies()
        return time.perf_counter() - started, cpu

    def state_cookies(self):
        return [c for c in self.http.cookies if c.name.startswith("lti1p3-")]

    def drop_state_cookies(self):
        """Drop pylti1p3's state cookies left after a launch; how many there were.

        The bridge removes its own (none are left). A bare pylti1p3 tool leaves one per
        launch: after ~80 launches a browser's cookie header passes the server's limit and
        every request of the site answers 431. The driver drops them, as if they had
        expired, so that the comparison measures launches, not refusals."""
        left = self.state_cookies()
        for cookie in left:
            self.http.cookies.clear(cookie.domain, cookie.path, cookie.name)
        return len(left)


class LaunchFailed(Exception):
    def __init__(self, hop, response):
        super().__init__(f"{hop}: HTTP {response.status_code}: {response.text[:200]!r}")
        self.hop, self.status = hop, response.status_code
