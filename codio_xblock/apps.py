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
