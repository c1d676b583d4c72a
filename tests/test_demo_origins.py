"""The demo's origins (demo/origins.py) serve only their own pages, as the separate services
of a real Open edX do: Studio serves the editors and their handlers (no unit launches), the
LMS no editor and nothing never published, the Learning MFE sends signed-out learners to the
LMS's sign-in and back; the workbench's developer tools are not served at all."""

import re

import pytest

pytestmark = pytest.mark.django_db

LMS, MFE, STUDIO = "localhost:8000", "localhost:8001", "localhost:8002"


@pytest.fixture
def origins(settings, course):
    settings.BASE_URL = f"http://{LMS}"
    settings.DEMO_MFE_URL = f"http://{MFE}"
    settings.DEMO_STUDIO_URL = f"http://{STUDIO}"
    return course


def usage_ids(client):
    page = client.get("/scenario/codio_unit.1/", HTTP_HOST=LMS).content.decode()
    return re.findall(r"/handler/([^/]+)/launch/", page)


def test_the_workbench_tools_are_not_served(origins, client):
    for path in ("/reset_state", "/reset_state/", "/userlist/", "/unauth_handler/x/y/"):
        assert (
            client.get(path, HTTP_HOST=LMS, HTTP_REFERER="http://evil.example/").status_code == 404
        )


def test_studio_serves_no_launch(origins, as_user):
    learner = as_user("learner")
    usage_id = usage_ids(learner)[0]
    assert learner.get(f"/handler/{usage_id}/launch/", HTTP_HOST=STUDIO).status_code == 404
    assert learner.get(f"/handler/{usage_id}/launch/", HTTP_HOST=LMS).status_code == 302
    # Studio's own handlers are Studio's, and refuse learners there
    assert learner.get(f"/handler/{usage_id}/deep_link/", HTTP_HOST=STUDIO).status_code == 403
    assert learner.get(f"/handler/{usage_id}/deep_link/", HTTP_HOST=LMS).status_code == 404


def test_the_lms_serves_no_editor_and_nothing_never_published(origins, as_user):
    from workbench.scenarios import get_scenarios

    learner = as_user("learner")
    for path in ("/scenario/codio_unit.1/studio_view/", "/view/codio_unit.1/studio_view/"):
        assert learner.get(path, HTTP_HOST=LMS).status_code == 404
    draft = str(get_scenarios()["codio_unit.2"].usage_id)
    for path in (
        "/xblock/codio_unit.2/",
        "/scenario/codio_unit.2/",
        "/view/codio_unit.2/",
        f"/handler/{draft}/launch/",
    ):
        assert learner.get(path, HTTP_HOST=LMS).status_code == 404, path
    assert learner.get("/xblock/codio_unit.1/", HTTP_HOST=LMS).status_code == 200


def test_the_mfe_sends_signed_out_learners_to_sign_in_and_back(origins, client):
    response = client.get("/learning/course/codio_unit.1/", HTTP_HOST=MFE)
    assert response.status_code == 302
    login = response["Location"]
    assert login.startswith(f"http://{LMS}/accounts/login/?next=")
    back = f"http://{MFE}/learning/course/codio_unit.1/"
    signed_in = client.post(
        "/accounts/login/?next=" + back,
        {"username": "learner", "password": "demo", "next": back},
        HTTP_HOST=LMS,
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == back
    assert client.get("/learning/course/codio_unit.1/", HTTP_HOST=MFE).status_code == 200
    # and nowhere else
    client.post("/accounts/logout/", HTTP_HOST=LMS)
    elsewhere = client.post(
        "/accounts/login/",
        {"username": "learner", "password": "demo", "next": "http://evil.example/"},
        HTTP_HOST=LMS,
    )
    assert elsewhere.status_code == 302 and "evil.example" not in elsewhere["Location"]
