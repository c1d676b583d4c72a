"""LTI 1.3 protocol code both sides use: the platform (codio_xblock) and the tool (lti_bridge).

Framework-free: nothing here imports Django, Celery, pylti1p3, XBlock or edx-platform, and
``lti_bridge/__init__.py`` imports nothing, so the XBlock can use this package without the
bridge's Django app being installed or even configured (``tests/test_protocol_purity.py``
imports it with no settings). See ADR 0010 for why it lives in the bridge's package.
"""
