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


def test_a_key_is_parsed_once_however_often_it_signs(monkeypatch):
    """Parsing an RSA private key costs ~30 ms: a key is parsed once per process, however
    many tokens it signs and key sets it appears in (issue 15); a rotated key is new."""
    import jwt
    from cryptography.hazmat.primitives import serialization

    from lti_bridge.protocol import keys

    parsed = []
    real = serialization.load_pem_private_key

    def counting(data, password=None, **kwargs):
        parsed.append(data)
        return real(data, password=password, **kwargs)

    monkeypatch.setattr(serialization, "load_pem_private_key", counting)
    keys._load_private.cache_clear()  # nothing kept from earlier tests of this process
    first = keystore.signing_key()
    for n in range(5):
        token = keys.sign({"n": n}, first.private_pem, first.kid)
        assert jwt.get_unverified_header(token)["kid"] == first.kid
        keystore.jwks()
    assert len(parsed) == 1

    jwk = keys.public_jwk(first.private_pem, first.kid)
    jwk["n"] = "tampered"  # a caller's copy: the kept JWK stays whole
    assert keys.public_jwk(first.private_pem, first.kid)["n"] != "tampered"

    call_command("codio_rotate_keys")
    second = keystore.signing_key()
    assert second.kid != first.kid
    token = keys.sign({"n": 1}, second.private_pem, second.kid)
    published = {k["kid"]: k for k in keystore.jwks()["keys"]}
    assert set(published) == {first.kid, second.kid}
    claims = jwt.decode(
        token, keys.public_key_from_jwk(published[second.kid]), algorithms=["RS256"]
    )
    assert claims == {"n": 1}
    assert len([p for p in parsed if p == second.private_pem.encode("ascii")]) == 1


def test_token_checks_keep_the_published_keys_and_see_rotations_at_once():
    """Issue 15: each AGS token check read the platform keys from the database. They are
    kept in the process; a new kid reads them again, and a key's end of publication is
    checked at each use."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ring = keystore.ring
    ring.forget()
    first = keystore.signing_key()
    assert ring.published_jwk(first.kid)["kid"] == first.kid
    with CaptureQueriesContext(connection) as queries:
        assert ring.published_jwk(first.kid)["kid"] == first.kid
    assert len(queries) == 0

    # a key made by another process (no forget() here): its kid is read at first sight
    other = ring._new_key()
    assert ring.published_jwk(other.kid)["kid"] == other.kid

    call_command("codio_rotate_keys", "--overlap-days", "1")
    assert ring.published_jwk(first.kid) is not None  # in its overlap
    later = timezone.now() + timedelta(days=2)
    assert ring.published_jwk(first.kid, now=later) is None  # past it: refused at once
    assert ring.published_jwk("no-such-kid") is None
