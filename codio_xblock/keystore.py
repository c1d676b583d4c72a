"""The platform's keys: created on first need, rotated with an overlap, published as a
JWKS (the shared code is :mod:`lti_bridge.keyring`)."""

from lti_bridge.keyring import KeyRing

from . import conf
from .models import PlatformKey

ring = KeyRing(PlatformKey, conf)
signing_key, rotate, jwks = ring.signing_key, ring.rotate, ring.jwks
