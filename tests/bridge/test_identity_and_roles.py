"""Cleaning identity claims; LTI roles to bridge rights."""

import pytest

from lti_bridge.identity import clean_text, identity_from_claims, normalize_email
from lti_bridge.launch.errors import MissingClaim
from lti_bridge.roles import STUDENT, TEACHER, RoleSet

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
        # institution and system roles never decide the class role (DESIGN section 4)
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"],
            STUDENT,
            False,
        ),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor", M + "Learner"],
            STUDENT,
            False,
        ),
        (["http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"], STUDENT, False),
        (["urn:lti:instrole:ims/lis/Instructor"], STUDENT, False),
        # legacy LTI 1.1 context URNs and sub-roles
        (["urn:lti:role:ims/lis/Instructor"], TEACHER, False),
        (["urn:lti:role:ims/lis/TeachingAssistant"], TEACHER, False),
        (["urn:lti:role:ims/lis/Instructor/TeachingAssistant"], TEACHER, False),
        (["urn:lti:role:ims/lis/Mentor"], TEACHER, True),
        (["Instructor"], TEACHER, False),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership/Mentor#Advisor"], TEACHER, True),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/membership/Learner#GuestLearner"],
            STUDENT,
            False,
        ),
        (["https://example.edu/roles#Instructor"], STUDENT, False),  # another vocabulary
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
    result = RoleSet.parse(roles).bridge_role
    assert (result.role, result.read_only) == (role, read_only)


def test_institution_instructor_who_is_a_course_learner_is_a_learner(bridge_setup):
    """Over a real launch: the course (membership) role decides the class role."""
    from lti_bridge.models import ClassMembership
    from tests.support import LTI

    response = bridge_setup.full_launch(
        sub="dual",
        **{
            LTI + "roles": [
                "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor",
                M + "Learner",
            ]
        },
    )
    assert response.status_code == 200
    membership = ClassMembership.objects.get()
    assert (membership.role, membership.read_only) == ("student", False)
    assert 'data-testid="teacher-view"' not in response.content.decode()


def test_ta_sent_as_instructor_with_the_sub_role_is_a_teacher(bridge_setup):
    from lti_bridge.models import ClassMembership
    from tests.support import LTI

    ta = [
        M + "Instructor",
        "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
    ]
    assert bridge_setup.full_launch(sub="ta", **{LTI + "roles": ta}).status_code == 200
    membership = ClassMembership.objects.get()
    assert (membership.role, membership.read_only) == ("teacher", False)
    assert "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant" in (
        membership.lti_roles
    )
