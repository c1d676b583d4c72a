"""Build the id_token claims of an LTI 1.3 resource link launch (LTI Core 1.3, section 5).

``LaunchData`` is what the XBlock knows at the moment a learner opens the unit; it is
snapshotted server-side when the launch starts and turned into claims once the tool's
OIDC authentication request comes back.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final, Self

from lti_bridge.protocol.vocabulary import (
    LTI_VERSION,
    Claim,
    ContextType,
    DocumentTarget,
    MessageType,
)

PRODUCT_FAMILY_CODE: Final = "openedx"  # the tool_platform claim's product family
DEFAULT_ID_TOKEN_LIFETIME: Final = 5 * 60  # seconds; minutes, not hours


@dataclass
class LaunchData:
    """What crosses from the XBlock to the platform's auth endpoint (all plain values)."""

    # required
    user_key: str  # the platform's own user id: binds the launch to one signed-in user
    sub: str  # stable, opaque, platform-wide subject id sent to the tool
    usage_id: str  # the block: becomes the resource link id
    tool_slug: str
    resource_link_title: str
    context_id: str
    context_label: str
    context_title: str
    roles: list[str]
    target_link_uri: str
    # optional
    name: str = ""
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    locale: str = "en"
    document_target: str = DocumentTarget.IFRAME.value
    return_url: str = ""
    resource_link_description: str = ""  # the chosen content's text (Deep Linking 2.0, 3.1)
    height: int = 0
    custom: dict[str, str] = field(default_factory=dict)
    role_scope_mentor: list[str] = field(default_factory=list)
    ags_endpoint: dict[str, Any] = field(default_factory=dict)  # AGS 2.0 endpoint claim, if graded
    names_roles_service: dict[str, Any] = field(default_factory=dict)  # NRPS 2.0, if granted
    message_type: str = MessageType.RESOURCE_LINK.value
    deep_linking_settings: dict[str, Any] = field(default_factory=dict)  # Deep Linking 2.0, 4.4.1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        return cls(**data)


@dataclass(frozen=True)
class PlatformIdentity:
    issuer: str
    guid: str
    name: str
    version: str = ""


def build_id_token_claims(
    launch: LaunchData,
    *,
    platform: PlatformIdentity,
    client_id: str,
    deployment_id: str,
    nonce: str,
    now: int,
    lifetime: int = DEFAULT_ID_TOKEN_LIFETIME,
) -> dict[str, Any]:
    """The claims of the id_token for ``launch``, ready to be signed.

    ``now`` is a POSIX timestamp (int). Name and email are present only when the block
    shares them (the caller leaves them empty otherwise).
    """
    presentation: dict[str, str | int] = {
        "document_target": launch.document_target,
        "locale": launch.locale,
    }
    if launch.return_url:
        presentation["return_url"] = launch.return_url
    if launch.height and launch.document_target == DocumentTarget.IFRAME.value:
        presentation["height"] = launch.height

    claims: dict[str, Any] = {
        "iss": platform.issuer,
        "aud": client_id,
        "azp": client_id,
        "sub": launch.sub,
        "iat": now,
        "exp": now + lifetime,
        "nonce": nonce,
        Claim.VERSION.value: LTI_VERSION,
        Claim.MESSAGE_TYPE.value: launch.message_type,
        Claim.DEPLOYMENT_ID.value: deployment_id,
        Claim.TARGET_LINK_URI.value: launch.target_link_uri,
        Claim.RESOURCE_LINK.value: {
            "id": launch.usage_id,
            "title": launch.resource_link_title,
        },
        Claim.CONTEXT.value: {
            "id": launch.context_id,
            "label": launch.context_label,
            "title": launch.context_title,
            "type": [ContextType.COURSE_OFFERING.value],
        },
        Claim.ROLES.value: list(launch.roles),
        Claim.TOOL_PLATFORM.value: {
            "guid": platform.guid,
            "name": platform.name,
            "product_family_code": PRODUCT_FAMILY_CODE,
            **({"version": platform.version} if platform.version else {}),
        },
        Claim.LAUNCH_PRESENTATION.value: presentation,
        Claim.CUSTOM.value: dict(launch.custom),
    }
    if launch.resource_link_description:
        claims[Claim.RESOURCE_LINK.value]["description"] = launch.resource_link_description
    if launch.message_type == MessageType.DEEP_LINKING.value:
        # A deep linking request has no resource link yet (Deep Linking 2.0, 4.4).
        del claims[Claim.RESOURCE_LINK.value]
        claims[Claim.DL_SETTINGS.value] = dict(launch.deep_linking_settings)
    if launch.ags_endpoint:
        claims[Claim.AGS_ENDPOINT.value] = dict(launch.ags_endpoint)
    if launch.names_roles_service:
        claims[Claim.NAMES_ROLES_SERVICE.value] = dict(launch.names_roles_service)
    if launch.role_scope_mentor:
        claims[Claim.ROLE_SCOPE_MENTOR.value] = list(launch.role_scope_mentor)
    for key in ("name", "given_name", "family_name", "email"):
        value = getattr(launch, key)
        if value:
            claims[key] = value
    return claims
