"""Every response of the platform's protocol endpoints (JWKS, OIDC auth, token, AGS, NRPS,
deep linking response), errors included, carries ``X-Content-Type-Options: nosniff`` and
the Cache-Control fit for it, whatever the host's middleware does (these tests run without
Django's SecurityMiddleware nosniff)."""

import pytest
from django.test import Client

from codio_xblock.lti1p3.ags import SCOPE_LINEITEM_READONLY, SCOPE_SCORE
from tests.test_platform_ags import ScriptedTool

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_security_middleware(settings):
    settings.SECURE_CONTENT_TYPE_NOSNIFF = False
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "django.middleware.security.SecurityMiddleware"
    ]


def requests_to_every_endpoint():
    tool = ScriptedTool("headers")
    token = tool.token(Client(), f"{SCOPE_SCORE} {SCOPE_LINEITEM_READONLY}")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    return [
        ("jwks", "get", "/codio/lti/v1/jwks", {}, {}),
        ("auth", "get", "/codio/lti/v1/auth", {"scope": "openid"}, {}),
        ("dl-response", "post", "/codio/lti/v1/deep-linking/response", {"JWT": "x"}, {}),
        ("token-error", "post", "/codio/lti/v1/token", {"grant_type": "password"}, {}),
        (
            "token",
            "post",
            "/codio/lti/v1/token",
            {
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": tool.assertion(),
                "scope": SCOPE_SCORE,
            },
            {},
        ),
        ("lineitem-401", "get", "/codio/lti/v1/ags/lineitems/1", {}, {}),
        ("lineitem-403", "get", "/codio/lti/v1/ags/lineitems/999", {}, auth),
        ("container", "get", "/codio/lti/v1/ags/contexts/999/lineitems", {}, auth),
        ("scores", "post", "/codio/lti/v1/ags/lineitems/999/scores", {}, auth),
        ("results", "get", "/codio/lti/v1/ags/lineitems/999/results", {}, auth),
        ("nrps", "get", "/codio/lti/v1/nrps/contexts/999/memberships", {}, auth),
    ]


def test_every_platform_endpoint_says_nosniff_and_how_to_cache():
    client = Client()
    every = requests_to_every_endpoint()
    for name, method, url, data, extra in every:
        response = getattr(client, method)(url, data, **extra)
        assert response["X-Content-Type-Options"] == "nosniff", name
        expected = "public, max-age=300" if name == "jwks" else "no-store"
        assert response["Cache-Control"] == expected, (name, response["Cache-Control"])
        if name == "token":  # RFC 6749, 5.1: no caching of tokens, HTTP/1.0 caches too
            assert response.status_code == 200 and response["Pragma"] == "no-cache"


def test_the_blocks_handler_answers_say_nosniff_and_no_store(as_user):
    """The block's launch redirect and its refusals (XBlock handlers, not the plugin's
    URLconf) carry the same headers."""
    from tests.support import launch_through_xblock

    learner = as_user("learner")
    _, steps = launch_through_xblock(learner)
    redirect = steps["handler"]
    assert redirect.status_code == 302
    handler = redirect.wsgi_request.path
    refused = learner.get(handler.replace("/launch/", "/deep_link/"))
    assert refused.status_code == 403
    for response in (redirect, refused):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "no-store"
