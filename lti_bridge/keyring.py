"""RSA key pairs kept in the database: the platform's (``codio_xblock.PlatformKey``) and the
bridge's (``lti_bridge.ToolKey``) share this code. It imports Django and
:mod:`lti_bridge.protocol` only, never the bridge's app (models, views, flows), so the XBlock
uses it without the bridge installed (ADR 0010).

A key is made on first need; rotation makes a new signing key and keeps the old public
keys in the JWKS for an overlap, so tokens they signed still verify (LTI Security
Framework 1.0, 6.3). ``kid`` is the RFC 7638 thumbprint.
"""

import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .protocol import keys


class KeyQuerySet(models.QuerySet):
    def signing(self):
        """Keys that may sign new messages (newest first)."""
        return self.filter(retired_at__isnull=True).order_by("-created", "-id")

    def published(self, now=None):
        """Keys whose public half the JWKS shows: signing keys and keys in their overlap."""
        now = now or timezone.now()
        return self.filter(
            models.Q(retired_at__isnull=True) | models.Q(publish_until__gt=now)
        ).order_by("-created", "-id")


class AbstractKeyPair(models.Model):
    """An RSA key pair. The newest unretired key signs; a retired key is still published
    until ``publish_until``."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField()
    created = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    publish_until = models.DateTimeField(null=True, blank=True)

    objects = KeyQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.kid


class KeyRing:
    """The keys of one model. ``settings`` is the app's settings module: its ``get`` gives
    KEY_BITS and KEY_ROTATION_OVERLAP_DAYS, read when needed."""

    # Seconds a process keeps the published keys for verification (published_jwk).
    VERIFY_CACHE_SECONDS = 30

    def __init__(self, model, settings):
        self.model = model
        self.settings = settings
        self._published = None  # (monotonic deadline, {kid: (jwk, publish_until)})

    def _new_key(self):
        pem = keys.generate_private_pem(self.settings.get("KEY_BITS"))
        return self.model.objects.create(kid=keys.kid_for(pem), private_pem=pem)

    def signing_key(self):
        """The key that signs new messages; made on first need."""
        key = self.model.objects.signing().first()
        if key is None:
            try:
                with transaction.atomic():
                    key = self._new_key()
            except IntegrityError:  # pragma: no cover - same kid twice is astronomically rare
                key = self.model.objects.signing().first()
        return key

    def rotate(self, overlap=None, now=None):
        """Make a new signing key; older keys stop signing but stay published for
        ``overlap`` (default: the app's overlap setting). Returns (new, retired)."""
        now = now or timezone.now()
        if overlap is None:
            overlap = timedelta(days=self.settings.get("KEY_ROTATION_OVERLAP_DAYS"))
        with transaction.atomic():
            old = list(self.model.objects.select_for_update().filter(retired_at__isnull=True))
            for key in old:
                key.retired_at = now
                key.publish_until = now + overlap
                key.save(update_fields=["retired_at", "publish_until"])
            self.forget()
            return self._new_key(), old

    def published_jwk(self, kid, now=None):
        """The public JWK of ``kid`` if it is published now, to verify what this ring
        signed (the platform's AGS access tokens), or None.

        The published keys are kept in the process for VERIFY_CACHE_SECONDS: a token check
        used to read them from the database (two queries) at every score. A kid not kept
        reads them again, so a key made by a rotation verifies at once, and each kept key's
        end of publication is checked at use, so a key past its overlap stops verifying at
        once too. Only an edit by hand in the database waits for the cache to expire."""
        now = now or timezone.now()
        kept = self._published
        if kept is None or kept[0] < time.monotonic() or kid not in kept[1]:
            self.jwks(now)  # makes the first key if there is none
            kept = self._published = (
                time.monotonic() + self.VERIFY_CACHE_SECONDS,
                {
                    k.kid: (keys.public_jwk(k.private_pem, k.kid), k.publish_until)
                    for k in self.model.objects.published(now)
                    if k.kid
                },
            )
        found = kept[1].get(kid)
        if found is None:
            return None
        jwk, until = found
        retired = until is not None and until <= now
        return None if retired else jwk

    def forget(self):
        """Drop the keys kept for verification (rotate does it in this process)."""
        self._published = None

    def jwks(self, now=None):
        """The public key set (RFC 7517 section 5) of every published key."""
        if not self.model.objects.signing().exists():
            self.signing_key()
        return {
            "keys": [
                keys.public_jwk(k.private_pem, k.kid) for k in self.model.objects.published(now)
            ]
        }


class RotateKeysCommand(BaseCommand):
    """A management command rotating one key ring (subclasses set ``ring``)."""

    ring = None  # a KeyRing

    def add_arguments(self, parser):
        parser.add_argument(
            "--overlap-days",
            type=float,
            default=None,
            help="Days the old public keys stay in the JWKS "
            f"(default {self.ring.settings.get('KEY_ROTATION_OVERLAP_DAYS')}).",
        )

    def handle(self, *args, overlap_days=None, **options):
        overlap = timedelta(days=overlap_days) if overlap_days is not None else None
        new, old = self.ring.rotate(overlap=overlap)
        self.stdout.write(f"New signing key {new.kid}.")
        for key in old:
            self.stdout.write(
                f"Retired {key.kid}; published until {key.publish_until:%Y-%m-%d %H:%M}."
            )
