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


class _Server(ThreadedWSGIServer):
    """Django's threaded server; with an SSL context, each connection's TLS handshake runs in
    the connection's own thread, with a deadline. (Wrapping the listening socket would make
    ``accept`` do the handshake in the one thread that accepts: a client that connects and
    never completes it, such as a browser's speculative connection, would stop the origin.)"""

    ssl_context = None
    HANDSHAKE_SECONDS = 10

    def process_request_thread(self, request, client_address):
        if self.ssl_context is not None:
            try:
                request.settimeout(self.HANDSHAKE_SECONDS)
                request = self.ssl_context.wrap_socket(request, server_side=True)
                request.settimeout(None)
            except (OSError, ValueError):
                self.shutdown_request(request)
                return
        super().process_request_thread(request, client_address)


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
            server = _Server((host, port), handler, allow_reuse_address=True)
            server.ssl_context = ssl_context
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
