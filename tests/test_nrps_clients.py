"""Other projects' NRPS clients read the roster from the platform: pylti1p3's
NamesRolesProvisioningService (the library Open edX pins) through Django's test client, and
ltijs's NamesAndRoles.getMembers (Node) over HTTP against a live server."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from django.contrib.auth import get_user_model
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector

from codio_xblock import nrps
from codio_xblock.adapter import CourseInfo
from lti_bridge.protocol import keys
from tests.support import DjangoClientAdapter
from tests.test_platform_ags import TOKEN_URL, ScriptedTool

NODE_PROJECT = Path(__file__).resolve().parent / "node"
COURSE = CourseInfo(id="course-v1:Demo+CS101+2026", label="CS101", title="Programming")
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def seed_course(settings, count=7):
    User = get_user_model()
    User.objects.bulk_create(
        User(username=f"u{i}", email=f"u{i}@example.edu", first_name="U", last_name=str(i))
        for i in range(count)
    )
    settings.CODIO_XBLOCK = {
        **settings.CODIO_XBLOCK,
        "STANDALONE_COURSE_ROLES": {"u0": ["instructor"], "u3": ["staff"]},
    }
    tool = ScriptedTool()
    claim = nrps.service_claim(
        tool.tool, COURSE, usage_id="unit-1", title="Unit", share_name=True, share_email=True
    )
    nrps.service_claim(
        tool.tool, COURSE, usage_id="unit-2", title="Anon", share_name=False, share_email=False
    )
    return tool, claim["context_memberships_url"]


@pytest.mark.django_db
def test_pylti1p3_reads_every_page_of_the_roster(settings):
    tool, url = seed_course(settings)
    registration = (
        Registration()
        .set_issuer("http://codio.test")
        .set_client_id(tool.tool.client_id)
        .set_auth_token_url(TOKEN_URL)
        .set_tool_private_key(tool.pem)
        .set_tool_public_key(keys.public_pem(tool.pem))
    )
    session = requests.Session()
    session.mount("http://codio.test/", DjangoClientAdapter())
    service = NamesRolesProvisioningService(
        ServiceConnector(registration, requests_session=session),
        {"context_memberships_url": url + "?limit=3"},
    )
    members = service.get_members()
    assert len(members) == 7 and len({m["user_id"] for m in members}) == 7
    assert not any("email" in m for m in members)  # one block is anonymous
    assert service.get_context()["id"] == COURSE.id

    with_link = NamesRolesProvisioningService(
        ServiceConnector(registration, requests_session=session),
        {"context_memberships_url": url + "?limit=2"},
    ).get_members(resource_link_id="unit-1")
    assert len(with_link) == 7 and all(m["email"].endswith("@example.edu") for m in with_link)
    assert sum(INSTRUCTOR in m["roles"] for m in with_link) == 2


@pytest.fixture
def ltijs():
    """node and ltijs (tests/node/package-lock.json, installed from the npm registry)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        if os.environ.get("CODIO_REQUIRE_NODE"):
            pytest.fail("node and npm are needed for the ltijs conformance test")
        pytest.skip("node and npm are not installed")
    if not (NODE_PROJECT / "node_modules" / "ltijs").is_dir():
        subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=NODE_PROJECT,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return node


def get_members(node, **config):
    result = subprocess.run(
        [node, str(NODE_PROJECT / "nrps_members.js")],
        input=json.dumps(config),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_ltijs_get_members_reads_the_roster_over_http(ltijs, live_server, settings):
    settings.CODIO_XBLOCK = {**settings.CODIO_XBLOCK, "PLATFORM_ISSUER": live_server.url}
    tool, url = seed_course(settings)
    assert url.startswith(live_server.url)
    config = {
        "issuer": live_server.url,
        "clientId": tool.tool.client_id,
        "tokenUrl": live_server.url + "/codio/lti/v1/token",
        "privateKey": tool.pem,
        "kid": keys.kid_for(tool.pem),
        "url": url,
    }
    everyone = get_members(ltijs, **config, limit=2)  # four pages, followed by ltijs
    assert len(everyone["members"]) == 7
    assert len({m["user_id"] for m in everyone["members"]}) == 7
    assert everyone["context"]["id"] == COURSE.id
    assert not any("email" in m for m in everyone["members"])

    teachers = get_members(ltijs, **config, role="Instructor", limit=1)
    assert len(teachers["members"]) == 2
    assert all(INSTRUCTOR in m["roles"] for m in teachers["members"])

    shared = get_members(ltijs, **config, rlid="unit-1")
    assert all(m["email"].endswith("@example.edu") for m in shared["members"])
