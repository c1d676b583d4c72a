"""Registering platforms on the bridge (tool side) by command and model; the bridge's key
set and system checks."""

import pytest
from django.core.management import CommandError, call_command

from lti_bridge.models import Deployment, Registration

pytestmark = [pytest.mark.bridge_alone, pytest.mark.django_db]


def test_register_platform_command(capsys):
    call_command(
        "lti_bridge_register_platform",
        organization="uni",
        name="Moodle",
        issuer="https://moodle.example.edu",
        client_id="abc",
        auth_login_url="https://moodle.example.edu/mod/lti/auth.php",
        auth_token_url="https://moodle.example.edu/mod/lti/token.php",
        key_set_url="https://moodle.example.edu/mod/lti/certs.php",
        deployment_id=["1", "2"],
    )
    registration = Registration.objects.get()
    assert registration.organization.slug == "uni"
    assert set(Deployment.objects.values_list("deployment_id", flat=True)) == {"1", "2"}
    out = capsys.readouterr().out
    assert "/lti-bridge/lti/login" in out and "/lti-bridge/lti/jwks" in out


def test_register_platform_refuses_non_url():
    with pytest.raises(CommandError):
        call_command(
            "lti_bridge_register_platform",
            organization="uni",
            name="X",
            issuer="moodle",
            client_id="abc",
            auth_login_url="x",
            key_set_url="y",
        )


def test_tool_jwks(client):
    keys = client.get("/lti-bridge/lti/jwks").json()["keys"]
    assert len(keys) == 1 and "d" not in keys[0]


def test_system_check_warns_about_per_process_cache(settings):
    from lti_bridge.checks import shared_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [w.id for w in shared_cache(None)] == ["lti_bridge.W001"]


def test_system_check_warns_about_a_culling_cache(settings):
    from lti_bridge.checks import cache_keeps_launches

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"}
    }
    assert [w.id for w in cache_keeps_launches(None)] == ["lti_bridge.W002"]
    settings.CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": 50_000}
    assert cache_keeps_launches(None) == []


def test_system_check_warns_about_the_database_cache_on_mysql(settings, monkeypatch):
    from lti_bridge import checks

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "t",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }
    monkeypatch.setattr(checks, "_on_mysql", lambda config: True)
    assert [w.id for w in checks.shared_cache(None)] == ["lti_bridge.W003"]
    monkeypatch.setattr(checks, "_on_mysql", lambda config: False)
    assert checks.shared_cache(None) == []


def test_the_settings_in_use_pass_the_system_checks():
    from django.core.management import call_command

    call_command("check", fail_level="WARNING")
