"""The bridge as a standalone tool for the LMSs people use (issue 11, item 5): a launch
shaped as each really sends it (tests/lms_fixtures.py) signs in a learner and a teacher,
and the teacher's released grade reaches that LMS's AGS endpoint with its token flow."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses

from lti_bridge.flows import grading
from lti_bridge.flows import work as work_flow
from lti_bridge.models import (
    Account,
    ClassMembership,
    Classroom,
    Deployment,
    GradeDelivery,
    Work,
)
from tests import factories
from tests.lms_fixtures import LMS, launch_claims

pytestmark = [pytest.mark.bridge_alone, pytest.mark.django_db(transaction=True)]

TARGET = "http://codio.test/lti-bridge/lti/launch"
ADA = {"name": "Ada Lovelace", "given": "Ada", "family": "Lovelace", "email": "ada@example.edu"}
GRACE = {"name": "Grace Hopper", "given": "Grace", "family": "Hopper", "email": "gh@example.edu"}


@pytest.fixture
def lms_platform(request):
    name = request.param
    entry = LMS[name]
    fields = dict(entry["registration"])
    platform = factories.organization_with_lms(
        "University",
        "uni",
        name=name,
        issuer=fields.pop("issuer"),
        client_id=fields.pop("client_id"),
        **{k: v for k, v in fields.items() if k != "auth_login_url"},
    )
    registration = platform.registration
    registration.auth_login_url = entry["registration"]["auth_login_url"]
    registration.save()
    Deployment.objects.create(registration=registration, deployment_id=entry["deployment_id"])
    return name, platform


def launch(name, platform, *, sub, roles, person, edit=None):
    """A launch of ``name`` (``edit`` may change its claims before they are signed)."""
    login = platform.login(target=TARGET)
    assert login.status_code == 302, login.content[:300]
    location = urlsplit(login["Location"])
    assert (
        f"{location.scheme}://{location.netloc}{location.path}"
        == (LMS[name]["registration"]["auth_login_url"])
    )
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    claims = launch_claims(
        name,
        sub=sub,
        roles=roles,
        nonce=params["nonce"],
        target=TARGET,
        now=int(time.time()),
        person=person,
    )
    if edit is not None:
        edit(claims)
    return platform.launch(platform.sign(claims), params["state"])


@pytest.mark.parametrize("lms_platform", list(LMS), indirect=True)
@responses.activate
def test_launch_and_grade_delivery(lms_platform):
    name, platform = lms_platform
    entry = LMS[name]
    registration = entry["registration"]

    learner_page = launch(
        name, platform, sub=entry["sub"], roles=entry["learner_roles"], person=ADA
    )
    assert learner_page.status_code == 200, learner_page.content.decode()[-600:]
    assert 'data-testid="unit-title"' in learner_page.content.decode()
    teacher_page = launch(
        name, platform, sub=entry["sub"] + "-t", roles=entry["instructor_roles"], person=GRACE
    )
    assert teacher_page.status_code == 200, teacher_page.content.decode()[-600:]
    assert 'data-testid="teacher-view"' in teacher_page.content.decode()

    classroom = Classroom.objects.get()
    assert (
        classroom.context_id
        == entry["claims"]["https://purl.imsglobal.org/spec/lti/claim/context"]["id"]
    )
    roles = dict(ClassMembership.objects.values_list("account__email", "role"))
    assert roles == {"ada@example.edu": "student", "gh@example.edu": "teacher"}

    responses.post(
        registration["auth_token_url"],
        json={"access_token": "at-1", "token_type": "Bearer", "expires_in": 3600},
    )
    scores_url = urlsplit(entry["lineitem"])
    responses.post(
        f"{scores_url.scheme}://{scores_url.netloc}{scores_url.path}/scores", json={}, status=200
    )
    work = Work.objects.get(account__email="ada@example.edu")
    teacher = Account.objects.get(email="gh@example.edu")
    work_flow.mark_complete(work, "print('Hello, world!')")
    grading.grade(work, "80", "Nice", teacher)
    grading.release(work.resource_link)

    delivery = GradeDelivery.objects.get()
    assert delivery.state == "sent", delivery.last_error
    # The first launch also asked for the course's roster (NRPS), before these were mocked:
    # the calls that matter are the score and the token request just before it.
    calls = list(responses.calls)
    score_at = next(
        i for i, c in enumerate(calls) if c.request.url.split("?")[0].endswith("/scores")
    )
    score_call = calls[score_at]
    token_call = next(
        c for c in reversed(calls[:score_at]) if c.request.url == registration["auth_token_url"]
    )
    form = parse_qs(token_call.request.body)
    assertion = jwt.decode(form["client_assertion"][0], options={"verify_signature": False})
    assert assertion["aud"] == registration.get("auth_audience", registration["auth_token_url"])
    assert assertion["iss"] == registration["client_id"]
    sent = urlsplit(score_call.request.url)
    assert sent.path == scores_url.path + "/scores" and sent.query == scores_url.query
    assert score_call.request.headers["Authorization"] == "Bearer at-1"
    assert score_call.request.headers["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
    body = json.loads(score_call.request.body)
    assert body["userId"] == entry["sub"]
    assert (body["scoreGiven"], body["scoreMaximum"]) == (80.0, 100.0)
    assert (body["activityProgress"], body["gradingProgress"]) == ("Completed", "FullyGraded")


def _member(name, sub, roles, email, extra):
    """A member as that LMS lists it: its own extra fields (pictures, legacy ids, sourcedids)."""
    given, _, family = name.partition(" ")
    return {
        "status": "Active",
        "name": name,
        "given_name": given,
        "family_name": family,
        "email": email,
        "user_id": sub,
        "roles": roles,
        **extra,
    }


# What each LMS adds to a member (their NRPS responses), and how it pages.
ROSTER_EXTRAS = {
    "moodle": {"picture": "https://moodle.example.edu/pluginfile.php/5/user/icon/f1"},
    "canvas": {
        "picture": "https://canvas.instructure.com/images/messages/avatar-50.png",
        "lis_person_sourcedid": "S123",
        "lti11_legacy_user_id": "535fa085f22b4655f48cd5a36a9215f64c062838",
    },
    "blackboard": {"lis_person_sourcedid": "bb-ada"},
    "brightspace": {"lis_person_sourcedid": None},
    "sakai": {"lis_person_sourcedid": "ada"},
    "schoology": {"picture": None},
}


@pytest.mark.parametrize("lms_platform", list(LMS), indirect=True)
@responses.activate
def test_roster_from_the_lms(lms_platform):
    """The teacher's launch brings the LMS's membership service; its roster, shaped as that
    LMS sends it (Canvas pages with a Link header naming next, first and last), makes the
    learner who never launched a member of the class."""
    from lti_bridge.flows import roster

    name, platform = lms_platform
    entry = LMS[name]
    registration = entry["registration"]
    url = entry["claims"]["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"][
        "context_memberships_url"
    ]
    responses.post(
        registration["auth_token_url"],
        json={"access_token": "at-1", "token_type": "Bearer", "expires_in": 3600},
    )
    context_id = entry["claims"]["https://purl.imsglobal.org/spec/lti/claim/context"]["id"]
    learner_roles, teacher_roles = entry["learner_roles"], entry["instructor_roles"]
    page_two = url + ("&" if "?" in url else "?") + "page=2"
    responses.get(
        url,
        json={
            "id": url,
            "context": {"id": context_id, "label": "C", "title": "Course"},
            "members": [
                _member("Grace Hopper", entry["sub"] + "-t", teacher_roles, GRACE["email"], {}),
                _member("Ada Lovelace", entry["sub"], learner_roles, ADA["email"], {}),
            ],
        },
        headers={
            "Link": f'<{page_two}>; rel="next", <{url}>; rel="first", <{page_two}>; rel="last"'
        },
        match=[responses.matchers.query_param_matcher({"limit": "500"}, strict_match=False)],
    )
    responses.get(
        page_two,
        json={
            "id": page_two,
            "context": {"id": context_id},
            "members": [
                _member(
                    "Alan Turing",
                    "never-launched",
                    learner_roles,
                    "at@example.edu",
                    ROSTER_EXTRAS[name],
                ),
            ],
        },
        match=[responses.matchers.query_param_matcher({"page": "2"}, strict_match=False)],
    )
    teacher_page = launch(
        name, platform, sub=entry["sub"] + "-t", roles=teacher_roles, person=GRACE
    )
    assert teacher_page.status_code == 200, teacher_page.content.decode()[-600:]
    classroom = Classroom.objects.get()
    assert classroom.memberships_url == url
    sync = classroom.roster_syncs.get()  # asked for at the first launch, read on commit
    assert sync.state == "done", sync.error
    assert (sync.members, sync.added) == (3, 2)
    roles = dict(ClassMembership.objects.values_list("account__email", "role"))
    assert roles == {
        "gh@example.edu": "teacher",
        "ada@example.edu": "student",
        "at@example.edu": "student",
    }
    assert roster.is_stale(classroom, classroom.roster_requested_at) is False
