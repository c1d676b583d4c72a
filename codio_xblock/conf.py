"""Settings of the codio_xblock platform, with documented defaults.

Operators override any key in one dict: ``CODIO_XBLOCK = {"PLATFORM_NAME": "My edX"}``.
Read values through :func:`get`, never from ``django.conf.settings`` directly.
"""

from django.conf import settings

from .lti1p3.roles import DEFAULT_ROLE_MAP, default_role_map

DEFAULTS = {
    # The LMS adapter (codio_xblock/adapter.py): "" picks Open edX when edx-platform is
    # importable, else "standalone" (workbench); or "openedx", "standalone", a dotted path.
    "ADAPTER": "",
    # The platform's issuer (iss). Default: Open edX's LMS_ROOT_URL, else this.
    "PLATFORM_ISSUER": "",
    # tool_platform.name and tool_platform.guid sent in every launch.
    "PLATFORM_NAME": "Open edX",
    "PLATFORM_GUID": "",
    # The slug of the tool registration a new block launches (the built-in bridge).
    "DEFAULT_TOOL": "lti_bridge",
    # Lifetime of the id_token, seconds (minutes, not hours).
    "ID_TOKEN_LIFETIME": 300,
    # How long a started launch (its hints) stays valid, seconds.
    "LAUNCH_HINT_MAX_AGE": 300,
    # Days an old platform key stays published in the JWKS after rotation.
    "KEY_ROTATION_OVERLAP_DAYS": 7,
    # RSA key size for new platform keys.
    "KEY_BITS": 2048,
    # Origins (besides the LMS's own and Open edX's LEARNING_MICROFRONTEND_URL) whose pages
    # frame the course's units: the platform's pages that load inside the unit's frame (its
    # OIDC auth step) name them in their CSP frame-ancestors, and the built-in bridge's
    # registration gets them too (codio_register_builtin_bridge). E.g. another MFE's origin.
    "FRAME_ANCESTORS": [],
    # The Django cache holding started launches; must be shared by all processes.
    "CACHE": "default",
    # Open edX course role -> LTI roles (see README, "Roles"). Overridable per key.
    "ROLE_MAP": DEFAULT_ROLE_MAP,
    # Forum helpers (Community TA, Group Moderator) have no course-staff rights in Open edX
    # and launch as Learner. True sends them as Learner + the Instructor#TeachingAssistant
    # sub-role (as xblock-lti-consumer does), which makes them teachers in a tool that
    # follows Codio's role table (the built-in bridge does): they could then see and grade
    # every learner's work. ROLE_MAP entries for them still win.
    "FORUM_HELPERS_AS_TEACHING_ASSISTANTS": False,
    # Line items a tool may create in one course through the line item service (tools
    # granted the AGS ``lineitem`` scope; ADR 0012). They never reach the gradebook.
    "MAX_TOOL_LINE_ITEMS_PER_COURSE": 1000,
    # Outside Open edX (workbench, tests): the course a block belongs to, and each
    # username's course roles. Ignored inside Open edX.
    "STANDALONE_COURSE": {
        "id": "course-v1:Demo+CS101+2026",
        "label": "CS101",
        "title": "Demo course: Introduction to Programming",
        "url": "/",  # the course page, relative to the platform issuer
    },
    "STANDALONE_COURSE_ROLES": {},
    "STANDALONE_GLOBAL_STAFF": [],
    # Outside Open edX: each username's time zone (Open edX's time_zone preference there),
    # sent as $Person.address.timezone.
    "STANDALONE_TIME_ZONES": {},
}


def get(name):
    overrides = getattr(settings, "CODIO_XBLOCK", {}) or {}
    if name not in DEFAULTS:
        raise KeyError(f"unknown codio_xblock setting {name!r}")
    if name == "ROLE_MAP":
        defaults = default_role_map(
            forum_helpers_as_teaching_assistants=bool(get("FORUM_HELPERS_AS_TEACHING_ASSISTANTS"))
        )
        return {**defaults, **overrides.get("ROLE_MAP", {})}
    return overrides.get(name, DEFAULTS[name])


def platform_issuer():
    issuer = get("PLATFORM_ISSUER") or getattr(settings, "LMS_ROOT_URL", "")
    return (issuer or "http://localhost:8000").rstrip("/")


def studio_origin(request=None):
    """Studio's origin, where the editor that asked for a deep linking choice waits for it:
    Open edX's CMS_ROOT_URL (set in both the LMS's and Studio's settings), else the origin
    of the Studio request (``request``: the handler's webob request)."""
    from lti_bridge.protocol.origins import url_origin

    found = url_origin(getattr(settings, "CMS_ROOT_URL", "") or "")
    if not found and request is not None:
        found = url_origin(getattr(request, "host_url", "") or "")
    return found


def frame_origins():
    """The origins, besides the LMS's own, whose pages frame the course's units: the Learning
    MFE (Open edX's LEARNING_MICROFRONTEND_URL: the unit is its ``render_xblock`` iframe)
    and FRAME_ANCESTORS. Sorted, without duplicates."""
    from lti_bridge.protocol.origins import origin_of, url_origin

    found = {url_origin(getattr(settings, "LEARNING_MICROFRONTEND_URL", "") or "")}
    found |= {origin_of(value) for value in get("FRAME_ANCESTORS")}
    return sorted(origin for origin in found if origin)


def frame_ancestors():
    """The CSP ``frame-ancestors`` of a platform page that loads inside the unit's frame:
    the LMS itself and :func:`frame_origins`, nobody else."""
    return " ".join(["'self'", *frame_origins()])
