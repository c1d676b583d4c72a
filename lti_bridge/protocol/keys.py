"""RSA keys, JWKs and RS256 signing (RFC 7517, RFC 7638, RFC 7519).

PyJWT and ``cryptography`` do the cryptography; this module only fixes the choices
LTI 1.3 needs (RS256, a ``kid`` on every key and every token).
"""

import base64
import copy
import functools
import hashlib
import json

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ALGORITHM = "RS256"
MIN_KEY_BITS = 2048


def generate_private_pem(bits=MIN_KEY_BITS):
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
KEY_CACHE_SIZE = 64


@functools.lru_cache(maxsize=KEY_CACHE_SIZE)
def _load_private(private_pem):
    return serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)


def private_key(private_pem):
    """The parsed private key of ``private_pem`` (kept: see KEY_CACHE_SIZE)."""
    return _load_private(private_pem)


@functools.lru_cache(maxsize=KEY_CACHE_SIZE * 4)
def _public_key_from_jwk(jwk_json):
    return RSAAlgorithm.from_jwk(jwk_json)


def public_key_from_jwk(jwk):
    """The RSA public key of a JWK (a dict or its JSON), parsed once per distinct key."""
    text = jwk if isinstance(jwk, str) else json.dumps(jwk, sort_keys=True)
    return _public_key_from_jwk(text)


def public_pem(private_pem):
    return (
        _load_private(private_pem)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def _public_jwk_core(public_key):
    jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    return {"kty": jwk["kty"], "n": jwk["n"], "e": jwk["e"]}


def thumbprint(jwk):
    """RFC 7638 JWK thumbprint (base64url SHA-256 of the required members), used as kid."""
    canonical = json.dumps(
        {"e": jwk["e"], "kty": jwk["kty"], "n": jwk["n"]}, separators=(",", ":"), sort_keys=True
    )
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def kid_for(private_pem):
    return thumbprint(_public_jwk_core(_load_private(private_pem).public_key()))


@functools.lru_cache(maxsize=KEY_CACHE_SIZE)
def _public_jwk(private_pem, kid):
    core = _public_jwk_core(_load_private(private_pem).public_key())
    return {**core, "kid": kid or thumbprint(core), "alg": ALGORITHM, "use": "sig"}


def public_jwk(private_pem, kid=None):
    """The public half as a JWK with ``kid``, ``alg`` and ``use`` set (a fresh dict: the
    kept one is never handed out)."""
    return copy.deepcopy(_public_jwk(private_pem, kid))


def jwk_from_public_pem(pem, kid=None):
    """A JWK for a public key given as PEM (a tool registered by public key)."""
    key = serialization.load_pem_public_key(pem.encode("ascii"))
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("only RSA public keys are supported")
    core = _public_jwk_core(key)
    return {**core, "kid": kid or thumbprint(core), "alg": ALGORITHM, "use": "sig"}


def sign(claims, private_pem, kid):
    """Sign claims as a compact JWS with RS256 and the given kid."""
    return jwt.encode(claims, _load_private(private_pem), algorithm=ALGORITHM, headers={"kid": kid})
