"""Open edX plugin settings (``plugin_app.settings_config``): applied to LMS and Studio."""


def plugin_settings(settings):
    """Defaults an Open edX deployment gets without editing its settings files."""
    settings.CODIO_XBLOCK = {**getattr(settings, "CODIO_XBLOCK", {})}
