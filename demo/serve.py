"""One Django project served on several origins at once (demo/origins.py): a threaded WSGI
server per address, all in this process and on one database, as Django's ``runserver``
serves one. Static files are served as ``runserver`` serves them. With an SSL context the
listeners speak HTTPS (the browser tests use a self-signed certificate, tests/tls.py)."""

import threading

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler


class _Handler(WSGIRequestHandler):
    secure = False

    def get_environ(self):
        environ = super().get_environ()
        if self.secure:
            environ["HTTPS"] = "on"
        return environ


class _QuietHandler(_Handler):
    def log_message(self, *args):
        pass


class Origins:
    """Listeners on ``addresses`` ({name: (host, port)}; port 0 picks a free one), each
    serving the same application. ``urls`` gives each name's base URL once started."""

    def __init__(self, addresses, *, ssl_context=None, quiet=False, app=None):
        self.app = app or StaticFilesHandler(WSGIHandler())
        self.servers, self.urls, self._threads = {}, {}, []
        scheme = "https" if ssl_context else "http"
        handler = type(
            "Handler", (_QuietHandler if quiet else _Handler,), {"secure": bool(ssl_context)}
        )
        for name, (host, port) in addresses.items():
            server = ThreadedWSGIServer((host, port), handler, allow_reuse_address=True)
            if ssl_context:
                server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
            server.set_app(self.app)
            self.servers[name] = server
            self.urls[name] = f"{scheme}://{host}:{server.server_address[1]}"

    def start(self):
        for server in self.servers.values():
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self):
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
