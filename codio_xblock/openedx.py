"""The Open edX adapter: the only module of codio_xblock that imports edx-platform.

Every edx-platform import is made inside a method, so the package imports without
edx-platform. Tests run this adapter against stand-ins that mirror the real modules
(tests/edx_platform/, each naming the file it mirrors).

What it relies on, read in edx-platform master (Ulmo line):

* users: the XBlock user service (common/djangoapps/xblock_django/user_service.py) gives the
  user id and ``full_name`` (``UserProfile.name``; auth first/last names are usually empty);
* roles: common/djangoapps/student/roles.py. ``RoleCache`` merges CourseAccessRole rows and
  openedx-authz assignments (as legacy names); ``CourseLimitedStaffRole`` derives from
  ``CourseStaffRole`` and role checks include derived roles, so roles are read by exact name
  from ``RoleCache.roles_by_course_id``, never inside ``strict_role_checking()`` (a
  process-wide switch with no try/finally); org-wide roles give course staff access
  (lms/djangoapps/courseware/access.py); forum roles live in
  openedx/core/djangoapps/django_comment_common/models.py;
* masquerade: lms/djangoapps/courseware/masquerade.py (settings on the request's user);
* grades: the ``SCORE_PUBLISHED`` signal (lms/djangoapps/grades/api.py, handled by
  grades/signals/handlers.py ``score_published_handler``) stores raw earned/possible in the
  courseware StudentModule, and the grades app weights them by the block's ``weight``
  (grades/scores.py); the same path lti-consumer's plugin/compat.py ``publish_grade`` takes;
* completion: edx-completion's ``scorable_block_completion`` (completion/handlers.py, connected
  to the grades app's ``PROBLEM_WEIGHTED_SCORE_CHANGED`` by the plugin machinery) marks the
  unit complete when its score is published without a ``grader_response``.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model

from .adapter import BlockGrading, CourseInfo, CourseMember, PlatformAdapter, PlatformUser

log = logging.getLogger(__name__)

FORUM_ROLES = {
    # django_comment_common FORUM_ROLE_* -> names of ROLE_MAP. They moderate discussions and
    # give no course-staff rights: Learner by default (lti1p3/roles.py).
    "Community TA": "community_ta",
    "Group Moderator": "group_moderator",
    "Moderator": "forum_moderator",
    "Administrator": "forum_administrator",
}


def _course_key(course_id):
    from opaque_keys.edx.keys import CourseKey

    return CourseKey.from_string(str(course_id))


def _usage_key(usage_id):
    from opaque_keys.edx.keys import UsageKey

    return UsageKey.from_string(str(usage_id))


# Course access roles (CourseAccessRole.role, or an openedx-authz role's legacy name) ->
# names of ROLE_MAP. Matched by exact name: a limited staff member is not course staff.
COURSE_ACCESS_ROLES = {
    "instructor": "instructor",
    "staff": "staff",
    "limited_staff": "limited_staff",
    "beta_testers": "beta_tester",
}
# Org-wide roles (no course id: OrgInstructorRole, OrgStaffRole, an openedx-authz org or
# platform grant) give the same access to every course of the org (courseware/access.py).
ORG_ACCESS_ROLES = {
    "instructor": "instructor",
    "staff": "staff",
    "limited_staff": "limited_staff",
}


def _role_names(roles_by_course_id, key):
    """Names of ROLE_MAP for the access roles of ``RoleCache.roles_by_course_id`` (legacy
    CourseAccessRole rows and openedx-authz assignments as edx-platform merges them), for
    the course ``key``: its own roles and its org's org-wide roles. Read by name, never
    through ``strict_role_checking()`` (which switches role inheritance off for the whole
    process and leaves it off if anything inside raises)."""
    from common.djangoapps.student.roles import get_role_cache_key_for_course

    names = set()
    for role in roles_by_course_id.get(get_role_cache_key_for_course(key), ()):
        if role.org == key.org and role.role in COURSE_ACCESS_ROLES:
            names.add(COURSE_ACCESS_ROLES[role.role])
    for role in roles_by_course_id.get(get_role_cache_key_for_course(None), ()):
        if role.org == key.org and role.role in ORG_ACCESS_ROLES:
            names.add(ORG_ACCESS_ROLES[role.role])
    return names


def _roles_of(django_user, key, roles_by_course_id, forum_role_names):
    """The user's course roles as names of ``ROLE_MAP``: access roles by exact name, org-wide
    ones included, forum roles; an inactive user holds none (roles.py ``has_user``)."""
    if not django_user.is_active:
        return set()
    found = _role_names(roles_by_course_id, key)
    found |= {FORUM_ROLES[name] for name in forum_role_names if name in FORUM_ROLES}
    return found


def _authz_team(key):
    """Usernames with an openedx-authz role in the course itself that ``RoleCache`` turns into
    a course access role (one with a legacy name): one read whatever the course's size.
    (edx-platform's roles.py reads course-scoped assignments only: an org-wide
    ``course-v1:ORG+*`` assignment gives no course role there, so none here.) Empty where
    edx-platform has no openedx-authz course roles (Ulmo and before)."""
    try:
        from common.djangoapps.student.roles import get_legacy_role_from_authz_role
        from openedx_authz.api import users as authz_api
    except ImportError:
        return set()
    return {
        assignment.subject.external_key
        for assignment in authz_api.get_all_user_role_assignments_in_scope(
            scope_external_key=str(key)
        )
        if any(get_legacy_role_from_authz_role(role.external_key) for role in assignment.roles)
    }


class OpenEdxAdapter(PlatformAdapter):
    name = "openedx"

    # ---- users, courses, roles ----

    def current_user(self, block):
        from crum import get_current_user
        from lms.djangoapps.courseware.masquerade import get_course_masquerade

        xb_user = block.runtime.service(block, "user").get_current_user()
        user_id = xb_user.opt_attrs.get("edx-platform.user_id")
        if not user_id:
            return None
        user = get_user_model().objects.get(pk=user_id)
        # Staff who masquerade as a specific learner are bound to that learner's id in the
        # runtime (block_render.py get_block_by_usage_id: setup_masquerade's user); the
        # request's user is the real one. They are the staff member, viewing that learner.
        request_user = get_current_user()
        course_key = block.scope_ids.usage_id.context_key
        masquerading = False
        learner_viewed = None
        if request_user is not None and request_user.is_authenticated:
            masquerade = get_course_masquerade(request_user, course_key)
            if masquerade is not None and getattr(masquerade, "role", None) == "student":
                masquerading = True
            if request_user.pk != user.pk:
                learner_viewed = PlatformUser(
                    user_key=str(user.pk),
                    username=user.username,
                    full_name=(xb_user.full_name or "").strip(),
                )
                masquerading, user = True, get_user_model().objects.get(pk=request_user.pk)
        full_name = (
            (xb_user.full_name or "")
            if not masquerading
            else getattr(getattr(user, "profile", None), "name", "")
        )
        return PlatformUser(
            user_key=str(user.pk),
            username=user.username,
            email=user.email or "",
            full_name=(full_name or "").strip(),
            given_name=(user.first_name or "").strip(),
            family_name=(user.last_name or "").strip(),
            is_global_staff=bool(user.is_staff) and not masquerading,
            # xblock_django/user_service.py passes the whitelisted preferences (pref-lang,
            # time_zone) of the runtime's user; masquerading, that may be someone else.
            time_zone=(
                ""
                if masquerading
                else str(
                    (xb_user.opt_attrs.get("edx-platform.user_preferences") or {}).get("time_zone")
                    or ""
                )
            ),
            masquerading=masquerading,
            learner_viewed=learner_viewed,
        )

    def course_info(self, block):
        from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

        course_key = block.scope_ids.usage_id.context_key
        overview = CourseOverview.get_from_id(course_key)
        return CourseInfo(
            id=str(course_key),
            label=overview.display_number_with_default,
            title=overview.display_name_with_default,
        )

    def course_roles(self, user, course_id):
        """Roles as edx-platform grants them today: ``RoleCache`` merges CourseAccessRole rows
        and openedx-authz assignments (common/djangoapps/student/roles.py), whatever the
        ``authz.enable_course_authoring`` flag says; forum roles from django_comment_common."""
        from common.djangoapps.student.roles import RoleCache
        from openedx.core.djangoapps.django_comment_common.models import Role

        if user.masquerading:
            return set()
        django_user = get_user_model().objects.get(pk=user.user_key)
        key = _course_key(course_id)
        forum = Role.objects.filter(course_id=key, users=django_user).values_list("name", flat=True)
        return _roles_of(django_user, key, RoleCache(django_user).roles_by_course_id, forum)

    def course_members(self, course_id, *, after=0, limit=100):
        """Users enrolled in the course (CourseEnrollment, active or not) and the course team
        (course-level CourseAccessRole rows and openedx-authz course assignments), by user
        id, their roles read exactly as a launch reads them. A page costs a few queries
        whatever the course's size: legacy roles for the whole page at once; ``RoleCache``
        (legacy and openedx-authz merged) only for the members openedx-authz grants a role
        in this course. Not ``BulkRoleCache.prefetch``: on master it stores the wrong
        role for openedx-authz assignments (and fails when the batch has no legacy role)."""
        from common.djangoapps.student.models import CourseAccessRole, CourseEnrollment
        from common.djangoapps.student.roles import RoleCache, get_role_cache_key_for_course
        from django.db.models import Q
        from openedx.core.djangoapps.django_comment_common.models import Role

        key = _course_key(course_id)
        authz = _authz_team(key)
        enrolled = CourseEnrollment.objects.filter(course_id=key).values("user_id")
        team = CourseAccessRole.objects.filter(course_id=key).values("user_id")
        users = list(
            get_user_model()
            .objects.filter(
                Q(pk__in=enrolled) | Q(pk__in=team) | Q(username__in=authz), pk__gt=after
            )
            .select_related("profile")
            .order_by("pk")[:limit]
        )
        if not users:
            return []
        ids = [user.pk for user in users]
        legacy = {}  # the shape of RoleCache.roles_by_course_id, per user
        for row in CourseAccessRole.objects.filter(user_id__in=ids):
            legacy.setdefault(row.user_id, {}).setdefault(
                get_role_cache_key_for_course(row.course_id), set()
            ).add(row)
        enrollment = dict(
            CourseEnrollment.objects.filter(course_id=key, user_id__in=ids).values_list(
                "user_id", "is_active"
            )
        )
        forum = {}
        for user_id, name in Role.objects.filter(course_id=key, users__in=ids).values_list(
            "users", "name"
        ):
            forum.setdefault(user_id, []).append(name)
        members = []
        for user in users:
            if user.username in authz:
                roles_by_course_id = RoleCache(user).roles_by_course_id
            else:
                roles_by_course_id = legacy.get(user.pk, {})
            roles = _roles_of(user, key, roles_by_course_id, forum.get(user.pk, ()))
            # the course team: forum roles and beta testers are learners
            on_team = bool(roles - {"beta_tester", *FORUM_ROLES.values()})
            members.append(
                CourseMember(
                    position=user.pk,
                    user_key=str(user.pk),
                    username=user.username,
                    email=user.email or "",
                    full_name=(getattr(getattr(user, "profile", None), "name", "") or "").strip(),
                    given_name=(user.first_name or "").strip(),
                    family_name=(user.last_name or "").strip(),
                    active=user.is_active and (enrollment.get(user.pk, False) or on_team),
                    course_roles=frozenset(roles),
                )
            )
        return members

    def course_url(self, block):
        from django.urls import reverse

        usage = block.scope_ids.usage_id
        path = reverse("jump_to", args=[str(usage.context_key), str(usage)])
        return settings.LMS_ROOT_URL.rstrip("/") + path

    def is_studio(self, block):
        # Studio's settings route cms.urls; its preview runtime has no jump_to URL.
        return str(getattr(settings, "ROOT_URLCONF", "")).startswith("cms.")

    def can_author(self, block):
        """Studio write access as Studio computes it (common/djangoapps/student/auth.py
        ``has_studio_write_access``), asked with ``service_variant="cms"`` even in the LMS:
        there the LMS answers yes for limited staff (a hack for instructor dashboard views),
        who may not edit course content."""
        from common.djangoapps.student.auth import has_studio_write_access
        from crum import get_current_user

        user = get_current_user()
        if user is None or not user.is_authenticated:
            return False
        course_key = block.scope_ids.usage_id.context_key
        try:
            return bool(has_studio_write_access(user, course_key, service_variant="cms"))
        except TypeError:  # releases before service_variant: no LMS exception to avoid
            return bool(has_studio_write_access(user, course_key))

    def request_can_author(self, request, usage_id):
        from common.djangoapps.student.auth import has_studio_write_access

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        course_key = _usage_key(usage_id).context_key
        try:
            return bool(has_studio_write_access(user, course_key, service_variant="cms"))
        except TypeError:
            return bool(has_studio_write_access(user, course_key))

    # ---- gradebook ----

    def _load_block(self, usage_id):
        from xmodule.modulestore.django import modulestore
        from xmodule.modulestore.exceptions import ItemNotFoundError

        try:
            return modulestore().get_item(_usage_key(usage_id))
        except ItemNotFoundError:
            return None

    def block_grading(self, usage_id):
        block = self._load_block(usage_id)
        if block is None:
            return None
        due = getattr(block, "due", None)
        grace = getattr(block, "graceperiod", None)
        if due is not None and isinstance(grace, timedelta):
            due = due + grace
        return BlockGrading(
            weight=getattr(block, "weight", None),
            has_score=bool(getattr(block, "has_score", False)),
            due=due,
            accept_grades_past_due=bool(getattr(block, "accept_grades_past_due", True)),
        )

    def publish_grade(self, *, usage_id, user_key, raw_earned, raw_possible, comment=""):
        """``SCORE_PUBLISHED`` with the raw score, as lti-consumer's compat.publish_grade
        sends it, but without a ``grader_response``: the grades app passes that on to
        ``PROBLEM_WEIGHTED_SCORE_CHANGED``, and edx-completion (completion/handlers.py
        ``scorable_block_completion``) takes a truthy one as "not complete", so a unit the
        tool graded with a comment never got its checkmark. A published score is final
        (FullyGraded): the unit is complete. The comment stays with the AGS score (the
        results service reports it); Open edX shows no grader comment for this block."""
        from lms.djangoapps.grades.api import signals as grades_signals

        block = self._load_block(usage_id)
        if block is None:
            raise LookupError(f"block {usage_id} is no longer in its course")
        user = get_user_model().objects.get(pk=user_key)
        grades_signals.SCORE_PUBLISHED.send(
            sender=None,
            block=block,
            user=user,
            raw_earned=raw_earned,
            raw_possible=raw_possible,
            only_if_higher=False,
            score_deleted=False,
        )

    def clear_grade(self, *, usage_id, user_key):
        """``SCORE_PUBLISHED`` with no score: the CSM row's grade and maximum become empty
        (courseware counts the block as not attempted) and ``score_deleted`` lets the grade
        tasks recompute the subsection."""
        from lms.djangoapps.grades.api import signals as grades_signals

        block = self._load_block(usage_id)
        if block is None:
            return
        grades_signals.SCORE_PUBLISHED.send(
            sender=None,
            block=block,
            user=get_user_model().objects.get(pk=user_key),
            raw_earned=None,
            raw_possible=None,
            only_if_higher=False,
            score_deleted=True,
        )

    def current_grade(self, *, usage_id, user_key):
        from lms.djangoapps.courseware.model_data import get_score

        module = get_score(int(user_key), _usage_key(usage_id))
        if module is None or module.max_grade is None:
            return None
        return float(module.grade or 0.0), float(module.max_grade)

    def shown_grade(self, *, usage_id, user_key, weight):
        """The score as the grades app shows it on the progress page (course_home_api's
        progress view: ``CourseGradeFactory().read``, whose subsection grades are
        ``ReadSubsectionGrade`` once persisted). A persisted subsection grade keeps, per
        block, a ``BlockRecord`` with the weight it was computed with, and
        ``ReadSubsectionGrade.problem_scores`` weights the courseware's raw score by that
        weight (grades/scores.py ``get_score``: ``_get_weight_from_block`` prefers the
        persisted block), whatever the author has set since. The grade is recomputed with
        the block's weight of the day only when the subsection grade is (the learner's next
        score in that subsection, a rescore, an override, ``compute_grades``). A block not
        in a persisted subsection grade yet is weighted by ``weight``, as that computation
        will weight it (``CreateSubsectionGrade``, no persisted block)."""
        from lms.djangoapps.grades.scores import weighted_score

        raw = self.current_grade(usage_id=usage_id, user_key=user_key)
        if raw is None:
            return None
        record = self._persisted_block_record(usage_id, user_key)
        if record is not None:
            weight = record.weight
        return weighted_score(raw[0], raw[1], weight)

    def _persisted_block_record(self, usage_id, user_key):
        """The ``BlockRecord`` (locator, weight, raw_possible, graded) that the learner's
        persisted subsection grade keeps for the block (grades/models.py
        ``PersistentSubsectionGrade.visible_blocks``), or None. One query: the subsection
        grade whose visible blocks name the block."""
        from lms.djangoapps.grades.models import PersistentSubsectionGrade

        key = _usage_key(usage_id)
        grades = PersistentSubsectionGrade.objects.select_related("visible_blocks").filter(
            user_id=int(user_key),
            course_id=key.course_key,
            visible_blocks__blocks_json__contains=f'"{key}"',
        )
        for grade in grades.order_by("-modified"):
            for record in grade.visible_blocks.blocks:
                if str(record.locator) == str(key):
                    return record
        return None

    # ---- personal data ----

    def connect_signals(self):
        """The retirement pipeline (openedx/core/djangoapps/user_api/accounts/views.py)
        sends ``USER_RETIRE_LMS_CRITICAL.send(sender=..., user=user)``."""
        from openedx.core.djangoapps.user_api.accounts.signals import USER_RETIRE_LMS_CRITICAL

        from .retirement import retire_platform_user

        def on_retire(sender, user=None, **kwargs):
            if user is not None:
                retire_platform_user(str(user.pk))

        USER_RETIRE_LMS_CRITICAL.connect(
            on_retire, weak=False, dispatch_uid="codio_xblock.retire_platform_user"
        )
