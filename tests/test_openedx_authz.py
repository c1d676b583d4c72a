"""Course-team roles from openedx-authz inside Open edX (Verawood and later): the real
openedx-authz from PyPI, edx-platform's roles.py as a stand-in calling it as master does
(tests/edx_platform/common/djangoapps/student/roles.py). A launch and the NRPS roster see
the roles edx-platform's own checks see: CourseAccessRole rows and openedx-authz
assignments alike, read without ``strict_role_checking()``."""

from unittest import mock

import pytest
from django.db import DatabaseError

from codio_xblock import adapter
from lti_bridge.protocol.vocabulary import ContextRole
from tests.test_openedx_adapter import _roles
from tests.test_openedx_roster import enroll, nrps_members

pytest.importorskip("openedx_authz", reason="openedx-authz has course roles from Verawood on")
pytestmark = pytest.mark.django_db
C = ContextRole


def _members(openedx):
    return {m.username: m for m in adapter.get().course_members(openedx.COURSE, limit=100)}


def _nrps_roles(openedx):
    """Roles per name in the tool's NRPS membership answer (the LMS roster)."""
    return {m.get("name"): set(m["roles"]) for m in nrps_members(openedx)}


def test_authz_course_staff_and_admin_launch_as_teachers_and_are_in_the_roster(
    openedx, tool_registered
):
    """Course authoring moved to openedx-authz: no CourseAccessRole row, not enrolled."""
    staff = openedx.user("staff", name="Staff Example")
    admin = openedx.user("admin", name="Admin Example")
    openedx.grant_authz(staff, "course_staff")
    openedx.grant_authz(admin, "course_admin")
    assert _roles(openedx, staff)[1] == [C.INSTRUCTOR.value]
    assert set(_roles(openedx, admin)[1]) == {C.INSTRUCTOR.value, C.ADMINISTRATOR.value}

    members = _members(openedx)
    assert set(members["staff"].course_roles) == {"staff"} and members["staff"].active
    assert set(members["admin"].course_roles) == {"instructor"} and members["admin"].active
    by_name = _nrps_roles(openedx)
    assert by_name["Staff Example"] == {C.INSTRUCTOR.value}
    assert by_name["Admin Example"] == {C.INSTRUCTOR.value, C.ADMINISTRATOR.value}


def test_an_enrolled_learner_with_an_authz_role_is_listed_once_with_it(openedx):
    both = openedx.user("both")
    enroll(openedx, both)
    openedx.grant_authz(both, "course_staff")
    members = adapter.get().course_members(openedx.COURSE, limit=100)
    assert [(m.username, set(m.course_roles)) for m in members] == [("both", {"staff"})]


def test_limited_staff_from_authz_stay_read_only_mentors(openedx, tool_registered):
    """course_limited_staff is limited_staff, which edx-platform's checks count as staff
    too (BASE_ROLE): read by exact name it stays a mentor, in the launch and the roster."""
    from common.djangoapps.student.roles import CourseStaffRole

    limited = openedx.user("limited", name="Limited Example")
    openedx.grant_authz(limited, "course_limited_staff")
    assert CourseStaffRole(openedx.course_key).has_user(limited)  # edx-platform's inheritance
    assert _roles(openedx, limited)[1] == [C.MENTOR.value]
    assert set(_members(openedx)["limited"].course_roles) == {"limited_staff"}
    assert _nrps_roles(openedx)["Limited Example"] == {C.MENTOR.value}


def test_org_wide_grants_count_as_edx_platform_counts_them(openedx, tool_registered):
    """A legacy org-wide role (OrgStaffRole) gives course staff access, and counts. An
    openedx-authz assignment on every course of the org (``course-v1:Org+*``) does not reach
    roles.py's RoleCache (it keeps course scopes only), so edx-platform's course checks do not
    see it, and neither does the launch: it is never kinder than the LMS."""
    from common.djangoapps.student.roles import CourseStaffRole, OrgStaffRole

    legacy, authz = openedx.user("legacy"), openedx.user("authz")
    openedx.grant(legacy, "staff", org_wide=True)
    openedx.grant_authz(authz, "course_staff", scope="course-v1:Org+*")
    assert OrgStaffRole(openedx.course_key.org).has_user(legacy)
    assert _roles(openedx, legacy)[1] == [C.INSTRUCTOR.value]

    key = openedx.course_key
    lms_sees = CourseStaffRole(key).has_user(authz) or OrgStaffRole(key.org).has_user(authz)
    assert lms_sees is False
    assert _roles(openedx, authz)[1] == [C.LEARNER.value]
    assert "authz" not in _members(openedx)


def test_an_error_while_reading_roles_leaves_role_inheritance_on(openedx):
    """edx-platform's ``strict_role_checking()`` clears the process-wide inheritance and
    restores it with no try/finally: an error inside it would leave every later check in the
    worker without inheritance (limited staff no longer course staff in the LMS itself).
    The adapter reads exact role names and never switches it off."""
    from common.djangoapps.student.roles import CourseStaffRole
    from openedx_authz.api import users as authz_api

    from codio_xblock.adapter import PlatformUser

    limited = openedx.user("limited")
    openedx.grant(limited, "limited_staff")
    with mock.patch.object(
        authz_api, "get_user_role_assignments", side_effect=DatabaseError("gone")
    ):
        with pytest.raises(DatabaseError):
            adapter.get().course_roles(
                PlatformUser(user_key=str(limited.pk), username="limited"), openedx.COURSE
            )
    other = openedx.user("other")
    openedx.grant(other, "limited_staff")
    assert CourseStaffRole(openedx.course_key).has_user(other)  # inheritance still on
