"""Direct sign-in for accounts made by launches: they start with an unusable password (the
LMS password never reaches the bridge) and set one through "forgot password" on their
account email (seeds 000/001).

Django's PasswordResetTokenGenerator makes the reset tokens: it works on any object with
``pk``, ``password``, ``last_login`` and an email field, and a token dies as soon as the
password changes.
"""

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from .. import conf, mail, queue
from ..identity import normalize_email
from ..models import Account


class AccountTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "lti_bridge.flows.password.AccountTokenGenerator"


tokens = AccountTokenGenerator()


def request_reset(email):
    """Mail a reset link if an active account signs in with ``email``; say nothing either
    way (the page is the same, so it tells no one which addresses have accounts)."""
    account = Account.objects.filter(email=normalize_email(email), is_active=True).first()
    if account is not None:
        queue.after_commit(queue.SEND_RESET_EMAIL, account.pk)


def reset_path(account):
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    return reverse("lti_bridge:password-reset-confirm", args=[uid, tokens.make_token(account)])


def send_reset(account_id):
    account = Account.objects.filter(pk=account_id, is_active=True).first()
    if account is None or not account.email:
        return
    mail.send("password_reset", account.email, {"url": conf.base_url() + reset_path(account)})


def account_for_token(uidb64, token):
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    account = Account.objects.filter(pk=pk, is_active=True).first()
    if account is None or not tokens.check_token(account, token):
        return None
    return account


def set_password(account, raw_password):
    account.password = make_password(raw_password)
    account.save(update_fields=["password"])


_DUMMY = make_password("timing-equaliser")


class AccountDeactivated(Exception):
    """The email and password are right, but the account is deactivated."""


def authenticate(email, raw_password):
    """The account for this email and password, or None; raises AccountDeactivated when they
    are right for a deactivated account (told only to whoever knows the password)."""
    account = Account.objects.filter(email=normalize_email(email)).first()
    if account is None:
        check_password(raw_password, _DUMMY)  # same work whether or not the account exists
        return None
    if not check_password(raw_password, account.password):
        return None
    if not account.is_active:
        raise AccountDeactivated(account.pk)
    account.last_login = timezone.now()
    account.save(update_fields=["last_login"])
    return account
