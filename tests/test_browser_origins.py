"""A real browser in the shape of a real Open edX (issue 33): the learner's course page is the
Learning MFE, which frames the LMS's unit page (another origin of the same site), which frames
the tool (another site), over HTTPS with third-party cookies blocked; Studio is a third origin
(tests/origins.py). Before, the unit frame ended on "refused to connect" (the platform's auth
step answered X-Frame-Options: SAMEORIGIN, the bridge's pages named no MFE), and of several
units opened at once on a fresh profile all but one were refused ("This launch was already
used": their logins raced over one pylti1p3 session cookie)."""

import pytest

from tests import origins
from tests.test_browser import ARTIFACTS, browser  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIRST_LOADS = 20


@pytest.fixture
def site(settings, monkeypatch, transactional_db):
    site, servers = origins.start(settings, monkeypatch)
    yield site
    servers.stop()


def unit_frames(page):
    """The tool frames inside the LMS's unit page inside the MFE's page."""
    lms = page.frame_locator('[data-testid="mfe-unit-frame"]')
    return lms, lms.locator("iframe.codio-unit__frame")


def frame_text(frame):
    """A frame's text; a locator, not evaluate(), which waits with no deadline for a frame
    that never gets a document."""
    try:
        return frame.locator("body").inner_text(timeout=5000)
    except Exception as exc:  # noqa: BLE001 - a refused frame has no document
        return f"({exc})"


def frames_report(page):
    return "\n".join(f"{frame.url}\n    {frame_text(frame)[:300]!r}" for frame in page.frames)


def expect_units(page, count):
    """Each of the ``count`` framed units shows the learner's own page, none a refusal."""
    from playwright.sync_api import expect

    lms, frames = unit_frames(page)
    try:
        expect(frames).to_have_count(count, timeout=20000)
        for index in range(count):
            tool = lms.frame_locator("iframe.codio-unit__frame").nth(index)
            expect(tool.locator("body")).to_contain_text("Your work", timeout=20000)
    except AssertionError:
        raise AssertionError(frames_report(page)) from None
    texts = " ".join(frame_text(frame) for frame in page.frames)
    assert "already used" not in texts and "refused" not in texts.lower(), texts


def test_a_learner_opens_the_units_inside_the_learning_mfe(site, browser):  # noqa: F811

    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    page.goto(site.lms + "/")
    page.click("button[data-user=learner]")
    page.wait_for_url(site.course_url())  # the demo's LMS sends learners to the MFE
    expect_units(page, 2)  # the third unit opens in a new window
    # MFE page (MFE origin) > LMS unit page (LMS origin) > tool (another site)
    tool_frames = [f for f in page.frames if f.url.startswith(site.tool)]
    assert len(tool_frames) == 2, frames_report(page)
    assert all(f.parent_frame.url.startswith(site.lms + "/xblock/") for f in tool_frames)
    assert tool_frames[0].parent_frame.parent_frame == page.main_frame
    # The LMS's page told the MFE its height: its frame grew past the MFE's default.
    height = page.locator('[data-testid="mfe-unit-frame"]').evaluate("f => f.offsetHeight")
    assert height > 600
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "mfe-course-page.png"), full_page=True)
    context.close()


def test_every_unit_of_a_page_launches_on_first_load(site, browser):  # noqa: F811
    """Fresh profiles, each opening a page with two framed units (their logins start at
    the same moment): every unit launches, every time."""
    from lti_bridge.models import Account

    for attempt in range(FIRST_LOADS):
        context = origins.signed_in_context(browser, site, "learner")
        page = context.new_page()
        page.goto(site.course_url())
        try:
            expect_units(page, 2)
        except AssertionError as exc:
            raise AssertionError(f"first load {attempt + 1} of {FIRST_LOADS}: {exc}") from None
        context.close()
    assert Account.objects.filter(name="Ada Lovelace").count() == 1
