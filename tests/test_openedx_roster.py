"""The course roster inside Open edX: the Open edX adapter's ``course_members`` against the
edx-platform stand-ins (CourseEnrollment, CourseAccessRole with role inheritance and
BulkRoleCache, forum roles), and the membership endpoint reading it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from codio_xblock import adapter, nrps
from codio_xblock.adapter import CourseInfo, PlatformUser
from codio_xblock.lti1p3.nrps import SCOPE_MEMBERSHIP_READONLY
from lti_bridge.protocol.vocabulary import ContextRole
from tests.test_platform_ags import ScriptedTool

pytestmark = pytest.mark.django_db
C = ContextRole


def enroll(openedx, user, *, active=True, course=None):
    from tests.openedx_standin.models import CourseEnrollment

    CourseEnrollment.objects.create(user=user, course_id=course or openedx.COURSE, is_active=active)


@pytest.fixture
def roster(openedx):
    """Who is in the course, and how Open edX grants their roles."""
    people = {}

    def person(name, **kwargs):
        people[name] = openedx.user(name, name=name.title() + " Example", **kwargs)
        return people[name]

    enroll(openedx, person("ada"))
    enroll(openedx, person("bob"), active=False)  # unenrolled
    openedx.grant(person("carol"), "staff")  # course team, never enrolled
    enroll(openedx, person("dan"))
    openedx.grant(people["dan"], "limited_staff")
    enroll(openedx, person("eve"))
    openedx.grant(people["eve"], "staff", org_wide=True)
    enroll(openedx, person("fay"))
    openedx.forum_role(people["fay"], "Community TA")
    gus = person("gus")
    enroll(openedx, gus)
    openedx.grant(gus, "instructor")
    gus.is_active = False
    gus.save()
    enroll(openedx, person("hal"), course="course-v1:Org+OTHER+2026")
    openedx.grant(person("ivy"), "staff", org_wide=True)  # org staff, not in this course
    return people


EXPECTED = {
    "ada": (True, set()),
    "bob": (False, set()),
    "carol": (True, {"staff"}),
    "dan": (True, {"limited_staff"}),
    "eve": (True, {"staff"}),
    "fay": (True, {"community_ta"}),
    "gus": (False, set()),  # an inactive account holds no role
}


def test_members_are_the_enrolled_and_the_course_team_with_roles_as_open_edx_grants_them(
    openedx, roster
):
    members = adapter.get().course_members(openedx.COURSE, limit=100)
    by_name = {m.username: m for m in members}
    assert set(by_name) == set(EXPECTED)  # hal (another course) and ivy (org only) are not
    for name, (active, roles) in EXPECTED.items():
        assert (by_name[name].active, set(by_name[name].course_roles)) == (active, roles), name
    assert by_name["ada"].full_name == "Ada Example"  # UserProfile.name
    assert [m.position for m in members] == sorted(m.position for m in members)


def test_roster_roles_are_exactly_what_a_launch_of_the_same_user_gets(openedx, roster):
    platform = adapter.get()
    for member in platform.course_members(openedx.COURSE, limit=100):
        user = PlatformUser(user_key=member.user_key, username=member.username)
        assert platform.course_roles(user, openedx.COURSE) == set(member.course_roles)


def test_pages_follow_user_ids_and_cost_the_same_whatever_the_course_size(openedx, roster):
    platform = adapter.get()
    first = platform.course_members(openedx.COURSE, limit=3)
    rest = platform.course_members(openedx.COURSE, after=first[-1].position, limit=100)
    assert [m.username for m in first + rest] == [
        m.username for m in platform.course_members(openedx.COURSE, limit=100)
    ]

    def queries(limit):
        with CaptureQueriesContext(connection) as captured:
            assert len(platform.course_members(openedx.COURSE, limit=limit)) == limit
        return len(captured)

    small = queries(2)
    for i in range(40):
        learner = openedx.user(f"extra{i}")
        enroll(openedx, learner)
        openedx.grant(learner, "beta_testers")
    # legacy roles are read once per page (openedx-authz ones once per course): no query per member
    assert queries(6) == queries(30) == small


def nrps_members(openedx):
    """The members of the tool's NRPS membership answer for the course (the LMS roster),
    read over HTTP with a token a scripted tool got."""
    tool = ScriptedTool()
    claim = nrps.service_claim(
        tool.tool,
        CourseInfo(id=openedx.COURSE, label="CS101", title="CS"),
        usage_id="unit1",
        title="Unit",
        share_name=True,
        share_email=False,
    )
    client = Client()
    token = tool.token(client, SCOPE_MEMBERSHIP_READONLY)
    response = client.get(claim["context_memberships_url"], HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    return response.json()["members"]


def test_the_membership_endpoint_reads_the_lms_roster(openedx, roster):
    members = nrps_members(openedx)
    by_name = {m.get("name"): m for m in members}
    assert by_name["Carol Example"]["roles"] == [C.INSTRUCTOR.value]
    assert by_name["Dan Example"]["roles"] == [C.MENTOR.value]  # never also Instructor
    assert by_name["Fay Example"]["roles"] == [C.LEARNER.value]  # a forum TA is a learner
    assert by_name["Bob Example"]["status"] == "Inactive"
    assert all("email" not in m for m in members)  # the block does not share emails
    assert not any(
        role.startswith("http://purl.imsglobal.org/vocab/lis/v2/system/")
        for m in members
        for role in m["roles"]
    )
