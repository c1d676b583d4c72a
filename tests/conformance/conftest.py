"""The conformance suite's world, organised as 1EdTech's certification test plans are: both
sides of LTI 1.3 (the platform ``codio_xblock`` and the tool ``lti_bridge``) answering real
HTTP through Django's test client and the real URLconf.

Fixtures (built from tests/support.py, tests/factories.py and tests/test_platform_ags.py,
not copies of them):

* platform side: ``tool`` (a tool registered on the platform, holding its private key:
  :class:`tests.test_platform_ags.ScriptedTool`), ``other_tool``, ``line_item`` (a block's
  line item of ``tool``), ``membership`` (a course's membership service for ``tool``),
  ``access_token`` (a token from the real token endpoint for a scope); the demo course
  with a launchable block is the top-level ``course`` fixture (``as_user`` signs in);
* tool side: ``lms`` (a platform registered with the bridge that signs its own id_tokens:
  :class:`tests.support.ScriptedPlatform`);
* helpers: :func:`sign_id_token` and :func:`client_assertion`.
"""

from types import SimpleNamespace

import pytest
from django.test import Client

from tests.support import ScriptedPlatform
from tests.test_platform_ags import TOKEN_URL, ScriptedTool, workbench_blocks

__all__ = ["TOKEN_URL", "client_assertion", "sign_id_token"]

COURSE_ID = "course-v1:Conformance+LTI13+2026"


def sign_id_token(platform: ScriptedPlatform, claims, *, kid=None, pem=None, headers=None):
    """An id_token of ``platform`` (any claims, even malformed ones), RS256 by its key."""
    return platform.sign(claims, kid=kid, pem=pem, headers=headers)


def client_assertion(tool: ScriptedTool, **overrides):
    """A tool's RFC 7523 client assertion for the platform's token endpoint (``None``
    drops a claim)."""
    return tool.assertion(**overrides)


@pytest.fixture
def tool(db):
    return ScriptedTool("conformance-tool")


@pytest.fixture
def other_tool(db):
    return ScriptedTool("other-tool")


@pytest.fixture
def access_token(tool):
    """``access_token(scope)``: a token of ``tool`` from the platform's token endpoint."""
    client = Client()
    return lambda scope, of=tool: of.token(client, scope)


@pytest.fixture
def line_item(tool):
    """A line item of a real block of the workbench course, owned by ``tool``."""
    from codio_xblock.models import LineItem

    return LineItem.objects.create(
        tool=tool.tool,
        usage_id=workbench_blocks()[0],
        course_id=COURSE_ID,
        label="Unit",
        score_maximum=10,
    )


def membership_service(of, *, usage_id="block-1", share_name=True, share_email=True):
    """The course's membership service as a launch of ``of`` (a ScriptedTool) records it."""
    from codio_xblock import nrps
    from codio_xblock.adapter import CourseInfo
    from codio_xblock.models import ToolContext

    course = CourseInfo(id=COURSE_ID, label="LTI13", title="Conformance")
    claim = nrps.service_claim(
        of.tool,
        course,
        usage_id=usage_id,
        title="Unit",
        share_name=share_name,
        share_email=share_email,
    )
    context = ToolContext.objects.get(tool=of.tool, course_id=COURSE_ID)
    return SimpleNamespace(context=context, url=claim["context_memberships_url"], claim=claim)


@pytest.fixture
def membership(tool):
    return membership_service(tool)


@pytest.fixture
def lms(bridge_setup):
    """A platform registered with the bridge (issuer https://lms.example.edu, client-1,
    deployment d1, its public key set), signing its own id_tokens."""
    return bridge_setup


DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
LTI_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def deep_linking_settings(platform, **overrides):
    """A deep_linking_settings claim as a platform sends it (Deep Linking 2.0 §4.4.1)."""
    return {
        "deep_link_return_url": platform.registration.issuer + "/dl/return?course=1",
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": False,
        "data": "platform-opaque-data",
        **overrides,
    }


def deep_linking_request(platform, *, roles=(INSTRUCTOR,), settings=None, **claims):
    """Send an LtiDeepLinkingRequest from ``platform`` to the bridge; the response."""
    return platform.full_launch(
        **{
            LTI_CLAIM + "message_type": "LtiDeepLinkingRequest",
            LTI_CLAIM + "resource_link": None,
            LTI_CLAIM + "roles": list(roles),
            DL_CLAIM: settings or deep_linking_settings(platform),
            **claims,
        }
    )


@pytest.fixture
def picker_url(lms):
    """The bridge's unit picker, opened by a teacher's deep linking request."""
    response = deep_linking_request(lms)
    assert response.status_code == 302, response.content.decode()[-400:]
    return response["Location"]
