"""The only module of codio_xblock that touches edx-platform.

Every edx-platform import is made lazily inside a function, so the block runs in the
xblock-sdk workbench and in tests without edx-platform; tests patch these functions.
Outside Open edX ("standalone": workbench, demo, tests) users are Django users and the
course and course roles come from the ``STANDALONE_*`` settings in :mod:`.conf`.
"""

import importlib.util
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from . import conf


@dataclass(frozen=True)
class PlatformUser:
    user_key: str  # the platform's user id, as a string
    username: str
    email: str = ""
    full_name: str = ""
    given_name: str = ""
    family_name: str = ""
    is_global_staff: bool = False


@dataclass(frozen=True)
class CourseInfo:
    id: str
    label: str
    title: str


def in_openedx():
    """True inside the Open edX LMS or Studio."""
    try:
        return importlib.util.find_spec("common.djangoapps.student") is not None
    except ModuleNotFoundError:  # no "common" package at all
        return False


def current_user_key(request):
    """The signed-in user of a Django request, or None (same in Open edX and standalone)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return str(user.pk)


def _from_django_user(user):
    return PlatformUser(
        user_key=str(user.pk),
        username=user.get_username(),
        email=user.email or "",
        full_name=(user.get_full_name() or "").strip(),
        given_name=user.first_name or "",
        family_name=user.last_name or "",
        is_global_staff=bool(user.is_staff)
        if in_openedx()
        else user.get_username() in conf.get("STANDALONE_GLOBAL_STAFF"),
    )


def current_user(block):
    """The user viewing ``block``, or None for an anonymous visitor."""
    if in_openedx():  # pragma: no cover - needs edx-platform
        user_service = block.runtime.service(block, "user")
        xb_user = user_service.get_current_user()
        user_id = xb_user.opt_attrs.get("edx-platform.user_id")
        if not user_id:
            return None
        return _from_django_user(get_user_model().objects.get(pk=user_id))
    username = block.scope_ids.user_id
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    return _from_django_user(user) if user else None


def course_info(block):
    """Course id, short label and title of the course holding ``block``."""
    if in_openedx():  # pragma: no cover - needs edx-platform
        from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

        course_key = block.scope_ids.usage_id.course_key
        overview = CourseOverview.get_from_id(course_key)
        return CourseInfo(
            id=str(course_key),
            label=overview.display_number_with_default,
            title=overview.display_name_with_default,
        )
    course = conf.get("STANDALONE_COURSE")
    return CourseInfo(id=course["id"], label=course["label"], title=course["title"])


def course_roles(user, course_id):
    """The Open edX course roles of ``user`` in the course, as names of the ROLE_MAP."""
    if in_openedx():  # pragma: no cover - needs edx-platform
        from common.djangoapps.student import roles as student_roles
        from opaque_keys.edx.keys import CourseKey
        from openedx.core.djangoapps.django_comment_common.models import (
            FORUM_ROLE_COMMUNITY_TA,
            FORUM_ROLE_GROUP_MODERATOR,
            Role,
        )

        django_user = get_user_model().objects.get(pk=user.user_key)
        key = CourseKey.from_string(course_id)
        found = set()
        for name, role_cls in (
            ("instructor", student_roles.CourseInstructorRole),
            ("staff", student_roles.CourseStaffRole),
            ("limited_staff", student_roles.CourseLimitedStaffRole),
            ("beta_tester", student_roles.CourseBetaTesterRole),
        ):
            if role_cls(key).has_user(django_user):
                found.add(name)
        forum = Role.objects.filter(course_id=key, users=django_user).values_list("name", flat=True)
        if FORUM_ROLE_COMMUNITY_TA in forum:
            found.add("community_ta")
        if FORUM_ROLE_GROUP_MODERATOR in forum:
            found.add("group_moderator")
        return found
    return set(conf.get("STANDALONE_COURSE_ROLES").get(user.username, []))


def course_url(block):
    """Where the tool's 'return' link should lead (the unit in the courseware)."""
    if in_openedx():  # pragma: no cover - needs edx-platform
        from django.conf import settings
        from django.urls import reverse

        path = reverse(
            "jump_to",
            args=[str(block.scope_ids.usage_id.course_key), str(block.scope_ids.usage_id)],
        )
        return settings.LMS_ROOT_URL.rstrip("/") + path
    return conf.platform_issuer() + conf.get("STANDALONE_COURSE").get("url", "/")


ITEM_TYPE = "codio_unit"
# edx-submissions stores whole points, and AGS scores are fractions of the block's weight.
# Grades are stored in ten-thousandths of a point; Open edX's grades app reads the ratio
# earned/possible and weights it by the block's weight, so the scale cancels out there.
POINT_SCALE = 10_000


def _student_id(user_key, course_id):
    """The id edx-submissions files a learner's grades under: Open edX's anonymous id for the
    course (what its grades app looks up), the Django user id outside Open edX."""
    if in_openedx():  # tested with stand-ins: tests/test_gradebook_adapter.py
        from common.djangoapps.student.models import anonymous_id_for_user
        from opaque_keys.edx.keys import CourseKey

        user = get_user_model().objects.get(pk=user_key)
        return anonymous_id_for_user(user, CourseKey.from_string(course_id))
    return str(user_key)


def _student_item(*, usage_id, course_id, user_key):
    return {
        "student_id": _student_id(user_key, course_id),
        "course_id": course_id,
        "item_id": usage_id,
        "item_type": ITEM_TYPE,
    }


def publish_grade(*, usage_id, course_id, user_key, earned, possible, comment=""):
    """Write a grade to the gradebook through edx-submissions, in Open edX and outside it.

    In Open edX the LMS grades app listens to edx-submissions' ``score_set`` signal (as for
    ORA): the score reaches the learner's progress page and the staff gradebook. Outside it
    (workbench, demo, tests) the same tables are the gradebook the demo shows."""
    from submissions import api as submissions_api

    student_item = _student_item(usage_id=usage_id, course_id=course_id, user_key=user_key)
    submission = submissions_api.create_submission(student_item, {"comment": comment})
    submissions_api.set_score(
        submission["uuid"], round(earned * POINT_SCALE), round(possible * POINT_SCALE)
    )


def current_grade(*, usage_id, course_id, user_key):
    """(earned, possible) the gradebook holds for the user on the block, or None."""
    from submissions import api as submissions_api

    score = submissions_api.get_score(
        _student_item(usage_id=usage_id, course_id=course_id, user_key=user_key)
    )
    if not score:
        return None
    return score["points_earned"] / POINT_SCALE, score["points_possible"] / POINT_SCALE


def gradebook(course_id):
    """Every Codio grade of a course, newest score per learner and block, as dicts with
    user_key (outside Open edX; the anonymous id inside), usage_id, earned, possible and
    modified and the comment: what the demo's staff gradebook shows."""
    from submissions.models import ScoreSummary

    summaries = (
        ScoreSummary.objects.filter(
            student_item__course_id=course_id, student_item__item_type=ITEM_TYPE
        )
        .select_related("student_item", "latest__submission")
        .order_by("student_item__item_id", "student_item__student_id")
    )
    return [
        {
            "user_key": summary.student_item.student_id,
            "usage_id": summary.student_item.item_id,
            "earned": summary.latest.points_earned / POINT_SCALE,
            "possible": summary.latest.points_possible / POINT_SCALE,
            "modified": summary.latest.created_at,
            "comment": (summary.latest.submission.answer or {}).get("comment", "")
            if summary.latest.submission
            else "",
        }
        for summary in summaries
    ]
