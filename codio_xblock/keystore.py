"""The platform's keys: created on first need, rotated with an overlap, published as a
JWKS (the shared code is :mod:`codio_xblock.keyring`)."""

from . import conf
from .keyring import KeyRing
from .models import PlatformKey

ring = KeyRing(PlatformKey, conf)
signing_key, rotate, jwks = ring.signing_key, ring.rotate, ring.jwks
