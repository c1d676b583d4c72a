"""The demo's Studio page (its own origin) in a real browser: each unit's editor saves
through the block into the unit's draft, shows the block's refusals, and is for the course
team only; learners see an edit once it is published."""

import pytest

from tests.test_browser import ARTIFACTS, browser, demo_site, lms, open_course_as  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_studio_editor_saves_and_shows_refusals(browser, demo_site):  # noqa: F811
    from playwright.sync_api import expect

    page = open_course_as(browser, demo_site, "instructor")
    page.goto(demo_site.studio + "/studio/")
    editors = page.locator('[data-testid="unit-editor"]')
    assert editors.count() == 4  # the course's three units and a new one, never published
    first = editors.nth(0)
    notice = first.locator('[data-testid="editor-notice"]')

    first.locator("#xb-field-edit-points_in_tool").fill("-5")
    first.locator(".save-button").click()
    notice.get_by_text("Points in Codio must be more than zero, or empty.").wait_for()
    assert "error" in notice.get_attribute("class")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "studio-refused.png"), full_page=True)

    first.locator("#xb-field-edit-points_in_tool").fill("50")
    first.locator("#xb-field-edit-display_name").fill("Hello, Python (edited)")
    first.locator(".save-button").click()
    notice.get_by_text("Saved.").wait_for()
    page.screenshot(path=str(ARTIFACTS / "studio-saved.png"), full_page=True)

    page.reload()
    assert float(page.locator("#xb-field-edit-points_in_tool").first.input_value()) == 50
    first = page.locator('[data-testid="unit-editor"]').nth(0)
    assert first.get_by_test_id("draft-state").inner_text() == "Draft (unpublished changes)"

    # The LMS reads the published version only: learners see the edit once it is published.
    learner = open_course_as(page.context.browser, demo_site, "learner")
    expect(lms(learner).locator("body")).to_contain_text("Hello, Python", timeout=20000)
    assert "Hello, Python (edited)" not in lms(learner).locator("body").inner_text()
    first.get_by_test_id("publish").click()
    expect(page.locator('[data-testid="draft-state"]').first).to_have_text("Published")
    learner.reload()
    expect(lms(learner).locator("body")).to_contain_text("Hello, Python (edited)", timeout=20000)


def test_the_studio_page_is_for_the_course_team(browser, demo_site):  # noqa: F811
    page = open_course_as(browser, demo_site, "learner")
    response = page.goto(demo_site.studio + "/studio/")
    assert response.status == 403
    assert page.locator('[data-testid="author-refused"]').is_visible()


def test_a_choice_shows_the_merged_custom_parameters_and_keeps_them_after_a_reload(
    browser,  # noqa: F811
    demo_site,  # noqa: F811
):
    """Issue 26: "Choose a unit" must not drop the author's custom parameters unseen. The
    tool's answer here carries custom parameters of its own (the bridge's signed response,
    re-signed with a timezone and a lang, as a tool that sends them would): the open editor
    shows the merge at once (the tool's keys win, the author's student_id stays), with the
    item's launch URL, description and line item; a reload shows the same draft."""
    import re

    import jwt
    from playwright.sync_api import expect

    from lti_bridge import keys as bridge_keys
    from lti_bridge.protocol.keys import private_key
    from tests.test_browser import studio_as_author

    def with_custom(route):
        fields = dict(
            pair.split("=", 1) for pair in (route.request.post_data or "").split("&") if pair
        )
        from urllib.parse import quote, unquote_plus

        claims = jwt.decode(unquote_plus(fields["JWT"]), options={"verify_signature": False})
        items = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
        items[0]["custom"].update({"timezone": "UTC", "lang": "python"})
        key = bridge_keys.signing_key()
        token = jwt.encode(
            claims, private_key(key.private_pem), algorithm="RS256", headers={"kid": key.kid}
        )
        route.continue_(post_data="JWT=" + quote(token, safe=""))

    author = studio_as_author(browser, demo_site)
    author.context.route("**/codio/lti/v1/deep-linking/response", with_custom)
    editor = author.get_by_test_id("unit-editor").first
    custom = editor.locator("#xb-field-edit-custom_parameters")
    expect(custom).to_have_value(re.compile(r"student_id=\$User\.username"))
    with author.expect_popup() as popup_info:
        editor.get_by_test_id("choose-unit").click()
    picker = popup_info.value
    expect(picker.get_by_test_id("unit-picker")).to_be_visible(timeout=20000)
    picker.get_by_test_id("search").fill("loop")
    picker.get_by_test_id("search").press("Enter")
    picker.get_by_test_id("pick-loops").click()
    expect(picker.get_by_test_id("unit-chosen")).to_be_visible(timeout=20000)

    merged = "student_id=$User.username\ntimezone=UTC\nlang=python"
    expect(custom).to_have_value(merged, timeout=10000)
    expect(editor.locator("#xb-field-edit-unit")).to_have_value("loops")
    expect(editor.locator("#xb-field-edit-launch_url")).to_have_value(
        re.compile(r"/lti-bridge/lti/launch$")
    )
    expect(editor.locator("#xb-field-edit-line_item_label")).to_have_value("Loops")
    expect(editor.locator("#xb-field-edit-line_item_resource_id")).to_have_value("loops")
    ARTIFACTS.mkdir(exist_ok=True)
    author.screenshot(path=str(ARTIFACTS / "deep-linking-merged-custom.png"), full_page=True)

    author.reload()  # the draft, not only the open editor, has the merge
    editor = author.get_by_test_id("unit-editor").first
    expect(editor.locator("#xb-field-edit-custom_parameters")).to_have_value(merged)
    expect(editor.locator("#xb-field-edit-unit")).to_have_value("loops")
    expect(editor.locator("#xb-field-edit-line_item_label")).to_have_value("Loops")
