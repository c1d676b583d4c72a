"""Stand-in for cms/urls.py: Studio's routes hold none of the plugin's LMS endpoints
(codio_xblock's plugin_app url_config is for ``lms.djangoapp`` only; Studio reaches the
block through its XBlock handlers)."""

urlpatterns: list = []
