"""Celery tasks of the bridge: thin, named explicitly, taking ids and calling a flow."""

from smtplib import SMTPException

from celery import shared_task

MAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 10,
    "acks_late": True,
}


@shared_task(name="lti_bridge.send_verification_email", **MAIL_RETRY)
def send_verification_email(verification_id):
    from .flows import email_verification

    email_verification.send(verification_id)


@shared_task(name="lti_bridge.send_password_reset_email", **MAIL_RETRY)
def send_password_reset_email(account_id):
    from .flows import password

    password.send_reset(account_id)
