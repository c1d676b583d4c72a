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
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "account"], name="unique_account_per_organization"
            ),
        ]

    def __str__(self):
        return f"{self.account_id} in {self.organization_id}"
