"""One parse (issue 16): a validated launch's claims become one typed, immutable LaunchMessage
in lti_bridge/launch/message.py; malformed claims are refused there, one clear error each;
roles are a typed set in which course roles outrank institution roles."""

import dataclasses
import re
from pathlib import Path

import pytest

import lti_bridge
from lti_bridge.launch import errors
from lti_bridge.launch.message import LaunchMessage, parse
from lti_bridge.roles import STUDENT, TEACHER, RoleSet

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def claims(**extra):
    body = {
        "iss": "https://lms.example.edu",
        "sub": "s-1",
        "name": "Ada\u0000 Lovelace",
        "email": "ADA@Example.edu",
        LTI + "message_type": "LtiResourceLinkRequest",
        LTI + "deployment_id": "d-1",
        LTI + "roles": [MEMBERSHIP + "Learner"],
        LTI + "context": {"id": "c-1", "title": "CS\u200b 101", "label": "CS"},
        LTI + "resource_link": {"id": "rl-1", "title": "Hello"},
        LTI + "custom": {"codio_unit": " hello-python ", "tz": "Europe/Madrid"},
        LTI + "launch_presentation": {"locale": "es", "return_url": "https://lms.example.edu/"},
    }
    body.update(extra)
    return body


def test_a_resource_link_launch_becomes_typed_values():
    message = parse(claims())
    assert isinstance(message, LaunchMessage)
    assert message.message_type == "LtiResourceLinkRequest" and not message.is_deep_linking
    assert message.deployment_id == "d-1"
    assert (message.identity.sub, message.identity.email) == ("s-1", "ada@example.edu")
    assert message.identity.name == "Ada Lovelace"  # cleaned once, here
    assert (message.context.id, message.context.title, message.context.label) == (
        "c-1",
        "CS 101",
        "CS",
    )
    assert (message.resource_link.id, message.resource_link.title) == ("rl-1", "Hello")
    assert message.custom_text(["unit", "codio_unit"]) == "hello-python"
    assert message.locale == "es"
    assert message.roles.bridge_role.role == STUDENT
    assert message.ags is None and message.memberships_url == ""


def test_the_message_is_immutable():
    message = parse(claims())
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.deployment_id = "other"
    with pytest.raises(TypeError):
        message.custom["codio_unit"] = "another-unit"
    with pytest.raises(TypeError):
        message.claims["sub"] = "someone-else"


def test_services_are_read_once_and_unusable_ones_are_blank():
    message = parse(
        claims(
            **{
                NRPS: {"context_memberships_url": "https://lms/m", "service_versions": ["2.0"]},
                AGS: {"lineitem": "https://lms/li/1", "scope": ["a", 3, "b"]},
            }
        )
    )
    assert message.memberships_url == "https://lms/m"
    assert (message.ags.lineitem, message.ags.lineitems, message.ags.scopes) == (
        "https://lms/li/1",
        "",
        ("a", "b"),
    )
    old_nrps = {NRPS: {"context_memberships_url": "https://lms/m", "service_versions": ["1.0"]}}
    assert parse(claims(**old_nrps)).memberships_url == ""
    assert parse(claims(**{NRPS: {"context_memberships_url": "ftp://x"}})).memberships_url == ""


@pytest.mark.parametrize(
    ("change", "claim"),
    [
        ({"sub": ""}, "sub"),
        ({"sub": "a\nb"}, "sub"),
        ({LTI + "context": None}, "context"),
        ({LTI + "context": {"title": "no id"}}, "context.id"),
        ({LTI + "context": {"id": "x" * 256}}, "context.id"),
        ({LTI + "resource_link": {"id": "  "}}, "resource_link.id"),
        ({LTI + "resource_link": "rl-1"}, "resource_link"),
    ],
)
def test_a_missing_or_malformed_claim_is_refused_once_by_name(change, claim):
    body = claims(**change)
    with pytest.raises(errors.MissingClaim) as refused:
        parse(body)
    assert claim in str(refused.value.message)


def test_a_recorded_launch_parses_again_to_the_same_message():
    message = parse(claims())
    again = parse(message.recorded())
    assert again == message
    assert isinstance(message.recorded(), dict)


def test_a_deep_linking_request_carries_its_settings_and_no_identity():
    settings = {
        "deep_link_return_url": "https://lms.example.edu/dl",
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "data": "opaque",
    }
    body = claims(**{LTI + "message_type": "LtiDeepLinkingRequest", DL: settings})
    del body["sub"], body[LTI + "resource_link"]
    message = parse(body)
    assert message.is_deep_linking and message.identity is None
    assert message.deep_linking.return_url == "https://lms.example.edu/dl"
    assert message.deep_linking.accept_presentation_document_targets == ("iframe", "window")
    assert (message.deep_linking.data, message.deep_linking.accept_multiple) == ("opaque", False)


@pytest.mark.parametrize(
    ("roles", "role", "read_only", "admin"),
    [
        # course roles outrank institution roles: an institution Instructor who is a
        # Learner of this course is a learner here
        ([INSTITUTION + "Instructor", MEMBERSHIP + "Learner"], STUDENT, False, False),
        ([INSTITUTION + "Administrator", MEMBERSHIP + "Learner"], STUDENT, False, True),
        ([INSTITUTION + "Instructor"], STUDENT, False, False),
        # a course's Administrator teaches that class and administers nothing else
        ([MEMBERSHIP + "Administrator"], TEACHER, False, False),
        (["urn:lti:instrole:ims/lis/Administrator"], STUDENT, False, True),
        (["urn:lti:role:ims/lis/Instructor/TeachingAssistant"], TEACHER, False, False),
        ([MEMBERSHIP + "Mentor", "Learner"], TEACHER, True, False),
    ],
)
def test_roles_are_a_typed_set_where_course_roles_decide_the_class_role(
    roles, role, read_only, admin
):
    parsed = RoleSet.parse(roles)
    assert (parsed.bridge_role.role, parsed.bridge_role.read_only) == (role, read_only)
    assert parsed.is_org_admin is admin
    assert parsed.uris == tuple(roles)


def test_deep_linking_pickers_are_the_course_teachers_and_lms_administrators():
    assert RoleSet.parse([MEMBERSHIP + "Instructor"]).may_pick_units
    assert RoleSet.parse([MEMBERSHIP + "ContentDeveloper"]).may_pick_units
    assert RoleSet.parse([INSTITUTION + "Administrator"]).may_pick_units
    assert not RoleSet.parse([MEMBERSHIP + "Mentor"]).may_pick_units
    assert not RoleSet.parse([MEMBERSHIP + "Learner"]).may_pick_units
    assert not RoleSet.parse([INSTITUTION + "Instructor"]).may_pick_units


# Where the bridge may look at claims by name: the one parse, the checks of the hardened
# launch before it (signature, target, deep-linking return URL), the identity cleaning the
# parse calls, and the deep linking response the bridge writes (claims it sends).
CLAIM_READERS = {
    "launch/message.py",
    "launch/hardening.py",
    "identity.py",
    "flows/deep_linking.py",
    "protocol/vocabulary.py",
}
USES_CLAIMS = re.compile(r"\bClaim\.|CLAIM_PREFIX|get_launch_data\(|\.get\(\"sub\"\)")


def test_flows_never_dig_into_the_raw_claims():
    root = Path(lti_bridge.__file__).resolve().parent
    readers = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "migrations" not in path.parts and USES_CLAIMS.search(path.read_text())
    }
    assert readers <= CLAIM_READERS, readers - CLAIM_READERS
    assert "launch/message.py" in readers
