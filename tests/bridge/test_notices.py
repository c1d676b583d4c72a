"""Confirmations after a save ("Settings saved.", "Grade saved") live in the bridge's own
session, not in Django's messages cookie (issue 33, item 10): shown once on the next page,
escaped, and reaching a page whose browser sends no cookie but the bridge's."""

import pytest

from tests.support import BridgeClient

pytestmark = pytest.mark.django_db
SYSTEM_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"


def url(organization):
    return f"/lti-bridge/organizations/{organization.pk}/lti-integrations/"


def only_bridge_cookie(client):
    """The browser of a framed page with third-party cookies blocked: of the bridge's site,
    only its partitioned session cookie comes back (no messages cookie, no CSRF cookie)."""
    from lti_bridge.session import COOKIE

    for name in list(client.cookies):
        if name != COOKIE:
            del client.cookies[name]


def test_a_confirmation_shows_once_on_the_next_page(launch_as):
    admin = launch_as("admin", [SYSTEM_ADMIN])
    response = admin.post(
        url(launch_as.organization),
        {"lti_id_field": "student_number", "learner_email_policy": "new_account"},
    )
    assert response.status_code == 302
    assert "messages" not in response.cookies  # nothing for Django's messages storage
    only_bridge_cookie(admin)
    page = admin.get(response["Location"]).content.decode()
    assert 'data-testid="messages"' in page and "Settings saved." in page
    assert "It applies from each learner" in page  # both, in the order they were added
    assert page.index("It applies from each learner") < page.index("Settings saved.")
    again = admin.get(response["Location"]).content.decode()
    assert "Settings saved." not in again and 'data-testid="messages"' not in again


def test_notices_are_escaped_and_belong_to_their_session(launch_as):
    from django.test import RequestFactory

    from lti_bridge import notices
    from lti_bridge.session import COOKIE

    admin = launch_as("admin", [SYSTEM_ADMIN])
    request = RequestFactory().get("/")
    request.COOKIES[COOKIE] = admin.cookies[COOKIE].value
    notices.error(request, "<script>alert(1)</script>")
    other = launch_as("other-admin", [SYSTEM_ADMIN], browser=BridgeClient())
    assert "alert(1)" not in other.get(url(launch_as.organization)).content.decode()
    page = admin.get(url(launch_as.organization)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_without_a_bridge_session_nothing_is_kept():
    from django.test import RequestFactory

    from lti_bridge import notices

    request = RequestFactory().get("/")
    notices.success(request, "Saved")
    assert notices.pop(request) == []
