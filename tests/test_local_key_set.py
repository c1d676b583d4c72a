"""The built-in bridge reads its own LMS's key set in-process (issue 15, the cold burst).

Over HTTP, a cold burst of first launches holding every worker of the LMS waited on a key
set fetch that no free worker could serve, and answered 502 (benchmarks/burst.py). The
reader is used only for a key set URL on the bridge's own origin naming a listed view."""

import pytest

from codio_xblock.settings.common import plugin_settings
from lti_bridge.launch import hardening
from tests.support import launch_through_xblock

pytestmark = pytest.mark.django_db

OWN = "http://codio.test/codio/lti/v1/jwks"


def test_the_demo_and_open_edx_settings_list_the_platform_key_set():
    from django.conf import settings

    assert settings.LTI_BRIDGE["LOCAL_KEY_SETS"] == {
        "codio_xblock:jwks": "codio_xblock.keystore.jwks"
    }


def test_an_operators_own_entries_are_kept():
    class Settings:
        LTI_BRIDGE = {"BASE_URL": "https://lms.example.edu", "LOCAL_KEY_SETS": {"x:y": "m.f"}}

    plugin_settings(Settings)
    assert Settings.LTI_BRIDGE["BASE_URL"] == "https://lms.example.edu"
    assert Settings.LTI_BRIDGE["LOCAL_KEY_SETS"] == {
        "codio_xblock:jwks": "codio_xblock.keystore.jwks",
        "x:y": "m.f",
    }


@pytest.mark.parametrize(
    "url",
    [
        "https://codio.test/codio/lti/v1/jwks",  # another scheme
        "http://codio.test:8080/codio/lti/v1/jwks",  # another port
        "http://lms.example.edu/codio/lti/v1/jwks",  # another host, same path
        "http://codio.test/lti-bridge/lti/jwks",  # our origin, a view not listed
        "http://codio.test/no/such/path",
    ],
)
def test_only_a_listed_view_on_the_own_origin_is_read_in_process(url):
    assert hardening.local_key_set(url) is None


def test_the_own_key_set_is_the_keystores(db):
    from codio_xblock import keystore

    reader = hardening.local_key_set(OWN)
    assert reader is not None and reader() == keystore.jwks()


def test_a_cold_launch_of_the_built_in_bridge_makes_no_key_set_request(
    as_user, outbound, monkeypatch
):
    def no_http(url, *args, **kwargs):
        raise AssertionError(f"fetched {url} over HTTP")

    monkeypatch.setattr(hardening, "get_json", no_http)
    response, _ = launch_through_xblock(as_user("learner"))
    assert response.status_code == 200, response.content[:300]
    assert not [call for call in outbound.calls if "jwks" in call[1]]


def test_a_rotated_platform_key_is_read_at_the_next_launch(as_user, outbound):
    """The kid of a rotated key is unknown to the cached set: the bridge reads again
    (in-process), once per cooldown, as it would refetch over HTTP."""
    from django.core.management import call_command

    client = as_user("learner")
    assert launch_through_xblock(client)[0].status_code == 200
    call_command("codio_rotate_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    response, _ = launch_through_xblock(client)
    assert response.status_code == 200, response.content[:300]
