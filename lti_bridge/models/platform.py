"""Organizations and the LMS platforms registered with them."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..keyring import AbstractKeyPair
from .validators import not_blank


class Organization(models.Model):
    """A Codio organization: owns registrations, classes, units and members."""

    class EmailPolicy(models.TextChoices):
        NEW_ACCOUNT = "new_account", _("Learners get a new account (default)")
        VERIFIED_EMAIL = "verified_email", _("Learners link by verified email")

    name = models.CharField(max_length=200, validators=[not_blank])
    slug = models.SlugField(unique=True)
    trial = models.BooleanField(
        default=False, help_text=_("Trial organizations create no accounts from launches.")
    )
    learner_email_policy = models.CharField(
        max_length=20, choices=EmailPolicy.choices, default=EmailPolicy.NEW_ACCOUNT
    )
    release_automatically = models.BooleanField(
        default=False, help_text=_("Default of 'release grades automatically' for new classes.")
    )
    lti_id_field = models.CharField(
        _("LTI field that identifies students"),
        max_length=100,
        blank=True,
        help_text=_(
            "Name of the custom LTI parameter whose value uniquely identifies a student "
            "(for example student_number). Stored at each launch; the LTI ID column of "
            "every CSV export."
        ),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organization")

    def __str__(self):
        return self.name


class OrganizationChange(models.Model):
    """The audit trail of organization settings: who changed what, when. Append-only.

    .. pii: the administrator who made the change (account and name).
    .. pii_types: id, name
    .. pii_retirement: local_api
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        "lti_bridge.Account", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_by_name = models.CharField(max_length=255, blank=True)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    field = models.CharField(max_length=60)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)

    class Meta:
        verbose_name = _("organization settings change")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.organization_id} {self.field}: {self.old_value!r} -> {self.new_value!r}"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(enabled=True)


class Registration(models.Model):
    """An LTI 1.3 platform registered with this tool (LTI Core 1.3, 3.1.3).

    An LMS is identified by (issuer, client_id); its users by (registration, sub).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="registrations"
    )
    name = models.CharField(max_length=200, validators=[not_blank])
    issuer = models.CharField(max_length=255)
    client_id = models.CharField(max_length=255)
    auth_login_url = models.URLField(max_length=1024, help_text=_("Platform OIDC auth URL."))
    auth_token_url = models.URLField(max_length=1024, blank=True)
    auth_audience = models.CharField(
        max_length=1024,
        blank=True,
        help_text=_(
            "Audience of the token request's client assertion, when the platform names one "
            "other than its token URL (D2L Brightspace: https://api.brightspace.com/auth/token)."
        ),
    )
    key_set_url = models.URLField(max_length=1024, blank=True)
    key_set = models.JSONField(
        null=True, blank=True, help_text=_("Static key set (JWKS) instead of a URL.")
    )
    service_hosts = models.TextField(
        blank=True,
        help_text=_(
            "Other hosts this LMS serves its services (tokens, grades, rosters) from, one per "
            "line, e.g. canvas.example.edu or *.instructure.com. The hosts of the URLs above "
            "are always allowed; every other host is refused."
        ),
    )
    frame_origins = models.TextField(
        blank=True,
        help_text=_(
            "Other origins whose pages frame this LMS's course pages, one per line, e.g. Open "
            "edX's Learning MFE (https://apps.lms.example.edu). The unit's pages may be framed "
            "by this LMS's own origins (its issuer and auth URL) and these, nobody else."
        ),
    )
    # Hosts the bridge refused to call for this registration: {host: {"count", "last", "url"}}.
    refused_hosts = models.JSONField(default=dict, blank=True, editable=False)
    enabled = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("LMS platform registration")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "client_id"], name="unique_client_id_per_issuer"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.issuer})"

    def service_host_patterns(self):
        return [line.strip().lower() for line in self.service_hosts.splitlines() if line.strip()]

    def frame_origin_list(self):
        return [line.strip() for line in self.frame_origins.splitlines() if line.strip()]

    def clean(self):
        from django.core.exceptions import ValidationError

        from ..protocol.origins import origin_of

        for value in self.frame_origin_list():
            if origin_of(value) != value.rstrip("/").lower():
                raise ValidationError(
                    {
                        "frame_origins": _(
                            "'%(origin)s' is not an origin (give e.g. "
                            "https://apps.lms.example.edu, with no path)."
                        )
                        % {"origin": value}
                    }
                )
        for pattern in self.service_host_patterns():
            host = pattern.removeprefix("*.")
            if not host or "*" in host or "/" in host or "." not in host or " " in host:
                raise ValidationError(
                    {
                        "service_hosts": _(
                            "'%(host)s' is not a host name (give e.g. lms.example.edu or "
                            "*.example.edu)."
                        )
                        % {"host": pattern}
                    }
                )


class Deployment(models.Model):
    """A deployment of this tool on a platform (LTI Core 1.3, 3.1.3, deployment_id)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="deployments"
    )
    deployment_id = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "deployment_id"], name="unique_deployment_per_registration"
            ),
        ]

    def __str__(self):
        return self.deployment_id


class ToolKey(AbstractKeyPair):
    """The tool's own RSA key (LTI Security 1.0, 6: tool JWKS; signs AGS token requests)."""
