"""Time zones on the bridge's pages: the zone an LMS gives as a custom parameter, kept only
when it is a known IANA name, shown on every time, and never kept past its session."""

import re
from datetime import UTC, datetime

import pytest

from lti_bridge import timezones
from lti_bridge.models import Work
from tests.support import LTI

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 7, 1, 12, 30, tzinfo=UTC)


def _complete(account, resource_link):
    Work.objects.filter(account=account, resource_link=resource_link).update(
        status=Work.Status.COMPLETED, completed_at=MOMENT
    )


@pytest.mark.parametrize(
    "value",
    ["", "Mars/Olympus", "../../etc/passwd", "/etc/localtime", "Europe/Madrid\n", 3600, None,
     ["Europe/Madrid"], "<script>alert(1)</script>", "A" * 200],
)  # fmt: skip
def test_anything_but_a_known_zone_is_ignored(value):
    assert timezones.valid_zone(value) == ""
    assert timezones.zone_from_custom({"timezone": value}) == ""


def test_the_launch_gives_the_zone_under_the_names_lmss_use():
    assert timezones.zone_from_custom({"timezone": "Asia/Tokyo"}) == "Asia/Tokyo"
    assert timezones.zone_from_custom({"tz": "Europe/Madrid"}) == "Europe/Madrid"
    both = {"timezone": "nonsense", "time_zone": "America/Chicago"}
    assert timezones.zone_from_custom(both) == "America/Chicago"
    assert timezones.zone_from_custom("timezone=UTC") == ""
    assert timezones.zone_from_custom({}) == ""


def test_a_hostile_zone_from_an_lms_is_ignored_and_escaped_nowhere(bridge_setup, settings):
    settings.TIME_ZONE = "UTC"
    custom = {"codio_unit": "hello-python", "timezone": '"><script>alert(1)</script>'}
    response = bridge_setup.full_launch(**{LTI + "custom": custom})
    assert response.status_code == 200, response.content[:400]
    work = Work.objects.get()
    _complete(work.account, work.resource_link)
    html = bridge_setup.client.get(f"/lti-bridge/units/{work.resource_link_id}/").content.decode()
    assert "<script>alert" not in html
    assert "2026-07-01 12:30 UTC" in html
    assert "Times are in UTC, this server's time zone" in html


def test_teachers_see_their_zone_on_the_teacher_view(bridge_setup):
    learner = bridge_setup.full_launch(sub="ada")
    assert learner.status_code == 200
    work = Work.objects.get()
    _complete(work.account, work.resource_link)
    teacher_custom = {"codio_unit": "hello-python", "timezone": "America/New_York"}
    teacher = bridge_setup.full_launch(
        sub="teacher",
        name="Grace Hopper",
        email="grace@example.edu",
        **{
            LTI + "custom": teacher_custom,
            LTI + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
        },
    )
    html = teacher.content.decode()
    assert teacher.status_code == 200
    assert re.search(r"<time datetime=\"2026-07-01T12:30:00Z\">2026-07-01 08:30 EDT</time>", html)
    assert "America/New_York" in html


def test_the_zone_belongs_to_the_session_not_to_the_browser_forever(bridge_setup):
    """A later launch without a zone shows the server's zone again."""
    tokyo = {"codio_unit": "hello-python", "timezone": "Asia/Tokyo"}
    assert (
        "Asia/Tokyo"
        in bridge_setup.full_launch(sub="a", **{LTI + "custom": tokyo}).content.decode()
    )
    plain = bridge_setup.full_launch(sub="a").content.decode()
    assert "Asia/Tokyo" not in plain


def test_csv_exports_stay_utc_and_say_so():
    from lti_bridge import exports

    for columns in (exports.GRADE_COLUMNS, exports.ROSTER_COLUMNS, exports.HISTORY_COLUMNS):
        moments = [c for c in columns if re.search(r"\bat\b|launch", c, re.I)]
        assert moments and all(c.endswith("(UTC)") for c in moments), columns
    assert exports._when(MOMENT) == "2026-07-01T12:30:00Z"
