"""pytest plugin of the bridge-alone run (``-p tests.bridge_alone.plugin``): the XBlock's
packages cannot be imported, even from the source tree beside the tests, so a bridge test
that leaned on them fails instead of passing by accident."""

import os
import sys
from importlib.abc import MetaPathFinder
from importlib.metadata import distributions
from pathlib import Path

ABSENT = ("codio_xblock", "xblock", "workbench", "demo", "xblock_sdk")


class _Absent(MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in ABSENT:
            raise ModuleNotFoundError(
                f"No module named {fullname!r} (bridge-alone run)", name=fullname
            )
        return None


def pytest_configure(config):
    loaded = [m for m in sys.modules if m.split(".")[0] in ABSENT]
    assert not loaded, f"loaded before the bridge-alone run began: {loaded}"
    sys.meta_path.insert(0, _Absent())
    if os.environ.get("CODIO_BRIDGE_INSTALLED") == "1":  # tox -e bridge-alone
        import lti_bridge

        where = Path(lti_bridge.__file__).resolve()
        assert "site-packages" in where.parts, f"lti_bridge is not the installed one: {where}"
        installed = {d.metadata["Name"].lower() for d in distributions()}
        assert "codio-lti-bridge" in installed, installed
        assert not installed & {"xblock", "codio-xblock", "xblock-sdk"}, installed
