"""The permission layer on its own, including the actions whose views come later
(grade, release, export): one table, asserted cell by cell."""

import pytest

from lti_bridge.models import Account, ClassMembership, Classroom, Link, MentorScope
from lti_bridge.permissions import Action, can, visible_learners

pytestmark = pytest.mark.django_db
A = Action


@pytest.fixture
def klass(bridge_setup):
    registration = bridge_setup.registration
    classroom = Classroom.objects.create(
        organization=registration.organization, registration=registration, context_id="c"
    )
    people = {}
    for name, role, read_only in [
        ("teacher", "teacher", False),
        ("mentor", "teacher", True),
        ("ann", "student", False),
        ("bob", "student", False),
    ]:
        account = Account.objects.create(name=name, email=f"{name}@example.edu")
        Link.objects.create(registration=registration, sub=name, account=account)
        people[name] = ClassMembership.objects.create(
            classroom=classroom, account=account, role=role, read_only=read_only
        )
    MentorScope.objects.create(
        classroom=classroom, mentor=people["mentor"].account, learner_ref="ann", source="claim"
    )
    return classroom, people


def test_table(klass):
    classroom, p = klass
    ann, bob = p["ann"].account, p["bob"].account
    for action in Action:
        assert can(p["teacher"], action, learner=ann)
    for action in (A.RELEASE, A.EDIT_CONTENT, A.EDIT_SETTINGS, A.MANAGE_MENTORS, A.GRADE):
        assert not can(p["mentor"], action, learner=ann)
    for action in (A.VIEW_CLASS, A.VIEW_UNIT, A.EXPORT):
        assert can(p["mentor"], action)
    assert can(p["mentor"], A.VIEW_WORK, learner=bob)  # filter off: every learner
    classroom.filter_learners_for_mentors = True
    classroom.mentors_may_grade = True
    classroom.save()
    assert can(p["mentor"], A.VIEW_WORK, learner=ann) and can(p["mentor"], A.GRADE, learner=ann)
    assert not can(p["mentor"], A.VIEW_WORK, learner=bob)
    assert not can(p["mentor"], A.GRADE, learner=bob)
    assert list(visible_learners(p["mentor"])) == [ann]
    assert can(p["ann"], A.VIEW_UNIT) and can(p["ann"], A.VIEW_WORK, learner=ann)
    for action in set(Action) - {A.VIEW_UNIT}:  # a learner's unit page is their own work
        assert not can(p["ann"], action, learner=bob)
    for action in Action:
        assert not can(None, action, learner=ann)
    assert list(visible_learners(p["ann"])) == [ann]
