"""Erasing personal data: an LMS identity its LMS retired, or a whole account.

Nothing personal survives: the account (name, addresses, password), its LMS links, class
memberships, work, grades and deliveries, email verifications, sync conflicts, the mentor
scopes that name it (by LMS user id or address) and the name recorded beside its changes
to organization settings and to grades. Exports are made from these rows, so they forget it too.
"""

import logging

from django.db import transaction

from ..models import (
    EmailVerification,
    GradeChange,
    Link,
    MentorScope,
    OrganizationChange,
    Registration,
)

log = logging.getLogger(__name__)


def _refs(account, subs=()):
    refs = {ref.lower() for ref in (account.email, account.contact_email) if ref}
    refs |= set(subs) | set(account.links.values_list("sub", flat=True))
    return refs


@transaction.atomic
def erase_account(account):
    """Delete the account and everything personal hanging off it."""
    MentorScope.objects.filter(learner_ref__in=_refs(account)).delete()
    OrganizationChange.objects.filter(changed_by=account).update(changed_by_name="")
    GradeChange.objects.filter(changed_by=account).update(changed_by_name="")
    pk = account.pk
    account.delete()  # cascades: links, memberships, work, deliveries, verifications, ...
    log.info("Erased bridge account %s", pk)


@transaction.atomic
def erase_lms_identity(registration, sub):
    """The LMS retired one of its users: forget that identity. An account reached only
    through it is erased whole; one also used from another LMS keeps its other links."""
    EmailVerification.objects.filter(registration=registration, sub=sub).delete()
    MentorScope.objects.filter(classroom__registration=registration, learner_ref=sub).delete()
    for link in Link.objects.filter(registration=registration, sub=sub).select_related("account"):
        account = link.account
        if account.links.exclude(pk=link.pk).exists():
            link.delete()
        else:
            erase_account(account)


def erase_retired_subject(sender, issuer, sub, **kwargs):
    """Receiver of codio_xblock's ``LTI_SUBJECT_RETIRED`` (the platform in this process),
    which connects it when both apps are installed."""
    for registration in Registration.objects.filter(issuer=issuer):
        erase_lms_identity(registration, sub)
