"""Every role through its main job, in one real browser session on the demo course, as a
new user would: the learner completes a unit, the instructor grades and releases, a forum
Community TA is a learner, course staff grade, the instructor names a mentor's learners and
the mentor then sees only those (read-only), the administrator opens LTI Integrations and
the class's exports, the author edits and publishes a unit in Studio (its own origin), and
the learner finds the grade. Each named screen is checked (its page is styled by the
bridge's stylesheet and nothing spills out sideways) and kept as a screenshot in
test-artifacts/roles-*.png."""

import pytest

from tests.test_browser import ARTIFACTS, browser, demo_site, lms, open_course_as, units  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the bridge's stylesheet (lti_bridge/static/lti_bridge/bridge.css) makes of a page:
# the brand-coloured top bar and rounded, filled buttons. An unstyled page (the file not
# served, or refused by the page's CSP) has a transparent bar and the browser's grey buttons.
STYLED = """() => {
  const bar = getComputedStyle(document.querySelector('header'));
  const button = document.querySelector('button, details.confirm summary');
  const look = button ? getComputedStyle(button) : null;
  return {
    bar: bar.backgroundColor,
    button: look ? [look.borderTopLeftRadius, look.fontWeight] : null,
    sheets: [...document.styleSheets].map(s => s.href || 'inline'),
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  };
}"""


def check_screen(page, frame, name):
    """The screen inside the unit's frame is styled, fits its frame's width, and is kept."""
    look = frame.locator("html").evaluate(STYLED)
    assert look["bar"] == "rgb(11, 57, 84)", (name, look)
    assert [s for s in look["sheets"] if s.endswith("/lti_bridge/bridge.css")], (name, look)
    assert "inline" not in look["sheets"], (name, look)
    if look["button"] is not None:
        assert look["button"] == ["4px", "600"], (name, look)
    assert look["overflow"] <= 1, (name, look)  # no sideways scrolling inside the frame
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"roles-{name}.png"), full_page=True)


def unit_frame(page):
    frame = units(page).first  # the course's first unit: Hello, Python
    frame.get_by_test_id("who").wait_for(timeout=20000)
    return frame


def test_every_role_does_its_main_job(browser, demo_site):  # noqa: F811
    from playwright.sync_api import expect

    # Learner: writes an answer and marks the unit complete, after confirming.
    learner = open_course_as(browser, demo_site, "learner")
    frame = unit_frame(learner)
    expect(frame.get_by_test_id("who")).to_have_text("Signed in as Ada Lovelace")
    frame.get_by_test_id("answer").fill("print('Hello, world!')")
    frame.get_by_test_id("complete").click()
    check_screen(learner, frame, "learner-confirm")
    frame.get_by_test_id("confirm-complete").click()
    expect(frame.get_by_test_id("status")).to_contain_text("Completed", timeout=20000)
    expect(frame.get_by_test_id("answer")).to_have_attribute("readonly", "")
    check_screen(learner, frame, "learner-completed")

    # A second learner opens the unit, and a mentor (limited staff) looks at the class:
    # read-only, every learner while the class does not filter learners for mentors.
    unit_frame(open_course_as(browser, demo_site, "learner2"))
    mentor = open_course_as(browser, demo_site, "mentor")
    frame = unit_frame(mentor)
    expect(frame.get_by_test_id("who")).to_contain_text("Teacher (read-only)")
    expect(frame.get_by_test_id("learners")).to_contain_text("Alan Turing")
    expect(frame.get_by_test_id("learners")).to_contain_text("Ada Lovelace")
    expect(frame.get_by_test_id("release")).to_have_count(0)
    expect(frame.locator("form[action$='/content']")).to_have_count(0)

    # Instructor: grades Ada (a refused value is kept as typed), then releases.
    teacher = open_course_as(browser, demo_site, "instructor")
    frame = unit_frame(teacher)
    expect(frame.get_by_test_id("who")).to_have_text("Signed in as Grace Hopper · Teacher")
    check_screen(teacher, frame, "teacher-unit")
    frame.get_by_role("link", name="Ada Lovelace").click()
    frame.get_by_test_id("points").fill("ninety")
    frame.get_by_test_id("save-grade").click()
    expect(frame.get_by_test_id("grade-error")).to_be_visible(timeout=20000)
    expect(frame.get_by_test_id("points")).to_have_value("ninety")
    check_screen(teacher, frame, "teacher-grade-refused")
    frame.get_by_test_id("points").fill("90")
    frame.get_by_test_id("comment").fill("Well done")
    frame.get_by_test_id("save-grade").click()
    expect(frame.get_by_test_id("messages")).to_contain_text("Grade saved: 90 out of 100")
    expect(frame.get_by_test_id("grade-history")).to_contain_text("Grace Hopper")
    check_screen(teacher, frame, "teacher-work")
    frame.get_by_role("link", name="Hello, Python").click()
    frame.get_by_test_id("release").click()
    expect(frame.get_by_test_id("messages")).to_contain_text("1 grade released", timeout=20000)
    expect(frame.get_by_test_id("delivery").first).to_contain_text("Sent", timeout=20000)
    expect(frame.get_by_test_id("delivery-progress")).to_contain_text("Sent: 1")
    check_screen(teacher, frame, "teacher-released")

    # Community TA (a forum role, no course-staff rights in Open edX): a learner in the unit.
    ta = open_course_as(browser, demo_site, "ta")
    expect(unit_frame(ta).get_by_test_id("who")).to_have_text("Signed in as Edsger Dijkstra")
    expect(unit_frame(ta).get_by_role("link", name="Alan Turing")).to_have_count(0)

    # Course staff (Open edX's teaching assistant): grades the second learner; the page
    # shows the staff member's own clock.
    staff = open_course_as(browser, demo_site, "staff")
    frame = unit_frame(staff)
    expect(frame.get_by_test_id("who")).to_have_text("Signed in as Frances Allen · Teacher")
    frame.get_by_role("link", name="Alan Turing").click()
    frame.get_by_test_id("points").fill("70")
    frame.get_by_test_id("save-grade").click()
    expect(frame.get_by_test_id("messages")).to_contain_text("Grade saved: 70 out of 100")
    expect(frame.get_by_test_id("time-zone")).to_contain_text("Asia/Kolkata")
    check_screen(staff, frame, "staff-work")

    # Instructor: the class filters learners for mentors; the mentor gets Ada only.
    frame = units(teacher).first
    frame.get_by_role("link", name="Class page and other exports").click()
    expect(frame.get_by_test_id("class-page")).to_be_visible(timeout=20000)
    frame.get_by_label("Filter learners for mentors").check()
    frame.get_by_role("button", name="Save settings").click()
    expect(frame.get_by_label("Filter learners for mentors")).to_be_checked(timeout=20000)
    check_screen(teacher, frame, "teacher-class")
    frame.get_by_role("link", name="Mentors and their learners").click()
    frame.get_by_label("Barbara Liskov mentors Ada Lovelace").check()
    check_screen(teacher, frame, "teacher-mentors")
    frame.get_by_test_id("save-mentors").click()
    expect(frame.get_by_test_id("messages")).to_contain_text("saved", timeout=20000)
    expect(frame.get_by_label("Barbara Liskov mentors Ada Lovelace")).to_be_checked()
    expect(frame.get_by_label("Barbara Liskov mentors Alan Turing")).not_to_be_checked()

    # Mentor: now sees Ada alone, and her work without a grade form.
    mentor.reload()
    frame = unit_frame(mentor)
    expect(frame.get_by_test_id("learner-row")).to_have_count(1, timeout=20000)
    expect(frame.get_by_test_id("learners")).to_contain_text("Ada Lovelace")
    check_screen(mentor, frame, "mentor-unit")
    frame.get_by_role("link", name="Ada Lovelace").click()
    expect(frame.get_by_test_id("work-page")).to_be_visible(timeout=20000)
    expect(frame.get_by_test_id("answer")).to_have_text("print('Hello, world!')")
    expect(frame.get_by_test_id("save-grade")).to_have_count(0)
    check_screen(mentor, frame, "mentor-work")

    # Administrator (global staff): the organization's LTI Integrations and the exports.
    admin = open_course_as(browser, demo_site, "admin")
    frame = unit_frame(admin)
    frame.get_by_role("link", name="Class page and other exports").click()
    expect(frame.get_by_test_id("exports")).to_be_visible(timeout=20000)
    check_screen(admin, frame, "admin-class")
    frame.get_by_test_id("lti-integrations-link").click()
    expect(frame.get_by_test_id("registrations")).to_contain_text("Open edX demo", timeout=20000)
    check_screen(admin, frame, "admin-lti-integrations")

    # Author (the course team in Studio, its own origin): renames the unit through its
    # editor, then publishes it.
    author = open_course_as(browser, demo_site, "instructor")
    author.goto(demo_site.studio + "/studio/")
    editor = author.get_by_test_id("unit-editor").first
    editor.locator("#xb-field-edit-display_name").fill("Hello, Python!")
    editor.locator(".save-button").click()
    editor.get_by_test_id("editor-notice").get_by_text("Saved.").wait_for(timeout=20000)
    ARTIFACTS.mkdir(exist_ok=True)
    author.screenshot(path=str(ARTIFACTS / "roles-author-studio.png"), full_page=True)
    author.reload()
    author.get_by_test_id("unit-editor").first.get_by_test_id("publish").click()
    expect(author.get_by_test_id("unit-editor").first.get_by_test_id("draft-state")).to_have_text(
        "Published"
    )

    # Learner: the released grade, in Codio's points and as the LMS counts it.
    learner.reload()
    expect(lms(learner).get_by_test_id("grade").first).to_have_text(
        "Your score: 0.9 / 1 in the course grade", timeout=20000
    )
    expect(lms(learner).locator("body")).to_contain_text("Hello, Python!")
    frame = unit_frame(learner)
    expect(frame.get_by_test_id("grade")).to_have_text("90 out of 100 points in Codio")
    expect(frame.get_by_test_id("comment")).to_have_text("Well done")
    check_screen(learner, frame, "learner-graded")
