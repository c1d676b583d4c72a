"""Rosters end to end in the demo course: the bridge reads the course's roster from the
platform's membership service (real LTI over HTTP: token, NRPS pages), learners who never
launched appear on the class page, in the teacher view, in exports and in the mentor
filter, and members who leave become inactive with their work kept."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from codio_xblock.launch import subject_for
from lti_bridge.flows import roster
from lti_bridge.models import (
    Account,
    ClassMembership,
    Classroom,
    EmailVerification,
    ResourceLink,
    RosterSync,
    Work,
)
from tests.support import launch_through_xblock

pytestmark = pytest.mark.django_db(transaction=True)  # syncs are queued on commit


def open_unit(client, index=0):
    response, _steps = launch_through_xblock(client, index=index)
    assert response.status_code == 200, response.content.decode()[-800:]
    return response


@pytest.fixture
def teacher(course, as_user):
    client = as_user("instructor")
    open_unit(client)
    return client


def test_the_first_launch_reads_the_roster_with_roles_as_the_lms_grants_them(teacher, users):
    (sync,) = RosterSync.objects.all()
    assert (sync.source, sync.state, sync.error) == ("launch", "done", "")
    assert sync.members == len(users)  # every demo user is in the workbench's course
    classroom = Classroom.objects.get()
    assert classroom.memberships_url.startswith("http://codio.test/codio/lti/v1/nrps/")
    roles = {
        m.account.name: (m.role, m.read_only, m.active)
        for m in ClassMembership.objects.select_related("account")
    }
    assert roles["Alan Turing"] == ("student", False, True)  # learner2, never launched
    assert roles["Barbara Liskov"] == ("teacher", True, True)  # limited staff: a mentor
    assert roles["Frances Allen"] == ("teacher", False, True)  # course staff
    assert roles["Edsger Dijkstra"] == ("student", False, True)  # a forum Community TA
    # accounts made from the roster: nobody signed in
    assert Account.objects.get(name="Alan Turing").last_login is None


def test_learners_who_never_launched_appear_everywhere(teacher, users):
    classroom = Classroom.objects.get()
    page = teacher.get(f"/lti-bridge/classes/{classroom.pk}/").content.decode()
    assert "Alan Turing" in page and "Margaret Hamilton" in page
    assert 'data-testid="roster-state"' in page and "members in the LMS" in page

    link = ResourceLink.objects.get()
    unit = teacher.get(f"/lti-bridge/units/{link.pk}/").content.decode()
    row = unit[unit.index("Alan Turing") :]
    assert row.index('data-testid="status">Not started<') < row.index("</tr>")

    export = teacher.get(f"/lti-bridge/classes/{classroom.pk}/roster.csv")
    names = [row[0] for row in csv.reader(io.StringIO(b"".join(export).decode()))]
    assert "Alan Turing" in names

    # the mentor filter: a teacher names learner2 (by LMS user id) for the mentor
    classroom.filter_learners_for_mentors = True
    classroom.save()
    response = teacher.put(
        f"/lti-bridge/api/v1/classes/{classroom.pk}/mentors",
        [{"mentorId": "mentor@example.edu", "learnerIds": [subject_for(users["learner2"].pk)]}],
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    from tests.conftest import client_for

    mentor = client_for(users["mentor"])
    open_unit(mentor)
    seen = mentor.get(f"/lti-bridge/classes/{classroom.pk}/").content.decode()
    listed = seen[
        seen.index('data-testid="class-learners"') : seen.index(
            "</ul>", seen.index("class-learners")
        )
    ]
    assert "Alan Turing" in listed and "Ada Lovelace" not in listed


def test_a_learner_who_leaves_becomes_inactive_and_keeps_their_work(course, as_user, users):
    learner = as_user("learner")
    open_unit(learner)
    work = Work.objects.get(account__name="Ada Lovelace")
    work.points, work.comment = 7, "ok"
    work.save()
    teacher = as_user("instructor")
    open_unit(teacher)
    classroom = Classroom.objects.get()

    users["learner"].is_active = False  # deactivated in the LMS: an inactive member
    users["learner"].save()
    assert teacher.post(f"/lti-bridge/classes/{classroom.pk}/roster/sync/").status_code == 302
    sync = RosterSync.objects.first()
    assert (sync.source, sync.state, sync.left) == ("teacher", "done", 1), sync.error
    membership = ClassMembership.objects.get(account__name="Ada Lovelace")
    assert membership.active is False
    work.refresh_from_db()
    assert (work.points, work.comment) == (7, "ok")  # kept
    page = teacher.get(f"/lti-bridge/classes/{classroom.pk}/").content.decode()
    assert 'data-testid="left-course"' in page

    users["learner"].is_active = True  # back in the course: active at the next launch
    users["learner"].save()
    open_unit(as_user("learner"))
    membership.refresh_from_db()
    assert membership.active is True


def test_only_teachers_may_ask_for_the_roster(teacher, course, as_user):
    classroom = Classroom.objects.get()
    url = f"/lti-bridge/classes/{classroom.pk}/roster/sync/"
    mentor = as_user("mentor")
    open_unit(mentor)
    before = RosterSync.objects.count()
    assert mentor.post(url).status_code == 403  # read-only
    learner = as_user("learner2")
    open_unit(learner)
    assert learner.post(url).status_code == 403
    assert RosterSync.objects.count() == before
    assert teacher.get(url).status_code == 405


def test_a_launch_asks_again_only_once_the_roster_is_out_of_date(teacher, as_user):
    open_unit(as_user("learner"))
    assert RosterSync.objects.count() == 1
    Classroom.objects.update(roster_requested_at=timezone.now() - timedelta(days=1))
    open_unit(as_user("learner"))
    assert RosterSync.objects.count() == 2


def test_roster_accounts_follow_codios_rules(course, as_user, users):
    """Learner2's address already belongs to an account outside the organization: a
    learner gets a new account (row 4); a teacher whose address does waits for their own
    first launch to confirm it (row 6), and no mail is sent from a roster."""
    outsider = Account.objects.create(name="Someone", email="learner2@example.edu")
    staffer = Account.objects.create(name="Other", email="staff@example.edu")
    open_unit(as_user("instructor"))
    sync = RosterSync.objects.get()
    assert sync.waiting == 1, sync.error  # staff@example.edu: course staff, row 6
    turing = Account.objects.get(name="Alan Turing")
    assert turing.pk != outsider.pk and turing.email is None
    assert turing.contact_email == "learner2@example.edu"
    assert not ClassMembership.objects.filter(account=staffer).exists()
    assert not EmailVerification.objects.exists()


def test_request_sync_reuses_a_sync_under_way_and_refuses_without_a_service(teacher):
    classroom = Classroom.objects.get()
    queued = RosterSync.objects.create(classroom=classroom, source="teacher")
    assert roster.request_sync(classroom, "teacher") == queued
    classroom.memberships_url = ""
    with pytest.raises(roster.NoRosterService):
        roster.request_sync(classroom, "teacher")
