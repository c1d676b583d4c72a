"""Codio Unit XBlock: an LTI 1.3 platform that launches Codio units from Open edX.

Kept import-free so ``codio_xblock.lti1p3`` (pure protocol code) can be used without
XBlock or Django being configured.
"""

__version__ = "0.1.0"
