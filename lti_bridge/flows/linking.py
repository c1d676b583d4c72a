"""Account mapping on launch, by Codio's rules (DESIGN section 3).

| row | situation                                            | outcome                        |
| 1   | link (registration, sub) exists                      | that account; sync name/email  |
| 2   | no link, no email                                    | new account without email      |
| 3   | no link, email unknown                               | new account with that email    |
| 4   | no link, email taken, learner                        | NEW account, email as contact  |
| 5   | no link, email taken, staff, account in organization | link to that account           |
| 6   | no link, email taken, staff, account not in org      | verify by email, then link     |

Runs inside the launch's transaction. Concurrent first launches of one user race on the
unique (registration, sub) and email constraints; the loser's savepoint is rolled back
and it retries, finding the winner's link.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..launch import errors
from ..models import Account, Link, Organization, OrgMembership

log = logging.getLogger(__name__)

ATTEMPTS = 3


class EmailVerificationRequired(errors.LaunchError):
    status = 403

    def __init__(self, account, reason=""):
        super().__init__(reason or "row 6: staff email belongs to an account outside the org")
        self.account = account


def sync_account(account, identity):
    """Row 1: bring name and email up to date (the email only if no one else has it)."""
    changed = []
    if identity.name and identity.name != account.name:
        account.name = identity.name
        changed.append("name")
    if identity.email and identity.email != account.email:
        if Account.objects.filter(email=identity.email).exclude(pk=account.pk).exists():
            log.info(
                "Account %s keeps its email: the new one belongs to another account", account.pk
            )
        else:
            account.email = identity.email
            changed.append("email")
    account.last_login = timezone.now()
    changed.append("last_login")
    try:
        with transaction.atomic():
            account.save(update_fields=changed)
    except IntegrityError:  # the email was taken by a concurrent launch: keep the old one
        account.refresh_from_db()
        account.name = identity.name or account.name
        account.save(update_fields=["name"])
    return account


def _new_account(identity, *, email=None, contact_email=""):
    return Account.objects.create(
        name=identity.name,
        email=email or None,
        contact_email=contact_email,
        last_login=timezone.now(),
    )


def _choose_account(registration, identity, is_staff):
    """Rows 2 to 6 for a launch with no link yet."""
    organization = registration.organization
    if organization.trial:
        raise errors.TrialOrganization(f"trial organization {organization.slug}")
    if not identity.email:
        return _new_account(identity)  # row 2
    existing = Account.objects.filter(email=identity.email).first()
    if existing is None:
        return _new_account(identity, email=identity.email)  # row 3
    by_email = is_staff or (
        organization.learner_email_policy == Organization.EmailPolicy.VERIFIED_EMAIL
    )
    if not by_email:
        return _new_account(identity, contact_email=identity.email)  # row 4
    if OrgMembership.objects.filter(organization=organization, account=existing).exists():
        return existing  # row 5
    raise EmailVerificationRequired(existing)  # row 6


def account_for_launch(registration, identity, *, is_staff):
    """The account a launch signs in, creating it and its link when needed."""
    for attempt in range(ATTEMPTS):
        link = (
            Link.objects.select_related("account")
            .filter(registration=registration, sub=identity.sub)
            .first()
        )
        if link is not None:  # row 1
            Link.objects.filter(pk=link.pk).update(last_launch=timezone.now())
            return sync_account(link.account, identity)
        try:
            with transaction.atomic():
                account = _choose_account(registration, identity, is_staff)
                Link.objects.create(registration=registration, sub=identity.sub, account=account)
                OrgMembership.objects.get_or_create(
                    organization=registration.organization, account=account
                )
                return account
        except IntegrityError:
            log.info(
                "Concurrent first launch of sub %s (attempt %d); retrying",
                identity.sub,
                attempt + 1,
            )
    raise errors.LaunchError("could not link the account after concurrent launches")
