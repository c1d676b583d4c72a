"""The platform's keys: created on first need, rotated with an overlap, published as a
JWKS (the shared code is :mod:`codio_xblock.keyring`)."""

from . import conf
from .keyring import KeyRing
from .models import PlatformKey

ring = KeyRing(
    PlatformKey,
    bits=lambda: conf.get("KEY_BITS"),
    overlap_days=lambda: conf.get("KEY_ROTATION_OVERLAP_DAYS"),
)
signing_key = ring.signing_key
rotate = ring.rotate
jwks = ring.jwks
