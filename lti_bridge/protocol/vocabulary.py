"""The LTI 1.3 / LTI Advantage vocabulary, written once: claim names, message types, role
URIs with their short and legacy forms, context types and service scopes.

Every other module names these through this one (``tests/test_vocabulary.py`` fails when a
claim, role or scope URI is spelt out anywhere else).
"""

from enum import StrEnum
from typing import Final

LTI_VERSION: Final = "1.3.0"

CLAIM_PREFIX: Final = "https://purl.imsglobal.org/spec/lti/claim/"
_AGS: Final = "https://purl.imsglobal.org/spec/lti-ags/"
_NRPS: Final = "https://purl.imsglobal.org/spec/lti-nrps/"
_DL: Final = "https://purl.imsglobal.org/spec/lti-dl/"


class Claim(StrEnum):
    """Claim names of an LTI 1.3 message (LTI Core 1.3 section 5; AGS 2.0, NRPS 2.0 and
    Deep Linking 2.0 for theirs)."""

    MESSAGE_TYPE = CLAIM_PREFIX + "message_type"
    VERSION = CLAIM_PREFIX + "version"
    DEPLOYMENT_ID = CLAIM_PREFIX + "deployment_id"
    TARGET_LINK_URI = CLAIM_PREFIX + "target_link_uri"
    RESOURCE_LINK = CLAIM_PREFIX + "resource_link"
    CONTEXT = CLAIM_PREFIX + "context"
    ROLES = CLAIM_PREFIX + "roles"
    ROLE_SCOPE_MENTOR = CLAIM_PREFIX + "role_scope_mentor"
    TOOL_PLATFORM = CLAIM_PREFIX + "tool_platform"
    LAUNCH_PRESENTATION = CLAIM_PREFIX + "launch_presentation"
    CUSTOM = CLAIM_PREFIX + "custom"
    LIS = CLAIM_PREFIX + "lis"
    AGS_ENDPOINT = _AGS + "claim/endpoint"
    NAMES_ROLES_SERVICE = _NRPS + "claim/namesroleservice"
    DL_SETTINGS = _DL + "claim/deep_linking_settings"
    DL_CONTENT_ITEMS = _DL + "claim/content_items"
    DL_DATA = _DL + "claim/data"
    DL_MSG = _DL + "claim/msg"
    DL_ERRORMSG = _DL + "claim/errormsg"


class MessageType(StrEnum):
    RESOURCE_LINK = "LtiResourceLinkRequest"
    DEEP_LINKING = "LtiDeepLinkingRequest"
    DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"


class Scope(StrEnum):
    """OAuth 2 scopes of the LTI Advantage services (AGS 2.0 section 3.1, NRPS 2.0 3.6)."""

    LINEITEM = _AGS + "scope/lineitem"
    LINEITEM_READONLY = _AGS + "scope/lineitem.readonly"
    RESULT_READONLY = _AGS + "scope/result.readonly"
    SCORE = _AGS + "scope/score"
    CONTEXT_MEMBERSHIP_READONLY = _NRPS + "scope/contextmembership.readonly"


class ContextType(StrEnum):
    COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"


# Role vocabularies (LTI Core 1.3, appendix A). A context role is sent as a full URI
# (MEMBERSHIP + "Instructor"), as a sub-role of a principal role
# (MEMBERSHIP_SUB + "Instructor#TeachingAssistant"), as the simple name LTI 1.3 still allows
# ("Instructor"), or by older LMSs as an LTI 1.1 URN (LEGACY_CONTEXT + "Instructor[/Sub]").
_LIS: Final = "http://purl.imsglobal.org/vocab/lis/v2/"
MEMBERSHIP: Final = _LIS + "membership#"
MEMBERSHIP_SUB: Final = _LIS + "membership/"
SYSTEM_PREFIX: Final = _LIS + "system/"
INSTITUTION_PREFIX: Final = _LIS + "institution/"
LEGACY_CONTEXT: Final = "urn:lti:role:ims/lis/"
LEGACY_SYSTEM: Final = "urn:lti:sysrole:ims/lis/"
LEGACY_INSTITUTION: Final = "urn:lti:instrole:ims/lis/"

CONTEXT_ROLE_NAMES: Final = frozenset(
    {
        "Administrator",
        "ContentDeveloper",
        "Instructor",
        "Learner",
        "Mentor",
        "Manager",
        "Member",
        "Officer",
        "TeachingAssistant",
    }
)
"""The principal context roles (LTI Core 1.3, A.2.3), by their short names."""


class ContextRole(StrEnum):
    """Context (course) roles, LIS vocabulary (LTI Core 1.3, A.2.3)."""

    ADMINISTRATOR = MEMBERSHIP + "Administrator"
    CONTENT_DEVELOPER = MEMBERSHIP + "ContentDeveloper"
    INSTRUCTOR = MEMBERSHIP + "Instructor"
    LEARNER = MEMBERSHIP + "Learner"
    MENTOR = MEMBERSHIP + "Mentor"
    TEACHING_ASSISTANT = MEMBERSHIP_SUB + "Instructor#TeachingAssistant"


class SystemRole(StrEnum):
    """System roles (LTI Core 1.3, A.2.1). Only global staff may ever be sent as these."""

    ADMINISTRATOR = SYSTEM_PREFIX + "person#Administrator"


class InstitutionRole(StrEnum):
    """Institution roles (LTI Core 1.3, A.2.2)."""

    ADMINISTRATOR = INSTITUTION_PREFIX + "person#Administrator"


ADMINISTRATOR_ROLES: Final = frozenset(
    {
        SystemRole.ADMINISTRATOR.value,
        InstitutionRole.ADMINISTRATOR.value,
        LEGACY_SYSTEM + "Administrator",
        LEGACY_INSTITUTION + "Administrator",
    }
)
"""A system or institution Administrator, in the LTI 1.3 and the LTI 1.1 forms."""


class DocumentTarget(StrEnum):
    IFRAME = "iframe"
    WINDOW = "window"


class OidcParam(StrEnum):
    """Parameters of the OIDC third-party-initiated login and authentication request."""

    SCOPE = "scope"
    RESPONSE_TYPE = "response_type"
    RESPONSE_MODE = "response_mode"
    PROMPT = "prompt"
    CLIENT_ID = "client_id"
    REDIRECT_URI = "redirect_uri"
    LOGIN_HINT = "login_hint"
    LTI_MESSAGE_HINT = "lti_message_hint"
    STATE = "state"
    NONCE = "nonce"
