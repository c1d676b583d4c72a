"""Deep Linking 2.0 end to end (issue 12): an author chooses the block's unit in the tool.
The block's deep_link handler (Studio) sends a signed deep linking request, the bridge's
picker answers with a signed response, the platform's endpoint (the LMS) keeps the choice,
and the Studio editor applies it to the block's draft (apply_choice; issue 33, ADR 0011).
Hostile responses are refused and change nothing."""

import re
import time
import uuid
from html import unescape

import jwt
import pytest
from workbench.runtime import WorkbenchRuntime

from codio_xblock import ags
from lti_bridge import keys as bridge_keys
from lti_bridge.flows import deep_linking as bridge_deep_linking
from lti_bridge.models import Unit
from lti_bridge.protocol.keys import private_key
from tests.support import DjangoClientAdapter, form_fields, path_of

pytestmark = pytest.mark.django_db(transaction=True)

RESPONSE_URL = "/codio/lti/v1/deep-linking/response"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"


@pytest.fixture
def platform_http(course):
    ags.session.mount("http://codio.test/", DjangoClientAdapter())
    yield course
    ags.session.adapters.pop("http://codio.test/", None)


def first_block(client):
    page = client.get("/scenario/codio_unit.0/").content.decode()
    return re.findall(r"/handler/([^/]+)/launch/", page)[0]


def block(usage_id):
    return WorkbenchRuntime().get_block(usage_id)


def open_picker(client, usage_id):
    """Studio's "Choose a unit": handler -> tool login -> platform auth -> tool (picker)."""
    start = client.get(f"/handler/{usage_id}/deep_link/")
    assert start.status_code == 302, start.content[:300]
    login = client.get(path_of(start["Location"]) + "&lti1p3_new_window=1")
    assert login.status_code == 302, login.content[:300]
    auth = client.get(path_of(login["Location"]))
    assert auth.status_code == 200, auth.content[:300]
    action, fields = form_fields(auth.content.decode())
    launched = client.post(path_of(action), fields)
    assert launched.status_code == 302, launched.content.decode()[-500:]
    return launched["Location"]


def apply_choice(client, usage_id, key=""):
    """The Studio editor applies the choice (its JavaScript, on the LMS's message or when
    it opens)."""
    return client.post(
        f"/handler/{usage_id}/apply_choice/", {"key": key}, content_type="application/json"
    )


def picker_token(picker_url):
    return picker_url.rstrip("/").rsplit("/", 1)[1]


def choose(client, picker_url, code):
    unit = Unit.objects.get(code=code)
    answer = client.post(path_of(picker_url), {"unit": unit.pk})
    page = answer.content.decode()
    action = unescape(
        re.search(r'action="([^"]+)"', page.split('id="deep-linking-response"')[1]).group(1)
    )
    token = re.search(r'name="JWT" value="([^"]+)"', page).group(1)
    return action, token


def test_an_author_chooses_the_unit_in_the_tool(as_user, platform_http):
    author = as_user("instructor")
    usage_id = first_block(author)
    assert block(usage_id).unit == "hello-python"
    picker = open_picker(author, usage_id)
    page = author.get(path_of(picker)).content.decode()
    assert "Loops" in page and "Functions" in page
    action, token = choose(author, picker, "loops")
    assert action == "http://codio.test" + RESPONSE_URL
    done = author.post(RESPONSE_URL, {"JWT": token})
    assert done.status_code == 200, done.content.decode()[-400:]
    assert 'data-testid="unit-chosen"' in done.content.decode()
    assert block(usage_id).unit == "hello-python"  # the LMS writes no course content
    applied = apply_choice(author, usage_id)
    assert applied.status_code == 200, applied.content
    assert applied.json()["values"]["unit"] == "loops"
    chosen = block(usage_id)
    assert (chosen.unit, chosen.display_name, chosen.tool) == ("loops", "Loops", "lti_bridge")
    # the line item's maximum is the unit's points in Codio; the course weight is the author's
    assert (chosen.points_in_tool, chosen.weight) == (100.0, 1.0)
    # the same response again is refused: its nonce and its request are spent
    again = author.post(RESPONSE_URL, {"JWT": token})
    assert again.status_code == 403


def test_the_chosen_unit_then_launches_for_learners(as_user, platform_http):
    from tests.support import launch_through_xblock

    author = as_user("instructor")
    usage_id = first_block(author)
    picker = open_picker(author, usage_id)
    _, token = choose(author, picker, "functions")
    assert author.post(RESPONSE_URL, {"JWT": token}).status_code == 200
    assert apply_choice(author, usage_id).status_code == 200
    response, _ = launch_through_xblock(as_user("learner"), scenario="codio_unit.0")
    assert response.status_code == 200
    assert "Functions" in response.content.decode()


def test_learners_cannot_start_a_choice(as_user, platform_http):
    learner = as_user("learner")
    usage_id = first_block(learner)
    assert learner.get(f"/handler/{usage_id}/deep_link/").status_code == 403


def _bridge_signed(claims, pem=None, kid=None):
    key = bridge_keys.signing_key()
    return jwt.encode(
        claims,
        private_key(pem or key.private_pem),
        algorithm="RS256",
        headers={"kid": kid or key.kid},
    )


def _response_claims(tool, data, **overrides):
    now = int(time.time())
    claims = {
        "iss": tool.client_id,
        "aud": "http://codio.test",
        "iat": now,
        "exp": now + 300,
        "nonce": uuid.uuid4().hex,
        LTI + "deployment_id": tool.deployment_id,
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        DL + "data": data,
        DL + "content_items": [
            {"type": "ltiResourceLink", "title": "Loops", "custom": {"codio_unit": "loops"}}
        ],
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.fixture
def pending(as_user, platform_http):
    """An author's open choice: the request's data as the tool holds it, and the tool."""
    from codio_xblock.models import ToolRegistration

    author = as_user("instructor")
    usage_id = first_block(author)
    picker = open_picker(author, usage_id)
    pick, _ = bridge_deep_linking.load(picker_token(picker))
    tool = ToolRegistration.objects.get(slug="lti_bridge")
    return author, usage_id, tool, pick["settings"]["data"]


@pytest.mark.parametrize(
    "case",
    [
        "wrong key",
        "expired",
        "another audience",
        "another deployment",
        "disallowed type",
        "two items",
        "no unit",
        "tampered data",
        "oversized",
    ],
)
def test_hostile_responses_are_refused_and_change_nothing(pending, case):
    from lti_bridge.protocol import keys as platform_keys

    author, usage_id, tool, data = pending
    overrides, pem, kid = {}, None, None
    if case == "wrong key":
        pem = platform_keys.generate_private_pem()
    elif case == "expired":
        overrides = {"iat": int(time.time()) - 4000, "exp": int(time.time()) - 3000}
    elif case == "another audience":
        overrides = {"aud": "https://other-lms.example"}
    elif case == "another deployment":
        overrides = {LTI + "deployment_id": "999"}
    elif case == "disallowed type":
        overrides = {DL + "content_items": [{"type": "html", "html": "<script>x</script>"}]}
    elif case == "two items":
        item = {"type": "ltiResourceLink", "custom": {"codio_unit": "loops"}}
        overrides = {DL + "content_items": [item, item]}
    elif case == "no unit":
        overrides = {DL + "content_items": [{"type": "ltiResourceLink", "custom": {"x": "y"}}]}
    elif case == "tampered data":
        overrides = {DL + "data": data[:-3] + "abc"}
    elif case == "oversized":
        overrides = {DL + "content_items": [{"type": "ltiResourceLink", "title": "x" * 70_000}]}
    token = _bridge_signed(_response_claims(tool, data, **overrides), pem=pem, kid=kid)
    response = author.post(RESPONSE_URL, {"JWT": token})
    assert response.status_code in (400, 403), (case, response.status_code)
    assert block(usage_id).unit == "hello-python"


def test_a_response_for_another_user_is_refused(pending, as_user):
    author, usage_id, tool, data = pending
    token = _bridge_signed(_response_claims(tool, data))
    assert as_user("ta").post(RESPONSE_URL, {"JWT": token}).status_code == 403
    assert block(usage_id).unit == "hello-python"
    assert apply_choice(as_user("staff"), usage_id).status_code == 404  # not theirs
    assert author.post(RESPONSE_URL, {"JWT": token}).status_code == 200  # still the author's
    assert apply_choice(author, usage_id).status_code == 200
    assert block(usage_id).unit == "loops"


def test_the_tools_messages_are_shown(pending):
    author, usage_id, tool, data = pending
    token = _bridge_signed(
        _response_claims(tool, data, **{DL + "content_items": [], DL + "errormsg": "No access <b>"})
    )
    page = author.post(RESPONSE_URL, {"JWT": token}).content.decode()
    assert "nothing-chosen" in page and "No access &lt;b&gt;" in page
    assert block(usage_id).unit == "hello-python"


def test_course_export_and_import_keep_the_choice(as_user, platform_http):
    """OLX: the chosen unit, tool and title are block settings, exported and imported."""
    from lxml import etree

    author = as_user("instructor")
    usage_id = first_block(author)
    _, token = choose(author, open_picker(author, usage_id), "loops")
    assert author.post(RESPONSE_URL, {"JWT": token}).status_code == 200
    assert apply_choice(author, usage_id).status_code == 200
    node = etree.Element("codio_unit")
    block(usage_id).add_xml_to_node(node)
    olx = etree.tostring(node).decode()
    assert 'unit="loops"' in olx and 'tool="lti_bridge"' in olx and 'display_name="Loops"' in olx
    runtime = WorkbenchRuntime()
    reimported = runtime.get_block(runtime.parse_xml_string(olx))
    assert (reimported.unit, reimported.tool, reimported.display_name) == (
        "loops",
        "lti_bridge",
        "Loops",
    )


def test_a_choice_changes_only_the_block_it_was_asked_for(as_user, platform_http):
    author = as_user("instructor")
    usage_a = first_block(author)
    page = author.get("/scenario/codio_unit.1/").content.decode()
    usage_b = re.findall(r"/handler/([^/]+)/launch/", page)[0]
    before_b = block(usage_b).unit
    _, token = choose(author, open_picker(author, usage_a), "loops")
    assert author.post(RESPONSE_URL, {"JWT": token}).status_code == 200
    assert apply_choice(author, usage_b).status_code == 404  # asked for the other block
    assert apply_choice(author, usage_a).status_code == 200
    assert block(usage_a).unit == "loops" and block(usage_b).unit == before_b


def test_studio_builds_the_return_url_without_the_lms_routes(settings):
    from codio_xblock import deep_linking

    settings.ROOT_URLCONF = "workbench.urls"  # no codio_xblock routes, as in Studio
    assert deep_linking.return_url() == "http://codio.test" + deep_linking.LMS_RESPONSE_PATH


def test_the_editor_applies_a_choice_once_and_only_for_the_course_team(as_user, platform_http):
    author = as_user("instructor")
    usage_id = first_block(author)
    assert apply_choice(author, usage_id).status_code == 404  # nothing chosen yet
    _, token = choose(author, open_picker(author, usage_id), "loops")
    assert author.post(RESPONSE_URL, {"JWT": token}).status_code == 200
    # the editor, opened now, applies the waiting choice (its window may have been closed)
    editor = author.get("/scenario/codio_unit.0/studio_view/").content.decode()
    assert 'data-choice-pending="1"' in editor
    assert apply_choice(as_user("learner"), usage_id).status_code == 403
    assert apply_choice(author, usage_id, key="not-the-key").status_code == 404
    assert apply_choice(author, usage_id).status_code == 200
    assert apply_choice(author, usage_id).status_code == 404  # applied: nothing waits
    editor = author.get("/scenario/codio_unit.0/studio_view/").content.decode()
    assert 'data-choice-pending=""' in editor
    assert block(usage_id).unit == "loops"


def test_a_studio_launch_needs_neither_the_lms_cache_nor_its_secret_key(
    as_user, platform_http, settings
):
    """Studio and the LMS are two Django processes: they share the database, not always a
    cache or SECRET_KEY. The deep linking launch started in Studio and its request data
    are database rows named by random keys (ADR 0011)."""
    from django.contrib.auth import get_user_model
    from django.core.cache import caches

    from codio_xblock import conf

    author = as_user("instructor")
    usage_id = first_block(author)
    lms_key = settings.SECRET_KEY
    user = get_user_model().objects.get(username="instructor")
    settings.SECRET_KEY = "studio-key-" + "s" * 40  # Studio signs with a key of its own
    author.force_login(user)  # Studio's session
    start = author.get(f"/handler/{usage_id}/deep_link/")  # Studio
    assert start.status_code == 302
    settings.SECRET_KEY = lms_key
    caches[conf.get("CACHE")].clear()  # the LMS's cache is another one
    author.force_login(user)  # the LMS's session
    login = author.get(path_of(start["Location"]) + "&lti1p3_new_window=1")
    auth = author.get(path_of(login["Location"]))
    assert auth.status_code == 200, auth.content.decode()[-400:]
    action, fields = form_fields(auth.content.decode())
    launched = author.post(path_of(action), fields)
    assert launched.status_code == 302, launched.content.decode()[-400:]
    _, token = choose(author, launched["Location"], "loops")
    assert author.post(RESPONSE_URL, {"JWT": token}).status_code == 200
    assert apply_choice(author, usage_id).status_code == 200
    assert block(usage_id).unit == "loops"
    # the launch was single use
    assert author.get(path_of(login["Location"])).status_code == 403


def test_a_studio_launch_hint_is_refused_when_unknown_mixed_or_expired(as_user, platform_http):
    from datetime import timedelta

    from django.utils import timezone

    from codio_xblock.models import StudioLaunch

    author = as_user("instructor")
    usage_id = first_block(author)
    start = author.get(f"/handler/{usage_id}/deep_link/")
    login = author.get(path_of(start["Location"]) + "&lti1p3_new_window=1")
    auth_url = path_of(login["Location"])
    (row,) = StudioLaunch.objects.all()
    forged = auth_url.replace(row.key, "x" * len(row.key))
    assert author.get(forged).status_code == 403
    assert b"expired or was already used" in author.get(forged).content
    mixed = auth_url.replace("login_hint=studio." + row.key, "login_hint=studio.other", 1)
    assert mixed != auth_url and author.get(mixed).status_code == 403
    # someone else's session cannot use the author's launch
    assert as_user("learner").get(auth_url).status_code == 403
    StudioLaunch.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert author.get(auth_url).status_code == 403
    assert StudioLaunch.objects.count() == 1  # refusals spend nothing


def test_the_choice_keeps_the_authors_custom_parameters(as_user, platform_http):
    from codio_xblock.deep_linking import merge_custom

    assert merge_custom("a=1\n# note\nb=2", [["b", "3"], ["c", "4"]]) == "a=1\n# note\nb=3\nc=4"
    author = as_user("instructor")
    page = author.get("/scenario/codio_unit.1/").content.decode()
    usage_id = re.findall(r"/handler/([^/]+)/launch/", page)[0]  # Hello, Python
    before = block(usage_id).custom_parameters
    assert "student_id=$User.username" in before
    _, token = choose(author, open_picker(author, usage_id), "loops")
    assert author.post(RESPONSE_URL, {"JWT": token}).status_code == 200
    applied = apply_choice(author, usage_id).json()
    assert block(usage_id).custom_parameters == before  # the tool sent none of its own
    assert "custom_parameters" not in applied["values"]


def test_the_editor_warns_when_learners_opened_the_component_already(as_user, platform_http):
    from tests.support import launch_through_xblock

    author = as_user("instructor")
    usage_id = first_block(author)
    response, _ = launch_through_xblock(as_user("learner"), scenario="codio_unit.0")
    assert response.status_code == 200
    _, token = choose(author, open_picker(author, usage_id), "loops")
    assert author.post(RESPONSE_URL, {"JWT": token}).status_code == 200
    applied = apply_choice(author, usage_id).json()
    assert "Codio keeps the unit they first opened here" in applied["warning"]
