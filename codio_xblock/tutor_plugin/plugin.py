"""Tutor plugin ``codio`` (entry point ``tutor.plugin.v1``).

``tutor plugins enable codio`` then ``tutor local launch`` (or ``tutor images build openedx``
and ``tutor local do init``):

- the openedx image (LMS and CMS) installs ``CODIO_PIP_REQUIREMENT``; a checkout mounted with
  ``tutor mounts add ./codio-xblock`` is installed from the checkout instead (Tutor mounts
  every ``*xblock*`` directory);
- the LMS and CMS settings take ``CODIO_XBLOCK`` and ``LTI_BRIDGE`` values from Tutor's config
  (``tutor config save --set CODIO_...``; the keys are in ``CONFIG_DEFAULTS`` below);
- ``do init`` migrates both apps and registers the built-in bridge on both sides for this
  LMS's URL (``codio_register_builtin_bridge``; safe to run again);
- a ``codio-beat`` service (local) or Deployment (Kubernetes) runs the Celery beat Tutor does
  not run, so the grade delivery sweep and the roster sync happen.
"""

from __future__ import annotations

import shlex
from importlib import resources

from tutor import hooks

from codio_xblock import __version__

# Tutor config keys (each prefixed with CODIO_), with their defaults.
CONFIG_DEFAULTS = {
    "VERSION": __version__,
    # What the image's pip installs: a release, or e.g. "git+https://.../codio-xblock@main".
    "PIP_REQUIREMENT": "codio-xblock=={{ CODIO_VERSION }}",
    # tool_platform.name in launches and the name of this LMS in the bridge.
    "PLATFORM_NAME": "{{ PLATFORM_NAME }}",
    # The bridge's organization for this LMS (its accounts, classes and settings).
    "ORGANIZATION": "openedx",
    "ORGANIZATION_NAME": "{{ PLATFORM_NAME }}",
    # Custom parameter carrying the institution's learner id (Codio's rule 1); empty: leave
    # the organization's setting as it is.
    "LTI_ID_FIELD": "",
    # Seconds before a class's roster is read from the LMS again (LTI_BRIDGE ROSTER_MAX_AGE).
    "ROSTER_MAX_AGE": 6 * 60 * 60,
    # Run the Celery beat that sends the grade delivery sweep and the roster sync. Turn off
    # where the LMS already runs a beat, or run the sweep from cron instead:
    # `./manage.py lms lti_bridge_deliver_due_grades`, `./manage.py lms lti_bridge_sync_rosters`.
    "RUN_BEAT": True,
    # Any other settings, merged last into CODIO_XBLOCK (LMS and CMS) and LTI_BRIDGE (LMS).
    "XBLOCK_SETTINGS": {},
    "BRIDGE_SETTINGS": {},
}

PATCHES = (
    "openedx-dockerfile-post-python-requirements",
    "openedx-common-settings",
    "openedx-lms-common-settings",
    "openedx-lms-development-settings",
    "local-docker-compose-prod-services",
    "k8s-deployments",
)

# Runs in the LMS container after the LMS's own init (its `migrate`): the two apps' own
# migrations again, so a `do init --limit=codio` alone is complete, then the registrations.
INIT_LMS = """\
./manage.py lms migrate codio_xblock
./manage.py lms migrate lti_bridge
./manage.py lms codio_register_builtin_bridge \\
  --organization {{ CODIO_ORGANIZATION|codio_sh }} \\
  --organization-name {{ CODIO_ORGANIZATION_NAME|codio_sh }}\
{% if CODIO_LTI_ID_FIELD %} \\
  --lti-id-field {{ CODIO_LTI_ID_FIELD|codio_sh }}{% endif %}
"""


def python_literal(value):
    """A config value as Python source for the settings files: repr() of YAML's values
    (str, int, float, bool, None, lists and dicts of them) is a Python literal, and a
    string with quotes or newlines stays one string."""
    return repr(value)


def shell_word(value):
    """A config value as one shell word for the init script and Dockerfile."""
    return shlex.quote(str(value))


def _patch(name):
    return resources.files(__package__).joinpath("patches", name).read_text(encoding="utf-8")


hooks.Filters.CONFIG_DEFAULTS.add_items(
    [(f"CODIO_{key}", value) for key, value in CONFIG_DEFAULTS.items()]
)
hooks.Filters.ENV_TEMPLATE_FILTERS.add_items(
    [("codio_py", python_literal), ("codio_sh", shell_word)]
)
hooks.Filters.ENV_PATCHES.add_items([(name, _patch(name)) for name in PATCHES])
hooks.Filters.CLI_DO_INIT_TASKS.add_item(("lms", INIT_LMS), priority=hooks.priorities.LOW)
