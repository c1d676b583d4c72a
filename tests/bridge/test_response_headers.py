"""Headers and refusal pages of the bridge's responses (issue 11, item 16)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/lti-bridge/account/sign-in/", "/lti-bridge/account/password/"])
def test_direct_sign_in_pages_cannot_be_framed(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_lms_framed_pages_keep_their_frame_ancestors(bridge_setup):
    response = bridge_setup.full_launch()
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors 'self' https://lms.example.edu" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "method, path, status, words",
    [
        ("get", "/lti-bridge/classes/999/", 404, "does not exist"),
        ("get", "/lti-bridge/units/999/learners/1/", 404, "does not exist"),
        ("get", "/lti-bridge/units/1/release/", 405, "does not answer"),
        ("get", "/lti-bridge/lti/launch", 405, "does not answer"),
        ("put", "/lti-bridge/account/sign-in/", 405, "does not answer"),
    ],
)
def test_refusals_say_what_happened(client, method, path, status, words):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert words in response.content.decode()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    if status == 405:
        assert response["Allow"]


def test_json_and_csv_answers_are_not_sniffed(bridge_setup):
    response = bridge_setup.client.get("/lti-bridge/lti/jwks")
    assert response["X-Content-Type-Options"] == "nosniff"
