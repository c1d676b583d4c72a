"""The platform's Names and Role Provisioning Service (NRPS 2.0): the launch claim, the token
scope and the membership endpoint (paging, filters, what is shared, bounded work per page)."""

import jwt
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from codio_xblock import nrps
from codio_xblock.adapter import CourseInfo
from codio_xblock.lti1p3.ags import SCOPE_SCORE
from codio_xblock.lti1p3.nrps import MEDIA_MEMBERSHIPS, SCOPE_MEMBERSHIP_READONLY
from codio_xblock.models import PlatformSubject, ToolContext
from lti_bridge.protocol.vocabulary import Claim, ContextRole
from tests.support import form_fields, launch_through_xblock
from tests.test_platform_ags import ScriptedTool

pytestmark = pytest.mark.django_db
COURSE = CourseInfo(id="course-v1:Demo+CS101+2026", label="CS101", title="Programming")
INSTRUCTOR, LEARNER = ContextRole.INSTRUCTOR.value, ContextRole.LEARNER.value


@pytest.fixture
def tool():
    return ScriptedTool()


def context_for(tool, *, usage_id="block-1", share_name=True, share_email=True):
    claim = nrps.service_claim(
        tool.tool,
        COURSE,
        usage_id=usage_id,
        title="Unit",
        share_name=share_name,
        share_email=share_email,
    )
    assert claim["service_versions"] == ["2.0"]
    return ToolContext.objects.get(tool=tool.tool, course_id=COURSE.id), claim


def make_users(count, prefix="user"):
    User = get_user_model()
    User.objects.bulk_create(
        User(
            username=f"{prefix}{i:04d}",
            email=f"{prefix}{i:04d}@example.edu",
            first_name="Ada",
            last_name=f"L{i}",
        )
        for i in range(count)
    )
    return list(User.objects.filter(username__startswith=prefix).order_by("pk"))


def get(client, url, token, **params):
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def all_pages(client, url, token, **params):
    pages, response = [], get(client, url, token, **params)
    while True:
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == MEDIA_MEMBERSHIPS
        pages.append(response.json())
        link = response.get("Link")
        if not link:
            return pages
        assert link.endswith('>; rel="next"'), link
        next_url = link[1 : link.index(">")]
        response = client.get(next_url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_token_endpoint_grants_the_membership_scope_to_tools_registered_for_it(tool):
    client = Client()
    token = tool.token(client, SCOPE_MEMBERSHIP_READONLY)
    assert SCOPE_MEMBERSHIP_READONLY in jwt.decode(token, options={"verify_signature": False})[
        "scope"
    ].split(" ")
    tool.tool.service_scopes = SCOPE_SCORE
    tool.tool.save()
    refused = tool.token_response(client, SCOPE_MEMBERSHIP_READONLY)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"


def test_no_claim_and_no_record_when_the_tool_is_not_granted_the_scope(tool):
    tool.tool.service_scopes = SCOPE_SCORE
    tool.tool.save()
    assert (
        nrps.service_claim(
            tool.tool, COURSE, usage_id="b", title="t", share_name=True, share_email=True
        )
        is None
    )
    assert not ToolContext.objects.exists()


def test_pages_follow_next_links_and_list_every_member_once(tool):
    make_users(25)
    context, claim = context_for(tool)
    client = Client()
    token = tool.token(client, SCOPE_MEMBERSHIP_READONLY)
    pages = all_pages(client, claim["context_memberships_url"], token, limit="10")
    assert [len(page["members"]) for page in pages] == [10, 10, 5]
    ids = [m["user_id"] for page in pages for m in page["members"]]
    assert len(ids) == len(set(ids)) == 25
    subs = set(PlatformSubject.objects.values_list("sub", flat=True))
    assert set(ids) == subs
    first = pages[0]
    assert first["context"] == {"id": COURSE.id, "label": "CS101", "title": "Programming"}
    assert first["id"] == claim["context_memberships_url"]
    member = first["members"][0]
    assert member["status"] == "Active" and member["roles"] == [LEARNER]
    assert member["email"].endswith("@example.edu") and member["given_name"] == "Ada"


def test_the_next_link_survives_a_client_that_lower_cases_it(tool):
    """pylti1p3 2.0 lower-cases the Link header before taking the URL."""
    make_users(3)
    _context, claim = context_for(tool)
    client = Client()
    token = tool.token(client, SCOPE_MEMBERSHIP_READONLY)
    first = get(client, claim["context_memberships_url"], token, limit="2", role="Learner")
    link = first["Link"].lower()
    second = client.get(link[1 : link.index(">")], HTTP_AUTHORIZATION=f"Bearer {token}")
    assert second.status_code == 200, second.content
    assert len(first.json()["members"]) == 2 and len(second.json()["members"]) == 1


def test_user_id_is_the_sub_the_launches_carry(course, as_user, users):
    response, steps = launch_through_xblock(as_user("learner"))
    _action, fields = form_fields(steps["auth"].content.decode())
    claims = jwt.decode(fields["id_token"], options={"verify_signature": False})
    service = claims[Claim.NAMES_ROLES_SERVICE.value]
    assert service["service_versions"] == ["2.0"]
    context = ToolContext.objects.get()
    assert service["context_memberships_url"] == nrps.memberships_url(context)

    scripted = ScriptedTool("nrps-reader")
    context.tool = scripted.tool  # read the same course through a tool holding its key
    context.save()
    client = Client()
    token = scripted.token(client, SCOPE_MEMBERSHIP_READONLY)
    members = all_pages(client, service["context_memberships_url"], token)[0]["members"]
    assert claims["sub"] in {m["user_id"] for m in members}


def test_role_filter_takes_full_uris_and_short_names(tool, settings):
    users = make_users(6)
    settings.CODIO_XBLOCK = {
        **settings.CODIO_XBLOCK,
        "STANDALONE_COURSE_ROLES": {users[1].username: ["staff"], users[4].username: ["staff"]},
    }
    _context, claim = context_for(tool)
    client = Client()
    token = tool.token(client, SCOPE_MEMBERSHIP_READONLY)
    for role in (INSTRUCTOR, "Instructor"):
        pages = all_pages(client, claim["context_memberships_url"], token, role=role, limit="1")
        members = [m for page in pages for m in page["members"]]
        assert len(members) == 2 and all(INSTRUCTOR in m["roles"] for m in members)
    learners = all_pages(client, claim["context_memberships_url"], token, role="Learner")
    assert len(learners[0]["members"]) == 4
    assert get(client, claim["context_memberships_url"], token, role="no such").status_code == 400


def test_names_and_emails_only_as_the_blocks_share_them(tool):
    make_users(2)
    context, claim = context_for(tool, usage_id="shares", share_name=True, share_email=True)
    nrps.service_claim(
        tool.tool, COURSE, usage_id="anonymous", title="A", share_name=False, share_email=False
    )
    client = Client()
    token = tool.token(client, SCOPE_MEMBERSHIP_READONLY)
    url = claim["context_memberships_url"]

    whole = get(client, url, token).json()["members"]  # one block is anonymous: nothing
    assert whole and all(set(m) == {"status", "user_id", "roles"} for m in whole)
    shared = get(client, url, token, rlid="shares").json()["members"]
    assert all(m["email"] and m["name"] for m in shared)
    anonymous = get(client, url, token, rlid="anonymous").json()["members"]
    assert all("email" not in m and "name" not in m for m in anonymous)
    unknown = get(client, url, token, rlid="not-a-block")
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"


def test_a_deactivated_account_is_an_inactive_member_with_no_course_role(tool, settings):
    (gone,) = make_users(1)
    settings.CODIO_XBLOCK = {
        **settings.CODIO_XBLOCK,
        "STANDALONE_COURSE_ROLES": {gone.username: ["instructor"]},
    }
    gone.is_active = False
    gone.save()
    _context, claim = context_for(tool)
    client = Client()
    token = tool.token(client, SCOPE_MEMBERSHIP_READONLY)
    (member,) = get(client, claim["context_memberships_url"], token).json()["members"]
    assert member["status"] == "Inactive" and member["roles"] == [LEARNER]


def test_refusals(tool):
    make_users(2)
    context, claim = context_for(tool)
    url = claim["context_memberships_url"]
    client = Client()
    assert client.get(url).status_code == 401
    score_only = tool.token(client, SCOPE_SCORE)
    assert get(client, url, score_only).status_code == 403
    other = ScriptedTool("other")
    foreign = get(client, url, other.token(client, SCOPE_MEMBERSHIP_READONLY))
    assert foreign.status_code == 403 and "another tool" in foreign.json()["error_description"]
    token = tool.token(client, SCOPE_MEMBERSHIP_READONLY)
    for bad in ({"limit": "0"}, {"limit": "ten"}, {"limit": "-3"}, {"cursor": "junk"}):
        response = get(client, url, token, **bad)
        assert response.status_code == 400 and response.json()["error"] == "invalid_request", bad
    assert client.post(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 405

    # a cursor of another context is refused
    other_context, other_claim = context_for(other, usage_id="x")
    other_token = other.token(client, SCOPE_MEMBERSHIP_READONLY)
    link = get(client, other_claim["context_memberships_url"], other_token, limit="1")["Link"]
    cursor = link[link.index("cursor=") + 7 : link.index(">")]
    assert get(client, url, token, cursor=cursor).status_code == 400
    assert other_context.pk != context.pk


def test_withdrawing_the_scope_ends_access_for_tokens_already_issued(tool):
    make_users(1)
    _context, claim = context_for(tool)
    client = Client()
    token = tool.token(client, SCOPE_MEMBERSHIP_READONLY)
    assert get(client, claim["context_memberships_url"], token).status_code == 200
    tool.tool.service_scopes = SCOPE_SCORE
    tool.tool.save()
    assert get(client, claim["context_memberships_url"], token).status_code == 403


def test_limit_is_capped_and_a_page_costs_the_same_queries_whatever_the_course_size(
    tool, monkeypatch
):
    from codio_xblock.standalone import StandaloneAdapter

    asked, real = [], StandaloneAdapter.course_members

    def spy(self, course_id, *, after=0, limit=100):
        asked.append(limit)
        return real(self, course_id, after=after, limit=limit)

    monkeypatch.setattr(StandaloneAdapter, "course_members", spy)
    _context, claim = context_for(tool)
    client = Client()
    token = tool.token(client, SCOPE_MEMBERSHIP_READONLY)
    url = claim["context_memberships_url"]

    def page_queries():
        get(client, url, token, limit="10")  # subjects of the first page made once
        with CaptureQueriesContext(connection) as queries:
            response = get(client, url, token, limit="10")
        assert len(response.json()["members"]) == 10
        return len(queries)

    make_users(30, "a")
    small = page_queries()
    make_users(600, "b")
    assert page_queries() == small  # the page reads its own members, never the course

    make_users(400, "c")  # 1,030 members: more than the largest page
    response = get(client, url, token, limit="100000")
    assert len(response.json()["members"]) == 1000
    assert 'rel="next"' in response["Link"]
    assert asked and max(asked) <= 1001  # the LMS is read a page at a time, never whole


@pytest.mark.parametrize(
    "limit",
    [
        "²",  # str.isdigit accepts it, int() refuses it: answered 500 before
        "1²",
        "١٢",  # Arabic-Indic digits: int() takes them, a URL's number has none
        "１０",  # fullwidth digits
        "1_0",
        "+5",
        " 5 x",
        "5\x00",
        "0",
        "000",
        "-1",
    ],
)
def test_limit_is_ascii_digits_or_refused_as_invalid_request(tool, limit):
    """NRPS 2.0 §2.4.1: ``limit`` is a positive whole number; anything else is a 400
    invalid_request, never a server error."""
    make_users(2)
    _context, claim = context_for(tool)
    client = Client()
    token = tool.token(client, SCOPE_MEMBERSHIP_READONLY)
    response = get(client, claim["context_memberships_url"], token, limit=limit)
    assert response.status_code == 400, (limit, response.status_code)
    assert response.json()["error"] == "invalid_request"
    assert "limit" in response.json()["error_description"]


@pytest.mark.parametrize("limit, size", [("0001", 1), ("9" * 1000, 2), (" 2 ", 2)])
def test_limit_with_leading_zeros_huge_or_padded_is_a_number(tool, limit, size):
    """NRPS 2.0 §2.4.1: a huge limit is capped (the platform may return fewer members)."""
    make_users(2)
    _context, claim = context_for(tool)
    client = Client()
    token = tool.token(client, SCOPE_MEMBERSHIP_READONLY)
    response = get(client, claim["context_memberships_url"], token, limit=limit)
    assert response.status_code == 200, response.content
    assert len(response.json()["members"]) == size
