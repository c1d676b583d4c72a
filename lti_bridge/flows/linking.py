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

A roster read from the LMS (NRPS) applies the same rows to learners who never launched
(:func:`account_for_roster`), except that nobody signs in: row 6 makes nothing (the owner of
the address confirms it at their own first launch) and a trial organization makes nothing.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..launch import errors
from ..models import Account, Link, Organization, OrgMembership, SyncConflict

log = logging.getLogger(__name__)

ATTEMPTS = 3


class EmailVerificationRequired(errors.LaunchError):
    """Row 6: the launch waits for the owner of ``account``'s address to confirm it."""

    status = 403

    def __init__(self, account, identity):
        super().__init__("row 6: email belongs to an account outside the organization")
        self.account = account
        self.identity = identity


EMAIL_TAKEN = "another account already has this email"


def _record_email_conflict(account, registration, email):
    SyncConflict.objects.get_or_create(
        account=account,
        registration=registration,
        field="email",
        value=email,
        defaults={"reason": EMAIL_TAKEN},
    )
    log.info("Account %s keeps its email: the new one belongs to another account", account.pk)


def sync_account(account, identity, registration, *, signed_in=True):
    """Row 1: bring name and email up to date. An email another account has is not taken
    over: the account keeps its old one and the conflict is recorded for admins. Only a
    sign-in (``signed_in``) touches ``last_login``; a roster read writes nothing unchanged."""
    changed = []
    if signed_in:
        account.last_login = timezone.now()
        changed.append("last_login")
    if identity.name and identity.name != account.name:
        account.name = identity.name
        changed.append("name")
    if identity.email and identity.email != account.email:
        if Account.objects.filter(email=identity.email).exclude(pk=account.pk).exists():
            _record_email_conflict(account, registration, identity.email)
        else:
            account.email = identity.email
            changed.append("email")
    if not changed:
        return account
    if "email" not in changed:  # only a new email can collide: no savepoint needed
        account.save(update_fields=changed)
        return account
    try:
        with transaction.atomic():
            account.save(update_fields=changed)
    except IntegrityError:  # a concurrent launch took the email first: keep the old one
        _record_email_conflict(account, registration, identity.email)
        account.email = Account.objects.values_list("email", flat=True).get(pk=account.pk)
        account.save(update_fields=[f for f in changed if f != "email"])
    return account


def _new_account(identity, *, email=None, contact_email="", signed_in=True):
    return Account.objects.create(
        name=identity.name,
        email=email or None,
        contact_email=contact_email,
        last_login=timezone.now() if signed_in else None,
    )


def _choose_account(registration, identity, is_staff, signed_in=True):
    """Rows 2 to 6 for a launch with no link yet."""
    organization = registration.organization
    if organization.trial:
        raise errors.TrialOrganization(f"trial organization {organization.slug}")
    if not identity.email:
        return _new_account(identity, signed_in=signed_in)  # row 2
    existing = Account.objects.filter(email=identity.email).first()
    if existing is None:
        return _new_account(identity, email=identity.email, signed_in=signed_in)  # row 3
    by_email = is_staff or (
        organization.learner_email_policy == Organization.EmailPolicy.VERIFIED_EMAIL
    )
    if not by_email:
        return _new_account(identity, contact_email=identity.email, signed_in=signed_in)  # row 4
    if OrgMembership.objects.filter(organization=organization, account=existing).exists():
        return existing  # row 5
    raise EmailVerificationRequired(existing, identity)  # row 6


def link_account(registration, sub, account):
    """Tie (registration, sub) to ``account`` and make it a member of the organization.
    Returns the new link."""
    link = Link.objects.create(registration=registration, sub=sub, account=account)
    OrgMembership.objects.get_or_create(organization=registration.organization, account=account)
    return link


def _no_link_changes(link):
    return []


def account_for_launch(registration, identity, *, is_staff, link_changes=_no_link_changes):
    """The account a launch signs in, creating it and its link when needed.

    ``link_changes(link)`` sets what the launch changes on the link (its LTI ID) and names
    the fields it changed: a returning launch writes them with the launch time in one
    UPDATE, instead of reading the link again to change it."""
    for attempt in range(ATTEMPTS):
        link = (
            Link.objects.select_related("account")
            .filter(registration=registration, sub=identity.sub)
            .first()
        )
        if link is not None:  # row 1
            link.last_launch = timezone.now()
            fields = ["last_launch", *link_changes(link)]
            Link.objects.filter(pk=link.pk).update(**{f: getattr(link, f) for f in fields})
            return sync_account(link.account, identity, registration)
        try:
            with transaction.atomic():
                account = _choose_account(registration, identity, is_staff)
                link = link_account(registration, identity.sub, account)
                changed = link_changes(link)
                if changed:
                    link.save(update_fields=changed)
                return account
        except IntegrityError:
            log.info(
                "Concurrent first launch of sub %s (attempt %d); retrying",
                identity.sub,
                attempt + 1,
            )
    raise errors.LaunchError("could not link the account after concurrent launches")


def account_for_roster(registration, identity, *, is_staff):
    """The account of a roster member: the linked one (name and email synced, nobody signed
    in), or one made and linked by rows 2 to 5. None where the rows make nothing without the
    person: row 6 (they confirm their address at their first launch) and trial
    organizations. Runs inside the roster's transaction."""
    for _attempt in range(ATTEMPTS):
        link = (
            Link.objects.select_related("account")
            .filter(registration=registration, sub=identity.sub)
            .first()
        )
        if link is not None:
            return sync_account(link.account, identity, registration, signed_in=False)
        try:
            with transaction.atomic():
                account = _choose_account(registration, identity, is_staff, signed_in=False)
                link_account(registration, identity.sub, account)
                return account
        except (EmailVerificationRequired, errors.TrialOrganization):
            return None
        except IntegrityError:  # a launch of the same person linked them meanwhile
            continue
    raise errors.LaunchError("could not link a roster member after concurrent launches")
