"""The Tutor plugin through Tutor itself: its CLI enables the plugin from the package's
``tutor.plugin.v1`` entry point and renders the environment (image, settings, compose and
Kubernetes files), and ``tutor local do init`` is run with a stand-in ``docker`` that records
what Tutor would run, so no Docker is needed.

Runs in tox's ``tutor-verawood`` / ``tutor-ulmo`` / ``tutor-teak`` environments (Tutor 22 /
21 / 20 and this package installed without its dependencies, as Tutor's own environment has
them): Tutor pins click and python-dateutil versions that Celery refuses, so it cannot share
the suite's venv. The Django suite skips this file.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("tutor", reason="Tutor runs in its own tox environment (tox -e tutor-verawood)")
yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
TUTOR = [sys.executable, "-c", "from tutor.commands.cli import main; main()"]

FAKE_DOCKER = """#!{python}
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_DOCKER_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
if "ls" in args and "--format" in args:  # `docker compose ls`: no project is running
    print("[]")
"""

FAKE_MANAGE = """#!{python}
import json, os, sys
with open(os.environ["FAKE_MANAGE_LOG"], "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
"""


@pytest.fixture
def tutor(tmp_path):
    """Runs Tutor's CLI on a fresh project root; returns (run, root)."""
    root = tmp_path / "tutor-root"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(FAKE_DOCKER.format(python=sys.executable))
    (bin_dir / "docker").chmod(0o755)
    env = {
        **os.environ,
        "TUTOR_ROOT": str(root),
        "TUTOR_PLUGINS_ROOT": str(tmp_path / "plugins"),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_DOCKER_LOG": str(tmp_path / "docker.log"),
    }
    env.pop("TUTOR_IGNORE_ENTRYPOINT_PLUGINS", None)

    def run(*args):
        done = subprocess.run([*TUTOR, *args], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run.docker_calls = lambda: [
        json.loads(line) for line in (tmp_path / "docker.log").read_text().splitlines()
    ]
    return run, root


def enabled(run, *settings):
    run("plugins", "enable", "codio")
    sets = [arg for value in settings for arg in ("--set", value)]
    run("config", "save", *sets)


def run_settings(code, namespace):
    """Runs rendered settings code as the LMS's settings module would."""
    exec(code, namespace)  # noqa: S102 - the code is the file Tutor rendered for the LMS
    return namespace


def section(text, start):
    """The Python statement of a settings file that begins with the comment `start`."""
    begin = text.index(start)
    return text[begin : text.index("\n}\n", begin) + 3]


def test_the_entry_point_makes_codio_an_installed_plugin(tutor):
    run, _root = tutor
    listing = run("plugins", "list")
    assert re.search(r"^codio\s+installed\s+0\.1\.0", listing, re.M), listing
    run("plugins", "enable", "codio")
    assert re.search(r"^codio\s+\S*\s*enabled", run("plugins", "list"), re.M)
    assert run("config", "printvalue", "CODIO_PIP_REQUIREMENT").strip() == "codio-xblock==0.1.0"


def test_the_openedx_image_installs_the_package(tutor):
    run, root = tutor
    enabled(run, "CODIO_PIP_REQUIREMENT=git+https://git.example.edu/codio-xblock@v0.1.0")
    dockerfile = (root / "env/build/openedx/Dockerfile").read_text()
    line = next(line for line in dockerfile.splitlines() if "codio-xblock@" in line)
    assert line.strip() == "pip install git+https://git.example.edu/codio-xblock@v0.1.0"
    # one image serves the LMS and the CMS, after edx-platform's own requirements
    assert dockerfile.index("codio-xblock@") > dockerfile.index("openedx-scorm-xblock")


def test_settings_come_from_tutor_config(tutor):
    run, root = tutor
    enabled(
        run,
        """CODIO_PLATFORM_NAME=O'Brien "Learn" \\ Co""",
        "CODIO_ROSTER_MAX_AGE=3600",
        'CODIO_XBLOCK_SETTINGS={"ID_TOKEN_LIFETIME": 120}',
        'CODIO_BRIDGE_SETTINGS={"PAGE_SIZE": 50, "SIGN_IN_RATE": "5/m"}',
        "ENABLE_HTTPS=true",
    )
    for variant in ("lms", "cms"):
        for mode in ("production", "development"):
            path = root / f"env/apps/openedx/settings/{variant}/{mode}.py"
            compile(path.read_text(), str(path), "exec")  # the whole file stays valid Python

    lms = (root / "env/apps/openedx/settings/lms/production.py").read_text()
    namespace = {"CODIO_XBLOCK": {"CACHE": "default"}, "LTI_BRIDGE": {"CACHE": "lms"}}
    run_settings(section(lms, "# codio-xblock: CODIO_XBLOCK"), namespace)
    run_settings(section(lms, "# codio-xblock: LTI_BRIDGE"), namespace)
    assert namespace["CODIO_XBLOCK"] == {
        "CACHE": "default",  # what the plugin's own plugin_settings set stays
        "PLATFORM_NAME": """O'Brien "Learn" \\ Co""",
        "ID_TOKEN_LIFETIME": 120,
    }
    assert namespace["LTI_BRIDGE"] == {
        "CACHE": "lms",
        "ROSTER_MAX_AGE": 3600,
        "ALLOW_INSECURE_URLS": False,  # the LMS runs on HTTPS
        "PAGE_SIZE": 50,
        "SIGN_IN_RATE": "5/m",
    }
    cms = (root / "env/apps/openedx/settings/cms/production.py").read_text()
    assert "# codio-xblock: CODIO_XBLOCK" in cms
    assert "LTI_BRIDGE" not in cms  # the bridge runs in the LMS only

    dev = (root / "env/apps/openedx/settings/lms/development.py").read_text()
    namespace = {"LTI_BRIDGE": {}}
    run_settings(section(dev, "# codio-xblock: LTI_BRIDGE"), namespace)
    run_settings(dev[dev.index("# codio-xblock: `tutor dev`") :].split("\n\n")[0], namespace)
    assert namespace["LTI_BRIDGE"]["ALLOW_INSECURE_URLS"] is True  # tutor dev is http


def test_http_platform_urls_are_allowed_only_without_https(tutor):
    run, root = tutor
    enabled(run, "ENABLE_HTTPS=false")
    lms = (root / "env/apps/openedx/settings/lms/production.py").read_text()
    namespace = {}
    run_settings(section(lms, "# codio-xblock: LTI_BRIDGE"), namespace)
    assert namespace["LTI_BRIDGE"]["ALLOW_INSECURE_URLS"] is True


def test_do_init_migrates_and_registers_the_built_in_bridge(tutor, tmp_path):
    run, _root = tutor
    enabled(
        run,
        "CODIO_ORGANIZATION=example-u",
        """CODIO_ORGANIZATION_NAME=O'Brien "U"; rm -rf /""",
        "CODIO_LTI_ID_FIELD=student_id",
    )
    run("local", "do", "init", "--limit=codio")
    (call,) = [args for args in run.docker_calls() if "run" in args]
    assert call[call.index("run") :][:4] == ["run", "--rm", "-T", "lms-job"]
    assert call[-3:-1] == ["sh", "-e"] or call[-4:-1] == ["sh", "-e", "-c"]
    script = call[-1]

    # Run the script Tutor would run in the LMS container, with a stand-in manage.py: the
    # shell quoting must hand each value over as one argument, unchanged.
    workdir = tmp_path / "lms"
    workdir.mkdir()
    (workdir / "manage.py").write_text(FAKE_MANAGE.format(python=sys.executable))
    (workdir / "manage.py").chmod(0o755)
    log = tmp_path / "manage.log"
    subprocess.run(
        ["sh", "-e", "-c", script],
        cwd=workdir,
        env={**os.environ, "FAKE_MANAGE_LOG": str(log)},
        check=True,
        timeout=60,
    )
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert calls == [
        ["lms", "migrate", "codio_xblock"],
        ["lms", "migrate", "lti_bridge"],
        [
            "lms",
            "codio_register_builtin_bridge",
            "--organization",
            "example-u",
            "--organization-name",
            """O'Brien "U"; rm -rf /""",
            "--lti-id-field",
            "student_id",
        ],
    ]


def test_full_init_runs_the_lms_own_init_first(tutor):
    run, _root = tutor
    enabled(run)
    run("local", "do", "init")
    scripts = [args[-1] for args in run.docker_calls() if "run" in args]
    ours = next(i for i, s in enumerate(scripts) if "codio_register_builtin_bridge" in s)
    lms_own = next(i for i, s in enumerate(scripts) if "./manage.py lms migrate\n" in s)
    assert lms_own < ours


def compose_services(root):
    with open(root / "env/local/docker-compose.prod.yml") as handle:
        return yaml.safe_load(handle)["services"]


def test_a_beat_sends_the_periodic_tasks_since_tutor_runs_none(tutor):
    run, root = tutor
    enabled(run)
    services = compose_services(root)
    beat = services["codio-beat"]
    worker = services["lms-worker"]
    assert beat["image"] == worker["image"]
    assert beat["environment"] == worker["environment"]  # the LMS's settings and queues
    assert beat["command"][:3] == ["celery", "--app=lms.celery", "beat"]
    assert "--schedule=/openedx/data/codio-celerybeat-schedule" in beat["command"]
    # the worker's settings, config and data mounts, with the same options (the schedule
    # file lives in /openedx/data, so it outlives the container)
    shared = [v for v in worker["volumes"] if re.match(r"\.\./(apps/openedx|\.\./data/lms)", v)]
    assert len(shared) == 4 and set(shared) <= set(beat["volumes"])

    with open(root / "env/k8s/deployments.yml") as handle:
        deployments = {d["metadata"]["name"]: d for d in yaml.safe_load_all(handle) if d}
    k8s_beat = deployments["codio-beat"]
    assert k8s_beat["spec"]["replicas"] == 1
    assert k8s_beat["spec"]["strategy"]["type"] == "Recreate"  # never two beats
    (container,) = k8s_beat["spec"]["template"]["spec"]["containers"]
    assert container["args"][:3] == ["celery", "--app=lms.celery", "beat"]

    run("config", "save", "--set", "CODIO_RUN_BEAT=false")
    assert "codio-beat" not in compose_services(root)
    assert "codio-beat" not in (root / "env/k8s/deployments.yml").read_text()


def test_disabling_the_plugin_removes_everything_it_rendered(tutor):
    run, root = tutor
    enabled(run)
    run("plugins", "disable", "codio")
    rendered = "".join(
        path.read_text(errors="replace") for path in (root / "env").rglob("*") if path.is_file()
    )
    assert "codio" not in rendered.lower()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_wheel_ships_the_plugin_and_its_patches(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("codio_xblock-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "codio = codio_xblock.tutor_plugin.plugin" in archive.read(entry_points).decode()
    patches = {p.name for p in (ROOT / "codio_xblock/tutor_plugin/patches").iterdir()}
    assert {f"codio_xblock/tutor_plugin/patches/{name}" for name in patches} <= names
    assert "codio_xblock/tutor_plugin/plugin.py" in names
    assert "lti_bridge/static/lti_bridge/bridge.css" in names  # every bridge page links it
