"""Stand-in for openedx/core/djangoapps/plugins/apps.py ``PluginsConfig``: when the LMS starts,
``ready()`` connects every installed plugin's ``signals_config`` receivers (edx-django-utils'
``connect_plugin_receivers``, the real one): that is how edx-completion's
``scorable_block_completion`` hears the grades app's ``PROBLEM_WEIGHTED_SCORE_CHANGED``."""

from django.apps import AppConfig
from django.conf import settings
from edx_django_utils.plugins import connect_plugin_receivers

from openedx.core.djangoapps.plugins.constants import ProjectType


class PluginsConfig(AppConfig):
    name = "openedx.core.djangoapps.plugins"

    def ready(self):
        if settings.ROOT_URLCONF == "lms.urls":
            project_type = ProjectType.LMS
        else:
            project_type = ProjectType.CMS
        connect_plugin_receivers(project_type)
