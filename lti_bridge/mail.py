"""Sending the bridge's mails through Django's email backend, in the reader's language."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send(template, to, context, language=None):
    """Render ``lti_bridge/email/<template>_subject.txt`` and ``_body.txt`` and send them."""
    with translation.override(language or translation.get_language() or "en"):
        subject = render_to_string(f"lti_bridge/email/{template}_subject.txt", context)
        body = render_to_string(f"lti_bridge/email/{template}_body.txt", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), body, to=[to])
    message.send()
