"""Headers every response of the platform's protocol endpoints carries, whatever the host's
middleware adds or leaves out (Open edX's LMS does not set ``nosniff`` on every response):
tools and browsers read these documents, so none may be sniffed into another type, and each
is cached only as its content allows."""

from functools import wraps

# The key set is public and changes rarely (rotation keeps old keys published a while).
PUBLIC_KEYS = "public, max-age=300"
# Tokens (RFC 6749, 5.1), grades, rosters and launch pages: never stored anywhere.
NO_STORE = "no-store"


def protocol_headers(cache_control):
    """Decorate an endpoint view: ``X-Content-Type-Options: nosniff`` and ``Cache-Control:
    cache_control`` on every response it gives, errors included."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["X-Content-Type-Options"] = "nosniff"
            response["Cache-Control"] = cache_control
            if cache_control == NO_STORE:
                response["Pragma"] = "no-cache"  # HTTP/1.0 caches (RFC 6749, 5.1)
                if "Expires" in response:
                    del response["Expires"]
            return response

        return wrapper

    return decorate
