"""Platform-side records: signing keys, registered tools, subject ids.

Each model's docstring names the spec section it stores.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lti_bridge.keyring import AbstractKeyPair
from lti_bridge.protocol.vocabulary import Scope


class PlatformKey(AbstractKeyPair):
    """An RSA key pair of this platform (LTI Security Framework 1.0, 6.3: key sets).

    The newest unretired key signs; a retired key is still published until
    ``publish_until`` so tools holding a token signed by it can verify it.
    """

    class Meta:
        verbose_name = _("platform key")


def _new_client_id():
    return uuid.uuid4().hex


def _split_lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ToolRegistrationQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(enabled=True)


class ToolRegistration(models.Model):
    """An LTI 1.3 tool known to this platform (LTI Core 1.3, 3.1.3 tool registration).

    The client id is issued by this platform. The tool's keys come from its key set URL
    or a public key pasted in; only the exact redirect URIs listed may receive launches.
    """

    slug = models.SlugField(
        unique=True, help_text=_("Short name a Codio Unit block uses to choose this tool.")
    )
    name = models.CharField(max_length=200)
    client_id = models.CharField(max_length=255, unique=True, default=_new_client_id)
    deployment_id = models.CharField(max_length=255, default="1")
    oidc_login_url = models.URLField(max_length=1024, help_text=_("Tool's OIDC login URL."))
    launch_url = models.URLField(
        max_length=1024, help_text=_("Target link URI: the tool's launch URL.")
    )
    deep_linking_url = models.URLField(
        max_length=1024,
        blank=True,
        help_text=_(
            "The tool's deep linking (content selection) URL, where authors choose a unit; "
            "empty: the launch URL."
        ),
    )
    keyset_url = models.URLField(max_length=1024, blank=True)
    public_key_pem = models.TextField(blank=True)
    redirect_uris = models.TextField(
        help_text=_("Allowed redirect URIs, one per line; compared exactly.")
    )
    service_scopes = models.TextField(
        blank=True,
        default="\n".join(
            [
                Scope.LINEITEM_READONLY.value,
                Scope.RESULT_READONLY.value,
                Scope.SCORE.value,
                Scope.CONTEXT_MEMBERSHIP_READONLY.value,
            ]
        ),
        help_text=_(
            "LTI service scopes this tool may be granted, one per line. The default lets it "
            "post scores, read its line items and results, and read the course roster. Add the "
            "line item scope (…/lti-ags/scope/lineitem) to let it create, change "
            "and delete line items of its own (kept for the tool, not in the course grade); "
            "remove the roster scope to keep the roster from it."
        ),
    )
    enabled = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = ToolRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("LTI tool registration")

    def __str__(self):
        return f"{self.name} ({self.slug})"

    def redirect_uri_list(self):
        return _split_lines(self.redirect_uris)

    def scope_list(self):
        return _split_lines(self.service_scopes)

    def clean(self):
        errors = {}
        if not self.keyset_url and not self.public_key_pem:
            errors["keyset_url"] = _("Give the tool's key set URL or its public key.")
        uris = self.redirect_uri_list()
        if not uris:
            errors["redirect_uris"] = _("List at least one redirect URI.")
        check = URLValidator(schemes=["http", "https"])
        for uri in uris:
            try:
                check(uri)
            except ValidationError:
                errors["redirect_uris"] = _("'%(uri)s' is not a valid URL.") % {"uri": uri}
        offered = {scope.value for scope in Scope}
        unknown = [scope for scope in self.scope_list() if scope not in offered]
        if unknown:
            errors["service_scopes"] = _(
                "Not an LTI service scope this platform offers: %(scopes)s"
            ) % {"scopes": ", ".join(unknown)}
        if self.public_key_pem:
            from lti_bridge.protocol.keys import jwk_from_public_pem

            try:
                jwk_from_public_pem(self.public_key_pem)
            except (ValueError, TypeError):
                errors["public_key_pem"] = _("This is not an RSA public key in PEM format.")
        if errors:
            raise ValidationError(errors)


def _new_sub():
    return uuid.uuid4().hex


class PlatformSubject(models.Model):
    """The stable, opaque, platform-wide ``sub`` of one Open edX user (LTI Core 1.3, 5.3.6).

    Random, not derived from the user id or a secret, so it survives key and secret
    rotation and reveals nothing.

    .. pii: links a user id to the opaque id sent to tools.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    user_key = models.CharField(max_length=255, unique=True)
    sub = models.CharField(max_length=64, unique=True, default=_new_sub)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("LTI subject id")

    def __str__(self):
        return self.sub


class LineItem(models.Model):
    """A gradebook column a tool posts scores to (LTI AGS 2.0, 3.2: line item).

    Two kinds (ADR 0012). A scored block's own line item (``usage_id`` set, one per block
    and tool) is made when the block is first launched and kept in step with the block's
    title and points; its final scores are the block's grade in the Open edX gradebook, and
    the tool may read it, never change or delete it. A line item the tool created through
    the line item service (``usage_id`` empty, ``resource_link_id`` optional) holds scores
    and results for the tool but never reaches the gradebook: Open edX keeps one graded
    score per block.
    """

    tool = models.ForeignKey(ToolRegistration, on_delete=models.CASCADE, related_name="line_items")
    # NULL for the tool's line items: unique NULLs are distinct in every database Open edX
    # runs on (MySQL, PostgreSQL, SQLite), unlike a conditional unique constraint, which
    # MySQL ignores.
    usage_id = models.CharField(  # noqa: DJ001 (NULL is meant: see above)
        max_length=255,
        null=True,
        blank=True,
        help_text=_("The block whose gradebook column this is; empty for the tool's own."),
    )
    resource_link_id = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("The block (resource link) a line item of the tool is for, if any."),
    )
    course_id = models.CharField(max_length=255)
    label = models.CharField(max_length=255)
    score_maximum = models.FloatField()
    resource_id = models.CharField(max_length=255, blank=True)
    tag = models.CharField(max_length=255, blank=True)
    start_date_time = models.DateTimeField(null=True, blank=True)
    end_date_time = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("line item")
        constraints = [
            models.UniqueConstraint(fields=["tool", "usage_id"], name="unique_line_item_per_block"),
        ]
        indexes = [models.Index(fields=["tool", "course_id"], name="line_items_of_tool_course")]

    def __str__(self):
        return f"{self.label} ({self.usage_id or self.resource_link_id or self.course_id})"

    @property
    def made_by_tool(self):
        return self.usage_id is None

    @property
    def link_id(self):
        """The resource link (block) the line item is for, or ''."""
        return self.usage_id or self.resource_link_id


class ToolContext(models.Model):
    """A course as one tool sees it: the LTI context of its launches (LTI Core 1.3, 5.4.1)
    and the membership container of the Names and Role Provisioning Service (NRPS 2.0,
    2.1) whose URL the launches carry. Made at the first launch of the tool in the course."""

    tool = models.ForeignKey(ToolRegistration, on_delete=models.CASCADE, related_name="contexts")
    course_id = models.CharField(max_length=255)
    label = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tool context (course)")
        constraints = [
            models.UniqueConstraint(fields=["tool", "course_id"], name="unique_context_per_tool"),
        ]

    def __str__(self):
        return f"{self.course_id} ({self.tool_id})"


class ToolResourceLink(models.Model):
    """A block the tool was launched from, in its context (LTI Core 1.3, 5.3.5 resource
    link), with what the block shares of its learners. The membership service gives names
    and emails only as the blocks share them: a resource link's own settings for its
    members (``rlid``), and for the whole context only what every link shares."""

    context = models.ForeignKey(ToolContext, on_delete=models.CASCADE, related_name="links")
    usage_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    share_name = models.BooleanField(default=False)
    share_email = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tool resource link (block)")
        constraints = [
            models.UniqueConstraint(
                fields=["context", "usage_id"], name="unique_resource_link_per_context"
            ),
        ]

    def __str__(self):
        return self.title or self.usage_id


class BlockLaunch(models.Model):
    """A user this platform launched into a block: only they may be scored on its line item."""

    line_item = models.ForeignKey(LineItem, on_delete=models.CASCADE, related_name="launches")
    user_key = models.CharField(max_length=255)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["line_item", "user_key"], name="unique_launch_per_user_and_line_item"
            ),
        ]

    def __str__(self):
        return f"{self.user_key} launched {self.line_item_id}"


class AgsScore(models.Model):
    """The latest score a tool posted for one user on one line item (AGS 2.0, 3.4).

    Scores arrive with the tool's timestamp; one older than the stored one changes nothing,
    so a late retry never overwrites a newer grade.

    .. pii: a learner's grade and the teacher's comment.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    line_item = models.ForeignKey(LineItem, on_delete=models.CASCADE, related_name="scores")
    user_key = models.CharField(max_length=255)
    score_given = models.FloatField(null=True, blank=True)
    score_maximum = models.FloatField(null=True, blank=True)
    activity_progress = models.CharField(max_length=20)
    grading_progress = models.CharField(max_length=20)
    comment = models.TextField(blank=True)
    timestamp = models.DateTimeField()
    received = models.DateTimeField(auto_now=True)
    # When the final score reached the LMS gradebook (after the score's transaction
    # committed); empty until then, so an identical resend publishes it again.
    published = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("AGS score")
        constraints = [
            models.UniqueConstraint(
                fields=["line_item", "user_key"], name="unique_score_per_user_and_line_item"
            ),
        ]

    def __str__(self):
        return f"{self.user_key}: {self.score_given}/{self.score_maximum}"


class StandaloneScore(models.Model):
    """The gradebook outside Open edX (workbench, demo, tests): one learner's score on one
    block, as Open edX's courseware StudentModule keeps it on the ``SCORE_PUBLISHED`` path
    (lms/djangoapps/courseware/model_data.py ``set_score``): raw earned and possible,
    unweighted; the course grade weights them by the block's weight. Unused in Open edX.

    .. pii: a learner's grade on a block and the grader's comment.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    user_key = models.CharField(max_length=255)
    usage_id = models.CharField(max_length=255)
    course_id = models.CharField(max_length=255)
    grade = models.FloatField()
    max_grade = models.FloatField()
    comment = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gradebook score (outside Open edX)")
        constraints = [
            models.UniqueConstraint(
                fields=["user_key", "usage_id"], name="unique_standalone_score_per_user_and_block"
            ),
        ]

    def __str__(self):
        return f"{self.user_key} on {self.usage_id}: {self.grade}/{self.max_grade}"


class StudioLaunch(models.Model):
    """A launch started in Studio and answered by the LMS (the deep linking request of the
    editor's "Choose a unit"): its snapshot, kept in the database both share rather than
    in a cache or behind a signature that both would have to share (ADR 0011). The hints
    name it by ``key``, a random single-use value."""

    key = models.CharField(max_length=64, unique=True)
    user_key = models.CharField(max_length=255)
    usage_id = models.CharField(max_length=255)
    data = models.JSONField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"launch of {self.usage_id} for {self.user_key}"


class DeepLinkingChoice(models.Model):
    """An author's deep linking request (Deep Linking 2.0, 4.4 ``data``) and, once the tool
    answered on the LMS, the choice it carried (4.5). The LMS never writes course content:
    the Studio editor applies the choice to the block's draft (``applied_at``); learners
    get it when the author publishes (ADR 0011)."""

    key = models.CharField(max_length=64, unique=True)
    user_key = models.CharField(max_length=255)
    usage_id = models.CharField(max_length=255, db_index=True)
    tool_slug = models.CharField(max_length=100)
    studio_origin = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    values = models.JSONField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"choice for {self.usage_id} by {self.user_key}"
