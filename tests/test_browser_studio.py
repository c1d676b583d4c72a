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
