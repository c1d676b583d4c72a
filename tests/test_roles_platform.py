"""Course roles become LTI roles by the table, end to end into the bridge's rights (the
standalone adapter's course_roles is patched here; how roles are read inside Open edX is
tested in test_openedx_adapter.py)."""

import pytest

from codio_xblock.standalone import StandaloneAdapter
from lti_bridge.models import ClassMembership
from lti_bridge.protocol.vocabulary import ContextRole, SystemRole
from tests.support import launch_through_xblock

pytestmark = pytest.mark.django_db

C = ContextRole


@pytest.mark.parametrize(
    "course_roles, lti_roles, bridge",
    [
        ({"instructor"}, [C.INSTRUCTOR, C.ADMINISTRATOR], ("teacher", False)),
        ({"staff"}, [C.INSTRUCTOR], ("teacher", False)),
        ({"limited_staff"}, [C.MENTOR], ("teacher", True)),
        ({"community_ta"}, [C.LEARNER], ("student", False)),  # no course-staff rights
        ({"group_moderator"}, [C.LEARNER], ("student", False)),
        ({"forum_moderator"}, [C.LEARNER], ("student", False)),
        ({"beta_tester"}, [C.LEARNER], ("student", False)),
        (set(), [C.LEARNER], ("student", False)),
    ],
)
def test_each_course_role(as_user, monkeypatch, course_roles, lti_roles, bridge):
    monkeypatch.setattr(
        StandaloneAdapter, "course_roles", lambda self, user, course_id: set(course_roles)
    )
    response, _ = launch_through_xblock(as_user("learner2"))
    assert response.status_code == 200
    membership = ClassMembership.objects.get()
    assert membership.lti_roles == [r.value for r in lti_roles]
    assert (membership.role, membership.read_only) == bridge


def test_only_global_staff_are_system_administrators(as_user, monkeypatch, settings):
    monkeypatch.setattr(StandaloneAdapter, "course_roles", lambda self, user, course_id: {"staff"})
    launch_through_xblock(as_user("learner2"))
    assert SystemRole.ADMINISTRATOR.value not in ClassMembership.objects.get().lti_roles
    settings.CODIO_XBLOCK = {**settings.CODIO_XBLOCK, "STANDALONE_GLOBAL_STAFF": ["learner2"]}
    launch_through_xblock(as_user("learner2"))
    assert SystemRole.ADMINISTRATOR.value in ClassMembership.objects.get().lti_roles


def test_operators_override_the_table(as_user, monkeypatch, settings):
    monkeypatch.setattr(
        StandaloneAdapter, "course_roles", lambda self, user, course_id: {"beta_tester"}
    )
    settings.CODIO_XBLOCK = {**settings.CODIO_XBLOCK, "ROLE_MAP": {"beta_tester": [C.MENTOR.value]}}
    launch_through_xblock(as_user("learner2"))
    assert ClassMembership.objects.get().read_only is True


@pytest.mark.parametrize(
    "username, bridge",
    [
        ("instructor", ("teacher", False)),
        ("staff", ("teacher", False)),
        ("ta", ("student", False)),  # forum helpers are learners unless the operator says
        ("moderator", ("student", False)),  # (tests/test_forum_roles.py)
        ("mentor", ("teacher", True)),
        ("beta", ("student", False)),
        ("learner", ("student", False)),
    ],
)
def test_demo_has_a_user_for_each_role(as_user, settings, username, bridge):
    settings.CODIO_XBLOCK = {
        **settings.CODIO_XBLOCK,
        "FORUM_HELPERS_AS_TEACHING_ASSISTANTS": False,  # the default, whatever the demo sets
    }
    launch_through_xblock(as_user(username))
    membership = ClassMembership.objects.get()
    assert (membership.role, membership.read_only) == bridge
