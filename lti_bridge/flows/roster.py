"""A class's roster from the LMS (NRPS 2.0): ask for a sync, carry it out, apply it.

A sync is asked for at a launch when the roster is older than ``ROSTER_MAX_AGE``, by a
teacher ("Sync roster"), or by the periodic ``lti_bridge.sync_stale_rosters``; the task
``lti_bridge.sync_roster`` reads the whole roster (:mod:`lti_bridge.nrps_client`) and only
then applies it, in one transaction:

* each listed member gets their account by Codio's rules, exactly as at a launch
  (:func:`.linking.account_for_roster`), and a class membership with the role their LTI
  roles give; members the rules cannot place without them (an address to confirm, a trial
  organization) are counted as waiting and join at their first launch;
* members the roster no longer lists, or lists as inactive, become inactive members: their
  work and grades are kept, and their next launch makes them active again.

Learners who never launched then appear on the class page, in the teacher view ("Not
started"), in exports and in the mentor filter.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import conf, queue
from ..db import retry_transaction
from ..identity import LaunchIdentity
from ..models import ClassMembership, Classroom, Link, RosterSync
from ..nrps_client import RosterError, fetch_roster
from ..roles import RoleSet
from . import linking

log = logging.getLogger(__name__)

LOOKUP_CHUNK = 500


class NoRosterService(Exception):
    """The class's LMS has not offered a membership service (no NRPS claim yet)."""


def _enqueue(sync):
    # robust: a broker that cannot take the task never fails the request that asked; the
    # row stays queued and the periodic sync asks again once its lease is over.
    queue.after_commit(queue.SYNC_ROSTER, sync.pk, robust=True)


def _pending(classroom, now):
    lease = timedelta(seconds=conf.get("ROSTER_SYNC_LEASE"))
    return (
        classroom.roster_syncs.filter(
            state__in=[RosterSync.State.QUEUED, RosterSync.State.RUNNING], created__gte=now - lease
        )
        .order_by("-created")
        .first()
    )


def request_sync(classroom, source, account=None):
    """Queue a sync of the class's roster (or return the one already under way)."""
    if not classroom.memberships_url:
        raise NoRosterService(f"class {classroom.pk} has no membership service")
    now = timezone.now()
    pending = _pending(classroom, now)
    if pending is not None:
        return pending
    sync = RosterSync.objects.create(classroom=classroom, source=source, requested_by=account)
    Classroom.objects.filter(pk=classroom.pk).update(roster_requested_at=now)
    classroom.roster_requested_at = now
    _enqueue(sync)
    return sync


def is_stale(classroom, now):
    asked = classroom.roster_requested_at
    return asked is None or asked < now - timedelta(seconds=conf.get("ROSTER_MAX_AGE"))


def request_if_stale(classroom):
    """At a launch: queue a sync when the class has a membership service and its roster is
    out of date. One launch of many at once wins the conditional update; the rest go on."""
    now = timezone.now()
    if not classroom.memberships_url or not is_stale(classroom, now):
        return None
    won = Classroom.objects.filter(
        pk=classroom.pk, roster_requested_at=classroom.roster_requested_at
    ).update(roster_requested_at=now)
    if not won:
        return None
    classroom.roster_requested_at = now
    sync = RosterSync.objects.create(classroom=classroom, source=RosterSync.Source.LAUNCH)
    _enqueue(sync)
    return sync


def _links(registration, subs):
    found = {}
    for start in range(0, len(subs), LOOKUP_CHUNK):
        for link in Link.objects.filter(
            registration=registration, sub__in=subs[start : start + LOOKUP_CHUNK]
        ).select_related("account"):
            found[link.sub] = link
    return found


@retry_transaction
def apply_roster(classroom, members):
    """Make the class's memberships agree with ``members`` (RosterMember, validated).
    Returns the counts of the sync. Writes nothing when it raises."""
    with transaction.atomic():
        registration = classroom.registration
        memberships = {m.account_id: m for m in ClassMembership.objects.filter(classroom=classroom)}
        if not members and any(m.active for m in memberships.values()):
            raise RosterError("the LMS listed nobody in the course; nothing was changed")
        links = _links(registration, [member.sub for member in members])
        counts = {"members": len(members), "added": 0, "left": 0, "waiting": 0}
        listed, new = set(), []
        for member in members:
            identity = LaunchIdentity(sub=member.sub, email=member.email, name=member.name)
            role = RoleSet.parse(member.roles).bridge_role
            link = links.get(member.sub)
            if link is not None:
                account = linking.sync_account(
                    link.account, identity, registration, signed_in=False
                )
            elif not member.active:
                continue  # left before they ever came: nothing to make
            else:
                account = linking.account_for_roster(
                    registration, identity, is_staff=role.is_teacher
                )
                if account is None:
                    counts["waiting"] += 1
                    continue
            listed.add(account.pk)
            values = {
                "role": role.role,
                "read_only": role.read_only,
                "lti_roles": list(member.roles),
                "active": member.active,
            }
            current = memberships.get(account.pk)
            if current is None:
                if member.active:
                    new.append(ClassMembership(classroom=classroom, account=account, **values))
                    memberships[account.pk] = new[-1]
                    counts["added"] += 1
                continue
            if current.active != member.active:
                counts["left" if current.active else "added"] += 1
            changed = [name for name, value in values.items() if getattr(current, name) != value]
            if changed and current.pk:
                for name in changed:
                    setattr(current, name, values[name])
                current.save(update_fields=[*changed, "modified"])
        # A member whose own launch made their membership since it was read above keeps
        # that one (their launch carried the same roles): the insert skips it rather than
        # failing the whole roster on the unique key.
        ClassMembership.objects.bulk_create(new, batch_size=LOOKUP_CHUNK, ignore_conflicts=True)
        gone = [m.pk for pk, m in memberships.items() if m.active and m.pk and pk not in listed]
        for start in range(0, len(gone), LOOKUP_CHUNK):
            ClassMembership.objects.filter(pk__in=gone[start : start + LOOKUP_CHUNK]).update(
                active=False, modified=timezone.now()
            )
        counts["left"] += len(gone)
    return counts


def _finish(sync_id, **values):
    RosterSync.objects.filter(pk=sync_id).update(finished=timezone.now(), **values)


def run(sync_id):
    """Carry out a queued sync (the task's body). Never raises for what the LMS sends: the
    sync ends failed with the reason, for the teacher's class page."""
    claimed = RosterSync.objects.filter(pk=sync_id, state=RosterSync.State.QUEUED).update(
        state=RosterSync.State.RUNNING, started=timezone.now()
    )
    if not claimed:
        return None
    sync = RosterSync.objects.select_related("classroom__registration__organization").get(
        pk=sync_id
    )
    classroom = sync.classroom
    try:
        members = fetch_roster(
            classroom.registration, classroom.memberships_url, context_id=classroom.context_id
        )
        counts = apply_roster(classroom, members)
    except RosterError as exc:
        log.warning("Roster of class %s refused or not read: %s", classroom.pk, exc)
        _finish(sync_id, state=RosterSync.State.FAILED, error=str(exc)[:2000])
        return None
    except Exception:
        log.exception("Roster sync %s of class %s failed", sync_id, classroom.pk)
        _finish(sync_id, state=RosterSync.State.FAILED, error="unexpected error (see the logs)")
        raise
    _finish(sync_id, state=RosterSync.State.DONE, **counts)
    log.info("Roster of class %s synced: %s", classroom.pk, counts)
    return counts


def sync_stale_rosters(limit=200):
    """The periodic sync: syncs that never finished (their worker died) end failed, and
    every class whose roster is out of date is queued again."""
    now = timezone.now()
    RosterSync.objects.filter(
        state__in=[RosterSync.State.QUEUED, RosterSync.State.RUNNING],
        created__lt=now - timedelta(seconds=conf.get("ROSTER_SYNC_LEASE")),
    ).update(state=RosterSync.State.FAILED, finished=now, error="the sync did not finish")
    cutoff = now - timedelta(seconds=conf.get("ROSTER_MAX_AGE"))
    stale = (
        Classroom.objects.exclude(memberships_url="")
        .filter(Q(roster_requested_at__isnull=True) | Q(roster_requested_at__lt=cutoff))
        .order_by("roster_requested_at", "pk")[:limit]
    )
    queued = 0
    for classroom in stale:
        with transaction.atomic():
            request_sync(classroom, RosterSync.Source.SCHEDULE)
        queued += 1
    return queued
