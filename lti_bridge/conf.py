"""Settings of the lti_bridge tool, with documented defaults.

Override any key in one dict: ``LTI_BRIDGE = {"BASE_URL": "https://codio.example.edu"}``.
Read values through :func:`get`.
"""

from django.conf import settings
from django.urls import reverse

DEFAULTS = {
    # Public base URL of the tool (scheme://host[:port]). Launch and login URLs are built
    # from it, never from the request. Empty: Open edX's LMS_ROOT_URL, else localhost.
    "BASE_URL": "",
    # Extra launch URLs (target_link_uri / redirect_uri) this tool accepts.
    "EXTRA_LAUNCH_URLS": [],
    # Django cache for launch data, state, nonces and platform key sets. Must be shared
    # by all processes (Redis, database, memcached): a per-process cache breaks launches.
    "CACHE": "default",
    # Seconds a launch stays in the cache (for pages after the launch).
    "LAUNCH_DATA_LIFETIME": 2 * 60 * 60,
    # An id_token's iat may be at most this many seconds old (and not in the future,
    # beyond CLOCK_SKEW).
    "MAX_TOKEN_AGE": 5 * 60,
    "CLOCK_SKEW": 60,
    # Largest id_token accepted, bytes, checked before it is parsed or cached (a launch with
    # many custom parameters is a few KiB; Canvas's largest are ~20 KiB).
    "MAX_ID_TOKEN_SIZE": 64 * 1024,
    # Largest value of a login parameter (iss, login_hint, lti_message_hint, ...), characters.
    "MAX_LOGIN_PARAM_SIZE": 4096,
    # At most this many roles in a launch, each at most 255 characters.
    "MAX_ROLES": 100,
    # Platform key sets are cached this long; an unknown kid forces one refetch, at most
    # once per KEYSET_REFETCH_COOLDOWN seconds per key set URL.
    "KEYSET_CACHE_SECONDS": 60 * 60,
    "KEYSET_REFETCH_COOLDOWN": 30,
    # Key sets of platforms served by this same deployment, read in-process instead of over
    # HTTP: {URL name of the key set view: dotted path of a function returning the JWKS}.
    # Only for a key set URL on BASE_URL's own origin. A platform in the same server as the
    # bridge (the built-in bridge inside the LMS; codio_xblock's plugin settings add its
    # own) would otherwise fetch its key set through its own workers, and a cold burst of
    # launches holding every worker waits on a fetch that no free worker can serve.
    "LOCAL_KEY_SETS": {},
    # Timeout (connect, read) for every outbound HTTP request, seconds.
    "HTTP_TIMEOUT": (3.05, 10),
    # Seconds a key set fetch may take in all (a slow server resets each read's timeout),
    # and its largest accepted size, bytes.
    "HTTP_DEADLINE": 15,
    "HTTP_MAX_RESPONSE_BYTES": 1024 * 1024,
    # Allow http:// platform URLs (development and tests only).
    "ALLOW_INSECURE_URLS": False,
    # Grade delivery (lti_bridge.deliver_grade). Retryable failures (network errors,
    # timeouts, 5xx, 429) are retried for DELIVERY_RETRY_FOR seconds, waiting a random time
    # up to DELIVERY_BACKOFF_BASE * 2**attempts (capped at DELIVERY_BACKOFF_CAP), or the
    # platform's Retry-After. An attempt holds its row for DELIVERY_LEASE seconds: if the
    # worker dies, the row is due again after that (keep it above the sum of the HTTP
    # timeouts of one attempt: token, line item, score).
    "DELIVERY_RETRY_FOR": 2 * 24 * 60 * 60,
    "DELIVERY_BACKOFF_BASE": 30,
    "DELIVERY_BACKOFF_CAP": 60 * 60,
    "DELIVERY_LEASE": 5 * 60,
    # Rosters (NRPS 2.0): a class's roster is read again from the LMS when it is older than
    # ROSTER_MAX_AGE seconds, at a launch or by the periodic lti_bridge.sync_stale_rosters;
    # teachers may ask for it at any time. The bridge asks for pages of ROSTER_PAGE_LIMIT
    # members and refuses (changing nothing) a roster of more than ROSTER_MAX_PAGES pages or
    # ROSTER_MAX_MEMBERS members, or a page over ROSTER_MAX_PAGE_BYTES. A sync holds its
    # class for ROSTER_SYNC_LEASE seconds: a sync asked for meanwhile is the same one.
    "ROSTER_MAX_AGE": 6 * 60 * 60,
    "ROSTER_PAGE_LIMIT": 500,
    "ROSTER_MAX_PAGES": 500,
    "ROSTER_MAX_MEMBERS": 100_000,
    "ROSTER_MAX_PAGE_BYTES": 8 * 1024 * 1024,
    "ROSTER_SYNC_LEASE": 15 * 60,
    # Learners per page on the class page and a unit's teacher view.
    "PAGE_SIZE": 100,
    # CSV exports read learners in batches of this many rows (memory stays constant).
    "EXPORT_CHUNK_SIZE": 500,
    # Bits of the tool's own RSA key, and days a rotated-out public key stays in the JWKS
    # (lti_bridge_rotate_keys).
    "KEY_BITS": 2048,
    "KEY_ROTATION_OVERLAP_DAYS": 7,
    # Attempts allowed per client address and per email address (django-ratelimit rates,
    # counted in the RATELIMIT_USE_CACHE cache, "default" unless set): signing in directly,
    # and asking for a password link.
    "SIGN_IN_RATE": "10/m",
    "PASSWORD_RESET_RATE": "5/h",
    # Password rules for bridge accounts when the project sets no AUTH_PASSWORD_VALIDATORS.
    "PASSWORD_VALIDATORS": [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 10},
        },
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
        {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    ],
}


def get(name):
    overrides = getattr(settings, "LTI_BRIDGE", {}) or {}
    if name not in DEFAULTS:
        raise KeyError(f"unknown lti_bridge setting {name!r}")
    return overrides.get(name, DEFAULTS[name])


def base_url():
    url = get("BASE_URL") or getattr(settings, "LMS_ROOT_URL", "") or "http://localhost:8000"
    return url.rstrip("/")


def absolute(view_name):
    return base_url() + reverse(view_name)


def launch_urls():
    """The exact URLs a platform may send a launch to (our redirect URI allowlist)."""
    return [absolute("lti_bridge:launch"), *get("EXTRA_LAUNCH_URLS")]
