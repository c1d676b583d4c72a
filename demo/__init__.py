"""Demo project: the xblock-sdk workbench as the LMS, with the bridge in the same server."""

from .celery import app as celery_app

__all__ = ["celery_app"]
