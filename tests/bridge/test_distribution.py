"""The bridge's distribution, as tox -e bridge-alone built and installed it from the staged
sources (tests/bridge_alone/stage.py), holds every file of the bridge: templates, static
files, catalogs and migrations too, byte for byte. A file left out of MANIFEST.in or the
package data would otherwise show only as a broken page in a bridge installed alone."""

import os
from pathlib import Path

import pytest

# <stage>/run/tests/bridge/this file -> <stage>/src/lti_bridge
STAGED = Path(__file__).resolve().parents[3] / "src" / "lti_bridge"

pytestmark = [
    pytest.mark.bridge_alone,
    pytest.mark.skipif(
        os.environ.get("CODIO_BRIDGE_INSTALLED") != "1",
        reason="checks the installed distribution: runs in tox -e bridge-alone",
    ),
]


def sources():
    return sorted(
        path.relative_to(STAGED)
        for path in STAGED.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def test_every_file_of_the_bridge_is_installed():
    import lti_bridge

    installed = Path(lti_bridge.__file__).resolve().parent
    assert installed != STAGED.resolve()
    files = sources()
    assert any(name.suffix == ".mo" for name in files) and any(
        name.suffix == ".html" for name in files
    ), f"nothing staged in {STAGED}"
    missing = [str(name) for name in files if not (installed / name).is_file()]
    assert not missing, f"not in the distribution: {missing}"
    changed = [
        str(name)
        for name in files
        if (installed / name).read_bytes() != (STAGED / name).read_bytes()
    ]
    assert not changed, f"installed differently: {changed}"
