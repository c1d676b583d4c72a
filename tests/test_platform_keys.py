"""Platform keys: made on first need, rotated with an overlap, published as a JWKS."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from codio_xblock import keystore
from codio_xblock.models import PlatformKey

pytestmark = pytest.mark.django_db


def test_key_is_created_on_first_need_and_reused():
    assert PlatformKey.objects.count() == 0
    key = keystore.signing_key()
    assert keystore.signing_key() == key
    assert PlatformKey.objects.count() == 1


def test_jwks_endpoint_publishes_public_keys_only(client):
    response = client.get("/codio/lti/v1/jwks")
    assert response.status_code == 200
    body = response.json()
    assert len(body["keys"]) == 1
    assert set(body["keys"][0]) == {"kty", "n", "e", "kid", "alg", "use"}


def test_rotation_keeps_old_key_published_during_overlap(client):
    old = keystore.signing_key()
    call_command("codio_rotate_keys", "--overlap-days", "2")
    new = keystore.signing_key()
    assert new != old
    kids = {k["kid"] for k in client.get("/codio/lti/v1/jwks").json()["keys"]}
    assert kids == {old.kid, new.kid}
    later = timezone.now() + timedelta(days=3)
    assert {k["kid"] for k in keystore.jwks(now=later)["keys"]} == {new.kid}


def test_private_key_is_not_shown_in_admin(admin_client):
    keystore.signing_key()
    page = admin_client.get("/admin/codio_xblock/platformkey/1/change/").content.decode()
    assert "PRIVATE KEY" not in page
