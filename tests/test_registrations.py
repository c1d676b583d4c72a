"""Registering tools on the platform by command and model (the bridge's side is in
tests/bridge/test_registrations.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from codio_xblock.models import ToolRegistration

pytestmark = pytest.mark.django_db


def test_register_tool_command(capsys):
    call_command(
        "codio_register_tool",
        "codio",
        name="Codio",
        oidc_login_url="https://apollo.codio.com/lti/oidc",
        launch_url="https://apollo.codio.com/lti/launch",
        keyset_url="https://apollo.codio.com/lti/jwks",
    )
    tool = ToolRegistration.objects.get(slug="codio")
    assert tool.redirect_uri_list() == ["https://apollo.codio.com/lti/launch"]
    assert tool.client_id in capsys.readouterr().out


def test_register_tool_command_refuses_bad_urls():
    with pytest.raises(CommandError, match="oidc_login_url"):
        call_command(
            "codio_register_tool",
            "codio",
            name="Codio",
            oidc_login_url="nope",
            launch_url="https://t/launch",
            keyset_url="https://t/jwks",
        )


def test_tool_needs_keys_and_valid_redirect_uris():
    tool = ToolRegistration(
        slug="t",
        name="T",
        oidc_login_url="https://t.example/login",
        launch_url="https://t.example/launch",
        redirect_uris="not a url",
    )
    with pytest.raises(ValidationError) as info:
        tool.full_clean()
    assert set(info.value.message_dict) >= {"keyset_url", "redirect_uris"}


def test_tool_public_key_must_be_rsa_pem():
    tool = ToolRegistration(
        slug="t",
        name="T",
        oidc_login_url="https://t.example/login",
        launch_url="https://t.example/launch",
        redirect_uris="https://t.example/launch",
        public_key_pem="garbage",
    )
    with pytest.raises(ValidationError) as info:
        tool.full_clean()
    assert "public_key_pem" in info.value.message_dict


def test_register_tool_command_grants_the_services_the_operator_names(capsys):
    """Who may manage line items (ADR 0012) is set where the operator registers the tool;
    the command says what the tool may be granted, and refuses a scope not offered."""
    from codio_xblock.lti1p3.ags import SCOPE_LINEITEM, SCOPE_SCORE

    common = {
        "name": "Grader",
        "oidc_login_url": "https://grader.example/login",
        "launch_url": "https://grader.example/launch",
        "keyset_url": "https://grader.example/jwks",
    }
    call_command("codio_register_tool", "grader", **common)
    assert SCOPE_LINEITEM not in ToolRegistration.objects.get(slug="grader").scope_list()
    assert SCOPE_SCORE in capsys.readouterr().out
    call_command(
        "codio_register_tool", "grader", **common, service_scope=[SCOPE_SCORE, SCOPE_LINEITEM]
    )
    assert ToolRegistration.objects.get(slug="grader").scope_list() == [SCOPE_SCORE, SCOPE_LINEITEM]
    assert f"{SCOPE_SCORE} {SCOPE_LINEITEM}" in capsys.readouterr().out
    with pytest.raises(CommandError, match="service_scopes"):
        call_command("codio_register_tool", "grader", **common, service_scope=["https://x/all"])
