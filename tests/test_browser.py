"""A real browser (Debian's chromium driven by Playwright) opens the demo course as the
learner and as the instructor, on the demo's three origins as ``make demo`` serves them
(tests/origins.py): the Learning MFE's course page frames the LMS's unit page, which frames
the tool; Studio is the third origin. Never downloads a browser: CHROMIUM_PATH or
/usr/bin/chromium. Without chromium the test is skipped, unless CODIO_REQUIRE_BROWSER=1
(CI sets it), when that is a failure."""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests import origins

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Headless, no sandbox (root in CI), and none of Chromium's background calls to the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _require_browser():
    missing = not Path(CHROMIUM).exists()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("CODIO_REQUIRE_BROWSER") == "1":
            pytest.fail(f"chromium ({CHROMIUM}) or playwright is missing")
        pytest.skip("chromium or playwright not installed")


@pytest.fixture
def demo_site(settings, monkeypatch, transactional_db):
    """The demo as ``make demo`` serves it (HTTP; the MFE, the LMS and Studio on three
    ports of localhost, the built-in bridge on the LMS's origin); a tests.origins.Site."""
    site, servers = origins.start(settings, monkeypatch, secure=False)
    yield site
    servers.stop()


@pytest.fixture
def browser():
    _require_browser()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop in the test thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # the HTTPS tests' certificate is their own (tests/origins.py)
            args=[*CHROMIUM_ARGS, "--ignore-certificate-errors"],
        )
        yield browser
        browser.close()


MFE_FRAME = '[data-testid="mfe-unit-frame"]'
UNIT_FRAME = "iframe.codio-unit__frame"


def open_course_as(browser, site, username):
    """A new browser profile signed in on the LMS's home page as ``username``, which lands
    on the course page of the Learning MFE."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.lms + "/")
    page.click(f"button[data-user={username}]")
    page.wait_for_url(site.course_url())
    return page


def lms(page):
    """The LMS's unit page (render_xblock) inside the MFE's course page."""
    return page.frame_locator(MFE_FRAME)


def units(page):
    """The units' tool frames, inside the LMS's unit page."""
    return lms(page).frame_locator(UNIT_FRAME)


def lms_frame(page):
    """The LMS's unit page as a Playwright Frame (to run script in it)."""
    page.locator(MFE_FRAME).wait_for()
    frame = page.locator(MFE_FRAME).element_handle().content_frame()
    frame.wait_for_load_state()
    return frame


def test_learner_sees_unit_page_in_iframe_and_instructor_sees_teacher_view(browser, demo_site):
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_course_as(browser, demo_site, "learner")
    frame = units(page).first
    frame.get_by_test_id("who").wait_for(timeout=20000)
    assert frame.get_by_test_id("who").inner_text() == "Signed in as Ada Lovelace"
    assert frame.get_by_test_id("unit-title").inner_text() == "Hello, Python"
    page.screenshot(path=str(ARTIFACTS / "learner.png"), full_page=True)

    page = open_course_as(browser, demo_site, "instructor")
    frame = units(page).first
    frame.get_by_test_id("teacher-view").wait_for(timeout=20000)
    learners = frame.get_by_test_id("learners").inner_text()
    assert "Ada Lovelace" in learners
    page.screenshot(path=str(ARTIFACTS / "instructor.png"), full_page=True)


def test_instructor_grades_and_releases_and_the_learner_sees_the_grade(browser, demo_site):
    from playwright.sync_api import expect

    learner = open_course_as(browser, demo_site, "learner")
    frame = units(learner).first
    frame.get_by_test_id("answer").fill("print('Hello, world!')")
    frame.get_by_test_id("complete").click()  # asks first: completing locks the work
    expect(frame.get_by_test_id("status")).not_to_contain_text("Completed")
    frame.get_by_test_id("confirm-complete").click()
    expect(frame.get_by_test_id("status")).to_contain_text("Completed", timeout=20000)

    teacher = open_course_as(browser, demo_site, "instructor")
    tframe = units(teacher).first
    tframe.get_by_role("link", name="Ada Lovelace").click()
    tframe.get_by_test_id("points").fill("900")  # above the maximum: refused, kept as typed
    tframe.get_by_test_id("comment").fill("Well done")
    tframe.get_by_test_id("save-grade").click()
    expect(tframe.get_by_test_id("grade-error")).to_contain_text("between 0 and 100")
    expect(tframe.get_by_test_id("points")).to_have_value("900")
    expect(tframe.get_by_test_id("comment")).to_have_value("Well done")
    tframe.get_by_test_id("points").fill("90")
    tframe.get_by_test_id("save-grade").click()
    expect(tframe.get_by_test_id("messages")).to_contain_text(
        "Grade saved: 90 out of 100 points in Codio."
    )
    expect(tframe.get_by_test_id("work-page")).to_be_visible(timeout=20000)
    tframe.get_by_role("link", name="Hello, Python").click()
    tframe.get_by_test_id("release").click()
    expect(tframe.get_by_test_id("messages")).to_contain_text("released", timeout=20000)
    expect(tframe.get_by_test_id("delivery")).to_contain_text("Sent")

    learner.reload()
    expect(lms(learner).get_by_test_id("grade").first).to_have_text(
        "Your score: 0.9 / 1 in the course grade", timeout=20000
    )
    frame = units(learner).first
    expect(frame.get_by_test_id("grade")).to_have_text(
        "90 out of 100 points in Codio", timeout=20000
    )
    ARTIFACTS.mkdir(exist_ok=True)
    learner.screenshot(path=str(ARTIFACTS / "learner-graded.png"), full_page=True)


def test_blocked_cookies_page_opens_the_unit_in_a_new_window(browser, demo_site):
    """The frame's browser drops the tool's cookies: the tool's page asks the block to open
    the unit in a new window, where the launch succeeds."""
    page = open_course_as(browser, demo_site, "learner")

    def refuse_cookies(route):  # as a browser blocking third-party cookies would
        response = route.fetch(max_redirects=0)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
        # route.fetch() stores the response's cookies in the context's jar: take them out
        page.context.clear_cookies(name=re.compile("^lti1p3-"))
        route.fulfill(response=response, headers=headers)

    page.route("**/lti-bridge/lti/login?**", refuse_cookies)  # this page only, not a popup
    page.reload()
    frame = units(page).first
    button = frame.get_by_test_id("open-new-window")
    button.wait_for(timeout=20000)
    with page.context.expect_page() as popup_info:
        button.click()
    popup = popup_info.value
    popup.get_by_test_id("who").wait_for(timeout=20000)
    assert popup.get_by_test_id("who").inner_text() == "Signed in as Ada Lovelace"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "cookies-blocked.png"), full_page=True)


def test_administrator_changes_lti_integrations_and_downloads_the_export(browser, demo_site):
    """Global staff (an organization administrator) open the class page from the unit,
    rename the LTI ID field on the LTI Integrations page, and download the class's CSV
    from the frame: the learner's LTI ID is their Open edX username."""
    from playwright.sync_api import expect

    learner = open_course_as(browser, demo_site, "learner")
    units(learner).first.get_by_test_id("who").wait_for(timeout=20000)

    admin = open_course_as(browser, demo_site, "admin")
    frame = units(admin).first
    frame.get_by_role("link", name="Class page and other exports").click()
    frame.get_by_test_id("lti-integrations-link").click()
    expect(frame.get_by_test_id("lti-integrations")).to_be_visible(timeout=20000)
    frame.get_by_label("LTI field that identifies students").fill("student id!")
    frame.get_by_role("button", name="Save settings").click()
    expect(frame.get_by_test_id("lti-id-field-error")).to_be_visible(timeout=20000)
    # the error box sits below its input, never over it
    field_box = frame.get_by_label("LTI field that identifies students").bounding_box()
    error_box = frame.get_by_test_id("lti-id-field-error").bounding_box()
    assert error_box["y"] >= field_box["y"] + field_box["height"], (field_box, error_box)
    frame.get_by_label("LTI field that identifies students").fill("student_id")
    frame.get_by_role("button", name="Save settings").click()
    expect(frame.get_by_test_id("messages")).to_contain_text("Nothing changed", timeout=20000)
    expect(frame.get_by_test_id("registrations")).to_contain_text("Open edX demo")
    ARTIFACTS.mkdir(exist_ok=True)
    admin.screenshot(path=str(ARTIFACTS / "lti-integrations.png"), full_page=True)

    from lti_bridge.models import Classroom

    class_url = f"/lti-bridge/classes/{Classroom.objects.get().pk}/"
    frame.locator("body").evaluate(f"() => location.assign('{class_url}')")
    frame.get_by_test_id("exports").wait_for(timeout=20000)
    with admin.expect_download() as download_info:
        frame.get_by_test_id("exports").get_by_role("link", name="Grades of every unit").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    header, first = text.splitlines()[:2]
    assert header.startswith("Learner name,Email,LTI ID,LMS user ID,Unit,Status")
    assert first.startswith("Ada Lovelace,learner@example.edu,learner,")


def studio_as_author(browser, site):
    """The instructor signed in (on a page that launches no unit) and in Studio."""
    author = browser.new_context().new_page()
    author.route("**/handler/**/launch/**", lambda route: route.abort())
    author.goto(site.lms + "/")
    author.click("button[data-user=instructor]")
    author.wait_for_url(site.course_url())
    author.goto(site.studio + "/studio/")
    return author


def test_an_author_chooses_a_unit_in_studio_and_learners_get_it_when_published(browser, demo_site):
    """Deep Linking in a real browser, Studio on its own origin (issue 33): the editor's
    "Choose a unit" opens the tool's picker in a new window; the tool answers the LMS (another
    origin), whose page tells the editor; the editor applies the choice to the block's draft
    and shows it; saving the editor keeps it; learners get it when the author publishes."""
    from playwright.sync_api import expect

    # Nobody opens the unit before it is chosen: the tool maps a resource link to its unit
    # at the first launch, for good.
    author = studio_as_author(browser, demo_site)
    editor = author.get_by_test_id("unit-editor").first
    with author.expect_popup() as popup_info:
        editor.get_by_test_id("choose-unit").click()
    picker = popup_info.value
    expect(picker.get_by_test_id("unit-picker")).to_be_visible(timeout=20000)
    picker.get_by_test_id("search").fill("loop")
    picker.get_by_test_id("search").press("Enter")
    picker.get_by_test_id("pick-loops").click()
    expect(picker.get_by_test_id("unit-chosen")).to_be_visible(timeout=20000)
    assert picker.url.startswith(demo_site.lms + "/")  # the tool answered the LMS
    ARTIFACTS.mkdir(exist_ok=True)
    picker.screenshot(path=str(ARTIFACTS / "deep-linking-chosen.png"), full_page=True)

    # The editor (Studio's origin) shows the choice at once, from the LMS's message.
    expect(editor.locator("#xb-field-edit-unit")).to_have_value("loops", timeout=10000)
    expect(editor.locator("#xb-field-edit-display_name")).to_have_value("Loops")
    expect(editor.locator("#xb-field-edit-tool")).to_have_value("lti_bridge")
    expect(editor.locator("#xb-field-edit-points_in_tool")).to_have_value("100")
    expect(editor.get_by_test_id("choice-notice")).to_contain_text("learners get it")
    # the author's own custom parameters stay; the page says the draft changed
    expect(editor.locator("#xb-field-edit-custom_parameters")).to_have_value(
        re.compile(r"student_id=\$User\.username")
    )
    expect(editor.get_by_test_id("draft-state")).to_have_text("Draft (unpublished changes)")
    expect(editor.get_by_test_id("publish")).to_be_enabled()
    author.screenshot(path=str(ARTIFACTS / "deep-linking-editor.png"), full_page=True)
    # Save in that editor keeps the choice (it used to write the old unit back).
    editor.locator(".save-button").click()
    editor.get_by_test_id("editor-notice").get_by_text("Saved.").wait_for(timeout=20000)
    author.reload()
    editor = author.get_by_test_id("unit-editor").first
    expect(editor.locator("#xb-field-edit-unit")).to_have_value("loops")
    expect(editor.get_by_test_id("draft-state")).to_have_text("Draft (unpublished changes)")

    # Learners see the published unit until the author publishes (not launched yet).
    learner = browser.new_context().new_page()
    learner.route("**/handler/**/launch/**", lambda route: route.abort())
    learner.goto(demo_site.lms + "/")
    learner.click("button[data-user=learner]")
    learner.wait_for_url(demo_site.course_url())
    title = lms(learner).locator(".codio-unit__title").first
    expect(title).to_have_text("Hello, Python", timeout=20000)
    editor.get_by_test_id("publish").click()
    expect(author.get_by_test_id("draft-state").first).to_have_text("Published")
    learner.unroute("**/handler/**/launch/**")
    learner.reload()
    expect(lms(learner).locator(".codio-unit__title").first).to_have_text("Loops", timeout=20000)
    expect(units(learner).first.get_by_test_id("unit-title")).to_have_text("Loops", timeout=20000)


def test_an_author_chooses_a_unit_for_a_block_never_published(browser, demo_site):
    """The same in Studio for a unit the author added and never published: the LMS has no
    such block (a 404 there, as edx-platform's published-only modulestore), yet the choice
    reaches the draft; learners open it once it is published."""
    from playwright.sync_api import expect

    author = studio_as_author(browser, demo_site)
    editor = author.get_by_test_id("unit-editor").last
    expect(editor.get_by_test_id("draft-state")).to_have_text(
        "Never published (learners cannot see it)"
    )
    with author.expect_popup() as popup_info:
        editor.get_by_test_id("choose-unit").click()
    picker = popup_info.value
    picker.get_by_test_id("search").fill("func")
    picker.get_by_test_id("search").press("Enter")
    picker.get_by_test_id("pick-functions").click()
    expect(picker.get_by_test_id("unit-chosen")).to_be_visible(timeout=20000)
    expect(editor.locator("#xb-field-edit-unit")).to_have_value("functions", timeout=10000)
    expect(editor.locator("#xb-field-edit-display_name")).to_have_value("Functions")
    editor.locator(".save-button").click()
    editor.get_by_test_id("editor-notice").get_by_text("Saved.").wait_for(timeout=20000)
    author.reload()
    editor = author.get_by_test_id("unit-editor").last
    expect(editor.locator("#xb-field-edit-unit")).to_have_value("functions")

    learner = open_course_as(browser, demo_site, "learner")
    assert learner.goto(demo_site.unit_url("codio_unit.2")).status == 404
    editor.get_by_test_id("publish").click()
    expect(author.get_by_test_id("draft-state").last).to_have_text("Published")
    learner.goto(demo_site.course_url("codio_unit.2"))
    expect(units(learner).first.get_by_test_id("unit-title")).to_have_text(
        "Functions", timeout=20000
    )


FITS_ANY = """n => {
  const frame = document.querySelectorAll('iframe.codio-unit__frame')[n];
  const page = frame.contentDocument && frame.contentDocument.documentElement;
  if (!page) { return false; }
  const height = parseFloat(getComputedStyle(frame).height);
  return Math.abs(page.getBoundingClientRect().height - height) <= 2;
}"""
FITS = """n => {
  const frame = document.querySelectorAll('iframe.codio-unit__frame')[n];
  const page = frame.contentDocument && frame.contentDocument.documentElement;
  if (!page) { return false; }
  const height = parseFloat(getComputedStyle(frame).height);
  return Math.abs(page.getBoundingClientRect().height - height) <= 2 && height < 700;
}"""


def test_the_unit_frame_fits_the_tool_page(browser, demo_site):
    """The bridge asks the LMS to fit its frame (lti.frameResize); the block honours it:
    a learner's short page shrinks the 700px frame, the teacher view is shown whole."""
    page = open_course_as(browser, demo_site, "instructor")
    frame = units(page).first
    frame.get_by_test_id("teacher-view").wait_for(timeout=20000)
    element = lms(page).locator(UNIT_FRAME).first
    unit_page = lms_frame(page)  # the block's page: the LMS's, same origin as the tool here

    unit_page.wait_for_function(FITS_ANY, arg=0, timeout=20000)  # the frame's height: its page's
    height = element.evaluate("e => parseFloat(getComputedStyle(e).height)")
    assert 200 <= height <= 3000 and height != 700
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "instructor-fitted.png"), full_page=True)

    # a page from anywhere else cannot resize the frame
    unit_page.evaluate("window.postMessage({subject: 'lti.frameResize', height: 250}, '*')")
    page.wait_for_timeout(300)
    assert abs(element.evaluate("e => parseFloat(getComputedStyle(e).height)") - height) <= 2


def test_release_progress_updates_without_a_reload(browser, demo_site):
    """A grade waits for the LMS while the teacher looks: the progress panel follows it."""
    from datetime import timedelta

    from django.utils import timezone
    from playwright.sync_api import expect

    from lti_bridge.models import GradeDelivery, Work

    learner = open_course_as(browser, demo_site, "learner")
    units(learner).first.get_by_test_id("who").wait_for(timeout=20000)
    work = Work.objects.get(account__name="Ada Lovelace", resource_link__unit__code="hello-python")
    delivery = GradeDelivery.objects.create(
        work=work,
        version=1,
        score_given=9,
        score_maximum=10,
        timestamp=timezone.now(),
        state="retrying",
        last_error="HTTP 503",
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )
    teacher = open_course_as(browser, demo_site, "instructor")
    frame = units(teacher).first
    panel = frame.get_by_test_id("delivery-progress")
    expect(panel).to_contain_text("Waiting: 1", timeout=20000)
    GradeDelivery.objects.filter(pk=delivery.pk).update(state="sent", last_error="")
    expect(panel).to_contain_text("Sent: 1", timeout=20000)
    expect(panel).to_contain_text("Waiting: 0")
    ARTIFACTS.mkdir(exist_ok=True)
    teacher.screenshot(path=str(ARTIFACTS / "release-progress.png"), full_page=True)


def test_a_short_tool_page_shrinks_its_frame(browser, demo_site):
    """A learner's unit page is shorter than the 700px frame: the frame shrinks to it."""
    page = open_course_as(browser, demo_site, "learner2")
    frame = units(page).nth(1)  # Loops: a short page
    frame.get_by_test_id("unit-title").wait_for(timeout=20000)
    lms_frame(page).wait_for_function(FITS, arg=1, timeout=20000)
    height = (
        lms(page).locator(UNIT_FRAME).nth(1).evaluate("e => parseFloat(getComputedStyle(e).height)")
    )
    assert 200 <= height < 700
