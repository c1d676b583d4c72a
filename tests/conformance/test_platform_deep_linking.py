"""Platform conformance, Deep Linking 2.0: the cases of 1EdTech's LTI Advantage platform
certification for Deep Linking, against the block (``codio_xblock``) over real HTTP.

The tool is a generic one (``tool``: a registration with its own key, on its own hosts,
that knows nothing of Codio's ``codio_unit``): the test plays it. The author's "Choose a
unit" (the block's ``deep_link`` handler) sends the deep linking request through the
platform's OIDC auth endpoint; the tool's signed ``LtiDeepLinkingResponse`` is posted to
the platform's return URL; Studio's editor applies the choice (``apply_choice``); a
learner's next launch carries it. Sections are those of the test plan:

1. the deep linking request message (DL 2.0 §4.4);
2. the deep linking response: accepted and refused (DL 2.0 §4.5, Security Framework §5);
3. the ltiResourceLink content item and the launch of the created link (DL 2.0 §3.1).

Every step is real HTTP: a socket to the live server (tests/conformance/conftest.py's
``live_as_user``: the author's and the learner's browsers, each its own cookie jar, signed
in by ``force_login``, a session in the store with no login page, its cookie on the wire;
that sign-in and Studio's ``block()`` read of the saved fields are the steps that are not
HTTP requests). The tool reads the platform's key set at its JWKS URL and posts its
response, as a browser form post, to ``deep_link_return_url`` as given.
"""

import json
import re
import time
import uuid
from html import unescape

import jwt
import pytest

from lti_bridge.protocol import keys
from tests.support import query

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def outbound(live_outbound):
    """The demo's outbound calls over sockets too (conftest.live_outbound)."""
    return live_outbound


@pytest.fixture
def as_user(live_as_user):
    """The people of the demo course as browsers over real HTTP (conftest.live_as_user)."""
    return live_as_user


AUTH = "/codio/lti/v1/auth"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
ISSUER = "http://codio.test"
COURSE = "codio_unit.1"  # the demo course; its first block has the author's custom params


# ---- the test plays the tool ----


def course_block(client, index=0):
    page = client.get(f"/scenario/{COURSE}/").content.decode()
    return list(dict.fromkeys(re.findall(r"/handler/([^/]+)/launch/", page)))[index]


def block(usage_id):
    from workbench.runtime import WorkbenchRuntime

    return WorkbenchRuntime().get_block(usage_id)


def authenticate(client, login_url, tool):
    """The tool's OIDC authentication request for the login the platform started; the
    verified id_token's claims (and the login parameters)."""
    login = query(login_url)
    nonce = uuid.uuid4().hex
    auth = client.get(
        AUTH,
        {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": login["client_id"],
            "redirect_uri": tool.tool.launch_url,
            "login_hint": login["login_hint"],
            "lti_message_hint": login["lti_message_hint"],
            "state": "tool-state",
            "nonce": nonce,
        },
    )
    assert auth.status_code == 200, auth.content.decode()[-400:]
    token = re.search(r'name="id_token" value="([^"]+)"', auth.content.decode()).group(1)
    header = jwt.get_unverified_header(token)
    key_set = client.fresh().get("/codio/lti/v1/jwks").json()  # the tool reads it as tools do
    published = {k["kid"]: k for k in key_set["keys"]}
    public = jwt.algorithms.RSAAlgorithm.from_jwk(published[header["kid"]])
    claims = jwt.decode(token, public, algorithms=["RS256"], audience=tool.tool.client_id)
    assert claims["nonce"] == nonce
    return login, claims


def deep_linking_request(author, usage_id, tool):
    """Studio's "Choose a unit" for ``usage_id`` with ``tool``: the request's claims."""
    start = author.get(f"/handler/{usage_id}/deep_link/")
    assert start.status_code == 302, start.content[:300]
    assert start["Location"].startswith(tool.tool.oidc_login_url + "?")
    return authenticate(author, start["Location"], tool)


def signed_response(tool, request_claims, items, sign_with=None, kid=None, **overrides):
    now = int(time.time())
    claims = {
        "iss": tool.tool.client_id,
        "aud": request_claims["iss"],
        "iat": now,
        "exp": now + 300,
        "nonce": uuid.uuid4().hex,
        LTI + "deployment_id": request_claims[LTI + "deployment_id"],
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        DL + "data": request_claims[DL + "deep_linking_settings"]["data"],
        DL + "content_items": items,
        **overrides,
    }
    pem = sign_with or tool.pem
    return jwt.encode(
        {k: v for k, v in claims.items() if v is not None},
        keys.private_key(pem),
        algorithm="RS256",
        headers={"kid": kid or keys.kid_for(pem)},
    )


def post_response(client, request_claims, token):
    url = request_claims[DL + "deep_linking_settings"]["deep_link_return_url"]
    return client.post(url, {"JWT": token})  # the URL as given, query and all


def studio(client):
    """What Studio's page sends with its handler calls: Django's CSRF token from the cookie
    (X-CSRFToken, set up for every call as demo/templates/demo/author.html does)."""
    return {"HTTP_X_CSRFTOKEN": client.cookies.get("csrftoken", "")}


def apply_choice(client, usage_id):
    return client.post(
        f"/handler/{usage_id}/apply_choice/",
        {"key": ""},
        content_type="application/json",
        **studio(client),
    )


def learner_launch(client, tool, index=0):
    page = client.get(f"/scenario/{COURSE}/").content.decode()
    handlers = re.findall(r'(?:src|href)="([^"]*/handler/[^"]*/launch/[^"]*)"', page)
    start = client.get(unescape(list(dict.fromkeys(handlers))[index]))
    assert start.status_code == 302, start.content[:300]
    return authenticate(client, start["Location"], tool)


@pytest.fixture
def chooser(course, as_user, tool):
    """The instructor with the demo block set to the generic ``tool``, and its request."""
    author = as_user("instructor")
    usage_id = course_block(author)
    saved = author.post(
        f"/handler/{usage_id}/submit_studio_edits/",
        data=json.dumps({"values": {"tool": tool.tool.slug}, "defaults": []}),
        content_type="application/json",
        **studio(author),
    )
    assert saved.status_code == 200, saved.content
    _, claims = deep_linking_request(author, usage_id, tool)
    return author, usage_id, claims


ITEM = {
    "type": "ltiResourceLink",
    "title": "Graph theory",
    "text": "Paths and cycles.",
    "url": "https://conformance-tool.example/launch?activity=graphs",
    "custom": {"activity": "graphs", "who": "$User.id"},
    "lineItem": {
        "label": "Graph theory (tool)",
        "scoreMaximum": 40,
        "resourceId": "graphs",
        "tag": "quiz",
    },
}


# ---- 1. the deep linking request (DL 2.0 §4.4) ----


class TestDeepLinkingRequest:
    def test_the_request_is_an_lti_deep_linking_request(self, chooser, tool):
        """DL 2.0 §4.4: message type, version, deployment and target of the request; it
        is no resource link launch (no resource_link claim)."""
        _, _, claims = chooser
        assert claims[LTI + "message_type"] == "LtiDeepLinkingRequest"
        assert claims[LTI + "version"] == "1.3.0"
        assert claims[LTI + "deployment_id"] == tool.tool.deployment_id
        assert claims[LTI + "target_link_uri"] == tool.tool.launch_url
        assert LTI + "resource_link" not in claims
        assert claims["iss"] == ISSUER and claims["aud"] == tool.tool.client_id
        assert claims["sub"] and claims[LTI + "roles"] and claims[LTI + "context"]["id"]

    def test_the_deep_linking_settings_claim(self, chooser):
        """DL 2.0 §4.4.1: deep_link_return_url, accept_types and
        accept_presentation_document_targets are required; one item, an opaque data."""
        _, _, claims = chooser
        settings = claims[DL + "deep_linking_settings"]
        assert settings["deep_link_return_url"].startswith(ISSUER + "/")
        assert settings["accept_types"] == ["ltiResourceLink"]
        assert set(settings["accept_presentation_document_targets"]) <= {
            "iframe",
            "window",
            "embed",
        }
        assert settings["accept_multiple"] is False
        assert isinstance(settings["data"], str) and settings["data"]


# ---- 2. the deep linking response (DL 2.0 §4.5) ----


class TestDeepLinkingResponse:
    def test_a_valid_response_is_accepted_and_kept_for_the_editor(self, chooser, tool):
        """DL 2.0 §4.5: the platform takes the signed response at deep_link_return_url and
        creates the resource link from its item (applied to the draft by Studio)."""
        author, usage_id, claims = chooser
        done = post_response(author, claims, signed_response(tool, claims, [ITEM]))
        assert done.status_code == 200, done.content.decode()[-400:]
        assert "Graph theory" in done.content.decode()
        assert apply_choice(author, usage_id).status_code == 200
        chosen = block(usage_id)
        assert (chosen.tool, chosen.launch_url, chosen.unit) == (tool.tool.slug, ITEM["url"], "")

    def test_an_empty_response_changes_nothing_and_shows_the_tools_words(self, chooser, tool):
        """DL 2.0 §4.5: content_items may be empty (nothing chosen); msg and errormsg
        are shown to the user."""
        author, usage_id, claims = chooser
        token = signed_response(
            tool, claims, [], **{DL + "msg": "Nothing picked", DL + "errormsg": "Quota <full>"}
        )
        page = post_response(author, claims, token).content.decode()
        assert "nothing-chosen" in page
        assert "Nothing picked" in page and "Quota &lt;full&gt;" in page
        assert apply_choice(author, usage_id).status_code == 404
        assert block(usage_id).unit == "hello-python"

    @pytest.mark.parametrize(
        "case",
        [
            "signed by another key",
            "expired",
            "another audience",
            "unknown issuer",
            "another message type",
            "another version",
            "another deployment",
            "no data",
            "tampered data",
            "no nonce",
        ],
    )
    def test_an_invalid_response_is_refused_and_changes_nothing(self, chooser, tool, case):
        """DL 2.0 §4.5 and the Security Framework §5.1.3 (message JWT): signature, kid,
        exp, aud, iss, message type, version, deployment, the request's data, nonce."""
        author, usage_id, claims = chooser
        now = int(time.time())
        overrides, pem, kid = {}, None, None
        if case == "signed by another key":
            pem = keys.generate_private_pem()
            kid = keys.kid_for(tool.pem)
        elif case == "expired":
            overrides = {"iat": now - 4000, "exp": now - 3000}
        elif case == "another audience":
            overrides = {"aud": "https://another-platform.example"}
        elif case == "unknown issuer":
            overrides = {"iss": "not-a-client"}
        elif case == "another message type":
            overrides = {LTI + "message_type": "LtiResourceLinkRequest"}
        elif case == "another version":
            overrides = {LTI + "version": "1.1"}
        elif case == "another deployment":
            overrides = {LTI + "deployment_id": "another"}
        elif case == "no data":
            overrides = {DL + "data": None}
        elif case == "tampered data":
            overrides = {DL + "data": "x" * 32}
        elif case == "no nonce":
            overrides = {"nonce": None}
        token = signed_response(tool, claims, [ITEM], sign_with=pem, kid=kid, **overrides)
        response = post_response(author, claims, token)
        assert response.status_code in (400, 403), (case, response.status_code)
        assert apply_choice(author, usage_id).status_code == 404
        assert block(usage_id).unit == "hello-python"

    def test_a_response_is_taken_once(self, chooser, tool):
        """Security Framework §5.1.3: a replayed response (its nonce, its request) is
        refused."""
        author, _, claims = chooser
        token = signed_response(tool, claims, [ITEM])
        assert post_response(author, claims, token).status_code == 200
        assert post_response(author, claims, token).status_code == 403

    def test_several_items_are_refused_when_one_was_asked_for(self, chooser, tool):
        """DL 2.0 §4.4.1 accept_multiple false: one item at most."""
        author, usage_id, claims = chooser
        response = post_response(author, claims, signed_response(tool, claims, [ITEM, ITEM]))
        assert response.status_code == 400
        assert apply_choice(author, usage_id).status_code == 404

    def test_an_item_type_not_accepted_is_refused(self, chooser, tool):
        """DL 2.0 §4.4.1 accept_types: only ltiResourceLink was offered."""
        author, usage_id, claims = chooser
        item = {"type": "html", "html": "<p>hi</p>"}
        response = post_response(author, claims, signed_response(tool, claims, [item]))
        assert response.status_code == 400
        assert apply_choice(author, usage_id).status_code == 404


# ---- 3. the ltiResourceLink item and the launch of the created link (DL 2.0 §3.1) ----


class TestResourceLinkItem:
    def test_the_created_link_launches_with_the_items_url_custom_title_and_text(
        self, chooser, tool, as_user
    ):
        """DL 2.0 §3.1: the launch goes to the item's url (the login's and the id_token's
        target_link_uri); its custom parameters MUST be in the launch; title and text are
        the resource link's. The author's own parameters stay (LTI Core §5.4.6)."""
        author, usage_id, claims = chooser
        assert (
            post_response(author, claims, signed_response(tool, claims, [ITEM])).status_code == 200
        )
        assert apply_choice(author, usage_id).status_code == 200
        login, launch = learner_launch(as_user("learner"), tool)
        assert login["target_link_uri"] == launch[LTI + "target_link_uri"] == ITEM["url"]
        assert launch[LTI + "message_type"] == "LtiResourceLinkRequest"
        assert launch[LTI + "resource_link"] == {
            "id": usage_id,
            "title": "Graph theory",
            "description": "Paths and cycles.",
        }
        custom = launch[LTI + "custom"]
        assert custom["activity"] == "graphs"
        assert custom["who"] == launch["sub"]  # a substitution variable (LTI Core §5.4.7)
        assert custom["student_id"] == "learner"  # the author's own
        assert "codio_unit" not in custom

    def test_the_items_line_item_is_the_links_line_item(self, chooser, tool, as_user):
        """DL 2.0 §3.1 lineItem and AGS 2.0 §3.2: the created link's line item has the
        item's scoreMaximum, label, resourceId and tag."""
        from codio_xblock.models import LineItem

        author, usage_id, claims = chooser
        assert (
            post_response(author, claims, signed_response(tool, claims, [ITEM])).status_code == 200
        )
        assert apply_choice(author, usage_id).status_code == 200
        _, launch = learner_launch(as_user("learner"), tool)
        assert launch[AGS]["lineitem"]
        item = LineItem.objects.get(tool=tool.tool, usage_id=usage_id)
        assert (item.score_maximum, item.label, item.resource_id, item.tag) == (
            40.0,
            "Graph theory (tool)",
            "graphs",
            "quiz",
        )

    def test_without_url_the_tools_launch_url_is_used(self, chooser, tool, as_user):
        """DL 2.0 §3.1 url: when absent, the tool's base launch URL."""
        author, usage_id, claims = chooser
        item = {"type": "ltiResourceLink", "custom": {"activity": "trees"}}
        assert (
            post_response(author, claims, signed_response(tool, claims, [item])).status_code == 200
        )
        assert apply_choice(author, usage_id).status_code == 200
        _, launch = learner_launch(as_user("learner"), tool)
        assert launch[LTI + "target_link_uri"] == tool.tool.launch_url
        assert launch[LTI + "custom"]["activity"] == "trees"

    @pytest.mark.parametrize(
        "presentation, target, height",
        [
            ({"window": {"targetName": "tool"}}, "window", None),
            ({"iframe": {"height": 900}}, "iframe", 900),
        ],
    )
    def test_the_presentation_the_item_asks_for(
        self, chooser, tool, as_user, presentation, target, height
    ):
        """DL 2.0 §3.1 iframe / window: the launch's document target (LTI Core §5.4.4
        launch_presentation) follows it."""
        author, usage_id, claims = chooser
        item = {"type": "ltiResourceLink", **presentation}
        assert (
            post_response(author, claims, signed_response(tool, claims, [item])).status_code == 200
        )
        assert apply_choice(author, usage_id).status_code == 200
        _, launch = learner_launch(as_user("learner"), tool)
        shown = launch[LTI + "launch_presentation"]
        assert shown["document_target"] == target
        assert shown.get("height") == height

    def test_unknown_properties_are_ignored(self, chooser, tool):
        """DL 2.0 §3: properties the platform does not use (icon, thumbnail, available,
        submission, extensions) do not refuse the item."""
        author, usage_id, claims = chooser
        item = {
            **ITEM,
            "icon": {"url": "https://conformance-tool.example/i.png", "width": 8, "height": 8},
            "thumbnail": {"url": "https://conformance-tool.example/t.png"},
            "available": {"startDateTime": "2030-01-01T00:00:00Z"},
            "submission": {"endDateTime": "2030-02-01T00:00:00Z"},
            "https://conformance-tool.example/ext": [1, {"a": None}],
        }
        assert (
            post_response(author, claims, signed_response(tool, claims, [item])).status_code == 200
        )
        assert apply_choice(author, usage_id).status_code == 200

    @pytest.mark.parametrize(
        "url",
        [
            "https://evil.example/launch",
            "javascript:alert(document.domain)",
            "https://conformance-tool.example.evil.example/launch",
            "//conformance-tool.example/launch",
        ],
    )
    def test_the_url_must_be_on_the_tools_registered_hosts(self, chooser, tool, url):
        """DL 2.0 §3.1 url, with the Security Framework's rule that a platform launches
        only where the tool is registered: any other URL refuses the item."""
        author, usage_id, claims = chooser
        item = {**ITEM, "url": url}
        response = post_response(author, claims, signed_response(tool, claims, [item]))
        assert response.status_code == 400
        assert "The tool&#x27;s choice was not saved" in response.content.decode()
        assert apply_choice(author, usage_id).status_code == 404
        assert block(usage_id).launch_url == ""
