"""The Codio Unit XBlock: views, Studio editing with validation, launch handler errors."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db


def usage_ids(client, scenario="codio_unit.1"):
    page = client.get(f"/scenario/{scenario}/").content.decode()
    return list(dict.fromkeys(re.findall(r"/handler/([^/]+)/launch/", page)))


def submit(client, usage_id, **values):
    return client.post(
        f"/handler/{usage_id}/submit_studio_edits/",
        data=json.dumps({"values": values, "defaults": []}),
        content_type="application/json",
    )


def test_student_view_inline_frame_and_new_window(as_user):
    page = as_user("learner").get("/scenario/codio_unit.1/").content.decode()
    assert page.count('<iframe class="codio-unit__frame"') == 2
    assert "height: 700px" in page
    assert "This unit opens in a new window." in page


def test_studio_edit_accepts_valid_values(as_user):
    client = as_user("instructor")
    usage = usage_ids(client)[0]
    response = submit(
        client,
        usage,
        display_name="Intro",
        unit="loops",
        launch_mode="window",
        iframe_height=500,
        weight=5.0,
        custom_parameters="lang=python",
    )
    assert response.status_code == 200, response.content
    page = client.get("/scenario/codio_unit.1/").content.decode()
    assert "Intro" in page


@pytest.mark.parametrize(
    "values, message",
    [
        ({"unit": ""}, "Give the Codio unit identifier"),
        ({"unit": "bad unit!"}, "Give the Codio unit identifier"),
        ({"tool": "nonexistent"}, "No enabled LTI tool is registered as"),
        ({"launch_mode": "popup"}, "Launch mode must be"),
        ({"iframe_height": 50}, "Height must be between"),
        ({"weight": -1.0}, "Weight must be zero or more"),
        ({"custom_parameters": "a=1\nno-equals"}, "Custom parameters, line 2"),
        ({"custom_parameters": "codio_unit=other"}, "set by the block itself"),
    ],
)
def test_studio_edit_refuses_bad_values_with_clear_messages(as_user, values, message):
    client = as_user("instructor")
    usage = usage_ids(client)[0]
    response = submit(client, usage, display_name="Renamed by a refused edit", **values)
    assert response.status_code == 400
    assert message in response.content.decode()
    # nothing of the refused edit was saved
    assert "Renamed by a refused edit" not in client.get("/scenario/codio_unit.1/").content.decode()


def test_markup_in_display_name_is_escaped(as_user):
    client = as_user("instructor")
    usage = usage_ids(client)[0]
    assert submit(client, usage, display_name='<img src=x onerror="alert(1)">').status_code == 200
    page = client.get("/scenario/codio_unit.1/").content.decode()
    assert '<img src=x onerror="alert(1)">' not in page
    assert "&lt;img src=x" in page


def test_launch_handler_redirects_to_tool_login_with_all_parameters(as_user, course):
    from tests.support import query

    client = as_user("learner")
    usage = usage_ids(client)[0]
    response = client.get(f"/handler/{usage}/launch/")
    assert response.status_code == 302
    assert response["Location"].startswith("http://codio.test/lti-bridge/lti/login?")
    params = query(response["Location"])
    assert params["iss"] == "http://codio.test"
    assert params["client_id"] == course.client_id
    assert params["lti_deployment_id"] == course.deployment_id
    assert params["target_link_uri"] == course.launch_url
    assert params["login_hint"] and params["lti_message_hint"]
    assert "learner" not in params["login_hint"]


def test_launch_of_disabled_tool_is_a_clear_error(as_user, course):
    client = as_user("learner")
    usage = usage_ids(client)[0]
    course.enabled = False
    course.save()
    response = client.get(f"/handler/{usage}/launch/")
    assert response.status_code == 400
    assert "not registered on this platform, or is disabled" in response.content.decode()


def test_author_view_does_not_launch(as_user):
    page = as_user("instructor").get("/scenario/codio_unit.0/author_view/").content.decode()
    assert "not launched in Studio" in page
    assert "/launch/" not in page


def test_studio_editor_offers_the_registered_tools(as_user, course):
    page = as_user("instructor").get("/scenario/codio_unit.0/studio_view/").content.decode()
    assert "Codio (built-in LTI bridge) (lti_bridge)" in page
    assert "Default tool" in page


def test_points_are_the_max_score(as_user):
    from workbench.runtime import WorkbenchRuntime
    from workbench.scenarios import get_scenarios

    client = as_user("instructor")
    usage = usage_ids(client)[0]
    assert submit(client, usage, weight=7.5).status_code == 200
    block = WorkbenchRuntime("instructor").get_block(usage)
    assert block.has_score and block.max_score() == 7.5
    assert get_scenarios()  # the scenario the block belongs to is loaded


def test_learners_cannot_submit_studio_edits_through_the_runtime(as_user):
    """Any user can call a block's handlers: a learner must not repoint a unit elsewhere."""
    client = as_user("learner")
    page = client.get("/scenario/codio_unit.0/").content.decode()
    usage = re.findall(r"/handler/([^/]+)/launch/", page)[0]
    response = submit(client, usage, tool="evil", unit="other-unit")
    assert response.status_code == 403
    assert "course team" in response.json()["error"]
    assert submit(as_user("mentor"), usage, unit="other-unit").status_code == 403
    page = as_user("instructor").get("/scenario/codio_unit.0/author_view/").content.decode()
    assert "other-unit" not in page


@pytest.mark.parametrize(
    "values, message",
    [
        ({"points_in_tool": "ten"}, "'Points in Codio' must be a number."),
        ({"weight": "heavy"}, "'Weight' must be a number."),
        ({"iframe_height": "tall"}, "'Height (pixels)' must be a whole number."),
        ({"iframe_height": 1.5}, "'Height (pixels)' must be a whole number."),
        ({"share_name": "perhaps"}, "'Share the learner's name' must be true or false."),
        ({"unit": ["a", "b"]}, "'Codio unit' must be text."),
        ({"weight": "nan"}, "'Weight' must be a number."),
    ],
)
def test_studio_edits_of_the_wrong_type_are_refused_with_the_field_named(as_user, values, message):
    """XBlock's mixin answers these with a 500; the editor shows this message instead."""
    from workbench.runtime import WorkbenchRuntime

    client = as_user("instructor")
    usage = usage_ids(client)[0]
    before = WorkbenchRuntime("instructor").get_block(usage).weight
    response = submit(client, usage, **values)
    assert response.status_code == 400 and response.json()["error"] == message
    assert WorkbenchRuntime("instructor").get_block(usage).weight == before


def test_malformed_studio_edit_requests_are_refused(as_user):
    client = as_user("instructor")
    usage = usage_ids(client)[0]
    url = f"/handler/{usage}/submit_studio_edits/"
    for body in ("not json", "[]", '{"values": []}', '{"values": {}, "defaults": 3}'):
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["error"].startswith("The editor sent"), body
