"""codio_xblock.lti1p3 and lti_bridge.protocol (the vocabulary both sides share) promise
no framework imports; keep that promise checked. The shared package may load
``lti_bridge/__init__.py`` (which imports nothing) but none of the bridge's Django app."""

import subprocess
import sys


def test_protocol_package_imports_without_django_or_xblock():
    code = (
        "import sys, lti_bridge.protocol.keys, lti_bridge.protocol.http, "
        "codio_xblock.lti1p3.claims, "
        "codio_xblock.lti1p3.oidc, codio_xblock.lti1p3.roles, codio_xblock.lti1p3.custom, "
        "codio_xblock.lti1p3.exceptions, lti_bridge.protocol.vocabulary\n"
        "bad = [m for m in ('django', 'xblock', 'pylti1p3', 'celery') if m in sys.modules]\n"
        "bad += [m for m in sys.modules if m.startswith('lti_bridge.')\n"
        "        and not m.startswith('lti_bridge.protocol')]\n"
        "assert not bad, bad\n"
    )
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(__import__("pathlib").Path(__file__).parent.parent),
    )
    assert result.returncode == 0, result.stderr
