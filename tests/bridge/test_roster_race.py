"""A roster sync meets first launches of the same class (issue 15's cold burst on MariaDB):
a member whose launch made their membership after the roster read the class's memberships
no longer fails the whole roster on the unique key."""

import pytest

from lti_bridge.flows import roster
from lti_bridge.models import Account, ClassMembership, Classroom, Link
from lti_bridge.nrps_client import RosterMember
from tests.support import LEARNER

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_membership_made_by_a_launch_meanwhile_does_not_fail_the_roster(
    bridge_setup, monkeypatch
):
    assert bridge_setup.full_launch(sub="first").status_code == 200
    classroom = Classroom.objects.get()
    registration = bridge_setup.registration
    late = Account.objects.create(name="Late Launcher", email="late@example.edu")
    Link.objects.create(registration=registration, sub="late", account=late)
    members = [
        RosterMember(sub=sub, email="", name="", roles=(LEARNER,), active=True)
        for sub in ("first", "late", "newcomer")
    ]
    real_links = roster._links

    def links_then_a_launch(registration, subs):
        found = real_links(registration, subs)
        # the late launcher's own launch commits its membership now
        ClassMembership.objects.create(classroom=classroom, account=late, role="student")
        return found

    monkeypatch.setattr(roster, "_links", links_then_a_launch)
    counts = roster.apply_roster(classroom, members)
    assert counts["members"] == 3
    assert ClassMembership.objects.filter(classroom=classroom, account=late).count() == 1
    assert ClassMembership.objects.filter(classroom=classroom, active=True).count() == 3
