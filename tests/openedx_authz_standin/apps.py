from django.apps import AppConfig


class OpenedxAuthzStandinConfig(AppConfig):
    name = "tests.openedx_authz_standin"
    label = "openedx_authz_standin"
    default_auto_field = "django.db.models.AutoField"
