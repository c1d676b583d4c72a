"""The two edx-platform models openedx-authz points its scopes at (swappable settings
``OPENEDX_AUTHZ_COURSE_OVERVIEW_MODEL`` and ``OPENEDX_AUTHZ_CONTENT_LIBRARY_MODEL``), for the
real openedx-authz installed from PyPI under Open edX Verawood's pins. Installed only where
openedx-authz is (tests/settings.py); Ulmo and Teak have no course roles in openedx-authz."""
