"""Platform keys: created on first need, rotated with an overlap, published as a JWKS."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import conf
from .lti1p3 import keys
from .models import PlatformKey


def _new_key():
    pem = keys.generate_private_pem(conf.get("KEY_BITS"))
    return PlatformKey.objects.create(kid=keys.kid_for(pem), private_pem=pem)


def signing_key():
    """The key that signs new messages; made on first need."""
    key = PlatformKey.objects.signing().first()
    if key is None:
        try:
            with transaction.atomic():
                key = _new_key()
        except IntegrityError:  # pragma: no cover - same kid twice is astronomically rare
            key = PlatformKey.objects.signing().first()
    return key


@transaction.atomic
def rotate(overlap=None, now=None):
    """Make a new signing key; older keys stop signing but stay published for ``overlap``."""
    now = now or timezone.now()
    overlap = (
        overlap if overlap is not None else timedelta(days=conf.get("KEY_ROTATION_OVERLAP_DAYS"))
    )
    old = list(PlatformKey.objects.select_for_update().filter(retired_at__isnull=True))
    for key in old:
        key.retired_at = now
        key.publish_until = now + overlap
        key.save(update_fields=["retired_at", "publish_until"])
    return _new_key(), old


def jwks(now=None):
    """The public key set (RFC 7517 section 5) of every published key."""
    if not PlatformKey.objects.signing().exists():
        signing_key()
    return {
        "keys": [keys.public_jwk(k.private_pem, k.kid) for k in PlatformKey.objects.published(now)]
    }
