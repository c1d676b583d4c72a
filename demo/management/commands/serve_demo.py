"""Serve the demo on its three origins (demo/origins.py): the LMS at BASE_URL, the Learning
MFE at DEMO_MFE_URL and Studio at DEMO_STUDIO_URL, each a port of the same host, as Tutor
serves ``<lms host>``, ``apps.<lms host>`` and ``studio.<lms host>``. Restarts on code
changes, as ``runserver`` does."""

import threading
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import autoreload

from demo.serve import Origins


class Command(BaseCommand):
    help = "Serve the demo LMS, Learning MFE and Studio on their three origins."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument(
            "--port", type=int, help="The LMS's port (default: BASE_URL's); the others: theirs."
        )
        parser.add_argument("--noreload", action="store_true")

    def handle(self, *args, host, port=None, noreload=False, **options):
        ports = {
            name: urlsplit(getattr(settings, setting)).port
            for name, setting in (
                ("LMS", "BASE_URL"),
                ("Learning MFE", "DEMO_MFE_URL"),
                ("Studio", "DEMO_STUDIO_URL"),
            )
        }
        if port:
            ports["LMS"] = port

        def inner():
            origins = Origins({name: (host, port) for name, port in ports.items()}).start()
            self.stdout.write(
                "Serving the demo on "
                + ", ".join(f"{name} :{port}" for name, port in ports.items())
                + ". Quit with CONTROL-C."
            )
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                origins.stop()

        if noreload:
            inner()
        else:
            autoreload.run_with_reloader(inner)
