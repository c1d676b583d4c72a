"""Failures of the platform-side protocol, each mapped to its OIDC / OAuth 2 error code.

Views turn any of these into a 4xx page (or JSON) in one place; the ``error_code`` is
the wire code of OpenID Connect Core 1.0 section 3.1.2.6 / RFC 6749 section 4.1.2.1.
"""

from collections.abc import Callable


def gettext_noop(text: str) -> str:
    """Mark ``text`` for extraction; it is translated where it is shown (no Django here)."""
    return text


class LtiPlatformError(Exception):
    """Base class. ``description`` is a plain-words sentence safe to show a user, made
    from a translatable ``template`` and its ``params``."""

    error_code = "invalid_request"
    http_status = 400

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        self.description = template % params if params else template
        super().__init__(self.description)

    def translated(self, gettext: Callable[[str], str]) -> str:
        text = gettext(self.template)
        return text % self.params if self.params else text


class InvalidRequest(LtiPlatformError):
    error_code = "invalid_request"


class InvalidScope(LtiPlatformError):
    error_code = "invalid_scope"


class UnsupportedResponseType(LtiPlatformError):
    error_code = "unsupported_response_type"


class UnauthorizedClient(LtiPlatformError):
    error_code = "unauthorized_client"


class InvalidRedirectUri(LtiPlatformError):
    """The redirect URI is not registered: never redirect to it (RFC 6749 4.1.2.1)."""

    error_code = "invalid_request"


class LoginRequired(LtiPlatformError):
    error_code = "login_required"
    http_status = 403


class AccessDenied(LtiPlatformError):
    error_code = "access_denied"
    http_status = 403


class InvalidHint(LtiPlatformError):
    """A login_hint / lti_message_hint that is forged, expired or bound to someone else."""

    error_code = "invalid_request"
    http_status = 403


class UnsupportedMediaType(LtiPlatformError):
    """A service request body of another media type than the service takes."""

    error_code = "unsupported_media_type"
    http_status = 415


class LengthRequired(LtiPlatformError):
    """A body sent chunked, without Content-Length (RFC 9110, 15.5.12)."""

    error_code = "length_required"
    http_status = 411
