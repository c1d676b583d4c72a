"""Register the built-in bridge on both sides: the tool a Codio Unit launches by default
(the platform's ``lti_bridge`` tool registration) and this LMS as the bridge's platform.

Idempotent: run again (Tutor runs it on every ``do init``) it keeps the tool's client id,
its classes and its grades, and follows a change of the LMS's URL by moving the bridge's
registration of this LMS rather than leaving a stale second one.
"""

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from codio_xblock import conf
from lti_bridge.protocol.vocabulary import Scope

# The bridge's grant: grades (AGS) and rosters (NRPS). Older registrations made before the
# roster scope was in a new tool's default grant gain it here.
MEMBERSHIP_SCOPE = Scope.CONTEXT_MEMBERSHIP_READONLY.value


class Command(BaseCommand):
    help = (
        "Register the built-in LTI bridge as this platform's default Codio tool, and this "
        "LMS as the bridge's platform (safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="",
            help="URL browsers reach this LMS at (default: CODIO_XBLOCK['PLATFORM_ISSUER'], "
            "else LMS_ROOT_URL).",
        )
        parser.add_argument(
            "--tool-url",
            default="",
            help="URL browsers reach the built-in bridge at, when the LMS serves it under "
            "another name than --base-url (default: --base-url).",
        )
        parser.add_argument("--organization", default="openedx", help="Organization slug.")
        parser.add_argument("--organization-name", default="")
        parser.add_argument(
            "--lti-id-field",
            default=None,
            help="Custom parameter holding the institution's learner id (e.g. student_id); "
            "left as it is when not given.",
        )

    @transaction.atomic
    def handle(self, *args, **opts):
        if not apps.is_installed("lti_bridge"):
            raise CommandError(
                "lti_bridge is not an installed app here: run this in the LMS, where the "
                "codio-xblock plugin installs it."
            )
        base_url = (opts["base_url"] or conf.platform_issuer()).rstrip("/")
        if not base_url.startswith(("https://", "http://")):
            raise CommandError(f"--base-url must be an http(s) URL, not {base_url!r}")
        tool_url = (opts["tool_url"] or base_url).rstrip("/")
        if not tool_url.startswith(("https://", "http://")):
            raise CommandError(f"--tool-url must be an http(s) URL, not {tool_url!r}")
        try:
            paths = {
                name: reverse(name)
                for name in (
                    "lti_bridge:login",
                    "lti_bridge:launch",
                    "lti_bridge:jwks",
                    "codio_xblock:oidc-auth",
                    "codio_xblock:token",
                    "codio_xblock:jwks",
                )
            }
        except NoReverseMatch as exc:
            raise CommandError(
                f"The plugin's URLs are not mounted in this project's URLconf: {exc}"
            ) from exc
        quiet = open("/dev/null", "w")  # noqa: SIM115 - the two commands' own reports

        from codio_xblock.models import ToolRegistration

        slug = conf.get("DEFAULT_TOOL")
        tool = ToolRegistration.objects.filter(slug=slug).first()
        with quiet:
            call_command(
                "codio_register_tool",
                slug,
                name="Codio (built-in LTI bridge)",
                oidc_login_url=tool_url + paths["lti_bridge:login"],
                launch_url=tool_url + paths["lti_bridge:launch"],
                keyset_url=tool_url + paths["lti_bridge:jwks"],
                client_id=tool.client_id if tool else "",
                deployment_id=tool.deployment_id if tool else "1",
                stdout=quiet,
            )
            tool = ToolRegistration.objects.get(slug=slug)
            if MEMBERSHIP_SCOPE not in tool.scope_list():
                tool.service_scopes = "\n".join([*tool.scope_list(), MEMBERSHIP_SCOPE])
                tool.save(update_fields=["service_scopes"])
            move_registration(opts["organization"], tool.client_id, base_url)
            call_command(
                "lti_bridge_register_platform",
                organization=opts["organization"],
                organization_name=opts["organization_name"] or opts["organization"],
                name=conf.get("PLATFORM_NAME") or "Open edX",
                issuer=base_url,
                client_id=tool.client_id,
                auth_login_url=base_url + paths["codio_xblock:oidc-auth"],
                auth_token_url=base_url + paths["codio_xblock:token"],
                key_set_url=base_url + paths["codio_xblock:jwks"],
                deployment_id=[tool.deployment_id],
                # The unit's pages are framed by the LMS and by the Learning MFE (another
                # origin): the bridge's pages must allow both (conf.frame_origins).
                frame_origin=conf.frame_origins(),
                stdout=quiet,
            )
        if opts["lti_id_field"] is not None:
            from lti_bridge.models import Organization

            Organization.objects.filter(slug=opts["organization"]).update(
                lti_id_field=opts["lti_id_field"]
            )
        self.stdout.write(
            f"Built-in bridge registered at {base_url}: tool '{slug}' "
            f"(client_id={tool.client_id}, deployment_id={tool.deployment_id}), "
            f"organization '{opts['organization']}'."
        )


def move_registration(organization, client_id, base_url):
    """The bridge's registration of this LMS follows the LMS's URL: the one made for an
    earlier URL is moved (its classes stay with it), and no other one is left enabled."""
    from lti_bridge.models import Registration

    mine = Registration.objects.filter(organization__slug=organization, client_id=client_id)
    earlier = list(mine.exclude(issuer=base_url).order_by("pk"))
    if earlier and not mine.filter(issuer=base_url).exists():
        moved = earlier.pop(0)
        moved.issuer = base_url
        moved.save(update_fields=["issuer"])
    for stale in earlier:
        if stale.classes.exists():
            stale.enabled = False
            stale.save(update_fields=["enabled"])
        else:
            stale.delete()
