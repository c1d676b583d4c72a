"""Staff viewing the course as a specific learner (Open edX masquerade), against stand-ins
that behave as edx-platform (tests/edx_platform/): the LMS binds the unit to that learner
and hides every block without ``show_in_read_only_mode``
(lms/djangoapps/courseware/masquerade.py ``filter_displayed_blocks``, added to the runtime's
wrappers by block_render.py). The unit shows a read-only view with the learner's grade and
never launches, neither as the learner nor as the staff member; a masquerade as a role
(Learner, no one in particular) launches the staff member as a Learner, as before."""

import pytest
from crum import impersonate
from django.test import RequestFactory
from django.utils import translation
from webob import Request
from xblock.core import XBlock
from xblock.fields import ScopeIds
from xblock.runtime import DictKeyValueStore, KvsFieldData

from codio_xblock import adapter
from lti_bridge.protocol.vocabulary import ContextRole

pytestmark = pytest.mark.django_db


def _lms_request(openedx, staff, masquerade):
    """A request of ``staff`` whose session holds ``masquerade`` for the course (what
    MasqueradeView.post stores)."""
    from lms.djangoapps.courseware.masquerade import MASQUERADE_SETTINGS_KEY

    request = RequestFactory().get("/")
    request.user = staff
    request.session = {MASQUERADE_SETTINGS_KEY: {openedx.course_key: masquerade}}
    return request


def _unit_for(openedx, staff, masquerade, **fields):
    """The unit as the LMS loads it for staff's request (get_block_by_usage_id): bound to
    setup_masquerade's user. Returns (block, bound user)."""
    from lms.djangoapps.courseware.block_render import bound_user

    user = bound_user(_lms_request(openedx, staff, masquerade), openedx.course_key, True)
    return openedx.block(user=user, **fields), user


@pytest.fixture
def course_team(openedx):
    """A staff member and an enrolled learner (with markup in her name) graded 3/4 on the
    unit of weight 2.5, the grade task run."""
    from lms.djangoapps.grades.tasks import run_queued

    staff = openedx.user("staff")
    openedx.grant(staff, "staff")
    learner = openedx.user("ada", name="Ada <b>Lovelace</b>")
    openedx.enroll(learner)
    block = openedx.block(user=learner, weight=2.5)
    adapter.get().publish_grade(
        usage_id=str(block.scope_ids.usage_id),
        user_key=str(learner.pk),
        raw_earned=3,
        raw_possible=4,
    )
    run_queued()
    return staff, learner


def _specific(openedx, username):
    from lms.djangoapps.courseware.masquerade import CourseMasquerade

    return CourseMasquerade(openedx.course_key, role="student", user_name=username)


def test_viewing_as_a_specific_learner_shows_a_read_only_view_with_their_grade(
    openedx, course_team, tool_registered
):
    from lms.djangoapps.courseware.block_render import render_block

    staff, learner = course_team
    block, user = _unit_for(openedx, staff, _specific(openedx, "ada"), weight=2.5)
    assert user.pk == learner.pk  # the LMS bound the unit to the learner
    with impersonate(staff), translation.override("en"):
        html = render_block(block, user).content
    assert "cannot be shown" not in html
    assert 'data-testid="read-only"' in html
    assert "You are viewing this unit as Ada &lt;b&gt;Lovelace&lt;/b&gt; (ada)" in html
    assert "<b>" not in html
    assert "Their score: 1.875 / 2.5 in the course grade" in html  # the learner's, not staff's
    assert "iframe" not in html and "/launch" not in html and "handler" not in html
    with impersonate(staff), translation.override("es"):
        openedx.use_block_catalog(block)
        spanish = render_block(block, user).content
    assert "Está viendo esta unidad como Ada &lt;b&gt;Lovelace&lt;/b&gt; (ada)" in spanish
    assert "Su puntuación: 1.875 / 2.5 en la calificación del curso" in spanish


def test_a_learner_without_a_score_is_said_to_have_none(openedx, course_team):
    from lms.djangoapps.courseware.block_render import render_block

    staff, _ = course_team
    other = openedx.user("grace", name="Grace Hopper")
    openedx.enroll(other)
    block, user = _unit_for(openedx, staff, _specific(openedx, "grace"), weight=2.5)
    with impersonate(staff), translation.override("en"):
        html = render_block(block, user).content
    assert "You are viewing this unit as Grace Hopper (grace)" in html
    assert "They have no score on this unit yet." in html


def test_the_launch_is_refused_while_viewing_as_a_specific_learner(
    openedx, course_team, tool_registered
):
    """The handler runs on the unit bound to the learner (block_render.py
    _invoke_xblock_handler, no wrapper): it would have launched the staff member in the
    learner's place."""
    from codio_xblock.models import BlockLaunch

    staff, learner = course_team
    block, _ = _unit_for(openedx, staff, _specific(openedx, "ada"))
    for language, message in [
        ("en", "does not open while you view the course as a specific learner"),
        ("es", "no se abre mientras ve el curso como un estudiante concreto"),
    ]:
        with impersonate(staff), translation.override(language):
            openedx.use_block_catalog(block)  # the LMS's i18n service, in the user's language
            response = block.handle("launch", Request.blank("/"))
        assert response.status_code == 403
        assert message in response.text
    assert not BlockLaunch.objects.exists()  # nobody was launched into the unit


def test_viewing_as_a_learner_in_general_launches_staff_as_a_learner_as_before(
    openedx, course_team, tool_registered
):
    from lms.djangoapps.courseware.block_render import render_block
    from lms.djangoapps.courseware.masquerade import CourseMasquerade

    staff, _ = course_team
    block, user = _unit_for(openedx, staff, CourseMasquerade(openedx.course_key, role="student"))
    assert user.pk == staff.pk
    with impersonate(staff), translation.override("en"):
        html = render_block(block, user).content
        platform_user = adapter.get().current_user(block)
        roles = block._launch_data(platform_user).roles
        response = block.handle("launch", Request.blank("/"))
    assert "read-only" not in html and "<iframe" in html and "/launch" in html
    assert platform_user.masquerading
    assert getattr(platform_user, "learner_viewed", None) is None
    assert roles == [ContextRole.LEARNER.value]
    assert response.status_code == 302


class _PlainBlock(XBlock):
    """A block that does not set show_in_read_only_mode."""

    def student_view(self, context=None):
        from web_fragments.fragment import Fragment

        return Fragment("<p>plain</p>")


def test_the_lms_hides_blocks_without_show_in_read_only_mode(openedx, course_team):
    """The stand-in hides as edx-platform hides (masquerade.py filter_displayed_blocks)."""
    from lms.djangoapps.courseware.block_render import bound_user, render_block
    from workbench.runtime import WorkbenchRuntime

    staff, _ = course_team
    usage = openedx.course_key.make_usage_key("plain", "p1")
    block = _PlainBlock(
        WorkbenchRuntime(),
        KvsFieldData(DictKeyValueStore()),
        ScopeIds(None, "plain", usage, usage),
    )
    specific = bound_user(
        _lms_request(openedx, staff, _specific(openedx, "ada")), openedx.course_key, True
    )
    with translation.override("en"):
        assert "cannot be shown while viewing the course as a specific student" in (
            render_block(block, specific).content
        )
    role = bound_user(
        _lms_request(openedx, staff, _specific(openedx, None)), openedx.course_key, True
    )
    assert render_block(block, role).content == "<p>plain</p>"
