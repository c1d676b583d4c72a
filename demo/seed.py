"""Seed data of the demo: users, organization, both registrations, units."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

COURSE_SCENARIO = "codio_unit.1"
# A unit the author added in Studio and never published: the LMS has no such block.
DRAFT_SCENARIO = "codio_unit.2"
DEMO_PASSWORD = "demo"
DEMO_USERS = [
    {"username": "learner", "name": ("Ada", "Lovelace"), "role": "Learner"},
    {"username": "learner2", "name": ("Alan", "Turing"), "role": "Learner"},
    {"username": "instructor", "name": ("Grace", "Hopper"), "role": "Instructor"},
    {
        "username": "ta",
        "name": ("Edsger", "Dijkstra"),
        "role": "Community TA (forum role: a learner)",
    },
    {"username": "mentor", "name": ("Barbara", "Liskov"), "role": "Limited staff (mentor)"},
    {
        "username": "staff",
        "name": ("Frances", "Allen"),
        "role": "Course staff (teaching assistant)",
    },
    {
        "username": "moderator",
        "name": ("Donald", "Knuth"),
        "role": "Group moderator (forum role: a learner)",
    },
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


@transaction.atomic
def seed(base_url, tool_url=""):
    """Seed the demo at ``base_url`` (the LMS); ``tool_url``: where the built-in bridge is
    reached when not on the LMS's origin (the browser tests put it on another site)."""
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

    # The same command Tutor's `do init` runs in Open edX, on the demo's URL.
    call_command(
        "codio_register_builtin_bridge",
        base_url=base_url,
        tool_url=tool_url,
        organization="demo-university",
        organization_name="Demo University",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    tool = ToolRegistration.objects.get(slug="lti_bridge")
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
    _seed_draft_unit()
    return tool


def _seed_draft_unit():
    """The unit the author added in Studio: never published (until the author publishes it;
    seeding again leaves a published one alone)."""
    from workbench.scenarios import get_scenarios

    from demo import modulestore

    modulestore.mark_never_published(str(get_scenarios()[DRAFT_SCENARIO].usage_id))
