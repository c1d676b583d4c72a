"""codio_xblock inside Open edX: its adapter run against stand-ins that behave like
edx-platform (tests/edx_platform/): grades arithmetic, role inheritance, masquerade, user
names, Studio, late and orphaned scores."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from codio_xblock import adapter
from codio_xblock.models import BlockLaunch, LineItem, PlatformSubject
from lti_bridge.protocol.vocabulary import ContextRole, SystemRole
from tests.test_platform_ags import ScriptedTool, post_score, score

pytestmark = pytest.mark.django_db(transaction=True)  # the gradebook is written on commit
C = ContextRole


# ---- grades: raw scores on the CSM path, weighted by Open edX ---------------------------


class Problem:
    """A CAPA problem of the same subsection, right answer, weight 1 (1 raw point)."""

    def __init__(self, location, weight=1.0):
        self.location = location
        self.weight = weight

    def max_score(self):
        return 1.0


def _item_for(openedx, block, learner):
    """The block's line item for a registered tool, and ``learner`` launched into it."""
    tool = ScriptedTool()
    item = LineItem.objects.create(
        tool=tool.tool,
        usage_id=str(block.scope_ids.usage_id),
        course_id=openedx.COURSE,
        label="Unit",
        score_maximum=block.weight or 1.0,
    )
    subject = PlatformSubject.objects.create(user_key=str(learner.pk))
    BlockLaunch.objects.create(line_item=item, user_key=str(learner.pk))
    return tool, item, subject


def _graded_by_the_tool(openedx, block, learner, given, maximum, **extra):
    """The tool posts a FullyGraded score for ``learner`` to the block's line item over AGS
    (token, endpoint, the real platform code); Open edX's adapter publishes it."""
    from django.test import Client

    tool, item, subject = _item_for(openedx, block, learner)
    client = Client()
    body = score(subject, given, maximum, **extra)
    response = post_score(client, item, tool.token(client), body)
    assert response.status_code == 200, response.content
    return item


@pytest.mark.parametrize(
    "weight, percent",
    [(1.0, 0.75), (0.0, 1.0), (2.5, 0.64), (10.0, 0.55)],
)
def test_subsection_grade_weights_the_unit_like_any_problem(openedx, weight, percent):
    """A right 1-point problem and this unit graded 50%: the subsection is (1 + w/2) / (1 + w)
    as Open edX computes it (weighted_score per block, summed over the subsection)."""
    from lms.djangoapps.courseware.model_data import get_score as csm_get
    from lms.djangoapps.courseware.model_data import set_score
    from lms.djangoapps.grades.scores import get_score, subsection_percent_graded

    learner = openedx.user("ada", name="Ada Lovelace")
    block = openedx.block(weight=weight, user=learner)
    problem = Problem(openedx.course_key.make_usage_key("problem", "p1"))
    set_score(learner.pk, problem.location, 1.0, 1.0)

    _graded_by_the_tool(openedx, block, learner, 50, 100)

    csm = {
        str(key): csm_get(learner.pk, key) for key in (problem.location, block.scope_ids.usage_id)
    }
    scores = [get_score({}, csm, None, problem), get_score({}, csm, None, block)]
    assert subsection_percent_graded(scores) == percent
    # the CSM holds the raw score, exactly (no whole-point rounding)
    assert (
        csm[str(block.scope_ids.usage_id)].grade,
        csm[str(block.scope_ids.usage_id)].max_grade,
    ) == (
        50.0,
        100.0,
    )


def test_zero_is_a_grade_and_a_zero_weight_unit_stays_worth_nothing(openedx):
    from lms.djangoapps.courseware.model_data import get_score as csm_get
    from lms.djangoapps.grades.scores import get_score

    learner = openedx.user("ada")
    block = openedx.block(weight=0.0, user=learner)
    _graded_by_the_tool(openedx, block, learner, 0, 100)
    key = block.scope_ids.usage_id
    module = csm_get(learner.pk, key)
    assert (module.grade, module.max_grade) == (0.0, 100.0)
    problem_score = get_score({}, {str(key): module}, None, block)
    assert (problem_score.earned, problem_score.possible, problem_score.graded) == (0.0, 0.0, False)


def test_your_score_is_read_back_from_the_csm_and_weighted(openedx):
    from django.utils import translation

    learner = openedx.user("ada")
    block = openedx.block(weight=2.5, user=learner)
    _graded_by_the_tool(openedx, block, learner, 3, 4)
    assert adapter.get().current_grade(
        usage_id=str(block.scope_ids.usage_id), user_key=str(learner.pk)
    ) == (3.0, 4.0)
    with translation.override("en"):
        html = block.student_view().content
    assert "Your score: 1.875 / 2.5" in html


def _shown(block):
    from django.utils import translation

    with translation.override("en"):
        html = block.student_view().content
    return html.split("Your score: ")[1].split(" in the course grade")[0]


def _progress_page_score(learner, block):
    """The unit's (earned, possible) as the progress page shows it: the learner's persisted
    subsection grade read back (subsection_grade.py ReadSubsectionGrade.problem_scores,
    get_score with the persisted BlockRecord), or computed with the block as it is today
    when there is none (CreateSubsectionGrade)."""
    from lms.djangoapps.courseware.model_data import get_score as csm_get
    from lms.djangoapps.grades.models import PersistentSubsectionGrade
    from lms.djangoapps.grades.scores import get_score

    key = block.scope_ids.usage_id
    csm = {str(key): csm_get(learner.pk, key)}
    try:
        grade = PersistentSubsectionGrade.read_grade(
            learner.pk, key.context_key.make_usage_key("sequential", "seq1")
        )
    except PersistentSubsectionGrade.DoesNotExist:
        record = None
    else:
        record = next(b for b in grade.visible_blocks.blocks if b.locator == key)
    score = get_score({}, csm, record, block)
    return f"{score.earned:g} / {score.possible:g}"


def test_a_new_weight_changes_the_shown_grade_only_when_the_grades_app_recomputes(openedx):
    """The subsection grade the LMS's worker persists keeps the weight it was computed with
    (BlockRecord); the progress page weights the stored raw score by it until that grade is
    recomputed (the learner's next score in the subsection). The unit shows the same."""
    from lms.djangoapps.grades.tasks import run_queued

    learner = openedx.user("ada")
    block = openedx.block(weight=2.0, user=learner)
    usage_id = str(block.scope_ids.usage_id)
    platform = adapter.get()
    platform.publish_grade(
        usage_id=usage_id, user_key=str(learner.pk), raw_earned=3, raw_possible=4
    )
    run_queued()  # the grades app persists the subsection grade, weight 2
    assert _shown(block) == _progress_page_score(learner, block) == "1.5 / 2"

    block = openedx.block(weight=10.0, user=learner)  # the author publishes weight 10
    assert _progress_page_score(learner, block) == "1.5 / 2"
    assert _shown(block) == "1.5 / 2"

    # the tool grades again: the grades app recomputes the subsection with weight 10
    platform.publish_grade(
        usage_id=usage_id, user_key=str(learner.pk), raw_earned=3, raw_possible=4
    )
    assert _shown(block) == "1.5 / 2"  # not before the worker has run
    run_queued()
    assert _shown(block) == _progress_page_score(learner, block) == "7.5 / 10"


def test_before_the_subsection_grade_is_persisted_the_weight_of_the_day_applies(openedx):
    """No persisted subsection grade yet (the worker has not run): the grades app computes
    it with the block as it is (CreateSubsectionGrade), so does the unit."""
    learner = openedx.user("ada")
    block = openedx.block(weight=2.0, user=learner)
    adapter.get().publish_grade(
        usage_id=str(block.scope_ids.usage_id),
        user_key=str(learner.pk),
        raw_earned=3,
        raw_possible=4,
    )
    block = openedx.block(weight=10.0, user=learner)
    assert _shown(block) == _progress_page_score(learner, block) == "7.5 / 10"


def test_another_units_score_in_the_subsection_recomputes_this_one(openedx):
    """The whole subsection is recomputed (SubsectionGradeFactory.update), every block with
    its weight of the day: a score on a sibling unit brings this unit's new weight in."""
    from lms.djangoapps.grades.tasks import run_queued

    learner = openedx.user("ada")
    block = openedx.block(weight=2.0, user=learner)
    sibling = openedx.block("unit2", weight=1.0, user=learner)
    platform = adapter.get()
    platform.publish_grade(
        usage_id=str(block.scope_ids.usage_id),
        user_key=str(learner.pk),
        raw_earned=1,
        raw_possible=2,
    )
    run_queued()
    block = openedx.block(weight=4.0, user=learner)
    assert _shown(block) == "1 / 2"
    platform.publish_grade(
        usage_id=str(sibling.scope_ids.usage_id),
        user_key=str(learner.pk),
        raw_earned=1,
        raw_possible=1,
    )
    run_queued()
    assert _shown(block) == _progress_page_score(learner, block) == "2 / 4"


def test_published_only_after_the_score_commits(openedx):
    """Inside an open transaction the gradebook is untouched; it is written on commit."""
    from django.db import transaction
    from lms.djangoapps.courseware.model_data import get_score as csm_get

    from codio_xblock import ags

    learner = openedx.user("ada")
    block = openedx.block(user=learner)
    _, item, subject = _item_for(openedx, block, learner)
    with transaction.atomic():  # a caller's transaction (ATOMIC_REQUESTS, for one)
        stored = ags.record_score(item, score(subject, 1, 2))
        assert csm_get(learner.pk, block.scope_ids.usage_id) is None
        assert stored.published is None
    assert csm_get(learner.pk, block.scope_ids.usage_id).grade == 1.0
    stored.refresh_from_db()
    assert stored.published is not None


# ---- scores the block must refuse -------------------------------------------------------


def _csm_rows():
    from tests.openedx_standin.models import StudentModule

    return StudentModule.objects.count()


def test_score_for_a_block_removed_from_the_course_is_refused(openedx, client):
    from xmodule.modulestore.django import BLOCKS

    learner = openedx.user("ada")
    block = openedx.block(user=learner)
    tool, item, subject = _item_for(openedx, block, learner)
    BLOCKS.clear()  # the author deleted the unit
    response = post_score(client, item, tool.token(client), score(subject, 1, 1))
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    assert _csm_rows() == 0 and not item.scores.exists()


def test_score_for_an_unscored_block_is_refused(openedx, client):
    learner = openedx.user("ada")
    block = openedx.block(user=learner, has_score=False)
    tool, item, subject = _item_for(openedx, block, learner)
    response = post_score(client, item, tool.token(client), score(subject, 1, 1))
    assert response.status_code == 403 and _csm_rows() == 0 and not item.scores.exists()


@pytest.mark.parametrize(
    "due_ago, grace, accept, status",
    [
        (timedelta(days=1), None, False, 403),  # past due, late grades refused
        (timedelta(days=1), None, True, 200),  # past due, the block accepts late grades
        (timedelta(hours=1), timedelta(hours=2), False, 200),  # within the grace period
        (-timedelta(days=1), None, False, 200),  # not due yet
    ],
)
def test_past_due_follows_lti_consumer_rule(openedx, client, due_ago, grace, accept, status):
    learner = openedx.user("ada")
    block = openedx.block(
        user=learner,
        due=datetime.now(UTC) - due_ago,
        graceperiod=grace,
        accept_grades_past_due=accept,
    )
    tool, item, subject = _item_for(openedx, block, learner)
    response = post_score(client, item, tool.token(client), score(subject, 1, 1))
    assert response.status_code == status, response.content
    assert _csm_rows() == (1 if status == 200 else 0)


# ---- roles, as edx-platform grants them -------------------------------------------------


def _roles(openedx, user, request_user=None, masquerade=None):
    """The LTI roles the block sends for ``user`` (bound to the runtime), with the request's
    user and masquerade as the LMS sets them."""
    from crum import impersonate

    block = openedx.block(user=user)
    real = request_user or user
    if masquerade is not None:
        real.masquerade_settings = {openedx.course_key: masquerade}
    with impersonate(real):
        platform_user = adapter.get().current_user(block)
        data = block._launch_data(platform_user)
    return platform_user, data.roles


def test_limited_staff_are_mentors_not_teachers(openedx, tool_registered):
    """CourseLimitedStaffRole derives from CourseStaffRole: without strict checking they
    would also count as staff (Instructor) and become full teachers."""
    user = openedx.user("limited")
    openedx.grant(user, "limited_staff")
    _, roles = _roles(openedx, user)
    assert roles == [C.MENTOR.value]


def test_staff_and_instructors(openedx, tool_registered):
    staff, instructor = openedx.user("staff"), openedx.user("instructor")
    openedx.grant(staff, "staff")
    openedx.grant(instructor, "instructor")
    assert _roles(openedx, staff)[1] == [C.INSTRUCTOR.value]
    assert set(_roles(openedx, instructor)[1]) == {C.INSTRUCTOR.value, C.ADMINISTRATOR.value}


def test_org_wide_roles_count(openedx, tool_registered):
    org_staff, org_instructor = openedx.user("orgstaff"), openedx.user("orginstructor")
    openedx.grant(org_staff, "staff", org_wide=True)
    openedx.grant(org_instructor, "instructor", org_wide=True)
    assert _roles(openedx, org_staff)[1] == [C.INSTRUCTOR.value]
    assert set(_roles(openedx, org_instructor)[1]) == {C.INSTRUCTOR.value, C.ADMINISTRATOR.value}


def test_forum_roles_and_inactive_users(openedx, tool_registered):
    ta = openedx.user("ta")
    openedx.forum_role(ta, "Community TA")
    assert _roles(openedx, ta)[1] == [C.LEARNER.value]  # no course-staff rights
    gone = openedx.user("gone")
    openedx.grant(gone, "staff")
    gone.is_active = False
    gone.save()
    assert _roles(openedx, gone)[1] == [C.LEARNER.value]


def test_staff_masquerading_as_a_learner_launch_as_a_learner(openedx, tool_registered):
    from lms.djangoapps.courseware.masquerade import CourseMasquerade

    staff = openedx.user("staff", is_staff=True)
    openedx.grant(staff, "instructor")
    user, roles = _roles(openedx, staff, masquerade=CourseMasquerade(openedx.course_key))
    assert roles == [C.LEARNER.value] and SystemRole.ADMINISTRATOR.value not in roles
    assert user.masquerading and user.user_key == str(staff.pk)


def test_masquerading_as_a_specific_learner_never_launches_as_that_learner(
    openedx, tool_registered
):
    """The runtime is bound to the learner; the request's user is the staff member. The
    launch is the staff member's own identity, as a Learner: the tool must never let staff
    act as a learner."""
    from lms.djangoapps.courseware.masquerade import CourseMasquerade

    staff, learner = openedx.user("staff"), openedx.user("ada")
    openedx.grant(staff, "staff")
    user, roles = _roles(
        openedx,
        learner,
        request_user=staff,
        masquerade=CourseMasquerade(openedx.course_key, user_name="ada"),
    )
    assert user.user_key == str(staff.pk) and roles == [C.LEARNER.value]


# ---- users -------------------------------------------------------------------------------


def test_name_is_the_profile_name_and_names_only_when_they_exist(openedx, tool_registered):
    from crum import impersonate

    learner = openedx.user("ada_l", name="Ada Lovelace")
    block = openedx.block(user=learner, share_name=True)
    with impersonate(learner):
        data = block._launch_data(adapter.get().current_user(block))
    assert (data.name, data.given_name, data.family_name) == ("Ada Lovelace", "", "")
    named = openedx.user("grace", name="Grace Hopper", first="Grace", last="Hopper")
    block = openedx.block("unit2", user=named, share_name=True)
    with impersonate(named):
        data = block._launch_data(adapter.get().current_user(block))
    assert (data.name, data.given_name, data.family_name) == ("Grace Hopper", "Grace", "Hopper")


def test_no_profile_name_sends_no_name_not_the_username(openedx, tool_registered):
    from crum import impersonate

    learner = openedx.user("ada_l", name="")
    block = openedx.block(user=learner, share_name=True)
    with impersonate(learner):
        data = block._launch_data(adapter.get().current_user(block))
    assert data.name == "" and "ada_l" not in (data.name, data.given_name, data.family_name)


def test_anonymous_visitor_is_no_user(openedx):
    from crum import impersonate

    block = openedx.block(user=None)
    with impersonate(AnonymousUser()):
        assert adapter.get().current_user(block) is None


# ---- Studio --------------------------------------------------------------------------------


def test_studio_renders_the_author_view_and_never_launches(openedx, settings):
    from webob import Request

    learner = openedx.user("author")
    block = openedx.block(user=learner)
    assert block.has_author_view is True
    settings.ROOT_URLCONF = "cms.urls"  # what Studio's settings route
    assert adapter.get().is_studio(block)
    response = block.launch(Request.blank("/"))
    assert response.status_code == 409
    assert "Studio" in response.text and "Location" not in response.headers
    assert "Studio" in block.author_view().content  # what Studio shows instead
    assert block._grade() is None  # Studio has no courseware to read grades from


@pytest.mark.parametrize(
    "grant, may",
    [
        ("instructor", True),
        ("staff", True),
        ("limited_staff", False),  # yes in the LMS by Open edX's hack, never for editing
        (None, False),
    ],
)
def test_only_the_course_team_may_edit_the_block(openedx, tool_registered, grant, may):
    from crum import impersonate
    from webob import Request

    user = openedx.user("someone")
    if grant:
        openedx.grant(user, grant)
    block = openedx.block(user=user)
    request = Request.blank(
        "/", method="POST", body=b'{"values": {"unit": "elsewhere"}, "defaults": []}'
    )
    with impersonate(user):
        assert adapter.get().can_author(block) is may
        response = block.submit_studio_edits(request)
    assert (response.status_code == 200) is may, response.body
    assert (block.unit == "elsewhere") is may
