from datetime import timedelta

from django.core.management.base import BaseCommand

from codio_xblock import conf, keystore


class Command(BaseCommand):
    help = "Make a new platform signing key; old keys stay published during the overlap."

    def add_arguments(self, parser):
        parser.add_argument(
            "--overlap-days",
            type=float,
            default=None,
            help="Days the old public keys stay in the JWKS "
            f"(default {conf.DEFAULTS['KEY_ROTATION_OVERLAP_DAYS']}).",
        )

    def handle(self, *args, overlap_days=None, **options):
        overlap = timedelta(days=overlap_days) if overlap_days is not None else None
        new, old = keystore.rotate(overlap=overlap)
        self.stdout.write(f"New signing key {new.kid}.")
        for key in old:
            self.stdout.write(
                f"Retired {key.kid}; published until {key.publish_until:%Y-%m-%d %H:%M}."
            )
