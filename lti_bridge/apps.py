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
        # checks registers the system checks; tasks registers the tasks that
        # lti_bridge.queue sends by name
        from . import checks, tasks  # noqa: F401
