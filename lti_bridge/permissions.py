"""Who may do what in a class: the one place that decides (DESIGN section 4).

Views and APIs ask :func:`can` (and :func:`visible_learners` for lists); none decides by
itself. Rights come from the account's membership of the class, synced from the LTI roles
at every launch, and from two class settings:

* ``filter_learners_for_mentors``: a mentor sees only the mentees named by the
  ``role_scope_mentor`` claim, the ``codio_custom_mentor_for`` parameter or a teacher;
* ``mentors_may_grade``: a mentor may grade the learners they can see.

| action         | teacher | mentor (read-only)              | learner          |
|----------------|---------|---------------------------------|------------------|
| view class     | yes     | yes                             | no               |
| view unit      | yes     | yes                             | yes (own work)   |
| view work      | learners of the class | visible learners  | own work only    |
| grade          | learners of the class | visible learners, if allowed | no    |
| release        | yes     | no                              | no               |
| edit content   | yes     | no                              | no               |
| edit settings  | yes     | no                              | no               |
| export         | yes     | yes (visible learners only)     | no               |
| manage mentors | yes     | no                              | no               |
| sync roster    | yes     | no                              | no               |

Organization settings ("LTI Integrations") are for organization administrators only
(:func:`administers`): system or institution Administrators of the LMS, or accounts
appointed in the Django admin.
"""

from enum import StrEnum

from django.db.models import Q

from .models import Account, ClassMembership, MentorScope, OrgMembership


class Action(StrEnum):
    VIEW_CLASS = "view_class"
    VIEW_UNIT = "view_unit"
    VIEW_WORK = "view_work"
    GRADE = "grade"
    RELEASE = "release"
    EDIT_CONTENT = "edit_content"
    EDIT_SETTINGS = "edit_settings"
    EXPORT = "export"
    MANAGE_MENTORS = "manage_mentors"
    SYNC_ROSTER = "sync_roster"


TEACHER_ONLY = {
    Action.RELEASE,
    Action.EDIT_CONTENT,
    Action.EDIT_SETTINGS,
    Action.MANAGE_MENTORS,
    Action.SYNC_ROSTER,
}
ABOUT_A_LEARNER = {Action.VIEW_WORK, Action.GRADE}


def membership_of(account, classroom):
    """The account's membership of the class, or None (another class, organization...)."""
    if account is None:
        return None
    return ClassMembership.objects.filter(account=account, classroom=classroom).first()


def is_teacher(membership):
    return membership is not None and membership.role == ClassMembership.Role.TEACHER


def is_mentor(membership):
    return is_teacher(membership) and membership.read_only


def can(membership, action, learner=None):
    """May the member do ``action`` (on ``learner``, an Account, for per-learner actions)?

    A per-learner action needs a learner of *this* class whom the member may see, whatever
    the member's role: a teacher of one class never reaches a learner of another class or
    organization (account ids are sequential; nothing may be read or written for them).
    """
    if membership is None:
        return False
    action = Action(action)
    if action in ABOUT_A_LEARNER and (learner is None or not learner_visible(membership, learner)):
        return False
    if not is_teacher(membership):  # a learner: their unit and their own work, nothing else
        return action in (Action.VIEW_UNIT, Action.VIEW_WORK)
    if not membership.read_only:
        return True
    if action in TEACHER_ONLY:
        return False
    return not (action == Action.GRADE and not membership.classroom.mentors_may_grade)


def visible_learners(membership):
    """The learners of the class this member may see (a QuerySet of Accounts)."""
    classroom = membership.classroom
    learners = Account.objects.filter(
        class_memberships__classroom=classroom,
        class_memberships__role=ClassMembership.Role.STUDENT,
    )
    if not is_teacher(membership):
        return learners.filter(pk=membership.account_id)
    if is_mentor(membership) and classroom.filter_learners_for_mentors:
        return learners.filter(mentee_filter(membership)).distinct()
    return learners


def learner_visible(membership, learner):
    return visible_learners(membership).filter(pk=learner.pk).exists()


def mentee_filter(membership):
    """Q over Account: the mentees of a mentor, by LMS user id (sub) or email."""
    refs = list(
        MentorScope.objects.filter(
            classroom=membership.classroom, mentor=membership.account_id
        ).values_list("learner_ref", flat=True)
    )
    emails = [ref.lower() for ref in refs if "@" in ref]
    return (
        Q(links__registration=membership.classroom.registration_id, links__sub__in=refs)
        | Q(email__in=emails)
        | Q(contact_email__in=emails)
    )


def administers(account, organization):
    """Is the account an administrator of the organization (its LTI Integrations page)?"""
    if account is None or organization is None:
        return False
    return OrgMembership.objects.filter(
        organization=organization, account=account, is_admin=True
    ).exists()
