"""Tool: Assignment and Grade Services 2.0 (1EdTech's tool certification plan, AGS section):
the bridge posts a learner's released grade to the platform that launched it.

Both sides are real: the demo course's platform (``codio_xblock``) launches the bridge,
and the bridge's token request and score posts reach the platform's token and AGS
endpoints over real HTTP (sockets to the live server that serves the demo at
``http://codio.test``: ``outbound`` is conftest's ``live_outbound`` here, which records
what the bridge sent), which verify them as they would any tool's; the platform reads the
bridge's key set over a socket too. Faults are injected on the platform's side
(tests/faults.py, in the live server), not mocked.

The browsers (the launches through the XBlock, the learner's work, the teacher's grading
and release) stay on Django's test client: what these cases check is what the bridge
sends out, and those requests are the ones on sockets.
"""

import json
from datetime import datetime
from urllib.parse import parse_qs

import jwt
import pytest
from django.utils import timezone

from lti_bridge.models import GradeDelivery, ResourceLink, Work
from lti_bridge.tasks import deliver_due_grades
from tests.faults import PLAN
from tests.support import launch_through_xblock, only_grade

pytestmark = pytest.mark.django_db(transaction=True)  # deliveries start on commit

MEDIA_SCORE = "application/vnd.ims.lis.v1.score+json"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


@pytest.fixture
def outbound(live_outbound):
    """The bridge's outbound calls (token, scores, roster, the platform's key set) and the
    platform's (the bridge's key set, to verify its client assertion) over sockets to the
    live server, recorded but for the key set fetches (conftest.live_outbound)."""
    return live_outbound


@pytest.fixture
def platform_http(course):
    """Faults armed by a test are gone after it."""
    PLAN.reset()
    yield
    PLAN.reset()


@pytest.fixture
def graded(as_user, platform_http, outbound):
    """Ada's completed work, graded 80/100 by the instructor (not yet released)."""
    learner = as_user("learner")
    launch_through_xblock(learner)
    link = ResourceLink.objects.get()
    learner.post(f"/lti-bridge/units/{link.pk}/work/", {"answer": "x", "action": "complete"})
    work = Work.objects.get()
    teacher = as_user("instructor")
    launch_through_xblock(teacher)
    url = f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/grade/"
    assert teacher.post(url, {"points": "80", "comment": "Good"}).status_code == 302
    return teacher, link


def release(teacher, link):
    assert teacher.post(f"/lti-bridge/units/{link.pk}/release/").status_code == 302
    return GradeDelivery.objects.order_by("-pk").first()


def score_token_requests(outbound):
    """The token requests for the score scope (a teacher's launch also reads the roster,
    with a token of its own scope)."""
    found = []
    for request in outbound.requests:
        if request.url.endswith("/lti/v1/token"):
            form = {k: v[0] for k, v in parse_qs(request.body).items()}
            if SCOPE_SCORE in form.get("scope", "").split():
                found.append(form)
    return found


def score_posts(outbound):
    return [r for r in outbound.requests if r.url.endswith("/scores")]


def test_the_token_request(graded, outbound):
    """LTI Security 1.0 §4.1 and AGS 2.0 §3.1: client_credentials with a signed JWT client
    assertion (RFC 7523: iss = sub = client id, aud the token URL, exp, iat, jti) asking
    for the score scope."""
    release(*graded)
    (form,) = score_token_requests(outbound)
    assert form["grant_type"] == "client_credentials"
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    claims = jwt.decode(form["client_assertion"], options={"verify_signature": False})
    assert claims["iss"] == claims["sub"]
    assert claims["aud"] in (
        "http://codio.test/codio/lti/v1/token",
        ["http://codio.test/codio/lti/v1/token"],
    )
    assert claims["exp"] > claims["iat"] and claims["jti"]
    header = jwt.get_unverified_header(form["client_assertion"])
    assert header["alg"] == "RS256" and header["kid"]


def test_the_score_uses_the_launch_line_item_and_its_document_fields(graded, outbound):
    """AGS 2.0 §3.4 (score publish service): POSTed to ``{lineitem}/scores`` of the launch's
    endpoint claim, as application/vnd.ims.lis.v1.score+json, with userId (the launch's
    sub), scoreGiven, scoreMaximum, activityProgress Completed, gradingProgress
    FullyGraded, timestamp (ISO 8601 with offset), and a comment."""
    teacher, link = graded
    delivery = release(teacher, link)
    assert delivery.state == "sent", delivery.last_error
    (post,) = score_posts(outbound)
    assert post.url == link.lineitem_url + "/scores"
    assert post.headers["Content-Type"].split(";")[0] == MEDIA_SCORE
    assert post.headers["Authorization"].startswith("Bearer ")
    score = json.loads(post.body)
    assert (
        score["userId"]
        == link.classroom.memberships.get(account__name="Ada Lovelace").account.links.get().sub
    )
    assert (score["scoreGiven"], score["scoreMaximum"]) == (80.0, 100.0)
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    assert datetime.fromisoformat(score["timestamp"].replace("Z", "+00:00")).tzinfo
    assert score["comment"]
    assert (only_grade().earned, only_grade().possible) == (80.0, 100.0)


def test_a_server_error_is_retried_until_the_score_is_taken(graded, outbound):
    """AGS 2.0 §3.4 with RFC 9110 §15.6: a 5xx (and 429) is a temporary failure; the tool
    tries again later and the platform ends with the one score."""
    PLAN.add("/scores", 1, status=503)
    delivery = release(*graded)
    delivery.refresh_from_db()
    assert delivery.state == "retrying" and "503" in delivery.last_error
    GradeDelivery.objects.update(next_attempt_at=timezone.now())
    deliver_due_grades()
    assert GradeDelivery.objects.get().state == "sent"
    assert only_grade().earned == 80.0
    assert len(score_posts(outbound)) == 2


def test_one_token_for_many_scores(as_user, platform_http, outbound, graded):
    """RFC 6749 §4.4 and LTI Security 1.0 §4.1: an access token is reused until it expires,
    not asked for per score."""
    teacher, link = graded
    release(teacher, link)
    learner2 = as_user("learner2")
    launch_through_xblock(learner2)
    learner2.post(f"/lti-bridge/units/{link.pk}/work/", {"answer": "y", "action": "complete"})
    work = Work.objects.get(account__name="Alan Turing")
    url = f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/grade/"
    teacher.post(url, {"points": "50", "comment": "ok"})
    release(teacher, link)
    assert len(score_posts(outbound)) == 2 and len(score_token_requests(outbound)) == 1
