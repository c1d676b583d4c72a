"""Pure protocol helpers: keys, claims, OIDC checks, role table, custom parameters."""

import jwt
import pytest

from codio_xblock.lti1p3.claims import LaunchData, PlatformIdentity, build_id_token_claims
from codio_xblock.lti1p3.custom import CustomParameterError, parse_custom_parameters
from codio_xblock.lti1p3.exceptions import InvalidRedirectUri, UnauthorizedClient
from codio_xblock.lti1p3.oidc import AuthRequest, check_client
from codio_xblock.lti1p3.roles import lti_roles_for
from lti_bridge.protocol import keys
from lti_bridge.protocol.vocabulary import Claim, ContextRole, SystemRole


@pytest.fixture(scope="module")
def pem():
    return keys.generate_private_pem()


def test_keys_are_at_least_2048_bits(real_keys):
    with pytest.raises(ValueError):
        keys.generate_private_pem(1024)
    first, second = keys.generate_private_pem(), keys.generate_private_pem()
    assert first != second
    assert keys.private_key(first).key_size == 2048


def test_kid_is_the_rfc7638_thumbprint_and_signatures_verify(pem):
    jwk = keys.public_jwk(pem)
    assert jwk["kid"] == keys.kid_for(pem) == keys.thumbprint(jwk)
    assert jwk["alg"] == "RS256" and jwk["use"] == "sig" and "d" not in jwk
    token = keys.sign({"a": 1}, pem, jwk["kid"])
    assert jwt.get_unverified_header(token)["kid"] == jwk["kid"]
    public = jwt.algorithms.RSAAlgorithm.from_jwk(jwk)
    assert jwt.decode(token, public, algorithms=["RS256"]) == {"a": 1}


def test_jwk_from_public_pem_matches(pem):
    assert keys.jwk_from_public_pem(keys.public_pem(pem))["n"] == keys.public_jwk(pem)["n"]


def launch(**kw):
    base = dict(
        user_key="1",
        sub="abc",
        usage_id="block-1",
        tool_slug="t",
        resource_link_title="Unit",
        context_id="c",
        context_label="L",
        context_title="T",
        roles=[ContextRole.LEARNER.value],
        target_link_uri="https://tool/launch",
    )
    return LaunchData(**{**base, **kw})


def test_claims_leave_out_name_and_email_unless_given():
    platform = PlatformIdentity(issuer="https://lms", guid="g", name="n")
    claims = build_id_token_claims(
        launch(), platform=platform, client_id="c1", deployment_id="d", nonce="n", now=1000
    )
    assert "name" not in claims and "email" not in claims
    assert claims["exp"] == 1300
    claims = build_id_token_claims(
        launch(name="A B", email="a@b.c"),
        platform=platform,
        client_id="c1",
        deployment_id="d",
        nonce="n",
        now=1000,
    )
    assert claims["name"] == "A B" and claims["email"] == "a@b.c"
    assert claims[Claim.LAUNCH_PRESENTATION.value]["document_target"] == "iframe"


def test_launch_data_round_trips():
    data = launch(custom={"a": "b"})
    assert LaunchData.from_dict(data.to_dict()) == data


def test_check_client_exact_redirect_uri():
    request = AuthRequest("c1", "https://tool/launch", "h", "m", "n", "s")
    check_client(request, client_id="c1", redirect_uris=["https://tool/launch"])
    with pytest.raises(UnauthorizedClient):
        check_client(request, client_id="c2", redirect_uris=["https://tool/launch"])
    with pytest.raises(InvalidRedirectUri):
        check_client(request, client_id="c1", redirect_uris=["https://tool/launch/"])


@pytest.mark.parametrize(
    "course_roles, expected",
    [
        ({"instructor"}, [ContextRole.INSTRUCTOR, ContextRole.ADMINISTRATOR]),
        ({"staff"}, [ContextRole.INSTRUCTOR]),
        ({"limited_staff"}, [ContextRole.MENTOR]),
        # forum roles give no course-staff rights in Open edX
        ({"community_ta"}, [ContextRole.LEARNER]),
        ({"group_moderator"}, [ContextRole.LEARNER]),
        ({"forum_moderator"}, [ContextRole.LEARNER]),
        ({"forum_administrator"}, [ContextRole.LEARNER]),
        ({"beta_tester"}, [ContextRole.LEARNER]),
        (set(), [ContextRole.LEARNER]),
        ({"something-new"}, [ContextRole.LEARNER]),
    ],
)
def test_role_table(course_roles, expected):
    assert lti_roles_for(course_roles) == [r.value for r in expected]


def test_course_staff_never_become_system_or_institution_administrators():
    institution_admin = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"
    table = {
        "staff": [SystemRole.ADMINISTRATOR.value, institution_admin, ContextRole.INSTRUCTOR.value]
    }
    assert lti_roles_for({"staff"}, role_map=table) == [ContextRole.INSTRUCTOR.value]
    assert SystemRole.ADMINISTRATOR.value in lti_roles_for(set(), is_global_staff=True)


def test_custom_parameters():
    text = "# comment\n\nlanguage = python\nlevel=2\n"
    assert parse_custom_parameters(text) == {"language": "python", "level": "2"}


@pytest.mark.parametrize(
    "text, line",
    [
        ("novalue", 1),
        ("ok=1\nbad key=2", 2),
        ("a=1\na=2", 2),
        ("codio_unit=x", 1),
        ("a=" + "x" * 2000, 1),
    ],
)
def test_bad_custom_parameters_name_their_line(text, line):
    with pytest.raises(CustomParameterError) as info:
        parse_custom_parameters(text, reserved=("codio_unit",))
    assert info.value.line == line


def test_substitution_variables_in_custom_parameters():
    from codio_xblock.lti1p3.custom import substitute

    params = {"sid": "$User.username", "mail": "$Person.email.primary", "x": "plain", "y": "$No"}
    assert substitute(params, {"$User.username": "ada"}) == {
        "sid": "ada",
        "mail": "$Person.email.primary",  # not shared: sent unchanged, as LTI says
        "x": "plain",
        "y": "$No",
    }
