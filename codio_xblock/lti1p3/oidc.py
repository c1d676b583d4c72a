"""The platform's OIDC authorization endpoint, as pure checks (LTI Security 1.0, 5.1.1).

``parse_auth_request`` checks the fixed parameters of the LTI profile of the OIDC
implicit flow; ``check_client`` checks the client id and the redirect URI against what
is registered. Both raise :mod:`.exceptions` errors carrying the OIDC error code.
"""

from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Final

from lti_bridge.protocol.vocabulary import OidcParam

from .exceptions import (
    InvalidRedirectUri,
    InvalidRequest,
    InvalidScope,
    UnauthorizedClient,
    UnsupportedResponseType,
    gettext_noop,
)

MAX_PARAM_LENGTH: Final = 2048


@dataclass(frozen=True)
class AuthRequest:
    client_id: str
    redirect_uri: str
    login_hint: str
    lti_message_hint: str
    nonce: str
    state: str


def _param(params: Mapping[str, object], name: OidcParam, required: bool = True) -> str:
    value = params.get(name.value, "")
    if not isinstance(value, str):
        raise InvalidRequest(gettext_noop("The parameter '%(name)s' is malformed."), name=name)
    if len(value) > MAX_PARAM_LENGTH:
        raise InvalidRequest(gettext_noop("The parameter '%(name)s' is too long."), name=name)
    if required and not value:
        raise InvalidRequest(gettext_noop("The parameter '%(name)s' is missing."), name=name)
    return value


def parse_auth_request(params: Mapping[str, object]) -> AuthRequest:
    """Validate an authentication request's parameters (a mapping of str to str)."""
    scopes = _param(params, OidcParam.SCOPE).split()
    if "openid" not in scopes:
        raise InvalidScope(gettext_noop("The scope must be 'openid'."))
    if _param(params, OidcParam.RESPONSE_TYPE) != "id_token":
        raise UnsupportedResponseType(gettext_noop("The response type must be 'id_token'."))
    if _param(params, OidcParam.RESPONSE_MODE) != "form_post":
        raise InvalidRequest(gettext_noop("The response mode must be 'form_post'."))
    if _param(params, OidcParam.PROMPT) != "none":
        raise InvalidRequest(gettext_noop("The prompt must be 'none'."))
    return AuthRequest(
        client_id=_param(params, OidcParam.CLIENT_ID),
        redirect_uri=_param(params, OidcParam.REDIRECT_URI),
        login_hint=_param(params, OidcParam.LOGIN_HINT),
        lti_message_hint=_param(params, OidcParam.LTI_MESSAGE_HINT),
        nonce=_param(params, OidcParam.NONCE),
        state=_param(params, OidcParam.STATE, required=False),
    )


def check_client(
    auth_request: AuthRequest, *, client_id: str, redirect_uris: Container[str]
) -> None:
    """The client id must be the expected tool's; the redirect URI an exact registered one."""
    if auth_request.client_id != client_id:
        raise UnauthorizedClient(
            gettext_noop("The client id does not belong to the tool of this unit.")
        )
    if auth_request.redirect_uri not in redirect_uris:
        raise InvalidRedirectUri(
            gettext_noop("The redirect URI is not one of the tool's registered redirect URIs.")
        )
