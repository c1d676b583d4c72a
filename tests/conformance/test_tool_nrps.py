"""Tool: Names and Role Provisioning Services 2.0 (1EdTech's tool certification plan, NRPS
section): the bridge reads a course's roster from the platform that launched it.

Both sides are real: the demo course's platform (``codio_xblock``) launches the bridge, and
the bridge's outbound HTTP (its token request and the roster pages, following the ``Link``
headers) reaches the platform's endpoints over real HTTP: sockets to the live server that
serves the demo at ``http://codio.test`` (``outbound`` is conftest's ``live_outbound``
here, which records what the bridge sent); the platform reads the bridge's key set over a
socket too. The browsers (the launches through the XBlock, the teacher's "sync" form) stay
on Django's test client: what these cases check is what the bridge sends out.
"""

from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from lti_bridge.models import Account, ClassMembership, Classroom, RosterSync
from tests.support import launch_through_xblock

pytestmark = pytest.mark.django_db(transaction=True)  # syncs are queued on commit


@pytest.fixture
def outbound(live_outbound):
    """The bridge's outbound calls (token, roster pages, the platform's key set) and the
    platform's (the bridge's key set) over sockets to the live server, recorded but for the
    key set fetches (conftest.live_outbound)."""
    return live_outbound


MEDIA = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def teacher_opens_the_unit(as_user):
    client = as_user("instructor")
    response, _steps = launch_through_xblock(client)
    assert response.status_code == 200, response.content.decode()[-400:]
    return client


def roster_requests(outbound):
    return [r for r in outbound.requests if "/nrps/" in r.url]


def test_the_roster_is_read_with_a_token_of_the_membership_scope(course, as_user, outbound):
    """NRPS 2.0 §3.6.1.2 and LTI Security 1.0 §4.1: the tool asks the platform's token
    endpoint for the contextmembership.readonly scope with a signed client assertion
    (RFC 7523) and reads the container with ``Accept`` its media type (NRPS 2.0 §2.1)."""
    teacher_opens_the_unit(as_user)
    (sync,) = RosterSync.objects.all()
    assert sync.state == "done", sync.error
    token_requests = [r for r in outbound.requests if r.url.endswith("/codio/lti/v1/token")]
    assert token_requests
    form = {k: v[0] for k, v in parse_qs(token_requests[0].body).items()}
    assert form["grant_type"] == "client_credentials"
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assert SCOPE in form["scope"].split()
    assertion = jwt.decode(form["client_assertion"], options={"verify_signature": False})
    assert assertion["iss"] == assertion["sub"] and assertion["aud"] and assertion["jti"]
    pages = roster_requests(outbound)
    assert pages and all(r.headers["Accept"] == MEDIA for r in pages)
    assert all(r.headers["Authorization"].startswith("Bearer ") for r in pages)


def test_every_page_is_followed_by_its_next_link(course, as_user, users, outbound, settings):
    """NRPS 2.0 §2.4.2: the tool asks for pages (``limit``) and follows ``Link: rel="next"``
    until the last; every member of the course is in the class."""
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "ROSTER_PAGE_LIMIT": 2}
    teacher_opens_the_unit(as_user)
    (sync,) = RosterSync.objects.all()
    assert sync.state == "done" and sync.members == len(users), sync.error
    pages = roster_requests(outbound)
    assert len(pages) == -(-len(users) // 2)  # ceil: one request per page of two
    assert parse_qs(urlsplit(pages[0].url).query)["limit"] == ["2"]
    assert all("cursor=" in urlsplit(r.url).query for r in pages[1:])
    assert ClassMembership.objects.filter(active=True).count() == len(users)


def test_differences_a_member_who_leaves_becomes_inactive(course, as_user, users, outbound):
    """NRPS 2.0 §2.2 (status Inactive) and §2.4.3 (differences between reads): a member the
    platform lists as Inactive, or no longer lists, is an inactive member of the class, with
    their account kept; listed again Active, they are back."""
    teacher = teacher_opens_the_unit(as_user)
    classroom = Classroom.objects.get()
    users["learner2"].is_active = False
    users["learner2"].save()
    assert teacher.post(f"/lti-bridge/classes/{classroom.pk}/roster/sync/").status_code == 302
    sync = RosterSync.objects.order_by("-pk").first()
    assert (sync.state, sync.left) == ("done", 1), sync.error
    turing = ClassMembership.objects.get(account__name="Alan Turing")
    assert turing.active is False and Account.objects.filter(name="Alan Turing").exists()

    users["learner2"].is_active = True
    users["learner2"].save()
    assert teacher.post(f"/lti-bridge/classes/{classroom.pk}/roster/sync/").status_code == 302
    turing.refresh_from_db()
    assert turing.active is True


def test_roles_of_the_roster_follow_the_launch_role_table(course, as_user, outbound):
    """NRPS 2.0 §2.2 (members' context roles, LTI Core 1.3 §5.3.7 vocabulary): the class role
    of a member is the one a launch with the same roles would give."""
    teacher_opens_the_unit(as_user)
    roles = {m.account.name: m.role for m in ClassMembership.objects.select_related("account")}
    assert roles["Alan Turing"] == "student" and roles["Grace Hopper"] == "teacher"
