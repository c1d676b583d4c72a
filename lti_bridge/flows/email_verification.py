"""Row 6 of the account table: verify an email before linking to an account outside the
organization (seeds 000/001: "required to complete a verification via email").

The key in the mail is signed (``django.core.signing``, its own salt) and names a
verification row; the row makes it single use and remembers the launch to continue with.
A bad, expired or used key gives ``(None, reason)``; views turn that into a clear page.
"""

import logging
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import conf, mail, queue
from ..launch.message import parse
from ..models import EmailVerification, Link
from . import linking

log = logging.getLogger(__name__)

SALT = "lti_bridge.email_verification"
LIFETIME = timedelta(hours=1)
RESEND_AFTER = timedelta(minutes=1)

INVALID = _(
    "This confirmation link is not valid. Open the unit again from your course to get a new one."
)
EXPIRED = _(
    "This confirmation link has expired. Open the unit again from your course to get a new one."
)
USED = _("This confirmation link was already used. Open the unit from your course.")


def mask(email):
    """'grace.hopper@example.edu' -> 'g***r@example.edu' (where the mail went, not who)."""
    local, _, domain = email.partition("@")
    shown = local[0] + "***" + (local[-1] if len(local) > 1 else "")
    return f"{shown}@{domain}"


def make_key(verification):
    return signing.dumps({"v": verification.pk}, salt=SALT)


def start(registration, identity, account, message):
    """Record a pending verification, holding the launch (a LaunchMessage) to apply once the
    address is confirmed, and send its mail after commit; one mail a minute at most for the
    same identity and account."""
    launch = message.recorded()
    now = timezone.now()
    pending = (
        EmailVerification.objects.pending(now)
        .filter(registration=registration, sub=identity.sub, account=account)
        .order_by("-created")
        .first()
    )
    if pending and pending.created > now - RESEND_AFTER:
        pending.launch = launch
        pending.save(update_fields=["launch"])
        return pending
    verification = EmailVerification.objects.create(
        account=account,
        registration=registration,
        sub=identity.sub,
        email=identity.email,
        launch=launch,
        expires=now + LIFETIME,
    )
    queue.after_commit(queue.SEND_VERIFICATION_EMAIL, verification.pk)
    return verification


def send(verification_id):
    verification = EmailVerification.objects.select_related("registration__organization").get(
        pk=verification_id
    )
    if verification.used_at or verification.expires <= timezone.now():
        return
    locale = parse(verification.launch).locale
    mail.send(
        "verify",
        verification.email,
        {
            "organization": verification.registration.organization.name,
            "url": conf.base_url() + _path(verification),
            "minutes": int(LIFETIME.total_seconds() // 60),
        },
        language=locale or None,
    )
    EmailVerification.objects.filter(pk=verification.pk).update(sent_at=timezone.now())


def _path(verification):
    from django.urls import reverse

    return reverse("lti_bridge:verify-email", args=[make_key(verification)])


def read_key(key):
    """``(verification, None)`` for a usable key, else ``(None, reason)``."""
    try:
        data = signing.loads(key, salt=SALT, max_age=LIFETIME)
    except signing.SignatureExpired:
        return None, EXPIRED
    except signing.BadSignature:
        return None, INVALID
    verification = EmailVerification.objects.filter(pk=data.get("v")).first()
    if verification is None:
        return None, INVALID
    if verification.used_at:
        return None, USED
    if verification.expires <= timezone.now():
        return None, EXPIRED
    return verification, None


def confirm(verification):
    """Spend the key, link the LMS identity to the account, join the organization.

    Returns the stored launch to continue with, or ``(None, reason)`` if another request
    spent the key first.
    """
    with transaction.atomic():
        spent = EmailVerification.objects.filter(pk=verification.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not spent:
            return None, USED
        try:
            with transaction.atomic():
                linking.link_account(
                    verification.registration, verification.sub, verification.account
                )
        except IntegrityError:
            link = Link.objects.get(registration=verification.registration, sub=verification.sub)
            if link.account_id != verification.account_id:
                log.warning(
                    "Verification %s: sub already linked to another account", verification.pk
                )
                return None, INVALID
    log.info(
        "Verified email: linked %s:%s to account %s",
        verification.registration_id,
        verification.sub,
        verification.account_id,
    )
    return parse(verification.launch), None
