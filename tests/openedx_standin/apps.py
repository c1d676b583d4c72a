from django.apps import AppConfig


class OpenedxStandinConfig(AppConfig):
    name = "tests.openedx_standin"
    label = "openedx_standin"
    default_auto_field = "django.db.models.AutoField"
