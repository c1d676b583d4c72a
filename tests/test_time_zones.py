"""Times on the bridge's pages are in the viewer's time zone when their LMS gives it (the
custom parameter from $Person.address.timezone, which the XBlock fills from Open edX's
``time_zone`` preference), else in the server's, and the page names the zone; a value that
is not a known zone is ignored, never an error. CSV exports stay UTC and say so."""

import pytest
from django.test import override_settings

from codio_xblock import adapter
from lti_bridge import timezones
from lti_bridge.models import Work
from tests.bridge.test_time_zones import _complete
from tests.support import launch_through_xblock

pytestmark = pytest.mark.django_db


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
    assert timezones.zone_from_custom(data.custom) == ""
