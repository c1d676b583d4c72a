"""codio_xblock.lti1p3 promises no framework imports; keep that promise checked."""

import subprocess
import sys


def test_protocol_package_imports_without_django_or_xblock():
    code = (
        "import sys, codio_xblock.lti1p3.keys, codio_xblock.lti1p3.claims, "
        "codio_xblock.lti1p3.oidc, codio_xblock.lti1p3.roles, codio_xblock.lti1p3.custom, "
        "codio_xblock.lti1p3.exceptions, codio_xblock.lti1p3.constants\n"
        "bad = [m for m in ('django', 'xblock', 'lti_bridge') if m in sys.modules]\n"
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
