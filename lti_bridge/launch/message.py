"""One parse: an LTI message's claims are judged here, and a validated message becomes one
typed, immutable :class:`LaunchMessage`.

Two steps, both here:

1. :func:`check_claim_types` runs on the id_token's body before pylti1p3 or PyJWT touch a
   claim (``HardenedMessageLaunch`` calls it), so a value of the wrong JSON type is a clear
   refusal instead of a TypeError deep in a library.
2. :func:`parse` turns the claims of a launch that passed every check (signature, state,
   nonce, deployment, target) into a :class:`LaunchMessage`; a claim the bridge needs that
   is missing or malformed is refused with :class:`~.errors.MissingClaim` naming it.

The flows receive the typed values, never the raw dict. ``LaunchMessage.claims`` keeps the
validated claims only to be recorded and parsed again later (a launch held while its
learner confirms their email address).
"""

from dataclasses import dataclass, field
from types import MappingProxyType

from .. import conf
from ..identity import LaunchIdentity, clean_text, identity_from_claims
from ..protocol.vocabulary import CLAIM_PREFIX, Claim, MessageType
from ..roles import RoleSet
from . import errors

MAX_ID = 255  # context and resource link ids, as the bridge stores them
MAX_URL = 1024
MAX_SCOPES = 10
NRPS_VERSION = "2.0"


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_str_list(value):
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# claim -> (required, check)
CLAIM_TYPES = {
    "iss": (True, lambda v: isinstance(v, str) and v),
    "sub": (True, lambda v: isinstance(v, str) and v),
    "aud": (True, lambda v: (isinstance(v, str) and v) or (_is_str_list(v) and v)),
    "azp": (False, lambda v: isinstance(v, str)),
    "nonce": (True, lambda v: isinstance(v, str) and v),
    "iat": (True, _is_number),
    "exp": (True, _is_number),
    "nbf": (False, _is_number),
    Claim.DEPLOYMENT_ID: (True, lambda v: isinstance(v, str) and v),
    Claim.MESSAGE_TYPE: (True, lambda v: isinstance(v, str)),
    Claim.VERSION: (True, lambda v: isinstance(v, str)),
    Claim.TARGET_LINK_URI: (True, lambda v: isinstance(v, str) and v),
    Claim.ROLES: (
        True,
        lambda v: (
            _is_str_list(v)
            and len(v) <= conf.get("MAX_ROLES")
            and all(len(role) <= 255 for role in v)
        ),
    ),
    Claim.RESOURCE_LINK: (False, lambda v: isinstance(v, dict)),  # required by message type
    Claim.CONTEXT: (False, lambda v: isinstance(v, dict)),
    Claim.CUSTOM: (False, lambda v: isinstance(v, dict)),
    Claim.ROLE_SCOPE_MENTOR: (False, _is_str_list),
}


def _is_dl_settings(value):
    """Deep Linking 2.0, 4.4.1: what a deep linking request's settings must hold."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("deep_link_return_url"), str)
        and value["deep_link_return_url"]
        and _is_str_list(value.get("accept_types"))
        and _is_str_list(value.get("accept_presentation_document_targets"))
        and isinstance(value.get("accept_multiple", False), bool)
        and isinstance(value.get("data", ""), str)
        and all(isinstance(value.get(k, ""), str | None) for k in ("title", "text"))
    )


def check_claim_types(body):
    """Refuse a message whose claims have the wrong JSON types (one error, naming the claim)."""
    for claim, (required, check) in CLAIM_TYPES.items():
        short = claim.removeprefix(CLAIM_PREFIX)
        if claim not in body:
            if required:
                raise errors.MissingClaim(short)
            continue
        if not check(body[claim]):
            raise errors.MissingClaim(short, f"claim {short} has a wrong type or is empty")
    message_type = body[Claim.MESSAGE_TYPE]
    if message_type == MessageType.RESOURCE_LINK and Claim.RESOURCE_LINK not in body:
        raise errors.MissingClaim("resource_link")
    if message_type == MessageType.DEEP_LINKING and not _is_dl_settings(
        body.get(Claim.DL_SETTINGS)
    ):
        raise errors.MissingClaim("deep_linking_settings", "deep_linking_settings malformed")


@dataclass(frozen=True)
class ContextClaim:
    """The course the launch comes from (LTI Core 1.3, 5.4.1)."""

    id: str
    title: str = ""
    label: str = ""


@dataclass(frozen=True)
class ResourceLinkClaim:
    """The placement of the unit in the course (LTI Core 1.3, 5.3.5)."""

    id: str
    title: str = ""


@dataclass(frozen=True)
class AgsClaim:
    """Where the LMS takes grades (AGS 2.0, 3.1); blank URLs when it gave none usable."""

    lineitem: str = ""
    lineitems: str = ""
    scopes: tuple = ()


@dataclass(frozen=True)
class DeepLinkingSettings:
    """A deep linking request's settings (Deep Linking 2.0, 4.4.1), as checked above."""

    return_url: str
    accept_presentation_document_targets: tuple
    accept_multiple: bool = False
    data: str | None = None
    title: str = ""


@dataclass(frozen=True)
class LaunchMessage:
    message_type: str
    deployment_id: str
    roles: RoleSet
    identity: LaunchIdentity | None = None  # None: a deep linking request (no one to link)
    context: ContextClaim | None = None
    resource_link: ResourceLinkClaim | None = None
    custom: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    role_scope_mentor: tuple = ()
    memberships_url: str = ""  # NRPS 2.0 context memberships URL, "" when none usable
    ags: AgsClaim | None = None  # None: the launch carried no usable AGS endpoint
    locale: str = ""  # launch_presentation.locale, or ""
    deep_linking: DeepLinkingSettings | None = None
    claims: MappingProxyType = field(default_factory=lambda: MappingProxyType({}), repr=False)

    @property
    def is_deep_linking(self):
        return self.message_type == MessageType.DEEP_LINKING

    def custom_text(self, names, limit=None):
        """The first non-blank text custom parameter among ``names``, stripped, or ""."""
        for name in names:
            value = self.custom.get(name)
            if isinstance(value, str) and value.strip():
                return value.strip()[:limit]
        return ""

    def recorded(self):
        """The validated claims as a plain dict, to store and :func:`parse` again later."""
        return dict(self.claims)


def _claim_object(body, name, required_keys=("id",)):
    value = body.get(CLAIM_PREFIX + name)
    if not isinstance(value, dict):
        raise errors.MissingClaim(name)
    for key in required_keys:
        if (
            not isinstance(value.get(key), str)
            or not value[key].strip()
            or len(value[key]) > MAX_ID
        ):
            raise errors.MissingClaim(f"{name}.{key}")
    return value


def _memberships_url(body):
    """NRPS 2.0: a claim without version 2.0 or without a usable URL is ignored (the service
    is optional)."""
    claim = body.get(Claim.NAMES_ROLES_SERVICE)
    if not isinstance(claim, dict):
        return ""
    url = claim.get("context_memberships_url")
    versions = claim.get("service_versions", [NRPS_VERSION])
    if (
        not isinstance(url, str)
        or not url.startswith(("https://", "http://"))
        or len(url) > MAX_URL
        or not isinstance(versions, list)
        or NRPS_VERSION not in versions
    ):
        return ""
    return url


def _ags(body):
    claim = body.get(Claim.AGS_ENDPOINT)
    if not isinstance(claim, dict):
        return None
    urls = [
        claim.get(k) if isinstance(claim.get(k), str) and len(claim.get(k)) <= MAX_URL else ""
        for k in ("lineitem", "lineitems")
    ]
    scopes = tuple(s for s in claim.get("scope") or [] if isinstance(s, str))[:MAX_SCOPES]
    return AgsClaim(lineitem=urls[0] or "", lineitems=urls[1] or "", scopes=scopes)


def _locale(body):
    presentation = body.get(Claim.LAUNCH_PRESENTATION)
    locale = presentation.get("locale") if isinstance(presentation, dict) else None
    return locale if isinstance(locale, str) else ""


def _deep_linking(body):
    settings = body[Claim.DL_SETTINGS]  # checked by check_claim_types
    return DeepLinkingSettings(
        return_url=settings["deep_link_return_url"],
        accept_presentation_document_targets=tuple(
            settings["accept_presentation_document_targets"]
        ),
        accept_multiple=settings.get("accept_multiple", False),
        data=settings.get("data"),
        title=settings.get("title") or "",
    )


def parse(body):
    """The :class:`LaunchMessage` of a validated message's claims ``body``.

    A resource link launch must name who launched (``sub``), the course (``context.id``)
    and the placement (``resource_link.id``), checked in that order; a deep linking request
    needs its settings. Raises :class:`~.errors.MissingClaim` for the first one missing."""
    message_type = body.get(Claim.MESSAGE_TYPE)
    custom = body.get(Claim.CUSTOM)
    values = {
        "message_type": message_type,
        "deployment_id": body.get(Claim.DEPLOYMENT_ID) or "",
        "roles": RoleSet.parse(body.get(Claim.ROLES)),
        "custom": MappingProxyType(dict(custom) if isinstance(custom, dict) else {}),
        "locale": _locale(body),
        "claims": MappingProxyType(dict(body)),
    }
    if message_type == MessageType.DEEP_LINKING:
        return LaunchMessage(**values, deep_linking=_deep_linking(body))
    identity = identity_from_claims(body)
    context = _claim_object(body, "context")
    link = _claim_object(body, "resource_link")
    mentor_refs = body.get(Claim.ROLE_SCOPE_MENTOR)
    return LaunchMessage(
        **values,
        identity=identity,
        context=ContextClaim(
            id=context["id"],
            title=clean_text(context.get("title")),
            label=clean_text(context.get("label")),
        ),
        resource_link=ResourceLinkClaim(id=link["id"], title=clean_text(link.get("title"))),
        role_scope_mentor=tuple(r for r in mentor_refs or () if isinstance(r, str)),
        memberships_url=_memberships_url(body),
        ags=_ags(body),
    )
