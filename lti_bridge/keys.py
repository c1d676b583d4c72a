"""The tool's own keys and JWKS: made on first need, rotated with an overlap by
``lti_bridge_rotate_keys`` (the shared code is :mod:`lti_bridge.keyring`)."""

from . import conf
from .keyring import KeyRing
from .models import ToolKey

ring = KeyRing(ToolKey, conf)
signing_key, rotate, jwks = ring.signing_key, ring.rotate, ring.jwks
