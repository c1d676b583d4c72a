"""A real browser (Debian's chromium driven by Playwright) opens the demo course as the
learner and as the instructor. Never downloads a browser: CHROMIUM_PATH or
/usr/bin/chromium. Without chromium the test is skipped, unless CODIO_REQUIRE_BROWSER=1
(CI sets it), when that is a failure."""

import os
import re
import shutil
from pathlib import Path

import pytest

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
def demo_site(live_server, settings, outbound):
    from workbench.scenarios import init_scenarios

    from demo.seed import seed

    base = live_server.url
    settings.BASE_URL = base
    settings.DEBUG = True  # the demo's one-click sign-in buttons
    settings.CODIO_XBLOCK = {**settings.CODIO_XBLOCK, "PLATFORM_ISSUER": base}
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "BASE_URL": base}
    init_scenarios()
    seed(base)
    return base


@pytest.fixture
def browser():
    _require_browser()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop in the test thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


def open_course_as(browser, base, username):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/")
    page.click(f"button[data-user={username}]")
    page.wait_for_url("**/scenario/codio_unit.1/")
    return page


def test_learner_sees_unit_page_in_iframe_and_instructor_sees_teacher_view(browser, demo_site):
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_course_as(browser, demo_site, "learner")
    frame = page.frame_locator("iframe.codio-unit__frame").first
    frame.get_by_test_id("who").wait_for(timeout=20000)
    assert frame.get_by_test_id("who").inner_text() == "Signed in as Ada Lovelace"
    assert frame.get_by_test_id("unit-title").inner_text() == "Hello, Python"
    page.screenshot(path=str(ARTIFACTS / "learner.png"), full_page=True)

    page = open_course_as(browser, demo_site, "instructor")
    frame = page.frame_locator("iframe.codio-unit__frame").first
    frame.get_by_test_id("teacher-view").wait_for(timeout=20000)
    learners = frame.get_by_test_id("learners").inner_text()
    assert "Ada Lovelace" in learners
    page.screenshot(path=str(ARTIFACTS / "instructor.png"), full_page=True)


def test_instructor_grades_and_releases_and_the_learner_sees_the_grade(browser, demo_site):
    from playwright.sync_api import expect

    learner = open_course_as(browser, demo_site, "learner")
    frame = learner.frame_locator("iframe.codio-unit__frame").first
    frame.get_by_test_id("answer").fill("print('Hello, world!')")
    frame.get_by_test_id("complete").click()  # asks first: completing locks the work
    expect(frame.get_by_test_id("status")).not_to_contain_text("Completed")
    frame.get_by_test_id("confirm-complete").click()
    expect(frame.get_by_test_id("status")).to_contain_text("Completed", timeout=20000)

    teacher = open_course_as(browser, demo_site, "instructor")
    tframe = teacher.frame_locator("iframe.codio-unit__frame").first
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
    expect(learner.get_by_test_id("grade").first).to_have_text(
        "Your score: 0.9 / 1 in the course grade", timeout=20000
    )
    frame = learner.frame_locator("iframe.codio-unit__frame").first
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
    frame = page.frame_locator("iframe.codio-unit__frame").first
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
    learner.frame_locator("iframe.codio-unit__frame").first.get_by_test_id("who").wait_for(
        timeout=20000
    )

    admin = open_course_as(browser, demo_site, "admin")
    frame = admin.frame_locator("iframe.codio-unit__frame").first
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


def test_an_author_chooses_a_unit_from_the_editor_and_a_learner_opens_it(browser, demo_site):
    """Deep Linking in a real browser: the Studio editor's "Choose a unit" opens the tool's
    picker in a new window; the choice is saved and the editor's fields follow; a learner
    then opens the chosen unit."""
    from playwright.sync_api import expect

    author = open_course_as(browser, demo_site, "instructor")
    author.goto(demo_site + "/scenario/codio_unit.0/studio_view/")
    with author.expect_popup() as popup_info:
        author.get_by_test_id("choose-unit").click()
    picker = popup_info.value
    expect(picker.get_by_test_id("unit-picker")).to_be_visible(timeout=20000)
    picker.get_by_test_id("search").fill("loop")
    picker.get_by_test_id("search").press("Enter")
    picker.get_by_test_id("pick-loops").click()
    expect(picker.get_by_test_id("unit-chosen")).to_be_visible(timeout=20000)
    ARTIFACTS.mkdir(exist_ok=True)
    picker.screenshot(path=str(ARTIFACTS / "deep-linking-chosen.png"), full_page=True)
    expect(author.locator("#xb-field-edit-unit")).to_have_value("loops", timeout=10000)
    expect(author.locator("#xb-field-edit-display_name")).to_have_value("Loops")
    expect(author.locator("#xb-field-edit-tool")).to_have_value("lti_bridge")
    expect(author.locator("#xb-field-edit-points_in_tool")).to_have_value("100")
    author.screenshot(path=str(ARTIFACTS / "deep-linking-editor.png"), full_page=True)

    learner = open_course_as(browser, demo_site, "learner")
    learner.goto(demo_site + "/scenario/codio_unit.0/")
    frame = learner.frame_locator("iframe.codio-unit__frame").first
    expect(frame.get_by_test_id("unit-title")).to_have_text("Loops", timeout=20000)


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
    frame = page.frame_locator("iframe.codio-unit__frame").first
    frame.get_by_test_id("teacher-view").wait_for(timeout=20000)
    element = page.locator("iframe.codio-unit__frame").first

    page.wait_for_function(FITS_ANY, arg=0, timeout=20000)  # the frame's height is its page's
    height = element.evaluate("e => parseFloat(getComputedStyle(e).height)")
    assert 200 <= height <= 3000 and height != 700
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "instructor-fitted.png"), full_page=True)

    # a page from anywhere else cannot resize the frame
    page.evaluate("window.postMessage({subject: 'lti.frameResize', height: 250}, '*')")
    page.wait_for_timeout(300)
    assert abs(element.evaluate("e => parseFloat(getComputedStyle(e).height)") - height) <= 2


def test_release_progress_updates_without_a_reload(browser, demo_site):
    """A grade waits for the LMS while the teacher looks: the progress panel follows it."""
    from datetime import timedelta

    from django.utils import timezone
    from playwright.sync_api import expect

    from lti_bridge.models import GradeDelivery, Work

    learner = open_course_as(browser, demo_site, "learner")
    learner.frame_locator("iframe.codio-unit__frame").first.get_by_test_id("who").wait_for(
        timeout=20000
    )
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
    frame = teacher.frame_locator("iframe.codio-unit__frame").first
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
    frame = page.frame_locator("iframe.codio-unit__frame").nth(1)  # Loops: a short page
    frame.get_by_test_id("unit-title").wait_for(timeout=20000)
    page.wait_for_function(FITS, arg=1, timeout=20000)
    height = (
        page.locator("iframe.codio-unit__frame")
        .nth(1)
        .evaluate("e => parseFloat(getComputedStyle(e).height)")
    )
    assert 200 <= height < 700
