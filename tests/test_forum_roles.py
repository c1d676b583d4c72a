"""Forum helpers are learners (Open edX forum roles give no course-staff rights): Community
TA and Group Moderator launch as Learner unless the operator sets
FORUM_HELPERS_AS_TEACHING_ASSISTANTS, which adds the Instructor#TeachingAssistant sub-role
(as xblock-lti-consumer sends them) and so makes them teachers in a tool that follows
Codio's table, as the built-in bridge does. Checked in the id_token's roles claim and in
the bridge's resulting rights, through the standalone (demo) and the Open edX adapters."""

import jwt
import pytest

from lti_bridge.models import ClassMembership
from lti_bridge.protocol.vocabulary import Claim, ContextRole
from tests.support import BridgeClient, form_fields, launch_through_xblock, path_of

pytestmark = pytest.mark.django_db
LEARNER = [ContextRole.LEARNER.value]
TEACHING_ASSISTANT = [ContextRole.LEARNER.value, ContextRole.TEACHING_ASSISTANT.value]


@pytest.fixture
def helpers_as_tas(settings):
    def choose(on):
        settings.CODIO_XBLOCK = {
            **settings.CODIO_XBLOCK,
            "FORUM_HELPERS_AS_TEACHING_ASSISTANTS": on,
        }

    return choose


def roles_claim(steps):
    """The roles of the id_token the platform's auth step posted to the tool."""
    _, fields = form_fields(steps["auth"].content.decode())
    return jwt.decode(fields["id_token"], options={"verify_signature": False})[Claim.ROLES]


def bridge_right():
    membership = ClassMembership.objects.get()
    return membership.role, membership.read_only


# ---- the standalone adapter (demo: "ta" is a Community TA, "moderator" a Group Moderator)


@pytest.mark.parametrize("username", ["ta", "moderator"])
def test_forum_helpers_launch_as_learners_by_default(as_user, helpers_as_tas, username):
    helpers_as_tas(False)
    response, steps = launch_through_xblock(as_user(username))
    assert response.status_code == 200, response.content[:300]
    assert roles_claim(steps) == LEARNER
    assert bridge_right() == ("student", False)


@pytest.mark.parametrize("username", ["ta", "moderator"])
def test_the_operator_setting_sends_them_as_teaching_assistants(as_user, helpers_as_tas, username):
    helpers_as_tas(True)
    response, steps = launch_through_xblock(as_user(username))
    assert response.status_code == 200, response.content[:300]
    assert roles_claim(steps) == TEACHING_ASSISTANT
    assert bridge_right() == ("teacher", False)  # a teacher in Codio's table


def test_an_operators_role_map_row_still_wins(as_user, settings):
    settings.CODIO_XBLOCK = {
        **settings.CODIO_XBLOCK,
        "FORUM_HELPERS_AS_TEACHING_ASSISTANTS": True,
        "ROLE_MAP": {"community_ta": [ContextRole.MENTOR.value]},
    }
    _, steps = launch_through_xblock(as_user("ta"))
    assert roles_claim(steps) == [ContextRole.MENTOR.value]


# ---- the Open edX adapter (forum roles from django_comment_common's Role) -----------------


def launch_in_open_edx(openedx, user):
    """Open the unit as ``user`` in the LMS: the block's launch handler (the runtime bound
    to them, the request's user them), then the tool's login, the platform's auth step and
    the form post to the built-in bridge."""
    from crum import impersonate
    from webob import Request

    block = openedx.block(user=user)
    with impersonate(user):
        start = block.launch(Request.blank("/"))
    assert start.status_code == 302, start.body[:300]
    client = BridgeClient()
    client.force_login(user)
    steps = {"login": client.get(path_of(start.location) + "&lti1p3_new_window=1")}
    assert steps["login"].status_code == 302, steps["login"].content[:300]
    steps["auth"] = client.get(path_of(steps["login"]["Location"]))
    assert steps["auth"].status_code == 200, steps["auth"].content[:300]
    action, fields = form_fields(steps["auth"].content.decode())
    steps["launch"] = client.post(path_of(action), fields)
    assert steps["launch"].status_code == 200, steps["launch"].content[:300]
    return steps


@pytest.mark.parametrize("forum_role", ["Community TA", "Group Moderator"])
def test_open_edx_forum_helpers_launch_as_learners(openedx, course, helpers_as_tas, forum_role):
    helpers_as_tas(False)
    helper = openedx.user("helper", name="Helper")
    openedx.forum_role(helper, forum_role)
    steps = launch_in_open_edx(openedx, helper)
    assert roles_claim(steps) == LEARNER
    assert bridge_right() == ("student", False)


@pytest.mark.parametrize("forum_role", ["Community TA", "Group Moderator"])
def test_open_edx_forum_helpers_as_teaching_assistants(openedx, course, helpers_as_tas, forum_role):
    helpers_as_tas(True)
    helper = openedx.user("helper", name="Helper")
    openedx.forum_role(helper, forum_role)
    steps = launch_in_open_edx(openedx, helper)
    assert roles_claim(steps) == TEACHING_ASSISTANT
    assert bridge_right() == ("teacher", False)


@pytest.mark.parametrize("forum_role", ["Moderator", "Administrator"])
@pytest.mark.parametrize("setting", [False, True])
def test_forum_moderators_and_administrators_are_learners(
    openedx, course, helpers_as_tas, forum_role, setting
):
    helpers_as_tas(setting)
    moderator = openedx.user("moderator_x", name="Mod")
    openedx.forum_role(moderator, forum_role)
    steps = launch_in_open_edx(openedx, moderator)
    assert roles_claim(steps) == LEARNER
    assert bridge_right() == ("student", False)


def test_the_roster_sends_forum_helpers_as_the_launch_does(openedx, helpers_as_tas):
    """NRPS: the same table, the same setting."""
    from codio_xblock import adapter, nrps
    from tests.openedx_standin.models import CourseEnrollment

    fay = openedx.user("fay", name="Fay")
    CourseEnrollment.objects.create(user=fay, course_id=openedx.COURSE)
    openedx.forum_role(fay, "Community TA")
    (member,) = adapter.get().course_members(openedx.COURSE)
    helpers_as_tas(False)
    assert nrps._lti_roles(member) == LEARNER
    helpers_as_tas(True)
    assert nrps._lti_roles(member) == TEACHING_ASSISTANT
