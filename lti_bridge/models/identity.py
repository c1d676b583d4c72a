"""Bridge accounts and the LMS identities linked to them (DESIGN section 3)."""

from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils.translation import gettext_lazy as _

from .platform import Organization, Registration


class Account(models.Model):
    """A bridge (Codio) account. Not the host's Django user: a launch never signs anyone
    in to the LMS that embeds the bridge.

    ``email`` is the sign-in address (unique, lower-case, may be empty for anonymous
    learners); ``contact_email`` keeps an address that could not become the sign-in
    address because another account has it.

    .. pii: name and email addresses of a learner or teacher.
    .. pii_types: name, email_address
    .. pii_retirement: local_api
    """

    name = models.CharField(max_length=255, blank=True)
    email = models.EmailField(max_length=254, null=True, blank=True, unique=True)
    contact_email = models.EmailField(max_length=254, blank=True)
    password = models.CharField(max_length=128, default="")
    is_active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    last_login = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("account")

    def __str__(self):
        return self.email or self.name or f"account {self.pk}"

    def save(self, *args, **kwargs):
        if not self.password:
            self.password = make_password(None)  # unusable: the LMS password never comes here
        super().save(*args, **kwargs)

    @classmethod
    def get_email_field_name(cls):
        """For Django's PasswordResetTokenGenerator, which works on any such object."""
        return "email"

    def display_name(self):
        return self.name or _("Anonymous learner %(id)s") % {"id": self.pk}


class Link(models.Model):
    """An LMS identity (registration, sub) tied to one account (seeds: userID + LMS id).

    .. pii: the platform's opaque user id.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="links")
    sub = models.CharField(max_length=255)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="links")
    first_launch = models.DateTimeField(auto_now_add=True)
    last_launch = models.DateTimeField(auto_now=True)
    # The value of the organization's LTI ID field at the last launch that carried it, and
    # the field's name then (a renamed field applies from each learner's next launch).
    lti_id = models.CharField(max_length=255, blank=True)
    lti_id_field = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "sub"], name="unique_sub_per_registration"
            ),
        ]

    def __str__(self):
        return f"{self.registration_id}:{self.sub}"


class OrgMembership(models.Model):
    """An account's membership of an organization."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="org_memberships")
    is_admin = models.BooleanField(
        _("organization administrator"),
        default=False,
        help_text=_("May change the organization's LTI Integrations settings."),
    )
    admin_from_lms = models.BooleanField(
        default=False,
        help_text=_(
            "Administrator because the LMS says so (system or institution Administrator "
            "role): withdrawn when a launch no longer carries the role. Administrators "
            "appointed here are kept."
        ),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "account"], name="unique_account_per_organization"
            ),
        ]

    def __str__(self):
        return f"{self.account_id} in {self.organization_id}"


class SyncConflict(models.Model):
    """A value a launch could not copy onto an account, and why (DESIGN section 3, row 1:
    an email that another account already has is not taken over).

    .. pii: the email address the LMS sent.
    .. pii_types: email_address
    .. pii_retirement: local_api
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sync_conflicts")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=30)
    value = models.CharField(max_length=254)
    reason = models.CharField(max_length=255)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sync conflict")

    def __str__(self):
        return f"{self.field}={self.value}: {self.reason}"


class EmailVerificationQuerySet(models.QuerySet):
    def pending(self, now=None):
        from django.utils import timezone

        return self.filter(used_at__isnull=True, expires__gt=now or timezone.now())


class EmailVerification(models.Model):
    """A link waiting for its owner to prove the address (DESIGN section 3, row 6).

    Staff launching with an email that belongs to an account outside the organization get
    a one-time, expiring link; following it links (registration, sub) to that account, adds
    it to the organization and continues into the unit with the stored launch.

    .. pii: the address the mail went to and the launch's claims.
    .. pii_types: email_address, name
    .. pii_retirement: local_api
    """

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="email_verifications"
    )
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    sub = models.CharField(max_length=255)
    email = models.EmailField(max_length=254)
    launch = models.JSONField(help_text=_("The validated launch to continue with."))
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = EmailVerificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("email verification")

    def __str__(self):
        return f"verification of {self.email} for {self.registration_id}:{self.sub}"
