"""Open edX plugin settings (``plugin_app.settings_config``): applied to LMS and Studio."""


def plugin_settings(settings):
    """Defaults an Open edX deployment gets without editing its settings files."""
    settings.CODIO_XBLOCK = {**getattr(settings, "CODIO_XBLOCK", {})}
    # The built-in bridge (lti_bridge) runs in this same LMS: it reads this platform's key
    # set in-process, not through the LMS's own workers (lti_bridge's LOCAL_KEY_SETS says
    # why). An operator's own LOCAL_KEY_SETS entries are kept.
    bridge = {**getattr(settings, "LTI_BRIDGE", {})}
    bridge["LOCAL_KEY_SETS"] = {
        "codio_xblock:jwks": "codio_xblock.keystore.jwks",
        **bridge.get("LOCAL_KEY_SETS", {}),
    }
    settings.LTI_BRIDGE = bridge
