"""Stage the bridge-alone run (``tox -e bridge-alone``) in a directory of its own:

* ``DEST/src``: the bridge's distribution sources only (setup.py, README.md, MANIFEST.in and
  ``lti_bridge/``), so the wheel built from it cannot hold anything else of the repository,
  whatever a ``build/`` directory left by an earlier build contains;
* ``DEST/run``: the tests the bridge runs with (``tests/bridge``, every helper module of
  ``tests/``, the bridge-alone settings) and pytest.ini, and no ``codio_xblock`` or
  ``demo`` beside them, so the bridge under test is the installed one.

Usage: python tests/bridge_alone/stage.py DEST
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["setup.py", "README.md", "MANIFEST.in", "lti_bridge"]
# Every helper module of tests/ (conftest, support, factories, ...: whatever is not a test
# module), so a helper added later is staged too, and the bridge's tests.
TESTS = [
    "pytest.ini",
    *sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").glob("*.py")
        if not path.name.startswith("test_")
    ),
    "tests/bridge",
    "tests/bridge_alone",
]
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc")


def copy(names, dest):
    for name in names:
        source, target = ROOT / name, dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=SKIP)
        else:
            shutil.copy2(source, target)


def main(dest):
    dest = Path(dest).resolve()
    shutil.rmtree(dest, ignore_errors=True)
    copy(SOURCES, dest / "src")
    copy(TESTS, dest / "run")
    print(f"staged the bridge's sources in {dest / 'src'} and its tests in {dest / 'run'}")


if __name__ == "__main__":
    main(sys.argv[1])
