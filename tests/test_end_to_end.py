"""The whole launch over HTTP through Django's test client: XBlock -> tool login ->
platform auth -> signed id_token -> bridge, with real RSA signatures and the platform's
JWKS read by the built-in bridge in-process (LOCAL_KEY_SETS), or, for a bridge that does not
share the platform's server, over (test-client) HTTP."""

import pytest
from django.contrib.auth.hashers import is_password_usable

from lti_bridge.models import Account, ClassMembership, Classroom, Link, ResourceLink, Work
from tests.support import launch_through_xblock

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["in-process", "over HTTP"])
def key_set_read(request, settings):
    if request.param == "over HTTP":  # the bridge on a server of its own
        settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "LOCAL_KEY_SETS": {}}
    return request.param


def test_learner_launch_creates_account_link_class_unit_and_shows_page(
    as_user, outbound, key_set_read
):
    response, steps = launch_through_xblock(as_user("learner"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Signed in as Ada Lovelace" in page
    assert "Hello, Python" in page

    account = Account.objects.get()
    assert account.email == "learner@example.edu"
    assert not account.links.get().sub.isdigit()
    link = Link.objects.get()
    assert link.account == account
    classroom = Classroom.objects.get()
    assert classroom.context_id == "course-v1:Demo+CS101+2026"
    assert classroom.invitations_enabled is False
    resource_link = ResourceLink.objects.get()
    assert resource_link.unit.code == "hello-python"
    assert ClassMembership.objects.get().role == "student"
    assert Work.objects.get().account == account
    fetches = [(url, timeout) for _, url, timeout in outbound.calls if "/codio/lti/v1/jwks" in url]
    if key_set_read == "over HTTP":  # the bridge fetched the key set, with a timeout
        assert fetches and all(timeout for _, timeout in fetches)
    else:  # the built-in bridge read it in-process: no request through the LMS's workers
        assert fetches == []


def test_second_launch_reuses_account_class_and_link(as_user):
    client = as_user("learner")
    launch_through_xblock(client)
    response, _ = launch_through_xblock(client, index=1)
    assert response.status_code == 200
    assert Account.objects.count() == 1
    assert Classroom.objects.count() == 1
    assert ResourceLink.objects.count() == 2


def test_instructor_lands_on_teacher_view_listing_learners(as_user):
    launch_through_xblock(as_user("learner"))
    launch_through_xblock(as_user("learner2"))
    response, _ = launch_through_xblock(as_user("instructor"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="teacher-view"' in page
    assert "Ada Lovelace" in page and "Alan Turing" in page
    membership = ClassMembership.objects.get(account__email="instructor@example.edu")
    assert (membership.role, membership.read_only) == ("teacher", False)


def test_mentor_is_read_only_teacher(as_user):
    response, _ = launch_through_xblock(as_user("mentor"))
    assert "Teacher (read-only)" in response.content.decode()
    assert ClassMembership.objects.get().read_only is True


def test_anonymous_block_sends_no_name_or_email(as_user):
    response, steps = launch_through_xblock(as_user("learner2"), index=1)
    assert response.status_code == 200
    account = Account.objects.get()
    assert account.email is None and account.name == ""
    assert "Anonymous learner" in response.content.decode()
    assert not is_password_usable(account.password)


def test_launch_leaves_the_lms_session_alone_and_signs_in_to_the_bridge(as_user):
    from django.http import HttpRequest

    from lti_bridge.session import COOKIE, current_account_id

    client = as_user("learner")
    before = client.session.session_key
    response, _ = launch_through_xblock(client)
    assert client.session.session_key == before  # the LMS session is not the bridge's
    assert client.get("/scenario/codio_unit.1/").status_code == 200  # still signed in
    assert COOKIE in response.cookies

    request = HttpRequest()
    request.COOKIES = {COOKIE: response.cookies[COOKIE].value}
    assert current_account_id(request) == Account.objects.get().pk


def test_forged_bridge_cookie_signs_in_nobody():
    from django.http import HttpRequest

    from lti_bridge.session import COOKIE, current_account_id

    request = HttpRequest()
    request.COOKIES = {COOKIE: "1:forged:signature"}
    assert current_account_id(request) is None


def test_same_open_edx_user_in_two_courses_is_one_bridge_account(as_user, settings):
    client = as_user("learner")
    launch_through_xblock(client)
    settings.CODIO_XBLOCK = {
        **settings.CODIO_XBLOCK,
        "STANDALONE_COURSE": {
            "id": "course-v1:Demo+CS102+2027",
            "label": "CS102",
            "title": "Second course",
            "url": "/",
        },
    }
    response, _ = launch_through_xblock(client)
    assert response.status_code == 200
    assert Account.objects.count() == 1
    assert set(Classroom.objects.values_list("context_id", flat=True)) == {
        "course-v1:Demo+CS101+2026",
        "course-v1:Demo+CS102+2027",
    }
