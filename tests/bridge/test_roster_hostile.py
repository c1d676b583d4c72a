"""Rosters from any LMS, hostile ones included: every refusal ends the sync failed with the
reason and writes nothing (no account, link or membership); good rosters follow Codio's
account rules and the launch's role table."""

import json

import pytest
import responses

from lti_bridge.flows import roster
from lti_bridge.models import (
    Account,
    ClassMembership,
    Classroom,
    Link,
    Organization,
    OrgMembership,
    RosterSync,
)
from tests import factories

pytestmark = pytest.mark.django_db
LMS = "https://lms.example.edu"
TOKEN = LMS + "/token"
PAGE1, PAGE2, PAGE3 = (f"{LMS}/nrps/{n}" for n in ("p1", "p2", "p3"))
M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
LEARNER, INSTRUCTOR, MENTOR = M + "Learner", M + "Instructor", M + "Mentor"
TA = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"


@pytest.fixture
def classroom(db):
    org = factories.organization("Org", "org")
    platform = factories.lms(org, issuer=LMS, auth_token_url=TOKEN, key_set_url=LMS + "/jwks")
    return Classroom.objects.create(
        organization=org,
        registration=platform.registration,
        context_id="course-1",
        title="Course 1",
        memberships_url=PAGE1,
    )


def member(sub, roles=(LEARNER,), **fields):
    return {"user_id": sub, "roles": list(roles), "status": "Active", **fields}


def container(members, context_id="course-1"):
    return {"id": PAGE1, "context": {"id": context_id, "title": "Course 1"}, "members": members}


def serve(pages):
    """Mock the LMS: its token endpoint and ``pages`` ({url: (body, next url or None)})."""
    responses.post(TOKEN, json={"access_token": "at", "token_type": "Bearer", "expires_in": 3600})
    for url, (body, following) in pages.items():
        headers = {"Link": f'<{following}>; rel="next"'} if following else {}
        if isinstance(body, int):
            responses.get(url, body="upstream down", status=body)
        elif isinstance(body, bytes):
            responses.get(url, body=body, headers=headers)
        else:
            responses.get(url, json=body, headers=headers)


def sync(classroom):
    queued = RosterSync.objects.create(classroom=classroom, source="teacher")
    roster.run(queued.pk)
    queued.refresh_from_db()
    return queued


def written():
    return (Account.objects.count(), Link.objects.count(), ClassMembership.objects.count())


MEMBERS = [member("a"), member("b")]
HOSTILE = {
    "not a container": ({PAGE1: ([], None)}, "page 1 is not a membership container"),
    "members not a list": ({PAGE1: ({"members": {}}, None)}, "not a membership container"),
    "user_id not text": ({PAGE1: (container([member(7)]), None)}, "member 1 of page 1: 'user_id'"),
    "user_id control": ({PAGE1: (container([member("a\x00")]), None)}, "'user_id'"),
    "roles a string": (
        {PAGE1: (container([{"user_id": "a", "roles": LEARNER}]), None)},
        "'roles' is not a list",
    ),
    "role not text": (
        {PAGE1: (container([{"user_id": "a", "roles": [1]}]), None)},
        "'roles' is not a list",
    ),
    "email a list": (
        {PAGE1: (container([member("a", email=["x@example.edu"])]), None)},
        "'email' is not text",
    ),
    "name an object": ({PAGE1: (container([member("a", name={"x": 1})]), None)}, "'name'"),
    "unknown status": ({PAGE1: (container([member("a", status="Gone")]), None)}, "'status'"),
    "member not an object": ({PAGE1: (container(["a"]), None)}, "member 1 of page 1"),
    "another course": ({PAGE1: (container(MEMBERS, "course-2"), None)}, "another course"),
    "context not an object": (
        {PAGE1: ({"context": "course-1", "members": MEMBERS}, None)},
        "another course",
    ),
    "not json": ({PAGE1: (b"<html>", None)}, "not JSON"),
    "loop": (
        {
            PAGE1: (container(MEMBERS), PAGE2),
            PAGE2: (container([member("c")]), PAGE1 + "?limit=500"),
        },
        "loop",
    ),
    "broken second page": (
        {PAGE1: (container(MEMBERS), PAGE2), PAGE2: (container([member(None)]), None)},
        "member 1 of page 2",
    ),
    "server error": ({PAGE1: (500, None)}, "HTTP 500"),
    "other host": (
        {PAGE1: (container(MEMBERS), "https://elsewhere.example/p2")},
        "not registered for the LMS",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
@responses.activate
def test_a_hostile_roster_is_refused_and_nothing_is_written(classroom, case):
    pages, reason = HOSTILE[case]
    serve(pages)
    before = written()
    done = sync(classroom)
    assert done.state == "failed" and reason in done.error, done.error
    assert written() == before


@responses.activate
def test_bounds_on_pages_members_and_page_size(classroom, settings):
    serve(
        {
            PAGE1: (container([member("a")]), PAGE2),
            PAGE2: (container([member("b")]), PAGE3),
            PAGE3: (container([member("c"), member("d")]), None),
        }
    )
    limits = {"ROSTER_MAX_PAGES": 2}
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, **limits}
    assert "more than 2 pages" in sync(classroom).error
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "ROSTER_MAX_PAGES": 10, "ROSTER_MAX_MEMBERS": 3}
    assert "more than 3 members" in sync(classroom).error
    settings.LTI_BRIDGE = {
        **settings.LTI_BRIDGE,
        "ROSTER_MAX_MEMBERS": 100,
        "ROSTER_MAX_PAGE_BYTES": 64,
    }
    too_big = sync(classroom)
    assert too_big.state == "failed" and too_big.error
    assert written() == (0, 0, 0)


@responses.activate
def test_a_roster_listing_nobody_does_not_empty_the_class(classroom):
    serve({PAGE1: (container(MEMBERS), None)})
    assert sync(classroom).state == "done"
    responses.replace(responses.GET, PAGE1, json=container([]))
    done = sync(classroom)
    assert done.state == "failed" and "listed nobody" in done.error
    assert ClassMembership.objects.filter(active=True).count() == 2


@responses.activate
def test_the_host_refused_is_recorded_for_the_registration(classroom):
    serve({PAGE1: (container(MEMBERS), "https://elsewhere.example/p2")})
    sync(classroom)
    classroom.registration.refresh_from_db()
    assert "elsewhere.example" in classroom.registration.refused_hosts


@responses.activate
def test_a_good_roster_follows_the_account_rules_and_the_role_table(classroom):
    org = classroom.organization
    member_of_org = Account.objects.create(name="Known", email="known@example.edu")
    OrgMembership.objects.create(organization=org, account=member_of_org)
    outsider = Account.objects.create(name="Outside", email="outside@example.edu")
    serve(
        {
            PAGE1: (
                container(
                    [
                        member("anon"),  # row 2: no email
                        member("new", name="New Person", email="New@Example.edu"),  # row 3
                        member("taken", email="outside@example.edu"),  # row 4: a learner
                        member("staff5", [INSTRUCTOR], email="known@example.edu"),  # row 5
                        member("staff6", [INSTRUCTOR], email="outside@example.edu"),  # row 6
                        member("mentor", [MENTOR], given_name="Men", family_name="Tor"),
                    ]
                ),
                "/nrps/p2",  # a relative next link (RFC 8288)
            ),
            f"{LMS}/nrps/p2": (
                container(
                    [
                        member("ta", [TA, INSTRUCTOR], picture="https://lms/x.png"),
                        member("gone", status="Inactive"),  # left before ever coming
                        member("anon"),  # listed twice: once
                    ]
                ),
                None,
            ),
        }
    )
    done = sync(classroom)
    assert done.state == "done", done.error
    assert (done.members, done.added, done.waiting, done.left) == (8, 6, 1, 0)
    links = {link.sub: link.account for link in Link.objects.select_related("account")}
    assert links["anon"].email is None
    assert links["new"].email == "new@example.edu" and links["new"].name == "New Person"
    assert links["taken"] != outsider and links["taken"].contact_email == "outside@example.edu"
    assert links["staff5"] == member_of_org
    assert "staff6" not in links and "gone" not in links
    assert links["mentor"].name == "Men Tor"
    roles = {
        m.account_id: (m.role, m.read_only) for m in ClassMembership.objects.filter(active=True)
    }
    assert roles[links["staff5"].pk] == ("teacher", False)
    assert roles[links["mentor"].pk] == ("teacher", True)
    assert roles[links["ta"].pk] == ("teacher", False)
    assert roles[links["anon"].pk] == ("student", False)

    # the next reading: "taken" has left, "new" is inactive; nothing else changes
    responses.replace(
        responses.GET,
        PAGE1,
        json=container(
            [
                member("anon"),
                member("new", status="Inactive", email="new@example.edu", name="New Person"),
                member("staff5", [INSTRUCTOR], email="known@example.edu"),
                member("mentor", [MENTOR]),
                member("ta", [TA, INSTRUCTOR]),
            ]
        ),
        headers={},
    )
    again = sync(classroom)
    assert (again.state, again.added, again.left) == ("done", 0, 2), again.error
    inactive = set(ClassMembership.objects.filter(active=False).values_list("account", flat=True))
    assert inactive == {links["taken"].pk, links["new"].pk}


@responses.activate
def test_a_trial_organization_makes_no_accounts_from_a_roster(classroom):
    Organization.objects.filter(pk=classroom.organization_id).update(trial=True)
    serve({PAGE1: (container(MEMBERS), None)})
    done = sync(classroom)
    assert (done.state, done.waiting) == ("done", 2)
    assert written() == (0, 0, 0)


@responses.activate
def test_the_roster_is_asked_for_with_the_service_scope_and_media_type(classroom):
    serve({PAGE1: (container(MEMBERS), None)})
    sync(classroom)
    token_call, page_call = responses.calls[0], responses.calls[1]
    assert "contextmembership.readonly" in token_call.request.body
    assert page_call.request.headers["Accept"] == (
        "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
    )
    assert page_call.request.headers["Authorization"] == "Bearer at"
    assert page_call.request.url == PAGE1 + "?limit=500"


def test_the_periodic_sync_queues_stale_classes_and_ends_lost_syncs(classroom, settings):
    from datetime import timedelta

    from django.utils import timezone

    lost = RosterSync.objects.create(classroom=classroom, source="launch", state="running")
    RosterSync.objects.filter(pk=lost.pk).update(created=timezone.now() - timedelta(hours=1))
    Classroom.objects.create(
        organization=classroom.organization,
        registration=classroom.registration,
        context_id="no-service",
    )
    assert roster.sync_stale_rosters() == 1  # the class with a membership service
    lost.refresh_from_db()
    assert lost.state == "failed" and "did not finish" in lost.error
    classroom.refresh_from_db()
    assert classroom.roster_requested_at is not None
    assert roster.sync_stale_rosters() == 0  # fresh now


def test_the_periodic_sync_is_on_the_schedules_open_edx_reads(settings):
    from lti_bridge.settings.common import ROSTERS_NAME, plugin_settings

    class LmsSettings:
        CELERYBEAT_SCHEDULE = {}

    lms = LmsSettings()
    plugin_settings(lms)
    assert lms.CELERYBEAT_SCHEDULE[ROSTERS_NAME]["task"] == "lti_bridge.sync_stale_rosters"
    assert lms.CELERY_BEAT_SCHEDULE[ROSTERS_NAME]["task"] == "lti_bridge.sync_stale_rosters"


def test_the_cron_command_queues_stale_rosters(classroom):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("lti_bridge_sync_rosters", stdout=out)
    assert "1 class roster(s) queued" in out.getvalue()
    assert json.dumps(list(RosterSync.objects.values_list("source", flat=True))) == '["schedule"]'
