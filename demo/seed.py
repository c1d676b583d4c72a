"""Seed data of the demo: users, organization, both registrations, units."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

COURSE_SCENARIO = "codio_unit.1"
MEMBERSHIP_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
DEMO_PASSWORD = "demo"
DEMO_USERS = [
    {"username": "learner", "name": ("Ada", "Lovelace"), "role": "Learner"},
    {"username": "learner2", "name": ("Alan", "Turing"), "role": "Learner"},
    {"username": "instructor", "name": ("Grace", "Hopper"), "role": "Instructor"},
    {"username": "ta", "name": ("Edsger", "Dijkstra"), "role": "Teaching assistant"},
    {"username": "mentor", "name": ("Barbara", "Liskov"), "role": "Limited staff (mentor)"},
    {"username": "staff", "name": ("Frances", "Allen"), "role": "Course staff"},
    {"username": "moderator", "name": ("Donald", "Knuth"), "role": "Group moderator"},
    {"username": "beta", "name": ("Margaret", "Hamilton"), "role": "Beta tester"},
    {
        "username": "admin",
        "name": ("Katherine", "Johnson"),
        "role": "Platform administrator (global staff, instructor): LTI Integrations",
        "is_staff": True,
    },
]
UNITS = [
    (
        "hello-python",
        "Hello, Python",
        "Write a program that prints `Hello, world!`.\n\nRun it, then mark the unit complete.",
    ),
    ("loops", "Loops", "Print the numbers from 1 to 10, one per line."),
    ("functions", "Functions", "Write a function `square(n)` that returns n * n."),
]


def _move_demo_registration(client_id, base_url):
    """The demo LMS's registration follows the demo's URL (another PORT or HOST): the one
    made for an earlier URL is moved, so its classes stay, and no other one is left enabled
    (seeds before this one left a second registration behind)."""
    from lti_bridge.models import Registration

    mine = Registration.objects.filter(organization__slug="demo-university", client_id=client_id)
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


@transaction.atomic
def seed(base_url):
    from codio_xblock.models import ToolRegistration
    from lti_bridge.models import Organization, Unit

    User = get_user_model()
    for spec in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=spec["username"])
        user.first_name, user.last_name = spec["name"]
        user.email = f"{spec['username']}@example.edu"
        user.is_staff = spec.get("is_staff", False)
        user.set_password(DEMO_PASSWORD)
        user.save()

    tool = ToolRegistration.objects.filter(slug="lti_bridge").first()
    call_command(
        "codio_register_tool",
        "lti_bridge",
        name="Codio (built-in LTI bridge)",
        oidc_login_url=f"{base_url}/lti-bridge/lti/login",
        launch_url=f"{base_url}/lti-bridge/lti/launch",
        keyset_url=f"{base_url}/lti-bridge/lti/jwks",
        client_id=tool.client_id if tool else "",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    tool = ToolRegistration.objects.get(slug="lti_bridge")
    _move_demo_registration(tool.client_id, base_url)
    # The built-in bridge reads the course's roster (NRPS), also in demo databases made
    # before the membership scope was part of a new tool's grant.
    if MEMBERSHIP_SCOPE not in tool.scope_list():
        tool.service_scopes = "\n".join([*tool.scope_list(), MEMBERSHIP_SCOPE])
        tool.save(update_fields=["service_scopes"])
    call_command(
        "lti_bridge_register_platform",
        organization="demo-university",
        organization_name="Demo University",
        name="Open edX demo",
        issuer=base_url,
        client_id=tool.client_id,
        auth_login_url=f"{base_url}/codio/lti/v1/auth",
        auth_token_url=f"{base_url}/codio/lti/v1/token",
        key_set_url=f"{base_url}/codio/lti/v1/jwks",
        deployment_id=[tool.deployment_id],
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    org = Organization.objects.get(slug="demo-university")
    if not org.lti_id_field:  # the demo course sends student_id=$User.username
        org.lti_id_field = "student_id"
        org.save(update_fields=["lti_id_field"])
    for code, title, instructions in UNITS:
        Unit.objects.update_or_create(
            organization=org,
            code=code,
            defaults={"title": title, "instructions": instructions},
        )
    return tool
