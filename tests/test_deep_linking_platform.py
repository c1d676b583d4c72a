"""Deep Linking 2.0 end to end (issue 12): an author chooses the block's unit in the tool.
The block's deep_link handler (Studio) sends a signed deep linking request, the bridge's
picker answers with a signed response, the platform's endpoint (the LMS) keeps the choice,
and the Studio editor applies it to the block's draft (apply_choice; issue 33, ADR 0011).
Hostile responses are refused and change nothing."""

import json
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
        "invalid unit",
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
    elif case == "invalid unit":  # an item without codio_unit is a generic tool's (issue 26)
        item = {"type": "ltiResourceLink", "custom": {"codio_unit": "../etc passwd"}}
        overrides = {DL + "content_items": [item]}
    elif case == "tampered data":
        overrides = {DL + "data": data[:-3] + "abc"}
    elif case == "oversized":
        overrides = {DL + "content_items": [{"type": "ltiResourceLink", "title": "x" * 70_000}]}
    token = _bridge_signed(_response_claims(tool, data, **overrides), pem=pem, kid=kid)
    response = author.post(RESPONSE_URL, {"JWT": token})
    assert response.status_code in (400, 403), (case, response.status_code)
    assert block(usage_id).unit == "hello-python"
    assert apply_choice(author, usage_id).status_code == 404  # nothing was kept


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
    assert "Once you publish, it opens the new choice" in applied["warning"]


# ---- Issue 26: every field of the item checked before it is kept; a generic tool's item
# (no codio_unit) stored and launched: url, custom, title, text, lineItem, presentation ----

AUTH = "/codio/lti/v1/auth"
CUSTOM = LTI + "custom"
BRIDGE_LAUNCH = "http://codio.test/lti-bridge/lti/launch"
# the Hello, Python block of the demo course: shares names, and has the author's own
# custom parameters student_id=$User.username and timezone=$Person.address.timezone
COURSE = "codio_unit.1"
# every field a choice may set: a refused choice leaves each of them as it was
BLOCK_FIELDS = (
    "unit",
    "display_name",
    "tool",
    "launch_url",
    "description",
    "points_in_tool",
    "line_item_label",
    "line_item_resource_id",
    "line_item_tag",
    "launch_mode",
    "iframe_height",
    "custom_parameters",
    "content_chosen",
)


def course_block(client, index=0):
    page = client.get(f"/scenario/{COURSE}/").content.decode()
    return list(dict.fromkeys(re.findall(r"/handler/([^/]+)/launch/", page)))[index]


def fields_of(usage_id):
    chosen = block(usage_id)
    return {name: getattr(chosen, name) for name in BLOCK_FIELDS}


def open_choice(author, usage_id):
    """The author's "Choose a unit" up to the tool's picker: the request's data."""
    pick, _ = bridge_deep_linking.load(picker_token(open_picker(author, usage_id)))
    return pick["settings"]["data"]


def respond(author, tool, data, *items, **claims):
    """The tool's signed LtiDeepLinkingResponse with ``items``, posted to the platform."""
    token = _bridge_signed(
        _response_claims(tool, data, **{DL + "content_items": list(items)}, **claims)
    )
    return author.post(RESPONSE_URL, {"JWT": token})


def learner_launch(client, index=0):
    """A learner opens the block: the handler's redirect to the tool's login, then the
    platform's auth endpoint asked as the tool asks it. Returns (the login URL's
    parameters, the id_token's claims), or (the handler's response, None) if refused."""
    from tests.support import query
    from tests.test_platform_oidc_auth import decode

    page = client.get(f"/scenario/{COURSE}/").content.decode()
    handlers = re.findall(r'(?:src|href)="([^"]*/handler/[^"]*/launch/[^"]*)"', page)
    start = client.get(unescape(list(dict.fromkeys(handlers))[index]))
    if start.status_code != 302:
        return start, None
    login = query(start["Location"])
    auth = client.get(
        AUTH,
        {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": login["client_id"],
            "redirect_uri": BRIDGE_LAUNCH,
            "login_hint": login["login_hint"],
            "lti_message_hint": login["lti_message_hint"],
            "state": "state-1",
            "nonce": uuid.uuid4().hex,
        },
    )
    assert auth.status_code == 200, auth.content.decode()[-400:]
    return login, decode(auth)[1]


@pytest.fixture
def demo_choice(as_user, platform_http):
    """An author's open choice for the Hello, Python block (it has custom parameters)."""
    from codio_xblock.models import ToolRegistration

    author = as_user("instructor")
    usage_id = course_block(author)
    data = open_choice(author, usage_id)
    return author, usage_id, ToolRegistration.objects.get(slug="lti_bridge"), data


GENERIC_ITEM = {
    "type": "ltiResourceLink",
    "title": "Graphs 101",
    "text": "Plot a graph.\nThen explain it.",
    "url": BRIDGE_LAUNCH + "?content=graphs-101",
    "custom": {"chapter": "3", "level": "$Context.id"},
    "lineItem": {
        "label": "Graphs (gradebook)",
        "scoreMaximum": 25,
        "resourceId": "graphs-101",
        "tag": "homework",
    },
    "iframe": {"width": 900, "height": 640},
    # fields the block does not use are ignored (Deep Linking 2.0, 3)
    "icon": {"url": "https://cdn.example/icon.png", "width": 16, "height": 16},
    "available": {"startDateTime": "2030-01-01T00:00:00Z"},
    "https://tool.example/extension": {"anything": [1, 2, 3]},
}


def test_a_generic_tools_item_is_stored_and_launched(demo_choice, as_user):
    """No codio_unit: the item's url, custom, title, text, lineItem and iframe are kept and
    every learner launch uses them (the url is the id_token's and the login's
    target_link_uri); the author's own custom parameters stay."""
    author, usage_id, tool, data = demo_choice
    done = respond(author, tool, data, GENERIC_ITEM)
    assert done.status_code == 200, done.content.decode()[-600:]
    page = done.content.decode()
    assert 'data-testid="unit-chosen"' in page and "Graphs 101" in page
    assert GENERIC_ITEM["url"].replace("&", "&amp;") in page
    assert block(usage_id).unit == "hello-python"  # the LMS writes no course content

    applied = apply_choice(author, usage_id)
    assert applied.status_code == 200, applied.content
    values = applied.json()["values"]
    assert values["custom_parameters"] == (
        "student_id=$User.username\ntimezone=$Person.address.timezone\nchapter=3\nlevel=$Context.id"
    )
    chosen = block(usage_id)
    assert (chosen.unit, chosen.launch_url, chosen.display_name, chosen.description) == (
        "",
        GENERIC_ITEM["url"],
        "Graphs 101",
        "Plot a graph.\nThen explain it.",
    )
    assert (
        chosen.points_in_tool,
        chosen.line_item_label,
        chosen.line_item_resource_id,
        chosen.line_item_tag,
    ) == (25.0, "Graphs (gradebook)", "graphs-101", "homework")
    assert (chosen.launch_mode, chosen.iframe_height, chosen.content_chosen) == (
        "iframe",
        640,
        True,
    )
    assert values["unit"] == "" and values["launch_url"] == GENERIC_ITEM["url"]

    # Studio shows what was chosen: the preview and the editor (after a reload)
    preview = author.get(f"/scenario/{COURSE}/author_view/").content.decode()
    for text in ("Graphs 101", "Plot a graph.<br>Then explain it.", "Graphs (gradebook)"):
        assert text in preview
    assert GENERIC_ITEM["url"].replace("&", "&amp;") in preview
    editor = author.get(f"/scenario/{COURSE}/studio_view/").content.decode()
    assert 'value="Graphs (gradebook)"' in editor and "chapter=3" in editor
    assert f'value="{GENERIC_ITEM["url"]}"' in editor
    # the editor's Save of what it shows is accepted (no Codio unit: chosen content)
    saved = author.post(
        f"/handler/{usage_id}/submit_studio_edits/",
        data={"values": {"unit": "", "launch_url": GENERIC_ITEM["url"]}, "defaults": []},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content

    login, claims = learner_launch(as_user("learner"))
    assert login["target_link_uri"] == GENERIC_ITEM["url"]
    assert claims[LTI + "target_link_uri"] == GENERIC_ITEM["url"]
    assert claims[LTI + "resource_link"]["title"] == "Graphs 101"
    assert claims[LTI + "resource_link"]["description"] == "Plot a graph.\nThen explain it."
    assert claims[LTI + "launch_presentation"]["height"] == 640
    custom = claims[CUSTOM]
    assert "codio_unit" not in custom
    assert custom["chapter"] == "3" and custom["level"] == claims[LTI + "context"]["id"]
    assert custom["student_id"] == "learner" and custom["timezone"] == "Europe/Madrid"


def test_an_item_without_url_launches_the_tools_launch_url(demo_choice, as_user):
    """DL 2.0, 3.1: without ``url`` the tool's base launch URL is used; a choice replaces
    the previous content's URL, description and line item (nothing of it stays)."""
    author, usage_id, tool, data = demo_choice
    assert respond(author, tool, data, GENERIC_ITEM).status_code == 200
    assert apply_choice(author, usage_id).status_code == 200
    data = open_choice(author, usage_id)
    item = {"type": "ltiResourceLink", "custom": {"codio_unit": "loops"}}
    assert respond(author, tool, data, item).status_code == 200
    assert apply_choice(author, usage_id).status_code == 200
    chosen = block(usage_id)
    assert (chosen.unit, chosen.launch_url, chosen.description, chosen.line_item_label) == (
        "loops",
        "",
        "",
        "",
    )
    assert chosen.points_in_tool is None and chosen.display_name == "Graphs 101"
    login, claims = learner_launch(as_user("learner"))
    assert login["target_link_uri"] == claims[LTI + "target_link_uri"] == tool.launch_url
    assert claims[CUSTOM]["codio_unit"] == "loops"
    assert "description" not in claims[LTI + "resource_link"]


def test_the_authors_custom_parameters_survive_a_choice_and_reach_the_next_launch(
    as_user, platform_http
):
    """Issue 26: "Choose a unit" must not empty the author's custom parameters
    (student_id=$User.username, timezone=...): after the bridge's own picker answers, the
    draft, a reloaded editor and the next learner launch all have them."""
    author = as_user("instructor")
    usage_id = course_block(author)
    before = block(usage_id).custom_parameters
    _, token = choose(author, open_picker(author, usage_id), "loops")
    assert author.post(RESPONSE_URL, {"JWT": token}).status_code == 200
    assert apply_choice(author, usage_id).status_code == 200
    assert block(usage_id).custom_parameters == before
    editor = author.get(f"/scenario/{COURSE}/studio_view/").content.decode()
    assert "student_id=$User.username\ntimezone=$Person.address.timezone" in editor
    response, steps = launch_through_xblock_steps(as_user("learner"))
    assert response.status_code == 200  # the bridge opened the chosen unit
    custom = steps_claims(steps)[CUSTOM]
    assert custom["codio_unit"] == "loops"
    assert (custom["student_id"], custom["timezone"]) == ("learner", "Europe/Madrid")


def launch_through_xblock_steps(client):
    from tests.support import launch_through_xblock

    return launch_through_xblock(client, scenario=COURSE)


def steps_claims(steps):
    from tests.test_platform_oidc_auth import decode

    return decode(steps["auth"])[1]


def test_the_tools_custom_keys_win_and_the_authors_others_stay(demo_choice, as_user):
    author, usage_id, tool, data = demo_choice
    item = {
        "type": "ltiResourceLink",
        "custom": {"codio_unit": "loops", "timezone": "UTC", "lang": "python"},
    }
    assert respond(author, tool, data, item).status_code == 200
    applied = apply_choice(author, usage_id).json()
    merged = "student_id=$User.username\ntimezone=UTC\nlang=python"
    assert applied["values"]["custom_parameters"] == merged  # what the editor shows
    assert block(usage_id).custom_parameters == merged
    assert merged in author.get(f"/scenario/{COURSE}/studio_view/").content.decode()
    _, claims = learner_launch(as_user("learner"))
    custom = claims[CUSTOM]
    assert (custom["timezone"], custom["lang"], custom["student_id"]) == (
        "UTC",
        "python",
        "learner",
    )


def test_a_merge_that_would_break_launches_is_refused_and_the_choice_waits(demo_choice):
    """The author's 45 parameters and the tool's 10 new ones would be more than a launch
    takes (50): the editor says so, the block is unchanged, the choice stays pending."""
    from tests.test_block import submit

    author, usage_id, tool, data = demo_choice
    own = "\n".join(f"mine_{n}=x" for n in range(45))
    assert submit(author, usage_id, custom_parameters=own).status_code == 200
    item = {
        "type": "ltiResourceLink",
        "custom": {"codio_unit": "loops", **{f"tool_{n}": "y" for n in range(10)}},
    }
    assert respond(author, tool, data, item).status_code == 200
    before = fields_of(usage_id)
    refused = apply_choice(author, usage_id)
    assert refused.status_code == 400
    assert "at most 50 parameters" in refused.json()["error"]
    assert fields_of(usage_id) == before
    editor = author.get(f"/scenario/{COURSE}/studio_view/").content.decode()
    assert 'data-choice-pending="1"' in editor


HOSTILE_ITEMS = {
    # name: (the item's fields over a valid item, words of the refusal)
    "newline in a custom value": ({"custom": {"a": "x\ny"}}, "custom parameter 'a' must be"),
    "NUL in a custom value": ({"custom": {"a": "x\x00"}}, "custom parameter 'a' must be"),
    "space in a custom key": ({"custom": {"a b": "1"}}, "name 'a b' is not valid"),
    "= in a custom key": ({"custom": {"a=b": "1"}}, "name 'a=b' is not valid"),
    "newline in a custom key": ({"custom": {"a\nb": "1"}}, "name 'a\\nb' is not valid"),
    "empty custom key": ({"custom": {"": "1"}}, "name '' is not valid"),
    "long custom key": ({"custom": {"k" * 65: "1"}}, "is not valid"),
    "number as a custom value": ({"custom": {"a": 3}}, "custom parameter 'a' must be"),
    "custom value with spaces around": ({"custom": {"a": " x "}}, "without spaces around"),
    "long custom value": ({"custom": {"a": "v" * 1025}}, "at most 1024 characters"),
    "custom not an object": ({"custom": ["a=1"]}, "must be an object"),
    "too many custom parameters": (
        {"custom": {f"k{n}": "v" for n in range(51)}},
        "more than 50 custom parameters",
    ),
    "invalid codio_unit": ({"custom": {"codio_unit": "a b"}}, "(codio_unit) that is not valid"),
    "scoreMaximum 10^19": ({"lineItem": {"scoreMaximum": 10**19}}, "scoreMaximum"),
    "scoreMaximum 1e19": ({"lineItem": {"scoreMaximum": 1e19}}, "scoreMaximum"),
    "scoreMaximum 10^400": ({"lineItem": {"scoreMaximum": 10**400}}, "scoreMaximum"),
    "scoreMaximum NaN": ({"lineItem": {"scoreMaximum": float("nan")}}, "scoreMaximum"),
    "scoreMaximum zero": ({"lineItem": {"scoreMaximum": 0}}, "scoreMaximum"),
    "scoreMaximum negative": ({"lineItem": {"scoreMaximum": -5}}, "scoreMaximum"),
    "scoreMaximum text": ({"lineItem": {"scoreMaximum": "10"}}, "scoreMaximum"),
    "scoreMaximum true": ({"lineItem": {"scoreMaximum": True}}, "scoreMaximum"),
    "scoreMaximum missing": ({"lineItem": {"label": "x"}}, "scoreMaximum"),
    "lineItem not an object": ({"lineItem": 10}, "line item must be an object"),
    "long lineItem label": (
        {"lineItem": {"scoreMaximum": 1, "label": "l" * 256}},
        "lineItem.label",
    ),
    "lineItem resourceId a number": (
        {"lineItem": {"scoreMaximum": 1, "resourceId": 7}},
        "lineItem.resourceId",
    ),
    "newline in lineItem tag": ({"lineItem": {"scoreMaximum": 1, "tag": "a\nb"}}, "lineItem.tag"),
    "url on another host": ({"url": "https://evil.example/launch"}, "not on a host registered"),
    "url on another port": ({"url": "http://codio.test:8080/x"}, "not on a host registered"),
    "javascript url": ({"url": "javascript:alert(1)"}, "not an absolute http or https"),
    "data url": ({"url": "data:text/html,<script>x</script>"}, "not an absolute http or https"),
    "relative url": ({"url": "/lti-bridge/lti/launch"}, "not an absolute http or https"),
    "url with credentials": ({"url": "http://u:p@codio.test/x"}, "no user name or password"),
    "url with spaces": ({"url": "http://codio.test/a b"}, "without spaces"),
    "url a number": ({"url": 5}, "must be an absolute http or https address"),
    "huge title": ({"title": "t" * 256}, "title must be text on one line"),
    "title a number": ({"title": 42}, "title must be text"),
    "title with a newline": ({"title": "a\nb"}, "title must be text on one line"),
    "long text": ({"text": "d" * 4001}, "description (text)"),
    "text a list": ({"text": ["a"]}, "description (text)"),
    "iframe height text": ({"iframe": {"height": "600"}}, "iframe.height"),
    "iframe height negative": ({"iframe": {"height": -1}}, "iframe.height"),
    "iframe height 10^19": ({"iframe": {"height": 10**19}}, "iframe.height"),
    "iframe width true": ({"iframe": {"width": True}}, "iframe.width"),
    "iframe not an object": ({"iframe": "yes"}, "iframe presentation must be an object"),
    "window targetName a number": ({"window": {"targetName": 1}}, "window.targetName"),
    "long windowFeatures": ({"window": {"windowFeatures": "f" * 1001}}, "window.windowFeatures"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_ITEMS))
def test_a_refused_item_gets_a_clear_page_and_changes_nothing(demo_choice, case):
    """Every field of the item is checked before anything is kept: the Studio window shows
    why, the choice is not answered (nothing to apply), the block is unchanged."""
    from codio_xblock.models import DeepLinkingChoice

    author, usage_id, tool, data = demo_choice
    fields, words = HOSTILE_ITEMS[case]
    item = {"type": "ltiResourceLink", "title": "Loops", "custom": {"codio_unit": "loops"}}
    item.update(fields)
    before = fields_of(usage_id)
    response = respond(author, tool, data, item)
    assert response.status_code == 400, (case, response.status_code)
    page = unescape(response.content.decode())
    assert words in page, page[-800:]
    assert "The tool's choice was not saved" in page and "The component is unchanged" in page
    assert DeepLinkingChoice.objects.get(key=data).answered_at is None
    assert apply_choice(author, usage_id).status_code == 404
    assert fields_of(usage_id) == before
    # the same request still takes a valid answer (a refusal spends nothing)
    assert respond(author, tool, data, GENERIC_ITEM).status_code == 200


def test_an_http_url_is_refused_when_the_platform_and_the_tool_use_https(
    as_user, platform_http, settings
):
    from codio_xblock.models import ToolRegistration

    author = as_user("instructor")
    usage_id = course_block(author)
    data = open_choice(author, usage_id)
    settings.CODIO_XBLOCK = {**settings.CODIO_XBLOCK, "PLATFORM_ISSUER": "https://codio.test"}
    ToolRegistration.objects.filter(slug="lti_bridge").update(
        launch_url="https://codio.test/lti-bridge/lti/launch",
        redirect_uris="https://codio.test/lti-bridge/lti/launch",
        oidc_login_url="https://codio.test/lti-bridge/lti/login",
    )
    tool = ToolRegistration.objects.get(slug="lti_bridge")
    item = {"type": "ltiResourceLink", "url": "http://codio.test/lti-bridge/lti/launch"}
    refused = respond(author, tool, data, item, aud="https://codio.test")
    assert refused.status_code == 400
    assert "uses http: this platform and the tool use https" in unescape(refused.content.decode())
    item["url"] = "https://codio.test/lti-bridge/lti/launch?content=1"
    assert respond(author, tool, data, item, aud="https://codio.test").status_code == 200


def test_a_launch_url_no_longer_registered_is_a_clear_error_to_learners(demo_choice, as_user):
    """The registration may change after the choice: a launch never goes to a host that is
    not registered for the tool any more."""
    from codio_xblock.models import ToolRegistration

    author, usage_id, tool, data = demo_choice
    assert respond(author, tool, data, GENERIC_ITEM).status_code == 200
    assert apply_choice(author, usage_id).status_code == 200
    ToolRegistration.objects.filter(pk=tool.pk).update(
        launch_url="http://tool2.test/launch",
        redirect_uris="http://tool2.test/launch",
        oidc_login_url="http://tool2.test/login",
        deep_linking_url="",
    )
    refused, claims = learner_launch(as_user("learner"))
    assert claims is None and refused.status_code == 400
    assert "launch URL is not registered for its tool any more" in refused.content.decode()


@pytest.mark.parametrize(
    "values, words",
    [
        ({"launch_url": "https://evil.example/x"}, "not on a host registered"),
        ({"launch_url": "javascript:alert(1)"}, "not an absolute http or https"),
        ({"description": "d" * 4001}, "at most 4000 characters"),
        ({"line_item_label": "l" * 256}, "Gradebook label"),
        ({"line_item_tag": "a\nb"}, "Gradebook tag"),
        ({"line_item_resource_id": "r" * 256}, "Gradebook resource id"),
        ({"points_in_tool": 10**400}, "must be a number"),  # was a 500 (float overflow)
        ({"points_in_tool": 1e19}, "Points in Codio must be more than zero"),
        ({"unit": "", "launch_url": ""}, "Give the Codio unit identifier or the launch URL"),
    ],
)
def test_the_editor_checks_the_chosen_contents_fields(as_user, values, words):
    author = as_user("instructor")
    usage_id = course_block(author)
    before = fields_of(usage_id)
    response = author.post(
        f"/handler/{usage_id}/submit_studio_edits/",
        data=json.dumps({"values": values, "defaults": []}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert words in unescape(response.content.decode())
    assert fields_of(usage_id) == before


def test_the_editor_takes_a_registered_launch_url_without_a_unit(as_user):
    author = as_user("instructor")
    usage_id = course_block(author)
    response = author.post(
        f"/handler/{usage_id}/submit_studio_edits/",
        data=json.dumps(
            {"values": {"unit": "", "launch_url": BRIDGE_LAUNCH + "?x=1"}, "defaults": []}
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert (block(usage_id).unit, block(usage_id).launch_url) == ("", BRIDGE_LAUNCH + "?x=1")


def test_a_new_choice_takes_back_the_previous_choices_custom_parameters(demo_choice, as_user):
    """Nothing of the previous content stays behind: the custom parameters a choice added go
    with the next choice, unless the author changed them since (then they are the
    author's); the author's own lines stay throughout."""
    from tests.test_block import submit

    author, usage_id, tool, data = demo_choice
    first = {
        "type": "ltiResourceLink",
        "custom": {"codio_unit": "loops", "content_id": "A", "lang": "python"},
    }
    assert respond(author, tool, data, first).status_code == 200
    assert apply_choice(author, usage_id).status_code == 200
    edited = block(usage_id).custom_parameters.replace("lang=python", "lang=java")
    assert submit(author, usage_id, custom_parameters=edited).status_code == 200

    second = {"type": "ltiResourceLink", "url": BRIDGE_LAUNCH + "?content=graphs-101"}
    assert respond(author, tool, open_choice(author, usage_id), second).status_code == 200
    applied = apply_choice(author, usage_id).json()
    assert applied["values"]["custom_parameters"] == (
        "student_id=$User.username\ntimezone=$Person.address.timezone\nlang=java"
    )
    _, claims = learner_launch(as_user("learner"))
    assert "content_id" not in claims[CUSTOM]
    assert (claims[CUSTOM]["lang"], claims[CUSTOM]["student_id"]) == ("java", "learner")
