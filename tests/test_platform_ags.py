"""The platform's OAuth 2 token endpoint and AGS line item and score endpoints."""

import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from codio_xblock.lti1p3.ags import SCOPE_LINEITEM_READONLY, SCOPE_SCORE
from codio_xblock.models import (
    AgsScore,
    BlockLaunch,
    LineItem,
    PlatformSubject,
    ToolContext,
    ToolRegistration,
)
from lti_bridge.protocol import keys
from tests.support import gradebook, only_grade

pytestmark = pytest.mark.django_db(transaction=True)  # the gradebook is written on commit
TOKEN_URL = "http://codio.test/codio/lti/v1/token"


class ScriptedTool:
    def __init__(self, slug="scripted"):
        self.pem = keys.generate_private_pem()
        self.tool = ToolRegistration.objects.create(
            slug=slug,
            name=slug,
            oidc_login_url=f"https://{slug}.example/login",
            launch_url=f"https://{slug}.example/launch",
            redirect_uris=f"https://{slug}.example/launch",
            public_key_pem=keys.public_pem(self.pem),
        )

    def assertion(self, **overrides):
        now = int(time.time())
        claims = {
            "iss": self.tool.client_id,
            "sub": self.tool.client_id,
            "aud": TOKEN_URL,
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
            **overrides,
        }
        return jwt.encode(
            {k: v for k, v in claims.items() if v is not None},
            keys.private_key(self.pem),
            algorithm="RS256",
            headers={"kid": keys.kid_for(self.pem)},
        )

    def token_response(self, client, scope=SCOPE_SCORE, **overrides):
        return client.post(
            "/codio/lti/v1/token",
            {
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": self.assertion(**overrides),
                "scope": scope,
            },
        )

    def token(self, client, scope=SCOPE_SCORE):
        response = self.token_response(client, scope)
        assert response.status_code == 200, response.content
        return response.json()["access_token"]


@pytest.fixture
def tool():
    return ScriptedTool()


def workbench_blocks():
    """Usage ids of real Codio Unit blocks of the workbench's scenarios: the platform takes
    scores only for blocks that are still in their course."""
    from workbench.runtime import WorkbenchRuntime
    from workbench.scenarios import get_scenarios, init_scenarios

    init_scenarios()
    course = WorkbenchRuntime().get_block(get_scenarios()["codio_unit.1"].usage_id)
    return [get_scenarios()["codio_unit.0"].usage_id, *course.children]


@pytest.fixture
def block_ids(db):
    return workbench_blocks()


@pytest.fixture
def item(tool, block_ids):
    return LineItem.objects.create(
        tool=tool.tool, usage_id=block_ids[0], course_id="course-1", label="Unit", score_maximum=10
    )


@pytest.fixture
def learner(item):
    """A user the platform launched into the block (only they may be scored on it)."""
    subject = PlatformSubject.objects.create(user_key="42")
    BlockLaunch.objects.create(line_item=item, user_key="42")
    return subject


def score(learner, given=8, maximum=10, when=None, **extra):
    return {
        "userId": learner.sub,
        "scoreGiven": given,
        "scoreMaximum": maximum,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": (when or datetime.now(UTC)).isoformat(),
        **extra,
    }


def post_score(client, item, token, body):
    return client.post(
        f"/codio/lti/v1/ags/lineitems/{item.pk}/scores",
        body,
        content_type="application/vnd.ims.lis.v1.score+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_token_for_a_valid_assertion(client, tool):
    response = tool.token_response(client, scope=f"{SCOPE_SCORE} {SCOPE_LINEITEM_READONLY}")
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert set(body["scope"].split()) == {SCOPE_SCORE, SCOPE_LINEITEM_READONLY}


@pytest.mark.parametrize(
    "overrides, code, status",
    [
        ({"aud": "https://elsewhere/token"}, "invalid_client", 401),
        ({"iss": "someone"}, "invalid_client", 401),
        ({"sub": "someone-else"}, "invalid_client", 401),
        ({"exp": int(time.time()) - 100, "iat": int(time.time()) - 400}, "invalid_client", 401),
        ({"jti": None}, "invalid_client", 401),
    ],
)
def test_bad_assertions_are_refused(client, tool, overrides, code, status):
    response = tool.token_response(client, **overrides)
    assert response.status_code == status
    assert response.json()["error"] == code


def test_assertion_is_single_use(client, tool):
    assertion = tool.assertion()
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
        "scope": SCOPE_SCORE,
    }
    assert client.post("/codio/lti/v1/token", data).status_code == 200
    assert client.post("/codio/lti/v1/token", data).json()["error"] == "invalid_client"


def test_assertion_signed_by_another_key(client, tool):
    tool.pem = keys.generate_private_pem()
    assert tool.token_response(client).status_code == 401


@pytest.mark.parametrize("published", ["an EC key", "the key with its private members"])
def test_a_tool_key_set_entry_that_is_no_rsa_public_key_is_refused(
    client, tool, published, monkeypatch
):
    """The tool's key set names its kid with an EC key, or with the RSA key and its private
    members (leaked: anyone could sign as the tool): invalid_client, never a server error."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from jwt.algorithms import ECAlgorithm, RSAAlgorithm

    from codio_xblock import ags

    kid = keys.kid_for(tool.pem)
    if published == "an EC key":
        entry = ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()).public_key(), True)
    else:
        entry = RSAAlgorithm.to_jwk(keys.private_key(tool.pem), as_dict=True)
    tool.tool.public_key_pem = ""
    tool.tool.keyset_url = "https://scripted.example/jwks"
    tool.tool.save()
    monkeypatch.setattr(ags, "fetch_json", lambda session, url: {"keys": [{**entry, "kid": kid}]})
    response = tool.token_response(client)
    assert response.status_code == 401, response.content
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    "data, code",
    [
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "client_credentials", "client_assertion_type": "x"}, "invalid_request"),
    ],
)
def test_bad_token_requests(client, data, code):
    assert client.post("/codio/lti/v1/token", data).json()["error"] == code


def test_unknown_scope(client, tool):
    assert tool.token_response(client, scope="https://evil/scope").json()["error"] == (
        "invalid_scope"
    )


def test_score_is_written_to_the_gradebook_raw_for_the_lms_to_weight(client, tool, item, learner):
    token = tool.token(client)
    assert post_score(client, item, token, score(learner, 4, 5, comment="Good")).status_code == 200
    grade = only_grade()
    assert (grade.usage_id, grade.user_key, grade.earned, grade.possible, grade.comment) == (
        item.usage_id,
        "42",
        4,
        5,
        "Good",
    )


def test_zero_is_a_real_grade(client, tool, item, learner):
    post_score(client, item, tool.token(client), score(learner, 0, 10))
    assert only_grade().earned == 0


def test_pending_score_is_kept_but_not_graded(client, tool, item, learner):
    body = score(learner, None, None, gradingProgress="Pending", activityProgress="Submitted")
    assert post_score(client, item, tool.token(client), body).status_code == 200
    assert AgsScore.objects.get().grading_progress == "Pending"
    assert not gradebook()


def test_older_score_never_overwrites_a_newer_one(client, tool, item, learner):
    token = tool.token(client)
    now = datetime.now(UTC)
    assert post_score(client, item, token, score(learner, 9, 10, when=now)).status_code == 200
    late = post_score(client, item, token, score(learner, 2, 10, when=now - timedelta(minutes=5)))
    assert late.status_code == 409
    assert only_grade().earned == 9
    newer = post_score(client, item, token, score(learner, 3, 10, when=now + timedelta(seconds=1)))
    assert newer.status_code == 200 and only_grade().earned == 3


def test_the_same_score_sent_again_is_accepted_once(client, tool, item, learner):
    """A tool that timed out cannot tell whether its score arrived: resending it is safe."""
    token = tool.token(client)
    body = score(learner, 6, 10, comment="ok")
    assert post_score(client, item, token, body).status_code == 200
    first = (AgsScore.objects.get().published, only_grade().modified)
    assert post_score(client, item, token, body).status_code == 200
    assert only_grade().earned == 6
    assert (AgsScore.objects.get().published, only_grade().modified) == first  # not again
    changed = {**body, "scoreGiven": 7}  # same timestamp, another score: refused
    assert post_score(client, item, token, changed).status_code == 409
    assert only_grade().earned == 6


def test_scores_need_a_valid_token_with_the_score_scope(client, tool, item, learner):
    assert post_score(client, item, "garbage", score(learner)).status_code == 401
    readonly = tool.token(client, scope=SCOPE_LINEITEM_READONLY)
    assert post_score(client, item, readonly, score(learner)).status_code == 403
    response = client.post(
        f"/codio/lti/v1/ags/lineitems/{item.pk}/scores",
        score(learner),
        content_type="application/json",
    )
    assert response.status_code == 401 and "Bearer" in response["WWW-Authenticate"]
    assert not gradebook()


def test_a_tool_scores_only_its_own_blocks_line_item(client, tool, learner, block_ids):
    other = ScriptedTool("other")
    foreign = LineItem.objects.create(
        tool=other.tool, usage_id=block_ids[1], course_id="c", label="x", score_maximum=1
    )
    BlockLaunch.objects.create(line_item=foreign, user_key=learner.user_key)
    assert post_score(client, foreign, tool.token(client), score(learner)).status_code == 403
    assert post_score(client, foreign, other.token(client), score(learner)).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        [],
        {},
        {"userId": "nobody"},
        {"scoreGiven": -1},
        {"scoreGiven": 5, "scoreMaximum": 0},
        {"scoreGiven": "5"},
        {"timestamp": "yesterday"},
        {"timestamp": "2026-01-01T00:00:00"},
        {"activityProgress": "Done"},
        {"gradingProgress": "Graded"},
    ],
)
def test_malformed_scores_are_refused(client, tool, item, learner, body):
    if isinstance(body, dict) and "userId" not in body and body:
        body = {**score(learner), **body}
    response = client.post(
        f"/codio/lti/v1/ags/lineitems/{item.pk}/scores",
        body if isinstance(body, str) else __import__("json").dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tool.token(client)}",
    )
    assert response.status_code == 400, response.content
    assert not gradebook()


def test_line_item_documents(client, tool, item):
    token = tool.token(client, scope=SCOPE_LINEITEM_READONLY)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    one = client.get(f"/codio/lti/v1/ags/lineitems/{item.pk}", **auth)
    assert one["Content-Type"] == "application/vnd.ims.lis.v2.lineitem+json"
    assert one.json()["scoreMaximum"] == 10 and one.json()["resourceLinkId"] == item.usage_id
    context = ToolContext.objects.create(tool=tool.tool, course_id=item.course_id)
    container = client.get(f"/codio/lti/v1/ags/contexts/{context.pk}/lineitems", **auth)
    assert container["Content-Type"] == "application/vnd.ims.lis.v2.lineitemcontainer+json"
    assert container.json() == [one.json()]


def test_launch_carries_the_blocks_line_item(as_user):
    from tests.test_platform_oidc_auth import ask, auth_params, decode

    client = as_user("learner")
    _, claims = decode(ask(client, auth_params(client)))
    endpoint = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    item = LineItem.objects.get()
    assert endpoint["lineitem"].endswith(f"/codio/lti/v1/ags/lineitems/{item.pk}")
    assert SCOPE_SCORE in endpoint["scope"]
    assert item.score_maximum == 1.0 and item.label == "Hello, Python"


def test_builtin_bridge_gets_a_token_with_its_published_key(client, course):
    """The platform fetches the bridge's key set from its registration's URL (over HTTP,
    through Django here), with a timeout, and accepts an assertion signed by its key."""
    from codio_xblock import ags
    from lti_bridge import keys as bridge_keys
    from tests.support import DjangoClientAdapter

    adapter = DjangoClientAdapter()
    ags.session.mount("http://codio.test/", adapter)
    try:
        key = bridge_keys.signing_key()
        now = int(time.time())
        assertion = jwt.encode(
            {
                "iss": course.client_id,
                "sub": course.client_id,
                "aud": TOKEN_URL,
                "iat": now,
                "exp": now + 300,
                "jti": uuid.uuid4().hex,
            },
            keys.private_key(key.private_pem),
            algorithm="RS256",
            headers={"kid": key.kid},
        )
        response = client.post(
            "/codio/lti/v1/token",
            {
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion,
                "scope": SCOPE_SCORE,
            },
        )
    finally:
        ags.session.adapters.pop("http://codio.test/", None)
    assert response.status_code == 200, response.content
    assert [
        (m, u.endswith("/lti-bridge/lti/jwks"), t is not None) for m, u, t in adapter.calls
    ] == [("GET", True, True)]


def test_learner_sees_the_gradebook_score_in_the_unit(as_user, users):
    """Read back from the gradebook and shown weighted by the block's weight (1 here)."""
    from codio_xblock import adapter

    client = as_user("learner")
    page = client.get("/scenario/codio_unit.1/").content.decode()
    assert 'data-testid="grade"' not in page
    usage_id = re.findall(r"/handler/([^/]+)/launch/", page)[0]
    adapter.get().publish_grade(
        usage_id=usage_id, user_key=str(users["learner"].pk), raw_earned=0, raw_possible=40
    )
    page = client.get("/scenario/codio_unit.1/").content.decode()
    assert "Your score: 0 / 1" in page
    adapter.get().publish_grade(
        usage_id=usage_id, user_key=str(users["learner"].pk), raw_earned=30, raw_possible=40
    )
    assert "Your score: 0.75 / 1" in client.get("/scenario/codio_unit.1/").content.decode()


def test_a_final_score_the_gradebook_missed_is_published_on_resend(
    client, tool, item, learner, monkeypatch
):
    """The LMS failed while the score was published: the tool sees an error, resends the
    same score, and the gradebook gets it then (a grade is never lost)."""
    from codio_xblock.standalone import StandaloneAdapter

    token = tool.token(client)
    body = score(learner, 6, 10)
    real = StandaloneAdapter.publish_grade

    def broken(self, **kwargs):
        raise RuntimeError("gradebook down")

    monkeypatch.setattr(StandaloneAdapter, "publish_grade", broken)
    client.raise_request_exception = False
    assert post_score(client, item, token, body).status_code == 500
    assert AgsScore.objects.get().published is None and not gradebook()
    monkeypatch.setattr(StandaloneAdapter, "publish_grade", real)
    assert post_score(client, item, token, body).status_code == 200
    assert only_grade().earned == 6 and AgsScore.objects.get().published is not None


def test_user_not_launched_into_this_block_cannot_be_scored(client, tool, item):
    stranger = PlatformSubject.objects.create(user_key="77")  # launched elsewhere
    response = post_score(client, item, tool.token(client), score(stranger))
    assert response.status_code == 400 and "not a learner launched" in response.content.decode()


def test_score_above_maximum_is_accepted_and_clamped_in_the_gradebook(client, tool, item, learner):
    """AGS 2.0: extra credit MUST be accepted. The results service reports it as sent; the
    gradebook gets it clamped to the maximum (xblock-lti-consumer's rule)."""
    response = post_score(client, item, tool.token(client), score(learner, 11, 10))
    assert response.status_code == 200
    assert (AgsScore.objects.get().score_given, AgsScore.objects.get().score_maximum) == (11, 10)
    assert (only_grade().earned, only_grade().possible) == (10, 10)


def test_a_score_without_score_given_clears_the_grade(client, tool, item, learner):
    token = tool.token(client)
    now = datetime.now(UTC)
    assert post_score(client, item, token, score(learner, 7, 10, when=now)).status_code == 200
    assert only_grade().earned == 7
    cleared = score(
        learner, None, None, when=now + timedelta(seconds=1), gradingProgress="NotReady"
    )
    assert post_score(client, item, token, cleared).status_code == 200
    assert gradebook() == []


def test_the_claim_advertises_only_scopes_granted_and_implemented(as_user, course):
    from codio_xblock.lti1p3.ags import SCOPE_LINEITEM, SCOPE_SCORE

    course.service_scopes = f"{SCOPE_SCORE}\n{SCOPE_LINEITEM}\nhttps://example.com/not-a-scope"
    course.save()
    from tests.support import launch_through_xblock

    _, steps = launch_through_xblock(as_user("learner"))
    import jwt as pyjwt

    from tests.support import form_fields

    _, fields = form_fields(steps["auth"].content.decode())
    claims = pyjwt.decode(fields["id_token"], options={"verify_signature": False})
    endpoint = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert endpoint["scope"] == [SCOPE_LINEITEM, SCOPE_SCORE]
    context = ToolContext.objects.get(tool=course)
    assert endpoint["lineitems"].endswith(f"/codio/lti/v1/ags/contexts/{context.pk}/lineitems")


def test_the_full_lineitem_scope_is_issued_to_a_tool_granted_it(client, tool):
    """AGS 2.0, 3.1: the line item service's full scope, for a tool the operator granted."""
    from codio_xblock.lti1p3.ags import SCOPE_LINEITEM

    tool.tool.service_scopes = SCOPE_LINEITEM
    tool.tool.save()
    response = tool.token_response(client, scope=SCOPE_LINEITEM)
    assert response.status_code == 200 and response.json()["scope"] == SCOPE_LINEITEM


def test_lineitem_asked_by_a_tool_that_may_only_read_is_narrowed_to_readonly(client, tool):
    """RFC 6749, 3.3: the server may grant less than asked and says so in ``scope``. ltijs
    asks for score + lineitem when a score has no scoreMaximum, then only reads the line
    item: a tool granted lineitem.readonly gets that, not a refusal."""
    from codio_xblock.lti1p3.ags import SCOPE_LINEITEM

    response = tool.token_response(client, scope=f"{SCOPE_SCORE} {SCOPE_LINEITEM}")
    assert response.status_code == 200, response.content
    granted = response.json()["scope"].split()
    assert granted == [SCOPE_SCORE, SCOPE_LINEITEM_READONLY]
    token = jwt.decode(response.json()["access_token"], options={"verify_signature": False})
    assert token["scope"].split() == granted


def test_a_scope_withdrawn_after_the_token_was_issued_is_refused(client, tool, item, learner):
    token = tool.token(client)
    tool.tool.service_scopes = SCOPE_LINEITEM_READONLY
    tool.tool.save()
    response = post_score(client, item, token, score(learner))
    assert response.status_code == 403 and not gradebook()


def test_wrong_media_type_is_refused(client, tool, item, learner):
    response = client.post(
        f"/codio/lti/v1/ags/lineitems/{item.pk}/scores",
        score(learner),
        HTTP_AUTHORIZATION=f"Bearer {tool.token(client)}",
    )
    assert response.status_code == 415 and not gradebook()


def test_results(client, tool, item, learner):
    post_score(client, item, tool.token(client), score(learner, 3, 4, comment="c"))
    from codio_xblock.lti1p3.ags import SCOPE_RESULT_READONLY

    token = tool.token(client, scope=SCOPE_RESULT_READONLY)
    response = client.get(
        f"/codio/lti/v1/ags/lineitems/{item.pk}/results", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response["Content-Type"] == "application/vnd.ims.lis.v2.resultcontainer+json"
    [result] = response.json()
    assert (result["userId"], result["resultScore"], result["resultMaximum"]) == (
        learner.sub,
        3.0,
        4.0,
    )
    other = client.get(
        f"/codio/lti/v1/ags/lineitems/{item.pk}/results?user_id=nobody",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert other.json() == []


def test_only_the_scopes_granted_to_the_tool(client, tool):
    """RFC 6749, 3.3: what is not granted is left out of a narrower grant; nothing left is
    ``invalid_scope``."""
    tool.tool.service_scopes = SCOPE_SCORE
    tool.tool.save()
    response = tool.token_response(
        client, scope=f"{SCOPE_SCORE} {SCOPE_LINEITEM_READONLY} https://example.com/unknown"
    )
    assert response.status_code == 200 and response.json()["scope"] == SCOPE_SCORE
    refused = tool.token_response(client, scope=SCOPE_LINEITEM_READONLY)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"


HOSTILE_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    1e308,
    10**400,
    -0.0,
    "",
    "x" * 5000,
    "NaN",
    [],
    [1],
    {},
    {"a": 1},
    "2026-13-45T99:99:99Z",
    "1999-01-01T00:00:00",
    "\u0000",
    "Completed\u0000",
    ["Completed"],
]
RAW_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1" + "0" * 500]


score_at = score


def hostile_bodies(learner, seed=7, count=250):
    """Score bodies a hostile or broken tool could send: every field swapped for values of
    the wrong type, size or meaning, raw NaN/Infinity tokens, deep nesting, junk bytes."""
    import json
    import random

    rng = random.Random(seed)
    earlier = datetime.now(UTC) - timedelta(days=1)  # a valid body conflicts (409): no change

    def score(learner, given, maximum):
        return score_at(learner, given, maximum, when=earlier)

    fields = [
        "userId",
        "scoreGiven",
        "scoreMaximum",
        "activityProgress",
        "gradingProgress",
        "timestamp",
        "comment",
    ]
    for _ in range(count):
        body = score(learner, 5, 10)
        for name in rng.sample(fields, rng.randint(1, 3)):
            body[name] = rng.choice(HOSTILE_VALUES)
        yield json.dumps(body).encode()
    for token in RAW_NUMBERS:
        for name in ("scoreGiven", "scoreMaximum"):
            text = json.dumps({**score(learner, 5, 10), name: "@@"})
            yield text.replace('"@@"', token).encode()
        pending = {**score(learner, None, None), "gradingProgress": "Pending"}
        yield (
            json.dumps({**pending, "scoreGiven": "@@", "scoreMaximum": 10})
            .replace('"@@"', token)
            .encode()
        )
    yield b"[" * 100_000 + b"]" * 100_000
    yield b"\xff\xfe\x00junk"
    yield b'{"userId": ' + b'"a",' * 30_000 + b"}"


def test_fuzzed_scores_get_json_errors_and_change_nothing(client, tool, item, learner):
    token = tool.token(client)
    good = score(learner, 6, 10)
    assert post_score(client, item, token, good).status_code == 200
    stored = AgsScore.objects.values().get()
    client.raise_request_exception = False
    for body in hostile_bodies(learner):
        response = client.post(
            f"/codio/lti/v1/ags/lineitems/{item.pk}/scores",
            body,
            content_type="application/vnd.ims.lis.v1.score+json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code in (400, 409), (response.status_code, body[:200])
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["error"]
        assert AgsScore.objects.values().get() == stored, body[:200]
    assert only_grade().earned == 6


def test_fuzzed_token_requests_never_fail_with_500(client, tool):
    """Hostile token requests: junk assertions, forged headers, huge or odd scopes, wrong
    grant types, repeated parameters."""
    import base64
    import json
    import random

    def b64(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    rng = random.Random(11)
    assertions = [
        "",
        "x",
        "a.b.c",
        "." * 3,
        "\u0000",
        "é" * 10,
        "x" * 20_000,
        f"{b64({'alg': 'none'})}.{b64({'iss': tool.tool.client_id})}.",
        f"{b64({'alg': 'RS256', 'kid': ['x']})}.{b64([])}.sig",
        f"{b64({'alg': 'HS256'})}.{b64({'iss': tool.tool.client_id})}.c2ln",
        f"{b64({'alg': 'RS256'})}.{b64({'iss': {'a': 1}})}.c2ln",
        f"{b64([1, 2])}.{b64('s')}.c2ln",
        tool.assertion(exp=10**20),
        tool.assertion(iat="now"),
        tool.assertion(jti=[1]),
        tool.assertion(aud=["x", {"y": 1}]),
    ]
    scopes = ["", " ", "x" * 5000, "https://purl.imsglobal.org/spec/lti-ags/scope/score\u0000"]
    grants = ["client_credentials", "", "password", "client_credentials\u0000"]
    client.raise_request_exception = False
    for _ in range(150):
        data = {
            "grant_type": rng.choice(grants),
            "client_assertion_type": rng.choice(
                ["urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "", "x"]
            ),
            "client_assertion": rng.choice(assertions),
            "scope": rng.choice(scopes + [SCOPE_SCORE]),
        }
        response = client.post("/codio/lti/v1/token", data)
        assert response.status_code in (400, 401), (response.status_code, data)
        assert response.json()["error"]


def test_a_launch_writes_the_line_item_only_when_the_block_changed(as_user):
    """Issue 15: the unit's line item was locked and rewritten at every learner's launch."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.support import launch_through_xblock

    learner = as_user("learner")
    launch_through_xblock(learner)
    item = LineItem.objects.get(resource_id="hello-python")
    with CaptureQueriesContext(connection) as queries:
        response, _steps = launch_through_xblock(learner)
    assert response.status_code == 200
    touching = [
        q["sql"]
        for q in queries
        if "codio_xblock_lineitem" in q["sql"] and "SELECT" not in q["sql"][:6]
    ]
    assert touching == []
    assert not [q for q in queries if "FOR UPDATE" in q["sql"] and "lineitem" in q["sql"]]

    LineItem.objects.filter(pk=item.pk).update(label="stale", score_maximum=3)
    launch_through_xblock(learner)
    fixed = LineItem.objects.get(pk=item.pk)
    assert (fixed.label, fixed.score_maximum) == ("Hello, Python", item.score_maximum)
    assert item.score_maximum != 3


@pytest.mark.parametrize(
    "timestamp",
    ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "1066-10-14T09:00:00Z"],
)
def test_a_date_at_the_calendars_edge_is_refused_not_a_500(client, tool, item, learner, timestamp):
    """A time zone that moves a date past year 9999 or before year 1 overflowed when the
    database got it in UTC (HTTP 500); dates are taken between 1900 and 9000."""
    response = post_score(
        client, item, tool.token(client), score(learner) | {"timestamp": timestamp}
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert not AgsScore.objects.exists()


@pytest.mark.parametrize("field", ["userId", "comment"])
def test_a_nul_character_is_refused(client, tool, item, learner, field):
    """No database text column takes NUL (PostgreSQL refuses it outright: a 500 there)."""
    body = score(learner) | {
        field: score(learner)[field if field == "userId" else "userId"] + "\x00"
    }
    response = post_score(client, item, tool.token(client), body)
    assert response.status_code == 400 and not AgsScore.objects.exists()
    results = client.get(
        f"/codio/lti/v1/ags/lineitems/{item.pk}/results",
        {"user_id": "a\x00b"},
        HTTP_AUTHORIZATION=f"Bearer {tool.token(client, scope='https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly')}",
    )
    assert results.status_code == 400


def test_a_scope_withdrawn_since_is_insufficient_scope(client, tool, item, learner):
    """RFC 6750, 3.1: the token no longer carries enough scope: 403 insufficient_scope with
    the Bearer challenge."""
    token = tool.token(client)
    tool.tool.service_scopes = SCOPE_LINEITEM_READONLY
    tool.tool.save()
    response = post_score(client, item, token, score(learner))
    assert response.status_code == 403 and response.json()["error"] == "insufficient_scope"
    assert response["WWW-Authenticate"] == 'Bearer error="insufficient_scope"'


def test_the_token_endpoints_invalid_client_has_no_bearer_challenge(client, tool):
    """RFC 6749, 5.2: the client authenticated with an assertion, not an HTTP scheme."""
    response = tool.token_response(client, iss="someone-else")
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert "WWW-Authenticate" not in response


def test_a_put_that_changes_any_field_of_the_blocks_line_item_is_refused(client, tool, item):
    """ADR 0012: the block's own line item is sent back unchanged or refused, every field
    compared (a changed tag was answered 200 with the old document)."""
    from codio_xblock.lti1p3.ags import SCOPE_LINEITEM

    tool.tool.service_scopes = SCOPE_LINEITEM
    tool.tool.save()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tool.token(client, scope=SCOPE_LINEITEM)}"}
    url = f"/codio/lti/v1/ags/lineitems/{item.pk}"
    document = client.get(url, **auth).json()
    same = client.put(url, document, content_type="application/json", **auth)
    assert same.status_code == 200
    for change in (
        {"tag": "bonus"},
        {"resourceId": "other"},
        {"endDateTime": "2030-01-01T00:00:00Z"},
    ):
        refused = client.put(url, document | change, content_type="application/json", **auth)
        assert refused.status_code == 403, change
    item.refresh_from_db()
    assert (item.tag, item.resource_id, item.end_date_time) == ("", "", None)


def test_a_chunked_body_without_length_is_411_not_an_empty_score(client, tool, item, learner):
    """WSGI hands a chunked body without Content-Length to Django empty: say so (RFC 9110,
    15.5.12) rather than "the score must be a JSON object"."""
    response = client.generic(
        "POST",
        f"/codio/lti/v1/ags/lineitems/{item.pk}/scores",
        b"",
        content_type="application/vnd.ims.lis.v1.score+json",
        HTTP_AUTHORIZATION=f"Bearer {tool.token(client)}",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 411 and response.json()["error"] == "length_required"
    assert not AgsScore.objects.exists()
