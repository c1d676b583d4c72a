"""Open edX plugin settings (``plugin_app.settings_config``) for lti_bridge."""


def plugin_settings(settings):
    settings.LTI_BRIDGE = {**getattr(settings, "LTI_BRIDGE", {})}
