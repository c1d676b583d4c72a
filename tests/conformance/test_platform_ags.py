"""Platform: Assignment and Grade Services 2.0 (1EdTech's platform certification plan, AGS
section): the token endpoint's grants, the line item service (list with filters and pages,
create, read, update, delete), scores and results, on the blocks' own line items and on the
tool's.

Real HTTP: every request goes over a socket to the live server (the ``http`` client of
tests/conformance/conftest.py, with the test client's interface), the tool's token
requests as form posts (application/x-www-form-urlencoded, RFC 6749 §4.4) as tools send
them. The launches and pages of signed-in people (``live_as_user``, the admin) too: their
sign-in is ``force_login`` (a session in the store, no login page), its cookie on the
wire."""

import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from codio_xblock.lti1p3.ags import (
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READONLY,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
)
from codio_xblock.models import AgsScore, BlockLaunch, LineItem, PlatformSubject, ToolContext
from tests.conformance.conftest import COURSE_ID
from tests.support import gradebook
from tests.test_platform_ags import score

pytestmark = pytest.mark.django_db(transaction=True)  # the gradebook is written on commit


@pytest.fixture
def outbound(live_outbound):
    """The demo's outbound calls (the bridge reading the platform's key set when a learner
    launches it) over sockets too."""
    return live_outbound


MEDIA_LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
MEDIA_CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
MEDIA_SCORE = "application/vnd.ims.lis.v1.score+json"
ALL = f"{SCOPE_LINEITEM}\n{SCOPE_LINEITEM_READONLY}\n{SCOPE_RESULT_READONLY}\n{SCOPE_SCORE}"


@pytest.fixture
def managing(tool):
    """``tool`` granted the full line item service (the operator's per-tool setting)."""
    tool.tool.service_scopes = ALL
    tool.tool.save()
    return tool


@pytest.fixture
def context(tool, line_item):
    return ToolContext.objects.create(tool=tool.tool, course_id=COURSE_ID, label="LTI13")


@pytest.fixture
def learner(line_item):
    subject = PlatformSubject.objects.create(user_key="42")
    BlockLaunch.objects.create(line_item=line_item, user_key="42")
    return subject


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def container_url(context):
    return f"/codio/lti/v1/ags/contexts/{context.pk}/lineitems"


def create(client, context, token, body, content_type=MEDIA_LINEITEM):
    return client.post(
        container_url(context), json.dumps(body), content_type=content_type, **bearer(token)
    )


def put(client, url, token, body):
    return client.put(url, json.dumps(body), content_type=MEDIA_LINEITEM, **bearer(token))


def post_score(client, url, token, body):
    return client.post(f"{url}/scores", json.dumps(body), content_type=MEDIA_SCORE, **bearer(token))


# ---- token endpoint (LTI Security 1.0 §4.1, RFC 6749 §3.3) ----


def test_a_narrower_grant_says_what_it_granted(http, tool):
    """RFC 6749 §3.3 / AGS 2.0 §3.1: a tool that may only read line items and asks for
    ``lineitem`` with ``score`` gets ``lineitem.readonly`` and ``score``."""
    response = tool.token_response(http, scope=f"{SCOPE_SCORE} {SCOPE_LINEITEM}")
    assert response.status_code == 200
    assert response.json()["scope"].split() == [SCOPE_SCORE, SCOPE_LINEITEM_READONLY]


def test_nothing_left_to_grant_is_invalid_scope(http, tool):
    """RFC 6749 §5.2: ``invalid_scope`` only when nothing asked for may be granted."""
    response = tool.token_response(http, scope="https://example.com/scope/unknown")
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


def test_a_token_carrying_a_scope_revoked_since_is_refused(http, managing, context):
    """LTI Security 1.0 §4.1: a token is checked against the tool's grants at every use."""
    token = managing.token(http, SCOPE_LINEITEM)
    managing.tool.service_scopes = f"{SCOPE_LINEITEM_READONLY}\n{SCOPE_SCORE}"
    managing.tool.save()
    client = http
    refused = create(client, context, token, {"label": "Quiz", "scoreMaximum": 5})
    assert refused.status_code == 403
    assert client.get(container_url(context), **bearer(token)).status_code == 403
    assert not LineItem.objects.filter(usage_id__isnull=True).exists()


# ---- line items container (AGS 2.0 §3.2.3, §3.2.4) ----


def test_the_container_lists_the_courses_line_items_with_filters_and_pages(
    http, managing, context, line_item
):
    """AGS 2.0 §3.2.3: GET the container; resource_link_id, resource_id and tag filter it;
    limit pages it, and ``Link: rel="next"`` names the next page with the same filters."""
    client, token = http, managing.token(http, SCOPE_LINEITEM)
    made = [
        create(
            client,
            context,
            token,
            {"label": f"Part {n}", "scoreMaximum": n + 1, "tag": "part", "resourceId": f"r{n}"},
        )
        for n in range(5)
    ]
    assert all(response.status_code == 201 for response in made)
    everything = client.get(container_url(context), **bearer(token))
    assert everything["Content-Type"] == MEDIA_CONTAINER
    assert [item["label"] for item in everything.json()] == ["Unit"] + [
        f"Part {n}" for n in range(5)
    ]
    assert "Link" not in everything

    own = client.get(
        container_url(context), {"resource_link_id": line_item.usage_id}, **bearer(token)
    )
    assert [item["id"] for item in own.json()] == [everything.json()[0]["id"]]
    assert client.get(container_url(context), {"resource_id": "r3"}, **bearer(token)).json()[0][
        "label"
    ] == ("Part 3")

    seen, url, params = [], container_url(context), {"tag": "part", "limit": "2"}
    for _ in range(5):
        page = client.get(url, params, **bearer(token))
        assert page.status_code == 200 and len(page.json()) <= 2
        seen += [item["label"] for item in page.json()]
        link = page.get("Link")
        if not link:
            break
        assert link.endswith('>; rel="next"')
        url, params = link[1 : link.index(">")], {}
        assert "tag=part" in url and "limit=2" in url
    assert seen == [f"Part {n}" for n in range(5)]


def test_a_tool_creates_a_line_item(http, managing, context, line_item):
    """AGS 2.0 §3.2.4: POST a line item; 201 with the line item (its ``id`` the URL it is
    read at) as application/vnd.ims.lis.v2.lineitem+json."""
    client, token = http, managing.token(http, SCOPE_LINEITEM)
    response = create(
        client,
        context,
        token,
        {
            "label": "Challenge",
            "scoreMaximum": 60,
            "resourceLinkId": line_item.usage_id,
            "resourceId": "challenge-1",
            "tag": "bonus",
            "startDateTime": "2026-12-01T00:00:00Z",
            "endDateTime": "2026-12-31T23:59:59+00:00",
            "someExtension": {"ignored": True},
        },
    )
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == MEDIA_LINEITEM
    document = response.json()
    assert document["id"] == response["Location"]
    assert document["resourceLinkId"] == line_item.usage_id
    assert (document["label"], document["scoreMaximum"], document["tag"]) == (
        "Challenge",
        60,
        "bonus",
    )
    assert document["startDateTime"] == "2026-12-01T00:00:00Z"
    read = client.get(document["id"], **bearer(managing.token(client, SCOPE_LINEITEM_READONLY)))
    assert read.status_code == 200 and read.json() == document
    created = LineItem.objects.get(label="Challenge")
    assert created.made_by_tool and created.course_id == COURSE_ID


@pytest.mark.parametrize(
    "body",
    [
        {"scoreMaximum": 10},
        {"label": "   ", "scoreMaximum": 10},
        {"label": "No maximum"},
        {"label": "Zero", "scoreMaximum": 0},
        {"label": "Negative", "scoreMaximum": -1},
        {"label": "Huge", "scoreMaximum": 1e19},
        {"label": "Text", "scoreMaximum": "10"},
        {"label": "Bool", "scoreMaximum": True},
        {"label": 5, "scoreMaximum": 10},
        {"label": "x" * 256, "scoreMaximum": 10},
        {"label": "Dates", "scoreMaximum": 10, "startDateTime": "yesterday"},
        {"label": "Naive", "scoreMaximum": 10, "endDateTime": "2026-12-01T00:00:00"},
        {
            "label": "Backwards",
            "scoreMaximum": 10,
            "startDateTime": "2026-12-02T00:00:00Z",
            "endDateTime": "2026-12-01T00:00:00Z",
        },
        {"label": "Stranger", "scoreMaximum": 10, "resourceLinkId": "block-of-another-course"},
        ["not", "an", "object"],
    ],
)
def test_a_malformed_line_item_is_refused_and_nothing_is_made(http, managing, context, body):
    """AGS 2.0 §3.2.4: ``label`` and a positive ``scoreMaximum`` are required; a
    resourceLinkId must be a link of the context."""
    response = create(http, context, managing.token(http, SCOPE_LINEITEM), body)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_request"
    assert not LineItem.objects.filter(usage_id__isnull=True).exists()


def test_line_items_are_posted_as_json(http, managing, context):
    """AGS 2.0 §3.2.4: the body is application/vnd.ims.lis.v2.lineitem+json."""
    response = create(
        http,
        context,
        managing.token(http, SCOPE_LINEITEM),
        {"label": "Quiz", "scoreMaximum": 5},
        content_type="text/plain",
    )
    assert response.status_code == 415 and not LineItem.objects.filter(label="Quiz").exists()


def test_a_read_only_token_cannot_create(http, tool, context):
    """AGS 2.0 §3.1: creating needs the ``lineitem`` scope."""
    token = tool.token(http, SCOPE_LINEITEM_READONLY)
    response = create(http, context, token, {"label": "Quiz", "scoreMaximum": 5})
    assert response.status_code == 403 and not LineItem.objects.filter(label="Quiz").exists()


def test_another_tools_container_and_line_items_are_refused(http, managing, other_tool, context):
    """LTI Security 1.0 §4.1: a tool reaches only its own courses' services."""
    other_tool.tool.service_scopes = ALL
    other_tool.tool.save()
    client, token = http, other_tool.token(http, SCOPE_LINEITEM)
    assert client.get(container_url(context), **bearer(token)).status_code == 403
    assert create(client, context, token, {"label": "Q", "scoreMaximum": 1}).status_code == 403
    mine = create(
        client, context, managing.token(client, SCOPE_LINEITEM), {"label": "M", "scoreMaximum": 1}
    ).json()
    assert client.delete(mine["id"], **bearer(token)).status_code == 403
    assert LineItem.objects.filter(label="M").exists()


def test_the_container_pages_are_bounded(http, managing, context):
    """AGS 2.0 §3.2.3: ``limit`` is a positive whole number (ASCII digits); others are a
    clear 400."""
    client, token = http, managing.token(http, SCOPE_LINEITEM)
    for limit in ("0", "-1", "²", "abc", "1.5"):
        response = client.get(container_url(context), {"limit": limit}, **bearer(token))
        assert response.status_code == 400, limit


def test_a_tool_may_make_only_so_many_line_items(http, managing, context, settings):
    """The operator's bound on a tool's line items per course (MAX_TOOL_LINE_ITEMS_PER_COURSE)."""
    settings.CODIO_XBLOCK = {**settings.CODIO_XBLOCK, "MAX_TOOL_LINE_ITEMS_PER_COURSE": 2}
    client, token = http, managing.token(http, SCOPE_LINEITEM)
    codes = [
        create(client, context, token, {"label": f"L{n}", "scoreMaximum": 1}).status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 400]


# ---- one line item (AGS 2.0 §3.2.7 - §3.2.9) ----


def test_a_tool_updates_and_deletes_its_line_item_with_its_scores(http, managing, context, learner):
    """AGS 2.0 §3.2.8 (PUT replaces) and §3.2.9 (DELETE, with its results)."""
    client, token = http, managing.token(http, SCOPE_LINEITEM)
    url = create(client, context, token, {"label": "Draft", "scoreMaximum": 5}).json()["id"]
    updated = put(client, url, token, {"label": "Final", "scoreMaximum": 20, "tag": "t"})
    assert updated.status_code == 200 and updated["Content-Type"] == MEDIA_LINEITEM
    assert (updated.json()["label"], updated.json()["scoreMaximum"]) == ("Final", 20)
    assert client.get(url, **bearer(token)).json() == updated.json()
    scored = post_score(client, url, managing.token(client, SCOPE_SCORE), score(learner, 9, 20))
    assert scored.status_code == 200
    assert AgsScore.objects.filter(line_item__label="Final").count() == 1
    assert client.delete(url, **bearer(token)).status_code == 204
    assert client.get(url, **bearer(token)).status_code == 403  # gone: no longer the tool's
    assert not LineItem.objects.filter(label="Final").exists()
    assert not AgsScore.objects.filter(line_item__label="Final").exists()


def test_the_blocks_own_line_item_is_never_changed_or_deleted_by_the_tool(
    http, managing, context, line_item
):
    """AGS 2.0 §3.2.8-3.2.9: a platform may refuse; the block's own line item is the unit's
    gradebook column, set by the course team (ADR 0012)."""
    client, token = http, managing.token(http, SCOPE_LINEITEM)
    url = f"http://codio.test/codio/lti/v1/ags/lineitems/{line_item.pk}"
    same = put(client, url, token, {"label": "Unit", "scoreMaximum": 10})
    assert same.status_code == 200
    changed = put(client, url, token, {"label": "Renamed", "scoreMaximum": 100})
    assert changed.status_code == 403
    assert client.delete(url, **bearer(token)).status_code == 403
    line_item.refresh_from_db()
    assert (line_item.label, line_item.score_maximum) == ("Unit", 10)


def test_other_methods_are_not_allowed(http, managing, line_item):
    """HTTP 405 with Allow, for a method the service does not have."""
    client, token = http, managing.token(http, SCOPE_LINEITEM)
    response = client.patch(
        f"/codio/lti/v1/ags/lineitems/{line_item.pk}",
        "{}",
        content_type=MEDIA_LINEITEM,
        **bearer(token),
    )
    assert response.status_code == 405 and "PUT" in response["Allow"]


# ---- scores and results on the tool's line items (AGS 2.0 §3.3, §3.4) ----


def test_scores_on_the_tools_line_item_are_kept_and_never_reach_the_gradebook(
    http, managing, context, learner
):
    """ADR 0012: the tool's line items hold scores and results for the tool; Open edX's
    gradebook has one graded score per block, its own line item's."""
    client = http
    url = create(
        client, context, managing.token(client, SCOPE_LINEITEM), {"label": "X", "scoreMaximum": 4}
    ).json()["id"]
    assert (
        post_score(
            client, url, managing.token(client, SCOPE_SCORE), score(learner, 3, 4)
        ).status_code
        == 200
    )
    assert gradebook() == []
    results = client.get(f"{url}/results", **bearer(managing.token(client, SCOPE_RESULT_READONLY)))
    [result] = results.json()
    assert (result["userId"], result["resultScore"], result["resultMaximum"]) == (
        learner.sub,
        3,
        4,
    )
    stranger = score(learner)
    stranger["userId"] = "not-launched"
    assert post_score(client, url, managing.token(client, SCOPE_SCORE), stranger).status_code == 400


def test_results_are_paged(http, managing, context, learner, line_item):
    """AGS 2.0 §3.3.4: ``limit`` and ``Link: rel="next"``."""
    client = http
    for user_key in ("43", "44"):
        PlatformSubject.objects.create(user_key=user_key)
        BlockLaunch.objects.create(line_item=line_item, user_key=user_key)
    token = managing.token(client, SCOPE_SCORE)
    url = f"http://codio.test/codio/lti/v1/ags/lineitems/{line_item.pk}"
    for subject in PlatformSubject.objects.all():
        body = score(learner, 1, 10)
        body["userId"] = subject.sub
        assert post_score(client, url, token, body).status_code == 200
    reader = bearer(managing.token(client, SCOPE_RESULT_READONLY))
    first = client.get(f"{url}/results", {"limit": "2"}, **reader)
    assert len(first.json()) == 2 and first["Link"].endswith('rel="next"')
    rest = client.get(first["Link"][1 : first["Link"].index(">")], **reader)
    assert len(rest.json()) == 1 and "Link" not in rest
    ids = {r["userId"] for r in first.json() + rest.json()}
    assert ids == set(PlatformSubject.objects.values_list("sub", flat=True))


def test_a_replaced_score_is_a_new_score(http, tool, line_item, learner):
    """AGS 2.0 §3.4: a newer score replaces the stored one; everything describing the
    latest score changes with it, its time of receipt included."""
    client, token = http, tool.token(http, SCOPE_SCORE)
    url = f"http://codio.test/codio/lti/v1/ags/lineitems/{line_item.pk}"
    first_time = datetime.now(UTC) - timedelta(minutes=5)
    assert post_score(client, url, token, score(learner, 2, 10, when=first_time)).status_code == 200
    stored = AgsScore.objects.get()
    AgsScore.objects.filter(pk=stored.pk).update(received=first_time)
    newer = score(learner, 9, 10, when=first_time + timedelta(minutes=1))
    newer["comment"] = "Better"
    assert post_score(client, url, token, newer).status_code == 200
    stored.refresh_from_db()
    assert (stored.score_given, stored.comment) == (9, "Better")
    assert stored.timestamp == first_time + timedelta(minutes=1)
    assert stored.received > first_time + timedelta(minutes=4)
    assert stored.published is not None and stored.published >= stored.received


def test_the_launch_names_the_container_and_grants_only_what_the_tool_may(live_as_user, course):
    """AGS 2.0 §3.1: the endpoint claim's ``lineitems`` is the course's container and its
    ``scope`` what the tool is granted and the platform implements."""
    from tests.support import form_fields, launch_through_xblock

    course.service_scopes = ALL
    course.save()
    _, steps = launch_through_xblock(live_as_user("learner"))
    _, fields = form_fields(steps["auth"].content.decode())
    claims = jwt.decode(fields["id_token"], options={"verify_signature": False})
    endpoint = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert endpoint["scope"] == [
        SCOPE_LINEITEM,
        SCOPE_LINEITEM_READONLY,
        SCOPE_RESULT_READONLY,
        SCOPE_SCORE,
    ]
    context = ToolContext.objects.get(tool=course)
    assert endpoint["lineitems"] == (
        f"http://codio.test/codio/lti/v1/ags/contexts/{context.pk}/lineitems"
    )


def test_staff_see_the_tools_line_items_beside_the_gradebook(live_as_user, users, course):
    """ADR 0012: the demo LMS's staff gradebook lists the line items tools made, with their
    scores, apart from the course grade (which they never change)."""
    from codio_xblock import conf as xblock_conf

    course_id = xblock_conf.get("STANDALONE_COURSE")["id"]
    item = LineItem.objects.create(
        tool=course,
        usage_id=None,
        course_id=course_id,
        label="Speed run",
        score_maximum=5,
        tag="bonus",
    )
    learner = users["learner"]
    AgsScore.objects.create(
        line_item=item,
        user_key=str(learner.pk),
        score_given=4,
        score_maximum=5,
        activity_progress="Completed",
        grading_progress="FullyGraded",
        timestamp=datetime.now(UTC),
    )
    page = live_as_user("instructor").get("/gradebook/").content.decode()
    assert 'data-testid="tool-line-items"' in page
    assert "Speed run" in page and "4 / 5" in page and "bonus" in page
    assert 'data-testid="gradebook-empty"' in page  # no course grade from it


def test_the_operator_grants_the_line_item_service_per_tool(http, tool, admin_user):
    """Who may get ``lineitem``: the tool registration's service scopes, documented where
    the operator registers the tool; the default does not grant it, and a scope this
    platform does not offer is refused there."""
    from django.core.exceptions import ValidationError

    assert SCOPE_LINEITEM not in tool.tool.scope_list()
    assert SCOPE_LINEITEM_READONLY in tool.tool.scope_list()
    admin = http.force_login(admin_user)
    page = admin.get(f"/admin/codio_xblock/toolregistration/{tool.tool.pk}/change/")
    assert page.status_code == 200
    assert "scope/lineitem) to let it create" in page.content.decode()
    assert f"Offered: {SCOPE_LINEITEM}, " in page.content.decode()
    tool.tool.service_scopes = f"{SCOPE_SCORE}\nhttps://example.com/scope/everything"
    with pytest.raises(ValidationError) as refused:
        tool.tool.full_clean()
    assert "service_scopes" in refused.value.message_dict
