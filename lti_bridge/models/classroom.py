"""Classes (from LMS courses), units (from LMS activities), memberships and learner work."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .identity import Account
from .platform import Organization, Registration
from .validators import not_blank


class Classroom(models.Model):
    """The bridge's class, made from one LMS course (LTI context claim, LTI Core 1.3 5.4.1).

    Invitations and join tokens are off: the LMS is the only way in.
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="classes")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="classes")
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    label = models.CharField(max_length=255, blank=True)
    invitations_enabled = models.BooleanField(
        default=False, help_text=_("Always off for a class made from an LMS course.")
    )
    join_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    filter_learners_for_mentors = models.BooleanField(
        default=False, help_text=_("Mentors see only their mentees (Codio's setting).")
    )
    mentors_may_grade = models.BooleanField(
        default=False, help_text=_("Mentors may grade the learners they can see.")
    )
    release_automatically = models.BooleanField(
        default=False, help_text=_("Grades are released as soon as they are given.")
    )
    # The LMS's Names and Role Provisioning Service for the course (NRPS 2.0: the launch's
    # namesroleservice claim), and when the bridge last asked for the roster from it.
    memberships_url = models.URLField(max_length=1024, blank=True)
    roster_requested_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "context_id"], name="unique_context_per_registration"
            ),
        ]

    def __str__(self):
        return self.title or self.context_id

    def save(self, *args, **kwargs):
        if self.from_lms:  # the LMS is the only way in, whatever a form or script says
            self.invitations_enabled = False
            self.join_token = None
        super().save(*args, **kwargs)

    @property
    def from_lms(self):
        return self.registration_id is not None

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.from_lms and (self.invitations_enabled or self.join_token):
            raise ValidationError(
                _(
                    "A class made from an LMS course takes no invitations or join links: "
                    "learners join it from the LMS."
                )
            )


class ClassMembership(models.Model):
    """An account's role in a class, from the launch's LTI roles (DESIGN section 4).

    .. pii: which class a person belongs to, with what role.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    class Role(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        STUDENT = "student", _("Student")

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="class_memberships")
    role = models.CharField(max_length=10, choices=Role.choices)
    read_only = models.BooleanField(default=False)
    lti_roles = models.JSONField(default=list)
    # False once the LMS's roster no longer lists the member, or lists them as inactive: they
    # left the course. Their work and grades are kept; their next launch makes them active.
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "account"], name="unique_account_per_class"
            ),
        ]

    def __str__(self):
        return f"{self.account_id} in {self.classroom_id} as {self.role}"


class RosterSync(models.Model):
    """One reading of a class's roster from the LMS's membership service (NRPS 2.0) and what
    it changed. Asked for at a launch when the roster is stale, by a teacher, or by the
    periodic task; carried out by the ``lti_bridge.sync_roster`` task."""

    class Source(models.TextChoices):
        LAUNCH = "launch", _("A launch (the roster was out of date)")
        TEACHER = "teacher", _("A teacher")
        SCHEDULE = "schedule", _("The periodic sync")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="roster_syncs")
    source = models.CharField(max_length=10, choices=Source.choices)
    requested_by = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    members = models.PositiveIntegerField(default=0)  # listed by the LMS
    added = models.PositiveIntegerField(default=0)  # new to the class
    left = models.PositiveIntegerField(default=0)  # no longer listed, or listed as inactive
    waiting = models.PositiveIntegerField(default=0)  # join at their first launch (see flow)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("roster sync")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"roster of {self.classroom_id}: {self.state}"


class Unit(models.Model):
    """A Codio unit (assignment) of an organization."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="units")
    code = models.SlugField(max_length=100)
    title = models.CharField(max_length=255, validators=[not_blank])
    instructions = models.TextField(blank=True)
    max_points = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=100,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100000"))],
        help_text=_("The unit's points in Codio: more than 0, at most 100,000."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="unique_unit_code_per_organization"
            ),
        ]

    def __str__(self):
        return self.title


class ClassUnitContent(models.Model):
    """A class's own title and instructions for a unit of its organization, made when a
    teacher of the class first edits them: one class's edit never changes another's. The
    organization's unit stays the master, edited by its administrators (Django admin)."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="unit_contents")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="class_contents")
    title = models.CharField(max_length=255, validators=[not_blank])
    instructions = models.TextField(blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit content of a class")
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "unit"], name="unique_content_per_class_unit"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.classroom_id})"


class ResourceLink(models.Model):
    """One LMS activity mapped to a unit (LTI resource link claim, LTI Core 1.3 5.3.5).

    The LMS decides which unit an activity opens (the launch's signed ``codio_unit``): when
    a launch names another unit (the author picked another one through deep linking), that
    unit's row becomes the activity's ``current`` one and the earlier row stays, with its
    learners' work and grades, ``current`` NULL and ``replaced_at`` set. One row per unit
    the activity has opened: picking an earlier unit again makes its row current again
    (docs/decisions/0013-relinked-units.rst)."""

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="resource_links"
    )
    resource_link_id = models.CharField(max_length=255)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="resource_links")
    title = models.CharField(max_length=255, blank=True)
    lineitem_url = models.URLField(max_length=1024, blank=True)
    lineitems_url = models.URLField(max_length=1024, blank=True)
    ags_scopes = models.JSONField(default=list, blank=True)

    class SendMode(models.TextChoices):
        GRADE_RELEASE = "GRADE_RELEASE", _("When released (work complete and graded)")
        ALWAYS = "ALWAYS", _("On every submission or grade")
        CHANGED = "CHANGED", _("When the grade changes")

    send_mode = models.CharField(
        max_length=15, choices=SendMode.choices, default=SendMode.GRADE_RELEASE
    )
    # False when its launches carry neither a name nor an email (an anonymous unit in the
    # LMS): its pages then show learners by number only, to learners and teachers alike.
    shares_identity = models.BooleanField(default=True)
    # True for the row the activity's launches open; NULL (never False) once a launch named
    # another unit: a unique index counts no NULLs on any database, so each activity has at
    # most one current row, and any number of replaced ones.
    current = models.BooleanField(null=True, default=True)
    replaced_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the LMS activity began opening another unit.")
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "resource_link_id", "current"],
                name="unique_current_unit_per_resource_link",
            ),
            models.UniqueConstraint(
                fields=["classroom", "resource_link_id", "unit"],
                name="unique_unit_per_resource_link",
            ),
        ]

    def __str__(self):
        return self.title or self.resource_link_id

    def save(self, *args, **kwargs):
        if self.current is False:  # replaced is NULL, never False (see ``current``)
            self.current = None
        super().save(*args, **kwargs)

    @property
    def is_current(self):
        """Whether the activity's launches open this row's unit (not replaced)."""
        return bool(self.current)

    def _same_activity(self):
        return (
            ResourceLink.objects.filter(
                classroom=self.classroom_id, resource_link_id=self.resource_link_id
            )
            .exclude(pk=self.pk)
            .select_related("unit")
        )

    def replaced_by(self):
        """The row the activity opens now, for a replaced row (else None)."""
        if self.is_current:
            return None
        return self._same_activity().filter(current=True).first()

    def earlier_units(self):
        """The activity's other, replaced rows (the units it opened before), newest first."""
        return self._same_activity().filter(current__isnull=True).order_by("-replaced_at", "-pk")

    @property
    def content(self):
        """What learners and teachers of this class see of the unit: the class's own title
        and instructions once a teacher of the class edited them, else the organization's
        (docs/decisions/0007-unit-content-per-class.rst)."""
        if not hasattr(self, "_content"):
            self._content = (
                ClassUnitContent.objects.filter(classroom=self.classroom_id, unit=self.unit_id)
                .only("title", "instructions")
                .first()
                or self.unit
            )
        return self._content


class Work(models.Model):
    """A learner's work on one resource link (created at their first launch of it).

    .. pii: the learner's answer, grade and the teacher's comment.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    resource_link = models.ForeignKey(ResourceLink, on_delete=models.CASCADE, related_name="works")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="works")
    first_launch = models.DateTimeField(auto_now_add=True)
    last_launch = models.DateTimeField(auto_now=True)

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    answer = models.TextField(blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    points = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    comment = models.TextField(blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    graded_by = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Each grade action bumps grade_version; the learner sees the grade once the release
    # has caught up with it (released_version == grade_version).
    grade_version = models.PositiveIntegerField(default=0)
    released_version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource_link", "account"], name="unique_work_per_learner_and_link"
            ),
        ]

    def __str__(self):
        return f"work of {self.account_id} on {self.resource_link_id}"

    @property
    def is_graded(self):
        return self.points is not None

    @property
    def grade_released(self):
        return self.is_graded and self.released_version == self.grade_version

    @property
    def latest_delivery(self):
        newest_first = getattr(self, "deliveries_newest_first", None)  # prefetched by pages
        if newest_first is not None:
            return newest_first[0] if newest_first else None
        return self.deliveries.order_by("-version", "-pk").first()


class MentorScope(models.Model):
    """One learner a mentor may see in a class ("Filter Learners For Mentors").

    ``learner_ref`` is how the source named the learner: an LMS user id (the ``sub``) or an
    email, resolved when the mentor looks, so a learner who has not launched yet is covered
    from their first launch. Sources: the LTI ``role_scope_mentor`` claim, Codio's custom
    parameter ``codio_custom_mentor_for``, or a teacher (UI and API).

    .. pii: a learner's LMS user id or email address.
    .. pii_types: id, email_address
    .. pii_retirement: local_api
    """

    class Source(models.TextChoices):
        CLAIM = "claim", _("LTI role_scope_mentor claim")
        CUSTOM = "custom", _("Custom parameter codio_custom_mentor_for")
        TEACHER = "teacher", _("Set by a teacher")

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="mentor_scopes")
    mentor = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="mentee_scopes")
    learner_ref = models.CharField(max_length=255)
    source = models.CharField(max_length=10, choices=Source.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "mentor", "learner_ref", "source"],
                name="unique_mentee_per_mentor_and_source",
            ),
        ]

    def __str__(self):
        return f"{self.mentor_id} mentors {self.learner_ref} ({self.source})"


class GradeChange(models.Model):
    """The audit trail of a learner's grade: who graded or released it, when, and the
    grade and comment before and after. Append-only; shown on the work page and exported.

    .. pii: a learner's grades and comments, and the name of who gave them.
    .. pii_types: name, other
    .. pii_retirement: local_api
    """

    class Action(models.TextChoices):
        GRADED = "graded", _("Graded")
        RELEASED = "released", _("Released")

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="grade_changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    changed_by = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by_name = models.CharField(max_length=255, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    points_before = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    points_after = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    comment_before = models.TextField(blank=True)
    comment_after = models.TextField(blank=True)

    class Meta:
        verbose_name = _("grade change")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.action} {self.work_id}: {self.points_before} -> {self.points_after}"
