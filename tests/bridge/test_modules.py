"""Every module of the bridge imports, with the settings it runs under: a dependency missing
from the bridge's distribution, or an import of the XBlock's packages (unimportable in the
bridge-alone run), fails here rather than on the first request that reaches it."""

import importlib
import pkgutil

import pytest

import lti_bridge

pytestmark = pytest.mark.bridge_alone

MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(lti_bridge.__path__, prefix="lti_bridge.")
)


def test_the_bridge_has_its_packages():
    assert {"lti_bridge.launch", "lti_bridge.protocol", "lti_bridge.migrations"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_every_module_imports(name):
    importlib.import_module(name)
