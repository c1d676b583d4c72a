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


def _requirement_names():
    import re
    from importlib.metadata import requires

    return {
        re.split(r"[\s<>=!~;\[(]", req, maxsplit=1)[0].lower().replace("_", "-")
        for req in requires("codio-xblock") or ()
        if "extra ==" not in req
    }


def test_depends_on_the_pylti1p3_distribution_open_edx_pins():
    """edx-platform pins PyLTI1p3 and imports pylti1p3 at start-up: a second distribution of
    the same package (pylti1p3next) would overwrite the LMS's copy of its files."""
    from importlib.metadata import packages_distributions

    names = _requirement_names()
    assert "pylti1p3" in names
    assert "pylti1p3next" not in names
    owners = {d.lower() for d in packages_distributions().get("pylti1p3", [])}
    assert owners == {"pylti1p3"}, owners


def test_leaves_web_fragments_to_xblock():
    """XBlock >= 6.2 ships web_fragments/ itself; the separate distribution would then own the
    same files. XBlock (any version) brings what it needs."""
    assert "web-fragments" not in _requirement_names()
