"""Platform: Names and Role Provisioning Services 2.0 (1EdTech's platform certification
plan, NRPS section): the membership container, its paging by ``Link: rel="next"``, the role
and resource link filters, ``limit``, the media type and the access token's scope; another
tool's context is refused.

Real HTTP: every request (the token requests too, as form posts) goes over a socket to the
live server, with the ``http`` client of tests/conformance/conftest.py (the test client's
interface); the next pages are read at the URLs the ``Link`` headers name."""

import pytest

from codio_xblock.lti1p3.ags import SCOPE_SCORE
from codio_xblock.lti1p3.nrps import MEDIA_MEMBERSHIPS, SCOPE_MEMBERSHIP_READONLY
from tests.conformance.conftest import COURSE_ID, membership_service
from tests.test_platform_nrps import make_users

pytestmark = pytest.mark.django_db(transaction=True)  # the live server's threads read it

M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


@pytest.fixture
def roster(settings, membership):
    """Five people in the course: two course staff (Instructor), three learners."""
    users = make_users(5)
    settings.CODIO_XBLOCK = {
        **settings.CODIO_XBLOCK,
        "STANDALONE_COURSE_ROLES": {users[0].username: ["staff"], users[3].username: ["staff"]},
    }
    return users


@pytest.fixture
def access_token(tool, http):
    """``access_token(scope)``: a token of ``tool`` from the token endpoint, over HTTP."""
    return lambda scope, of=tool: of.token(http, scope)


@pytest.fixture
def read(access_token, membership, http):
    token = access_token(SCOPE_MEMBERSHIP_READONLY)
    client = http

    def get(url=membership.url, token=token, **params):
        return client.get(
            url, params, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT=MEDIA_MEMBERSHIPS
        )

    return get


def pages(read, **params):
    response, found = read(**params), []
    while True:
        assert response.status_code == 200, response.content
        found.append(response.json())
        link = response.get("Link")
        if not link:
            return found
        assert link.endswith('>; rel="next"')
        response = read(url=link[1 : link.index(">")])


def test_the_launch_claim_names_the_service(membership):
    """NRPS 2.0 §3.6.1.1: the ``namesroleservice`` claim: context_memberships_url and
    service_versions ["2.0"]."""
    assert membership.claim["service_versions"] == ["2.0"]
    assert membership.claim["context_memberships_url"].startswith("http://codio.test/")


def test_the_membership_container(roster, read, membership):
    """NRPS 2.0 §2.1-2.2: the container (media type
    application/vnd.ims.lti-nrps.v2.membershipcontainer+json) has its id, the context (id,
    label, title) and members, each with user_id, roles and status."""
    response = read()
    assert response["Content-Type"] == MEDIA_MEMBERSHIPS
    document = response.json()
    assert document["id"] == membership.url
    assert document["context"] == {"id": COURSE_ID, "label": "LTI13", "title": "Conformance"}
    assert len(document["members"]) == 5
    for member in document["members"]:
        assert member["user_id"] and member["status"] in ("Active", "Inactive")
        assert member["roles"] and all(
            r.startswith("http://purl.imsglobal.org/") for r in member["roles"]
        )


def test_paging_follows_link_rel_next(roster, read):
    """NRPS 2.0 §2.4.2: with ``limit`` the platform pages; each page but the last names the
    next with ``Link: <url>; rel="next"``; every member once."""
    found = pages(read, limit="2")
    assert [len(page["members"]) for page in found] == [2, 2, 1]
    ids = [m["user_id"] for page in found for m in page["members"]]
    assert len(set(ids)) == 5


@pytest.mark.parametrize("role", [M + "Instructor", "Instructor"])
def test_the_role_filter(roster, read, role):
    """NRPS 2.0 §2.4.1: ``role`` (a full URI or its short name) keeps the members holding it,
    across pages."""
    members = [m for page in pages(read, role=role, limit="1") for m in page["members"]]
    assert len(members) == 2 and all(M + "Instructor" in m["roles"] for m in members)


def test_the_rlid_filter(roster, read, tool):
    """NRPS 2.0 §2.3 (resource link membership): ``rlid`` names a resource link of the
    context; an unknown one is refused (404)."""
    membership_service(tool, usage_id="anonymous-block", share_name=False, share_email=False)
    shared = read(rlid="block-1").json()["members"]
    anonymous = read(rlid="anonymous-block").json()["members"]
    assert all("email" in m for m in shared) and all("email" not in m for m in anonymous)
    assert read(rlid="no-such-link").status_code == 404


@pytest.mark.parametrize("limit", ["0", "-1", "x", "²", "1.5"])
def test_a_limit_that_is_not_a_positive_number_is_400(roster, read, limit):
    """NRPS 2.0 §2.4.1: ``limit`` is a positive whole number; anything else is a 400."""
    response = read(limit=limit)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_the_membership_scope_is_required(http, roster, read, access_token, membership):
    """NRPS 2.0 §3.6.1.2 and LTI Security 1.0 §4.1: the access token must grant
    https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly; no token is
    401 with a Bearer challenge, another scope 403."""
    anonymous = http.get(membership.url)
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"].startswith("Bearer")
    other = read(token=access_token(SCOPE_SCORE))
    assert other.status_code == 403


def test_another_tools_context_is_refused(roster, read, access_token, other_tool):
    """NRPS 2.0 §3.6.1.2: a tool reads only the memberships of contexts it was launched
    in; another tool's valid token does not read this one's."""
    foreign = read(token=access_token(SCOPE_MEMBERSHIP_READONLY, of=other_tool))
    assert foreign.status_code == 403
    assert "another tool" in foreign.json()["error_description"]


def test_only_get(http, roster, read, membership, access_token):
    """NRPS 2.0 §2: the membership service is read-only (GET); other methods are 405."""
    token = access_token(SCOPE_MEMBERSHIP_READONLY)
    response = http.post(membership.url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 405 and "GET" in response["Allow"]
