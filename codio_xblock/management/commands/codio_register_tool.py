from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from codio_xblock.models import ToolRegistration
from lti_bridge.protocol.vocabulary import Scope


class Command(BaseCommand):
    help = (
        "Register (or update) an LTI 1.3 tool a Codio Unit can launch, and print what "
        "to enter on the tool's side."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--oidc-login-url", required=True)
        parser.add_argument("--launch-url", required=True)
        parser.add_argument(
            "--deep-linking-url",
            default="",
            help="The tool's deep linking (content selection) URL, if not its launch URL.",
        )
        parser.add_argument("--keyset-url", default="")
        parser.add_argument("--public-key-file", default="")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            help="Allowed redirect URI (repeat; default: the launch URL).",
        )
        parser.add_argument("--client-id", default="")
        parser.add_argument("--deployment-id", default="1")
        parser.add_argument(
            "--service-scope",
            action="append",
            default=[],
            help=(
                "An LTI service scope the tool may be granted (repeat; replaces the grant). "
                "Default for a new tool: scores, line items and results read, the roster. "
                "Add the AGS line item scope (.../lti-ags/scope/lineitem) to let the tool "
                "manage line items of its own (ADR 0012). Offered: "
                + ", ".join(scope.value for scope in Scope)
            ),
        )

    def handle(self, *args, **opts):
        tool = ToolRegistration.objects.filter(slug=opts["slug"]).first() or ToolRegistration(
            slug=opts["slug"]
        )
        tool.name = opts["name"]
        tool.oidc_login_url = opts["oidc_login_url"]
        tool.launch_url = opts["launch_url"]
        tool.deep_linking_url = opts["deep_linking_url"]
        tool.keyset_url = opts["keyset_url"]
        if opts["public_key_file"]:
            with open(opts["public_key_file"], encoding="ascii") as handle:
                tool.public_key_pem = handle.read()
        tool.redirect_uris = "\n".join(opts["redirect_uri"] or [opts["launch_url"]])
        if opts["client_id"]:
            tool.client_id = opts["client_id"]
        tool.deployment_id = opts["deployment_id"]
        if opts["service_scope"]:
            tool.service_scopes = "\n".join(opts["service_scope"])
        try:
            tool.full_clean()
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            ) from exc
        tool.save()
        self.stdout.write(
            f"Tool '{tool.slug}' registered: client_id={tool.client_id} "
            f"deployment_id={tool.deployment_id}\n"
            f"Services it may be granted: {' '.join(tool.scope_list()) or '(none)'}"
        )
