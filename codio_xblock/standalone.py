"""The standalone adapter: the LMS outside Open edX (xblock-sdk workbench, the demo, tests).

Users are Django users; the course and each username's course roles come from the
``STANDALONE_*`` settings (:mod:`.conf`); blocks are the workbench's own (loaded by its
runtime, so a block removed from its scenario is gone, as in a course). The gradebook is
:class:`~codio_xblock.models.StandaloneScore`, which stores what Open edX's courseware
StudentModule stores for a published score (raw earned and possible, unweighted), so the
unit shows exactly what Open edX would show.
"""

from django.contrib.auth import get_user_model

from . import conf
from .adapter import BlockGrading, CourseInfo, CourseMember, PlatformAdapter, PlatformUser


class StandaloneAdapter(PlatformAdapter):
    name = "standalone"

    def current_user(self, block):
        username = block.scope_ids.user_id
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            return None
        return PlatformUser(
            user_key=str(user.pk),
            username=user.get_username(),
            email=user.email or "",
            full_name=(user.get_full_name() or "").strip(),
            given_name=(user.first_name or "").strip(),
            family_name=(user.last_name or "").strip(),
            is_global_staff=user.get_username() in conf.get("STANDALONE_GLOBAL_STAFF"),
            time_zone=conf.get("STANDALONE_TIME_ZONES").get(user.get_username(), ""),
        )

    def course_info(self, block):
        course = conf.get("STANDALONE_COURSE")
        return CourseInfo(id=course["id"], label=course["label"], title=course["title"])

    def course_roles(self, user, course_id):
        if user.masquerading:
            return set()
        return set(conf.get("STANDALONE_COURSE_ROLES").get(user.username, []))

    def course_members(self, course_id, *, after=0, limit=100):
        """Every Django user: the workbench lets any signed-in user open the course, so all
        of them are its members; a deactivated account is an inactive member."""
        roles = conf.get("STANDALONE_COURSE_ROLES")
        users = get_user_model().objects.filter(pk__gt=after).order_by("pk")[:limit]

        def roles_of(user):  # inactive users hold no role, as in Open edX
            return frozenset(roles.get(user.get_username(), []) if user.is_active else ())

        return [
            CourseMember(
                position=user.pk,
                user_key=str(user.pk),
                username=user.get_username(),
                email=user.email or "",
                full_name=(user.get_full_name() or "").strip(),
                given_name=(user.first_name or "").strip(),
                family_name=(user.last_name or "").strip(),
                active=user.is_active,
                course_roles=roles_of(user),
            )
            for user in users
        ]

    def course_url(self, block):
        return conf.platform_issuer() + conf.get("STANDALONE_COURSE").get("url", "/")

    def is_studio(self, block):
        return False  # the workbench has no authoring runtime; author_view is shown apart

    def writes_content(self, block):
        """The workbench has one runtime for learners and authors: its handlers may write
        (the demo serves the authoring handlers on its Studio origin alone, on the draft
        branch: demo/origins.py)."""
        return True

    def can_author(self, block):
        """Course instructors and staff (``STANDALONE_COURSE_ROLES``) and global staff."""
        user = self.current_user(block)
        if user is None:
            return False
        roles = set(conf.get("STANDALONE_COURSE_ROLES").get(user.username, []))
        return user.is_global_staff or bool(roles & {"instructor", "staff"})

    def request_can_author(self, request, usage_id):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        name = user.get_username()
        roles = set(conf.get("STANDALONE_COURSE_ROLES").get(name, []))
        return name in conf.get("STANDALONE_GLOBAL_STAFF") or bool(roles & {"instructor", "staff"})

    def _load_block(self, usage_id):
        from workbench.runtime import WorkbenchRuntime
        from xblock.exceptions import NoSuchUsage

        try:
            return WorkbenchRuntime().get_block(usage_id)
        except (NoSuchUsage, KeyError, ValueError):
            return None

    def block_grading(self, usage_id):
        block = self._load_block(usage_id)
        if block is None:
            return None
        return BlockGrading(
            weight=getattr(block, "weight", None),
            has_score=bool(getattr(block, "has_score", False)),
            due=getattr(block, "due", None),
            accept_grades_past_due=bool(getattr(block, "accept_grades_past_due", True)),
        )

    def publish_grade(self, *, usage_id, user_key, raw_earned, raw_possible, comment=""):
        from .models import StandaloneScore

        StandaloneScore.objects.update_or_create(
            user_key=str(user_key),
            usage_id=usage_id,
            defaults={
                "course_id": conf.get("STANDALONE_COURSE")["id"],
                "grade": raw_earned,
                "max_grade": raw_possible,
                "comment": comment,
            },
        )

    def clear_grade(self, *, usage_id, user_key):
        from .models import StandaloneScore

        StandaloneScore.objects.filter(user_key=str(user_key), usage_id=usage_id).delete()

    def current_grade(self, *, usage_id, user_key):
        from .models import StandaloneScore

        row = StandaloneScore.objects.filter(user_key=str(user_key), usage_id=usage_id).first()
        return None if row is None else (row.grade, row.max_grade)

    def connect_signals(self):
        """Outside Open edX a user leaves by being deleted: retire them then."""
        from django.db.models.signals import pre_delete

        from .retirement import retire_platform_user

        def on_delete(sender, instance, **kwargs):
            retire_platform_user(str(instance.pk))

        pre_delete.connect(
            on_delete,
            sender=get_user_model(),
            weak=False,
            dispatch_uid="codio_xblock.retire_deleted_user",
        )
