"""Make the bridge's records agree with a validated launch: one small function per claim."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..db import retry_transaction
from ..delivery import outbox
from ..flows import grading, linking, mentors, roster
from ..identity import lti_id_from_custom
from ..models import ClassMembership, Classroom, OrgMembership, ResourceLink, Unit, Work
from . import errors

UNIT_PARAMETERS = ("codio_unit", "unit")


@dataclass
class LaunchOutcome:
    account: object
    classroom: Classroom
    membership: ClassMembership
    resource_link: ResourceLink
    role: object
    work: object = None  # a learner's Work on the resource link (None for teachers)


def _unit_code(message):
    return message.custom_text(UNIT_PARAMETERS, limit=100)


def find_resource_link(registration, context_id, resource_link_id):
    """The row the activity's launches open now (its ``current`` one), or None."""
    return (
        ResourceLink.objects.select_related("unit", "classroom")
        .filter(
            classroom__registration=registration,
            classroom__context_id=context_id,
            resource_link_id=resource_link_id,
            current=True,
        )
        .first()
    )


def sync_classroom(registration, context):
    classroom, _ = Classroom.objects.get_or_create(
        registration=registration,
        context_id=context.id,
        defaults={
            "organization": registration.organization,
            "release_automatically": registration.organization.release_automatically,
            "title": context.title,
            "label": context.label,
        },
    )
    return classroom


def sync_membership(classroom, account, role, lti_roles):
    """The launcher's membership with the launch's role; a launch makes a member who had
    left the course (by the LMS's roster) active again."""
    values = {
        "role": role.role,
        "read_only": role.read_only,
        "lti_roles": lti_roles,
        "active": True,
    }
    membership, created = ClassMembership.objects.get_or_create(
        classroom=classroom, account=account, defaults=values
    )
    changed = [name for name, value in values.items() if getattr(membership, name) != value]
    if not created and changed:
        for name in changed:
            setattr(membership, name, values[name])
        membership.save(update_fields=[*changed, "modified"])
    return membership


def sync_memberships_url(classroom, url):
    """The course's membership service (NRPS 2.0, the ``namesroleservice`` claim), kept on
    the class; a launch without a usable one (``url`` "") keeps what earlier ones gave."""
    if url and classroom.memberships_url != url:
        classroom.memberships_url = url
        classroom.save(update_fields=["memberships_url"])


SEND_MODE_PARAMETERS = ("codio_send_grade", "custom_codio_send_grade")


def _send_mode(message):
    for key in SEND_MODE_PARAMETERS:
        value = message.custom.get(key)
        if isinstance(value, str) and value.strip().upper() in ResourceLink.SendMode.values:
            return value.strip().upper()
    return ResourceLink.SendMode.GRADE_RELEASE


def sync_resource_link(classroom, unit, message, existing=None):
    """The launch's resource link, made or brought up to date. ``existing``: the row
    already read for this launch (not read again)."""
    link_claim, identity, ags = message.resource_link, message.identity, message.ags
    values = {"title": link_claim.title, "send_mode": _send_mode(message)}
    if identity is not None:  # the LMS shares names or emails from this activity, or not
        values["shares_identity"] = bool(identity.name or identity.email)
    if ags is not None and (ags.lineitem or ags.lineitems):
        # a launch without the AGS claim keeps what earlier ones gave
        values.update(
            lineitem_url=ags.lineitem, lineitems_url=ags.lineitems, ags_scopes=list(ags.scopes)
        )
    if existing is not None:
        resource_link, created = existing, False
    else:
        resource_link, created = ResourceLink.objects.get_or_create(
            classroom=classroom,
            resource_link_id=link_claim.id,
            defaults={"unit": unit, **values},
        )
    if not values["title"]:
        values["title"] = resource_link.title
    changed = [k for k, v in values.items() if getattr(resource_link, k) != v]
    if not created and changed:
        for key in changed:
            setattr(resource_link, key, values[key])
        resource_link.save(update_fields=changed)
    return resource_link


def lti_id_changes(registration, message):
    """Store the value of the organization's LTI ID field on the link (seed 001: "a unique
    identifier for students found in a custom LTI field"). A launch without the field
    keeps the value an earlier launch gave for the same field; after the field is renamed,
    each link takes the new field's value at its next launch.

    Returns the ``link_changes`` function ``linking.account_for_launch`` applies to the
    launch's link (it writes the changed fields with the launch time)."""
    field = registration.organization.lti_id_field
    found, value = lti_id_from_custom(message.custom, field)

    def apply(link):
        if not found and link.lti_id_field == field:
            return []
        if (link.lti_id, link.lti_id_field) == (value, field):
            return []
        link.lti_id, link.lti_id_field = value, field
        return ["lti_id", "lti_id_field"]

    return apply


def sync_org_admin(organization, account, roles):
    """System or institution Administrators of the LMS administer the organization;
    the right follows the LMS (withdrawn at the launch that lacks the role), except for
    administrators appointed in the bridge (``admin_from_lms`` False)."""
    admin = roles.is_org_admin
    membership = OrgMembership.objects.filter(organization=organization, account=account).first()
    if membership is None:
        return
    if admin and not membership.is_admin:
        membership.is_admin = membership.admin_from_lms = True
        membership.save(update_fields=["is_admin", "admin_from_lms"])
    elif not admin and membership.is_admin and membership.admin_from_lms:
        membership.is_admin = membership.admin_from_lms = False
        membership.save(update_fields=["is_admin", "admin_from_lms"])


def sync_from_launch(registration, message):
    """Apply a validated resource link launch (a :class:`~.message.LaunchMessage`). Creates
    nothing if it raises."""
    return _apply(registration, message)


def _unit_named(registration, code):
    unit = Unit.objects.filter(organization=registration.organization, code=code).first()
    if not code or unit is None:
        raise errors.UnitNotFound(f"unit {code!r} not found in {registration.organization}")
    return unit


def _unit_for_new_link(registration, message):
    return _unit_named(registration, _unit_code(message))


def unit_for_link(registration, existing, message):
    """The row and unit this launch opens. The LMS decides which unit an activity shows (the
    launch's signed ``codio_unit``): a launch naming another unit than the activity's
    current one moves the activity to it (:func:`relink`); a launch naming none, or the
    same one, keeps it. A unit the organization does not have is refused, changing nothing."""
    if existing is None:
        return None, _unit_for_new_link(registration, message)
    code = _unit_code(message)
    if not code or code == existing.unit.code:
        return existing, existing.unit
    unit = _unit_named(registration, code)
    return relink(existing, unit), unit


def relink(existing, unit):
    """Make ``unit`` the activity's current unit; ``existing`` (its current row) is kept,
    replaced, with its learners' work and grades (docs/decisions/0013-relinked-units.rst).

    The activity's rows are read locked: concurrent launches carrying the new unit move it
    once, and the later ones find it moved. The row of a unit the activity opened before is
    made current again (its learners find their work there); otherwise a row is made for
    the new unit, with the activity's LMS settings (title, AGS, send mode) carried over
    until the launch brings its own."""
    rows = list(
        ResourceLink.objects.select_for_update()
        .filter(classroom=existing.classroom_id, resource_link_id=existing.resource_link_id)
        .order_by("pk")
    )
    current = next((row for row in rows if row.current), None)
    target = next((row for row in rows if row.unit_id == unit.pk), None)
    if current is not None and current is target:  # another launch moved it meanwhile
        return _with_relations(target, existing, unit)
    if current is not None:  # replaced first: the unique index allows one current row
        current.current, current.replaced_at = None, timezone.now()
        current.save(update_fields=["current", "replaced_at"])
        outbox.hold_waiting(current)
    source = current or existing
    if target is None:
        target = ResourceLink.objects.create(
            classroom_id=existing.classroom_id,
            resource_link_id=existing.resource_link_id,
            unit=unit,
            title=source.title,
            lineitem_url=source.lineitem_url,
            lineitems_url=source.lineitems_url,
            ags_scopes=source.ags_scopes,
            send_mode=source.send_mode,
            shares_identity=source.shares_identity,
        )
    else:
        target.current, target.replaced_at = True, None
        target.save(update_fields=["current", "replaced_at"])
        grading.send_held_grades(target)
    return _with_relations(target, existing, unit)


def _with_relations(row, existing, unit):
    row.classroom, row.unit = existing.classroom, unit  # known: not read again
    return row


@retry_transaction
def _apply(registration, message):
    role, roles = message.roles.bridge_role, message.roles
    with transaction.atomic():
        # Read in the transaction, so that a retried attempt starts from the rows again.
        existing = find_resource_link(registration, message.context.id, message.resource_link.id)
        existing, unit = unit_for_link(registration, existing, message)
        account = linking.account_for_launch(
            registration,
            message.identity,
            is_staff=role.is_teacher,
            link_changes=lti_id_changes(registration, message),
        )
        if not account.is_active:  # nothing of this launch is kept (the transaction ends)
            raise errors.AccountDeactivated(f"account {account.pk} is deactivated")
        # A known resource link brings its class (read with it): neither is read again.
        classroom = (
            existing.classroom if existing else sync_classroom(registration, message.context)
        )
        sync_memberships_url(classroom, message.memberships_url)
        membership = sync_membership(classroom, account, role, list(roles.uris))
        sync_org_admin(registration.organization, account, roles)
        resource_link = sync_resource_link(classroom, unit, message, existing=existing)
        if role.is_teacher and role.read_only:
            mentors.sync_from_launch(membership, message)
        # the unit page shows these: known here, not read again
        resource_link.classroom, resource_link.unit = classroom, unit
        work = None
        if not role.is_teacher:
            work, created = Work.objects.get_or_create(resource_link=resource_link, account=account)
            if not created:
                work.save(update_fields=["last_launch"])
        # After commit, outside the launch's transaction: its conditional update never holds
        # the class's row while other launches of the class run, and it never fails a launch.
        transaction.on_commit(lambda: roster.request_if_stale(classroom), robust=True)
    return LaunchOutcome(account, classroom, membership, resource_link, role, work)
