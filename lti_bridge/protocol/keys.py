"""RSA keys, JWKs and RS256 signing (RFC 7517, RFC 7638, RFC 7519).

PyJWT and ``cryptography`` do the cryptography; this module only fixes the choices
LTI 1.3 needs (RS256, a ``kid`` on every key and every token).
"""

import base64
import copy
import functools
import hashlib
import json
from collections.abc import Mapping
from typing import Any, Final

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ALGORITHM: Final = "RS256"
MIN_KEY_BITS: Final = 2048


def generate_private_pem(bits: int = MIN_KEY_BITS) -> str:
    """A new RSA private key as PKCS#8 PEM text."""
    if bits < MIN_KEY_BITS:
        raise ValueError(f"RSA keys must have at least {MIN_KEY_BITS} bits")
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


# Parsing an RSA private key costs ~30 ms of CPU (cryptography checks the key's primes), and
# a launch or a score used to parse the same key several times. Parsed keys and the JWKs
# made from them are kept per process, keyed by the PEM text itself: a rotated key is a new
# PEM, so rotation needs no invalidation, and the LRU bound forgets retired keys. PyJWT and
# cryptography keep no such cache themselves.
KEY_CACHE_SIZE: Final = 64


@functools.lru_cache(maxsize=KEY_CACHE_SIZE)
def _load_private(private_pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("only RSA private keys are supported")
    return key


def private_key(private_pem: str) -> rsa.RSAPrivateKey:
    """The parsed private key of ``private_pem`` (kept: see KEY_CACHE_SIZE)."""
    return _load_private(private_pem)


@functools.lru_cache(maxsize=KEY_CACHE_SIZE * 4)
def _public_key_from_jwk(jwk_json: str) -> rsa.RSAPublicKey:
    try:
        key = RSAAlgorithm.from_jwk(jwk_json)
    except jwt.InvalidKeyError as exc:  # another kty, missing or malformed members
        raise ValueError(f"not an RSA public key: {exc}") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        # A key set published for verification that holds a private key ("d") has leaked
        # it: anyone can sign with it, so nothing it verifies can be trusted.
        raise ValueError("a published key must not hold its private members")
    return key


def public_key_from_jwk(jwk: str | dict[str, Any]) -> rsa.RSAPublicKey:
    """The RSA public key of a JWK (a dict or its JSON), parsed once per distinct key.
    ValueError if it is not an RSA public key (another kty, malformed, or private)."""
    text = jwk if isinstance(jwk, str) else json.dumps(jwk, sort_keys=True)
    return _public_key_from_jwk(text)


def public_pem(private_pem: str) -> str:
    return (
        _load_private(private_pem)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def _public_jwk_core(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    return {"kty": jwk["kty"], "n": jwk["n"], "e": jwk["e"]}


def thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 JWK thumbprint (base64url SHA-256 of the required members), used as kid."""
    canonical = json.dumps(
        {"e": jwk["e"], "kty": jwk["kty"], "n": jwk["n"]}, separators=(",", ":"), sort_keys=True
    )
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def kid_for(private_pem: str) -> str:
    return thumbprint(_public_jwk_core(_load_private(private_pem).public_key()))


@functools.lru_cache(maxsize=KEY_CACHE_SIZE)
def _public_jwk(private_pem: str, kid: str | None) -> dict[str, str]:
    core = _public_jwk_core(_load_private(private_pem).public_key())
    return {**core, "kid": kid or thumbprint(core), "alg": ALGORITHM, "use": "sig"}


def public_jwk(private_pem: str, kid: str | None = None) -> dict[str, str]:
    """The public half as a JWK with ``kid``, ``alg`` and ``use`` set (a fresh dict: the
    kept one is never handed out)."""
    return copy.deepcopy(_public_jwk(private_pem, kid))


def jwk_from_public_pem(pem: str, kid: str | None = None) -> dict[str, str]:
    """A JWK for a public key given as PEM (a tool registered by public key)."""
    key = serialization.load_pem_public_key(pem.encode("ascii"))
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("only RSA public keys are supported")
    core = _public_jwk_core(key)
    return {**core, "kid": kid or thumbprint(core), "alg": ALGORITHM, "use": "sig"}


def sign(claims: dict[str, Any], private_pem: str, kid: str) -> str:
    """Sign claims as a compact JWS with RS256 and the given kid."""
    return jwt.encode(claims, _load_private(private_pem), algorithm=ALGORITHM, headers={"kid": kid})
