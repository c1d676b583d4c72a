"""Times on the bridge's pages are in the viewer's time zone when their LMS gives it (the
custom parameter from $Person.address.timezone, which the XBlock fills from Open edX's
``time_zone`` preference), else in the server's, and the page names the zone; a value that
is not a known zone is ignored, never an error. CSV exports stay UTC and say so."""

import re
from datetime import UTC, datetime

import pytest
from django.test import override_settings

from codio_xblock import adapter
from lti_bridge import timezones
from lti_bridge.launch.hardening import LTI
from lti_bridge.models import Work
from tests.support import launch_through_xblock

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 7, 1, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    ["", "Mars/Olympus", "../../etc/passwd", "/etc/localtime", "Europe/Madrid\n", 3600, None,
     ["Europe/Madrid"], "<script>alert(1)</script>", "A" * 200],
)  # fmt: skip
def test_anything_but_a_known_zone_is_ignored(value):
    assert timezones.valid_zone(value) == ""
    body = {LTI + "custom": {"timezone": value}}
    assert timezones.zone_from_launch(body) == ""


def test_the_launch_gives_the_zone_under_the_names_lmss_use():
    assert timezones.zone_from_launch({LTI + "custom": {"timezone": "Asia/Tokyo"}}) == "Asia/Tokyo"
    assert timezones.zone_from_launch({LTI + "custom": {"tz": "Europe/Madrid"}}) == "Europe/Madrid"
    both = {"timezone": "nonsense", "time_zone": "America/Chicago"}
    assert timezones.zone_from_launch({LTI + "custom": both}) == "America/Chicago"
    assert timezones.zone_from_launch({LTI + "custom": "timezone=UTC"}) == ""
    assert timezones.zone_from_launch({}) == ""


def _complete(account, resource_link):
    Work.objects.filter(account=account, resource_link=resource_link).update(
        status=Work.Status.COMPLETED, completed_at=MOMENT
    )


def _learner_page(client, response):
    work = Work.objects.get()
    _complete(work.account, work.resource_link)
    page = client.get(f"/lti-bridge/units/{work.resource_link_id}/")
    assert page.status_code == 200
    return page.content.decode()


def test_the_learner_sees_their_own_clock_from_open_edx_preference(as_user, outbound, settings):
    """The demo course sends timezone=$Person.address.timezone; the learner's preference
    (STANDALONE_TIME_ZONES stands for Open edX's) reaches the bridge's pages."""
    settings.CODIO_XBLOCK = {
        **settings.CODIO_XBLOCK,
        "STANDALONE_TIME_ZONES": {"learner": "Asia/Tokyo"},
    }
    client = as_user("learner")
    response, steps = launch_through_xblock(client)
    assert response.status_code == 200, response.content[:400]
    html = _learner_page(client, response)
    # 12:30 UTC is 21:30 in Tokyo; the machine-readable moment stays UTC
    assert '<time datetime="2026-07-01T12:30:00Z">2026-07-01 21:30 JST</time>' in html
    assert "Times are in your time zone, Asia/Tokyo, as your LMS gave it." in html


def test_without_a_zone_from_the_lms_the_page_says_it_shows_the_servers(
    as_user, outbound, settings
):
    settings.CODIO_XBLOCK = {**settings.CODIO_XBLOCK, "STANDALONE_TIME_ZONES": {}}
    with override_settings(TIME_ZONE="Europe/Madrid"):
        client = as_user("learner")
        response, _steps = launch_through_xblock(client)
        html = _learner_page(client, response)
    assert "2026-07-01 14:30 CEST" in html  # summer time in Madrid
    assert "Times are in Europe/Madrid, this server's time zone" in html


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


def test_open_edx_time_zone_preference_becomes_the_launch_custom_parameter(
    openedx, tool_registered
):
    from crum import impersonate

    from tests.openedx_standin.models import UserPreference

    learner = openedx.user("ada", name="Ada")
    UserPreference.objects.create(user=learner, key="time_zone", value="Europe/Madrid")
    UserPreference.objects.create(user=learner, key="account_privacy", value="private")
    # anonymous block (shares no name): the zone is a display preference, still sent
    block = openedx.block(user=learner, custom_parameters="timezone=$Person.address.timezone")
    with impersonate(learner):
        user = adapter.get().current_user(block)
        data = block._launch_data(user)
    assert user.time_zone == "Europe/Madrid"
    assert data.custom["timezone"] == "Europe/Madrid"

    plain = openedx.user("grace", name="Grace")  # no preference: the variable is not sent
    block = openedx.block(
        "unit2", user=plain, custom_parameters="timezone=$Person.address.timezone"
    )
    with impersonate(plain):
        data = block._launch_data(adapter.get().current_user(block))
    # unresolved, the variable goes unchanged (LTI Core 5.4.7), which the bridge ignores
    assert data.custom["timezone"] == "$Person.address.timezone"
    assert timezones.zone_from_launch({LTI + "custom": data.custom}) == ""


def test_csv_exports_stay_utc_and_say_so():
    from lti_bridge import exports

    for columns in (exports.GRADE_COLUMNS, exports.ROSTER_COLUMNS, exports.HISTORY_COLUMNS):
        moments = [c for c in columns if re.search(r"\bat\b|launch", c, re.I)]
        assert moments and all(c.endswith("(UTC)") for c in moments), columns
    assert exports._when(MOMENT) == "2026-07-01T12:30:00Z"
