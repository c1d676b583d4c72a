from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LtiBridgeConfig(AppConfig):
    name = "lti_bridge"
    verbose_name = _("Codio LTI bridge (LTI 1.3 tool)")
    default_auto_field = "django.db.models.BigAutoField"

    plugin_app = {
        "url_config": {
            "lms.djangoapp": {
                "namespace": "lti_bridge",
                "regex": r"^lti-bridge/",
                "relative_path": "urls",
            },
        },
        "settings_config": {
            "lms.djangoapp": {"common": {"relative_path": "settings.common"}},
        },
    }

    def ready(self):
        from django.apps import apps

        from . import checks  # noqa: F401  (registers system checks)

        # Installed beside the platform (the default in Open edX), the bridge hears when the
        # LMS retires a user and erases that identity. The bridge needs nothing else of it.
        if apps.is_installed("codio_xblock"):
            from codio_xblock.signals import LTI_SUBJECT_RETIRED

            from .flows.erase import erase_retired_subject

            LTI_SUBJECT_RETIRED.connect(
                erase_retired_subject, dispatch_uid="lti_bridge.erase_retired_subject"
            )
