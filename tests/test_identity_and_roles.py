"""Cleaning identity claims; LTI roles to bridge rights."""

import pytest

from lti_bridge.identity import clean_text, identity_from_claims, normalize_email
from lti_bridge.launch.errors import MissingClaim
from lti_bridge.roles import STUDENT, TEACHER, bridge_role

M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  Ada@Example.EDU ", "ada@example.edu"),
        ("not-an-email", ""),
        ("a@b", ""),
        (None, ""),
        (42, ""),
        ("", ""),
    ],
)
def test_normalize_email(raw, expected):
    assert normalize_email(raw) == expected


def test_clean_text_removes_control_characters_and_caps():
    assert clean_text("Ada\x00 \u202eLove\nlace") == "Ada Lovelace"
    assert len(clean_text("x" * 1000)) == 255
    assert clean_text(["list"]) == ""


def test_identity_name_from_parts():
    identity = identity_from_claims({"sub": "s", "given_name": "Ada", "family_name": "L"})
    assert identity.name == "Ada L" and identity.email == ""


@pytest.mark.parametrize("sub", [None, "", "   ", 5, "x" * 300, "a\x00b"])
def test_bad_sub(sub):
    with pytest.raises(MissingClaim):
        identity_from_claims({"sub": sub})


@pytest.mark.parametrize(
    "roles, role, read_only",
    [
        ([M + "Instructor"], TEACHER, False),
        ([M + "Administrator"], TEACHER, False),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"],
            TEACHER,
            False,
        ),
        ([M + "ContentDeveloper"], TEACHER, False),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"],
            TEACHER,
            False,
        ),
        (["TeachingAssistant"], TEACHER, False),
        ([M + "Mentor"], TEACHER, True),
        ([M + "Mentor", M + "Instructor"], TEACHER, False),
        ([M + "Learner"], STUDENT, False),
        (["Learner", M + "Mentor"], TEACHER, True),
        ([], STUDENT, False),
        (None, STUDENT, False),
        ([42, None], STUDENT, False),
    ],
)
def test_bridge_roles_highest_wins(roles, role, read_only):
    result = bridge_role(roles)
    assert (result.role, result.read_only) == (role, read_only)
