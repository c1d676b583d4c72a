"""The bridge's pages and refusals in Spanish."""

import pytest

pytestmark = [pytest.mark.bridge_alone, pytest.mark.django_db]


def test_bridge_pages_are_translated(bridge_setup):
    bridge_setup.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    page = bridge_setup.full_launch().content.decode()
    assert "Sesión iniciada como Test Learner" in page


def test_bridge_refusals_are_translated(bridge_setup):
    bridge_setup.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    state, _ = bridge_setup.state_and_nonce()
    page = bridge_setup.launch("not-a-jwt", state).content.decode()
    assert "El mensaje de inicio está mal formado." in page
