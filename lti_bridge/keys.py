"""The tool's own key pair and JWKS (made on first need)."""

from django.db import IntegrityError, transaction

from codio_xblock.lti1p3 import keys as jwk_tools

from . import conf
from .models import ToolKey


def signing_key():
    key = ToolKey.objects.signing().first()
    if key is None:
        pem = jwk_tools.generate_private_pem(conf.get("KEY_BITS"))
        try:
            with transaction.atomic():
                key = ToolKey.objects.create(kid=jwk_tools.kid_for(pem), private_pem=pem)
        except IntegrityError:  # pragma: no cover
            key = ToolKey.objects.signing().first()
    return key


def jwks():
    signing_key()
    return {
        "keys": [jwk_tools.public_jwk(k.private_pem, k.kid) for k in ToolKey.objects.published()]
    }
