"""Model factories of the bridge's tests: the organization, unit and registered LMS each test
world starts from, made one way (names and values a test does not care about are filled in;
a test names what it depends on)."""

import itertools

from tests.support import scripted_platform

_serial = itertools.count(1)


def organization(name=None, slug=None, **fields):
    """An organization; ``slug`` follows ``name`` unless given."""
    from lti_bridge.models import Organization

    n = next(_serial)
    name = name or f"Org {n}"
    slug = slug or name.lower().replace(" ", "-")
    return Organization.objects.create(name=name, slug=slug, **fields)


def unit(organization, code="hello-python", title="Hello, Python", **fields):
    """A unit of ``organization`` (by default the one every scripted launch asks for)."""
    from lti_bridge.models import Unit

    return Unit.objects.create(organization=organization, code=code, title=title, **fields)


def lms(
    organization,
    *,
    name="Scripted LMS",
    issuer="https://lms.example.edu",
    client_id="client-1",
    **fields,
):
    """A scripted LMS (tests.support.ScriptedPlatform) registered with ``organization``:
    registration, deployment "d1" and its key set. Extra ``fields`` go to the registration,
    ``private_pem`` and ``client`` to the platform."""
    return scripted_platform(organization, name=name, issuer=issuer, client_id=client_id, **fields)


def organization_with_lms(org_name="Org", slug="org", unit_fields=None, **lms_fields):
    """The usual world of a bridge test: an organization, its hello-python unit and one
    registered scripted LMS; returns the platform (its registration leads to the rest)."""
    org = organization(org_name, slug)
    unit(org, **(unit_fields or {}))
    return lms(org, **lms_fields)
