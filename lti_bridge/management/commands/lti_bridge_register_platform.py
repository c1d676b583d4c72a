from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lti_bridge import conf
from lti_bridge.models import Deployment, Organization, Registration


class Command(BaseCommand):
    help = (
        "Register (or update) an LMS platform from its URLs, and print the tool URLs to "
        "enter on the platform's side."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="Organization slug.")
        parser.add_argument("--organization-name", default="")
        parser.add_argument("--name", required=True)
        parser.add_argument("--issuer", required=True)
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--auth-login-url", required=True)
        parser.add_argument("--auth-token-url", default="")
        parser.add_argument(
            "--auth-audience",
            default="",
            help="Audience of token requests if not the token URL (D2L Brightspace).",
        )
        parser.add_argument("--key-set-url", required=True)
        parser.add_argument("--deployment-id", action="append", default=[])
        parser.add_argument(
            "--service-host",
            action="append",
            default=[],
            help="Another host the LMS serves AGS, tokens or rosters from (repeatable; "
            "*.example.edu for its subdomains), e.g. Canvas's institution host.",
        )
        parser.add_argument(
            "--frame-origin",
            action="append",
            default=[],
            help="Another origin whose pages frame the LMS's course pages (repeatable), e.g. "
            "Open edX's Learning MFE, https://apps.lms.example.edu.",
        )

    @transaction.atomic
    def handle(self, *args, **opts):
        for name in ("issuer", "auth_login_url", "key_set_url"):
            if not opts[name].startswith(("https://", "http://")):
                raise CommandError(f"--{name.replace('_', '-')} must be an http(s) URL")
        org, _ = Organization.objects.get_or_create(
            slug=opts["organization"],
            defaults={"name": opts["organization_name"] or opts["organization"]},
        )
        registration, created = Registration.objects.update_or_create(
            issuer=opts["issuer"],
            client_id=opts["client_id"],
            defaults={
                "organization": org,
                "name": opts["name"],
                "auth_login_url": opts["auth_login_url"],
                "auth_token_url": opts["auth_token_url"],
                "auth_audience": opts["auth_audience"],
                "key_set_url": opts["key_set_url"],
                "service_hosts": "\n".join(opts["service_host"]),
                "frame_origins": "\n".join(opts["frame_origin"]),
            },
        )
        try:
            registration.full_clean(exclude=["key_set", "refused_hosts"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        for deployment_id in opts["deployment_id"] or ["1"]:
            Deployment.objects.get_or_create(registration=registration, deployment_id=deployment_id)
        self.stdout.write(
            f"{'Registered' if created else 'Updated'} platform {registration}.\n"
            f"  OIDC login URL: {conf.absolute('lti_bridge:login')}\n"
            f"  Launch URL / redirect URI: {conf.absolute('lti_bridge:launch')}\n"
            f"  Key set URL: {conf.absolute('lti_bridge:jwks')}"
        )
