"""codio-xblock: embed Codio units in Open edX over LTI 1.3.

Two distributions come from this one tree (ADR 0010):

* ``codio-xblock`` (the default): the XBlock platform and the built-in bridge, for Open edX;
* ``codio-lti-bridge``, built with ``CODIO_DISTRIBUTION=lti-bridge``: the bridge alone, an
  LTI 1.3 tool for any LMS, with no XBlock. ``tox -e bridge-alone`` builds it from a copy of
  the bridge's sources only and runs the bridge's tests against it.
"""

import os

from setuptools import find_namespace_packages, setup

# What the bridge needs to run, wherever it runs.
BRIDGE_REQUIRES = [
    "Django>=4.2,<6.0",
    # The distribution edx-platform pins (PyLTI1p3==2.0.0) and imports at start-up. Never
    # a second distribution shipping the same "pylti1p3" package (a fork): installing
    # one overwrites the other's files, uninstalling it breaks the LMS.
    "PyLTI1p3>=2.0,<3",
    "PyJWT[crypto]>=2.8",
    "cryptography",
    "requests",
    "Markdown>=3.5",
    "nh3>=0.2",
    "celery>=5.3",
    "redis>=5",
    "django-ratelimit>=4.1",
]
BRIDGE_TEST_REQUIRES = [
    # pytest 9.2 changed node ids so that pytest-xdist's --dist loadgroup silently stops
    # grouping (pytest-xdist issue 1386): the live, browser and worker tests would run
    # beside each other. tests/conftest.py refuses to run ungrouped.
    "pytest>=8.4,<9.2",
    "pytest-django>=4.8",
    "pytest-xdist>=3.6",
    "pytest-randomly>=3.15",
    "responses",
]
CLASSIFIERS = [
    "Framework :: Django",
    "Framework :: Django :: 4.2",
    "Framework :: Django :: 5.2",
    "Programming Language :: Python :: 3.11",
    "Programming Language :: Python :: 3.12",
]

# What both distributions declare alike.
COMMON = {
    "version": "0.1.0",
    "long_description": open("README.md", encoding="utf-8").read(),
    "long_description_content_type": "text/markdown",
    "license": "AGPL-3.0",
    "python_requires": ">=3.11",
    "include_package_data": True,
    "zip_safe": False,
    "classifiers": CLASSIFIERS,
}

if os.environ.get("CODIO_DISTRIBUTION") == "lti-bridge":
    setup(
        **COMMON,
        name="codio-lti-bridge",
        description="An LTI 1.3 tool applying Codio's account, role and grading rules.",
        packages=find_namespace_packages(include=["lti_bridge", "lti_bridge.*"]),
        install_requires=BRIDGE_REQUIRES,
        extras_require={"mysql": ["mysqlclient>=2.2"], "test": BRIDGE_TEST_REQUIRES},
        entry_points={"lms.djangoapp": ["lti_bridge = lti_bridge.apps:LtiBridgeConfig"]},
    )
else:
    setup(
        **COMMON,
        name="codio-xblock",
        description="Open edX plugin: Codio units over LTI 1.3, with an LTI 1.3 tool bridge.",
        # Namespace discovery: the data folders (templates, static, locale, translations,
        # conf/locale) are part of the packages, and their files ship through MANIFEST.in.
        packages=find_namespace_packages(
            include=["codio_xblock", "codio_xblock.*", "lti_bridge", "lti_bridge.*"]
        ),
        install_requires=[
            *BRIDGE_REQUIRES,
            # XBlock brings web_fragments itself (XBlock >= 6.2 ships it; older ones depend on the
            # web-fragments distribution): naming it here would fight the LMS over those files.
            "XBlock>=5.3",
        ],
        extras_require={
            "mysql": ["mysqlclient>=2.2"],
            "demo": ["XBlock[django]", "xblock-sdk>=0.12"],
            # Open edX's authorization library (course-team roles from Verawood on) and the
            # organizations app it needs, from PyPI, for the tests under Verawood's pins; the
            # plugin itself runs with or without them (Ulmo, Teak)
            "authz": ["openedx-authz>=1.2", "edx-organizations"],
            "test": [
                "XBlock[django]",
                "xblock-sdk>=0.12",
                # used by edx-platform and by the stand-ins that mirror it (tests/edx_platform/);
                # Open edX's own completion and dates apps, tested as they are, not copied
                "edx-opaque-keys",
                "django-crum",
                "edx-completion",
                "edx-when",
                *BRIDGE_TEST_REQUIRES,
                "playwright",
                "ruff>=0.17,<0.18",
                "mypy>=1.15",
                "types-requests",
                "pytest-cov>=5",
                # the live benchmarks (benchmarks/live.py) serve the demo as production does
                "gunicorn>=22",
            ],
        },
        entry_points={
            "xblock.v1": ["codio_unit = codio_xblock.block:CodioUnitBlock"],
            "lms.djangoapp": [
                "codio_xblock = codio_xblock.apps:CodioXBlockConfig",
                "lti_bridge = lti_bridge.apps:LtiBridgeConfig",
            ],
            "cms.djangoapp": ["codio_xblock = codio_xblock.apps:CodioXBlockConfig"],
            # `tutor plugins enable codio`; the module imports Tutor and the standard library only
            "tutor.plugin.v1": ["codio = codio_xblock.tutor_plugin.plugin"],
        },
    )
