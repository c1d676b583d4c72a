"""The tool's own keys and JWKS: made on first need, rotated with an overlap by
``lti_bridge_rotate_keys`` (the shared code is :mod:`codio_xblock.keyring`)."""

from codio_xblock.keyring import KeyRing

from . import conf
from .models import ToolKey

ring = KeyRing(
    ToolKey,
    bits=lambda: conf.get("KEY_BITS"),
    overlap_days=lambda: conf.get("KEY_ROTATION_OVERLAP_DAYS"),
)
signing_key = ring.signing_key
rotate = ring.rotate
jwks = ring.jwks
