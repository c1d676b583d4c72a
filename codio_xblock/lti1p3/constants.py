"""LTI 1.3 / LTI Advantage vocabulary: claim names, message types, roles, scopes.

No Django imports here (see package docstring).
"""

from enum import StrEnum

LTI_VERSION = "1.3.0"
CLAIM_PREFIX = "https://purl.imsglobal.org/spec/lti/claim/"


class Claim(StrEnum):
    """Claim names of an LTI 1.3 id_token (LTI Core 1.3, section 5)."""

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
    AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
    NAMES_ROLES_SERVICE = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
    DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
    DL_CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
    DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
    DL_MSG = "https://purl.imsglobal.org/spec/lti-dl/claim/msg"
    DL_ERRORMSG = "https://purl.imsglobal.org/spec/lti-dl/claim/errormsg"


class MessageType(StrEnum):
    RESOURCE_LINK = "LtiResourceLinkRequest"
    DEEP_LINKING = "LtiDeepLinkingRequest"
    DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"


class ContextType(StrEnum):
    COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"


class ContextRole(StrEnum):
    """Context (course) roles, LIS vocabulary (LTI Core 1.3, A.2.3)."""

    ADMINISTRATOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator"
    CONTENT_DEVELOPER = "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper"
    INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
    LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
    MENTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"
    TEACHING_ASSISTANT = (
        "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
    )


class SystemRole(StrEnum):
    """System roles (LTI Core 1.3, A.2.1). Only global staff may ever be sent as these."""

    ADMINISTRATOR = "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"


class DocumentTarget(StrEnum):
    IFRAME = "iframe"
    WINDOW = "window"


class OidcParam(StrEnum):
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


PRODUCT_FAMILY_CODE = "openedx"
