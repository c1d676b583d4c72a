"""Deep linking against the edx-platform stand-ins (issue 33, item 2; ADR 0011): the LMS's
modulestore is published-only (a block never published raises ItemNotFoundError there), so
the LMS keeps the author's choice and never writes course content; Studio's editor applies
it to the draft (the LMS refuses that handler: its field data is read-only)."""

import json

import pytest

from codio_xblock import adapter
from tests.test_deep_linking_platform import _response_claims

pytestmark = pytest.mark.django_db

RESPONSE_URL = "/codio/lti/v1/deep-linking/response"


@pytest.fixture
def tool(db):
    from codio_xblock.models import ToolRegistration
    from lti_bridge.protocol import keys

    pem = keys.generate_private_pem()
    registration = ToolRegistration.objects.create(
        slug="lti_bridge",
        name="Bridge",
        oidc_login_url="https://tool.example/lti/login",
        launch_url="https://tool.example/lti/launch",
        redirect_uris="https://tool.example/lti/launch",
        public_key_pem=keys.public_pem(pem),
    )
    registration.private_pem = pem
    return registration


def _response(tool, data):
    from codio_xblock import conf
    from lti_bridge.protocol import keys

    claims = _response_claims(tool, data, aud=conf.platform_issuer())
    return keys.sign(claims, tool.private_pem, keys.kid_for(tool.private_pem))


def _apply(block):
    from webob import Request

    request = Request.blank("/", method="POST", body=json.dumps({"key": ""}).encode())
    request.content_type = "application/json"
    return block.apply_choice(request)


def test_a_never_published_block_gets_its_unit_in_studio_only(openedx, tool, settings, client):
    from crum import impersonate
    from xmodule.modulestore.django import BLOCKS, UPDATES, modulestore
    from xmodule.modulestore.exceptions import ItemNotFoundError

    from codio_xblock import deep_linking

    author = openedx.user("author")
    openedx.grant(author, "instructor")
    block = openedx.block("draft1", user=author, published=False)
    usage_id = str(block.scope_ids.usage_id)
    assert usage_id not in BLOCKS  # never published: the LMS's modulestore has no such block
    with pytest.raises(ItemNotFoundError):
        modulestore().get_item(block.scope_ids.usage_id)

    settings.ROOT_URLCONF = "cms.urls"  # Studio: the editor's "Choose a unit"
    claim = deep_linking.request_settings(
        user_key=str(author.pk),
        usage_id=usage_id,
        tool_slug=tool.slug,
        title="Draft unit",
        studio_origin="https://studio.example.edu",
    )
    settings.ROOT_URLCONF = "lms.urls"  # the tool answers the LMS
    client.force_login(author)
    done = client.post(RESPONSE_URL, {"JWT": _response(tool, claim["data"])})
    assert done.status_code == 200, done.content.decode()[-500:]
    page = done.content.decode()
    assert 'data-testid="unit-chosen"' in page
    assert '"https://studio.example.edu"' in page  # the editor's origin is the target
    assert UPDATES == [] and block.unit == "hello-python"  # the LMS wrote nothing

    with impersonate(author):
        refused = _apply(block)  # in the LMS: no content writes
    assert refused.status_code == 403
    settings.ROOT_URLCONF = "cms.urls"
    with impersonate(author):
        assert adapter.get().writes_content(block)
        applied = _apply(block)
    assert applied.status_code == 200, applied.body
    assert (block.unit, block.display_name, block.tool) == ("loops", "Loops", "lti_bridge")
    assert modulestore().get_item(block.scope_ids.usage_id).unit == "loops"  # Studio's draft
    assert usage_id not in BLOCKS  # learners get it when the author publishes


def test_a_learner_cannot_apply_a_choice_in_studio(openedx, tool, settings):
    from crum import impersonate

    learner = openedx.user("learner")
    block = openedx.block(user=learner)
    settings.ROOT_URLCONF = "cms.urls"
    with impersonate(learner):
        assert _apply(block).status_code == 403
    assert block.unit == "hello-python"
