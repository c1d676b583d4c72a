"""Django app of the platform side: keys, JWKS, OIDC auth endpoint, tool registrations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodioXBlockConfig(AppConfig):
    name = "codio_xblock"
    verbose_name = _("Codio units (LTI 1.3 platform)")
    default_auto_field = "django.db.models.BigAutoField"

    # Open edX plugin registration (edx_django_utils.plugins): URLs under /codio/ in
    # the LMS, settings applied in both LMS and Studio.
    plugin_app = {
        "url_config": {
            "lms.djangoapp": {
                "namespace": "codio_xblock",
                "regex": r"^codio/",
                "relative_path": "urls",
            },
        },
        "settings_config": {
            "lms.djangoapp": {"common": {"relative_path": "settings.common"}},
            "cms.djangoapp": {"common": {"relative_path": "settings.common"}},
        },
    }

    def ready(self):
        from . import adapter

        adapter.get().connect_signals()  # retirement: Open edX's pipeline, or user deletion

        # The built-in bridge, installed beside this platform (the default in Open edX),
        # erases what it holds of an LMS identity this platform retired. The bridge knows
        # nothing of this package; the link is made from this side (ADR 0010).
        from django.apps import apps

        if apps.is_installed("lti_bridge"):
            from lti_bridge.flows.erase import erase_retired_subject

            from .signals import LTI_SUBJECT_RETIRED

            LTI_SUBJECT_RETIRED.connect(
                erase_retired_subject, dispatch_uid="lti_bridge.erase_retired_subject"
            )
