"""The package registers itself the way Open edX plugins do."""

import importlib
from importlib.metadata import entry_points

import pytest


def names(group):
    return {ep.name: ep.value for ep in entry_points(group=group)}


def test_xblock_entry_point():
    assert names("xblock.v1")["codio_unit"] == "codio_xblock.block:CodioUnitBlock"


def test_django_app_entry_points():
    assert names("lms.djangoapp")["codio_xblock"] == "codio_xblock.apps:CodioXBlockConfig"
    assert names("lms.djangoapp")["lti_bridge"] == "lti_bridge.apps:LtiBridgeConfig"
    assert names("cms.djangoapp")["codio_xblock"] == "codio_xblock.apps:CodioXBlockConfig"


@pytest.mark.parametrize("app", ["codio_xblock", "lti_bridge"])
def test_plugin_app_config_points_at_real_modules(app, settings):
    path = names("lms.djangoapp")[app]
    module_name, class_name = path.split(":")
    plugin = getattr(importlib.import_module(module_name), class_name).plugin_app
    url = plugin["url_config"]["lms.djangoapp"]
    urls = importlib.import_module(f"{app}.{url['relative_path']}")
    assert urls.app_name == url["namespace"]
    for project, by_kind in plugin["settings_config"].items():
        module = importlib.import_module(f"{app}.{by_kind['common']['relative_path']}")

        class FakeSettings:
            pass

        fake = FakeSettings()
        module.plugin_settings(fake)
        assert isinstance(getattr(fake, app.upper()), dict), project


def test_no_edx_platform_import_outside_the_adapter():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    forbidden = (
        "from common.djangoapps",
        "from openedx.",
        "from lms.",
        "from cms.",
        "import common.djangoapps",
        "from xmodule",
    )
    offenders = [
        str(path.relative_to(root))
        for package in ("codio_xblock", "lti_bridge")
        for path in (root / package).rglob("*.py")
        if path.name != "openedx.py" and any(f in path.read_text() for f in forbidden)
    ]
    assert offenders == []
