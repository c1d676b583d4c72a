"""An unmodified third-party AGS client against the platform over real HTTP: ltijs's Grade
service (Node; tests/node/ags_grades.js drives its own methods) creates, lists, updates and
deletes line items, submits a score without ``scoreMaximum`` (ltijs then asks for score +
lineitem and reads the line item's maximum) and reads results, against a live server."""

import json
import subprocess

import pytest

from codio_xblock.lti1p3.ags import (
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READONLY,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
)
from codio_xblock.models import AgsScore, BlockLaunch, LineItem, PlatformSubject, ToolContext
from lti_bridge.protocol import keys
from tests.support import gradebook
from tests.test_nrps_clients import NODE_PROJECT, ltijs  # noqa: F401 (the fixture)
from tests.test_platform_ags import ScriptedTool, workbench_blocks

pytestmark = pytest.mark.django_db(transaction=True)
COURSE_ID = "course-v1:Demo+CS101+2026"


@pytest.fixture
def world(live_server, settings):
    settings.CODIO_XBLOCK = {**settings.CODIO_XBLOCK, "PLATFORM_ISSUER": live_server.url}
    tool = ScriptedTool("ltijs-grades")
    block = workbench_blocks()[0]
    item = LineItem.objects.create(
        tool=tool.tool, usage_id=block, course_id=COURSE_ID, label="Unit", score_maximum=10
    )
    context = ToolContext.objects.create(tool=tool.tool, course_id=COURSE_ID)
    learner = PlatformSubject.objects.create(user_key="42")
    BlockLaunch.objects.create(line_item=item, user_key="42")
    config = {
        "issuer": live_server.url,
        "clientId": tool.tool.client_id,
        "tokenUrl": live_server.url + "/codio/lti/v1/token",
        "privateKey": tool.pem,
        "kid": keys.kid_for(tool.pem),
        "lineitems": f"{live_server.url}/codio/lti/v1/ags/contexts/{context.pk}/lineitems",
        "rlid": block,
        "user": learner.sub,
    }
    return tool, item, config, live_server.url


def grade(node, config, op, *args, ok=True):
    result = subprocess.run(
        [node, str(NODE_PROJECT / "ags_grades.js")],
        input=json.dumps({**config, "op": op, "args": list(args)}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    if ok:
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)
    assert result.returncode == 1, result.stdout
    return json.loads(result.stderr)


def grant(tool, *scopes):
    tool.tool.service_scopes = "\n".join(scopes)
    tool.tool.save()


def test_a_score_without_score_maximum_with_a_read_only_grant(ltijs, world):  # noqa: F811
    """ltijs asks for score + lineitem; a tool that may only read line items is granted
    lineitem.readonly (RFC 6749, 3.3), reads the maximum and the score reaches the
    gradebook."""
    tool, item, config, base = world
    line_item_url = f"{base}/codio/lti/v1/ags/lineitems/{item.pk}"
    answer = grade(
        ltijs,
        config,
        "submitScore",
        line_item_url,
        {"scoreGiven": 7, "activityProgress": "Completed", "gradingProgress": "FullyGraded"},
    )
    assert answer["result"]["scoreMaximum"] == 10
    [token] = answer["tokens"]
    assert token["asked"].split() == [SCOPE_SCORE, SCOPE_LINEITEM]
    assert token["granted"].split() == [SCOPE_SCORE, SCOPE_LINEITEM_READONLY]
    stored = AgsScore.objects.get()
    assert (stored.score_given, stored.score_maximum) == (7, 10)
    [row] = gradebook()
    assert (row.earned, row.possible) == (7, 10)


def test_line_items_created_updated_and_deleted_by_ltijs(ltijs, world):  # noqa: F811
    tool, item, config, _ = world
    grant(tool, SCOPE_LINEITEM, SCOPE_RESULT_READONLY, SCOPE_SCORE)
    created = grade(
        ltijs,
        config,
        "createLineItem",
        {"label": "Bonus challenge", "scoreMaximum": 50, "tag": "bonus"},
        {"resourceLinkId": True},
    )["result"]
    assert created["resourceLinkId"] == config["rlid"] and created["scoreMaximum"] == 50
    listed = grade(ltijs, config, "getLineItems", {"tag": "bonus"})["result"]
    assert [i["id"] for i in listed["lineItems"]] == [created["id"]]
    both = grade(ltijs, config, "getLineItems", {"resourceLinkId": True})["result"]
    assert {i["label"] for i in both["lineItems"]} == {"Unit", "Bonus challenge"}

    updated = grade(
        ltijs,
        config,
        "updateLineItemById",
        created["id"],
        {"label": "Bonus", "scoreMaximum": 40, "resourceLinkId": config["rlid"]},
    )["result"]
    assert (updated["label"], updated["scoreMaximum"]) == ("Bonus", 40)
    scored = grade(
        ltijs,
        config,
        "submitScore",
        created["id"],
        {"scoreGiven": 30, "activityProgress": "Completed", "gradingProgress": "FullyGraded"},
    )
    assert scored["result"]["scoreMaximum"] == 40  # read from the updated line item
    results = grade(ltijs, config, "getScores", created["id"])["result"]
    assert [(r["resultScore"], r["resultMaximum"]) for r in results["scores"]] == [(30, 40)]
    assert gradebook() == []  # the tool's line item is not the block's grade (ADR 0012)

    grade(ltijs, config, "deleteLineItemById", created["id"])
    assert not LineItem.objects.filter(label="Bonus").exists()
    own = f"{config['issuer']}/codio/lti/v1/ags/lineitems/{item.pk}"
    refused = grade(ltijs, config, "deleteLineItemById", own, ok=False)
    assert refused["status"] == 403
    assert LineItem.objects.filter(pk=item.pk).exists()


def test_a_tool_not_granted_the_line_item_service_cannot_create(ltijs, world):  # noqa: F811
    """The default grant (lineitem.readonly): ltijs's createLineItem asks for lineitem, is
    granted lineitem.readonly and the platform refuses the POST with 403."""
    tool, item, config, _ = world
    refused = grade(ltijs, config, "createLineItem", {"label": "Nope", "scoreMaximum": 5}, ok=False)
    assert refused["status"] == 403
    assert refused["tokens"][0]["granted"] == SCOPE_LINEITEM_READONLY
    assert not LineItem.objects.filter(label="Nope").exists()
