"""Mentor scopes: from launches (claim, custom parameter) and from teachers (UI and a JSON
API shaped like Codio's: ``[{"mentorId": "...", "learnerIds": ["...", ...]}]``, ids being
emails or LMS user ids)."""

from django.db import transaction
from django.db.models import Q

from ..models import Account, ClassMembership, MentorScope

CUSTOM_PARAMETERS = ("codio_custom_mentor_for", "codio_mentor_for", "mentor_for")
MAX_REF = 255
MAX_ENTRIES = 5000


class ScopeError(ValueError):
    """A mapping that cannot be applied; the message says which entry and why."""


def _clean_refs(values):
    refs = []
    for value in values:
        if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_REF:
            raise ScopeError(f"{value!r} is not an email or an LMS user id")
        ref = value.strip()
        refs.append(ref.lower() if "@" in ref else ref)
    return list(dict.fromkeys(refs))


def refs_from_launch(message):
    """(claim refs, custom refs) a mentor's launch (a LaunchMessage) names."""
    claim, custom = message.role_scope_mentor, message.custom
    raw = next((custom[k] for k in CUSTOM_PARAMETERS if isinstance(custom.get(k), str)), "")
    claim_refs = [r.strip() for r in claim if isinstance(r, str) and 0 < len(r.strip()) <= MAX_REF]
    custom_refs = [r.strip() for r in raw.split(",") if 0 < len(r.strip()) <= MAX_REF]
    return _norm(claim_refs), _norm(custom_refs)


def _norm(refs):
    return list(dict.fromkeys(r.lower() if "@" in r else r for r in refs))[:MAX_ENTRIES]


def _replace(classroom, mentor, source, refs):
    MentorScope.objects.filter(classroom=classroom, mentor=mentor, source=source).exclude(
        learner_ref__in=refs
    ).delete()
    existing = set(
        MentorScope.objects.filter(classroom=classroom, mentor=mentor, source=source).values_list(
            "learner_ref", flat=True
        )
    )
    MentorScope.objects.bulk_create(
        [
            MentorScope(classroom=classroom, mentor=mentor, source=source, learner_ref=r)
            for r in refs
            if r not in existing
        ],
        ignore_conflicts=True,
    )


def sync_from_launch(membership, message):
    """A mentor's launch is the truth for the scopes its LMS sends (absent = none)."""
    claim_refs, custom_refs = refs_from_launch(message)
    _replace(membership.classroom, membership.account, MentorScope.Source.CLAIM, claim_refs)
    _replace(membership.classroom, membership.account, MentorScope.Source.CUSTOM, custom_refs)


def mentors_of(classroom):
    return Account.objects.filter(
        class_memberships__classroom=classroom,
        class_memberships__role=ClassMembership.Role.TEACHER,
        class_memberships__read_only=True,
    )


def _find_mentor(classroom, ref):
    ref = ref.strip()
    match = Q(links__registration=classroom.registration_id, links__sub=ref)
    if "@" in ref:
        match |= Q(email=ref.lower())
    return mentors_of(classroom).filter(match).distinct().first()


def parse_mapping(data):
    """Validate Codio's shape; returns [(mentor_ref, [learner refs])]."""
    if not isinstance(data, list):
        raise ScopeError('expected a list of {"mentorId": ..., "learnerIds": [...]}')
    if len(data) > MAX_ENTRIES:
        raise ScopeError(f"at most {MAX_ENTRIES} mentors")
    parsed = []
    for index, entry in enumerate(data):
        if not isinstance(entry, dict) or not isinstance(entry.get("learnerIds"), list):
            raise ScopeError(f"entry {index}: needs mentorId and a learnerIds list")
        (mentor_ref,) = _clean_refs([entry.get("mentorId")])
        if len(entry["learnerIds"]) > MAX_ENTRIES:
            raise ScopeError(f"entry {index}: at most {MAX_ENTRIES} learners")
        parsed.append((mentor_ref, _clean_refs(entry["learnerIds"])))
    return parsed


@transaction.atomic
def set_teacher_scopes(classroom, data):
    """Replace the teacher-set scopes of the class with ``data`` (Codio's shape)."""
    mapping = parse_mapping(data)
    mentors = {}
    for mentor_ref, _ in mapping:
        mentor = _find_mentor(classroom, mentor_ref)
        if mentor is None:
            raise ScopeError(f"{mentor_ref!r} is not a mentor of this class")
        mentors[mentor_ref] = mentor
    MentorScope.objects.filter(classroom=classroom, source=MentorScope.Source.TEACHER).delete()
    for mentor_ref, learner_refs in mapping:
        _replace(classroom, mentors[mentor_ref], MentorScope.Source.TEACHER, learner_refs)


def as_mapping(classroom):
    """Every mentor's scopes, all sources, in Codio's shape (mentorId: the email or sub)."""
    result = {}
    scopes = MentorScope.objects.filter(classroom=classroom).select_related("mentor")
    for scope in scopes.order_by("mentor_id", "learner_ref"):
        mentor = scope.mentor
        key = mentor.email or (
            mentor.links.filter(registration=classroom.registration_id)
            .values_list("sub", flat=True)
            .first()
            or str(mentor.pk)
        )
        refs = result.setdefault(key, [])
        if scope.learner_ref not in refs:
            refs.append(scope.learner_ref)
    return [{"mentorId": k, "learnerIds": v} for k, v in result.items()]


def _learner_refs(classroom, learners):
    """account id -> every ref that names the learner: their LMS user ids (subs) in this
    class's LMS, email and contact email."""
    from ..models import Link

    refs = {learner.pk: set() for learner in learners}
    for account_id, sub in Link.objects.filter(
        registration=classroom.registration_id, account__in=list(refs)
    ).values_list("account_id", "sub"):
        refs[account_id].add(sub)
    for learner in learners:
        refs[learner.pk] |= {e.lower() for e in (learner.email, learner.contact_email) if e}
    return refs


def grid(classroom, mentors, learners):
    """Which (mentor id, learner id) pairs are set by a teacher, and which the LMS sends
    (claim or custom parameter), for these mentors and learners (one page of the form)."""
    refs = _learner_refs(classroom, learners)
    owner = {ref: account_id for account_id, names in refs.items() for ref in names}
    teacher, lms = set(), set()
    for mentor_id, ref, source in MentorScope.objects.filter(
        classroom=classroom, mentor__in=[m.pk for m in mentors]
    ).values_list("mentor_id", "learner_ref", "source"):
        if ref in owner:
            (teacher if source == MentorScope.Source.TEACHER else lms).add((mentor_id, owner[ref]))
    return teacher, lms


@transaction.atomic
def set_from_grid(classroom, mentors, learners, checked):
    """Apply one page of the form: for these mentors and learners, a teacher-set scope
    exactly where ``checked`` holds (mentor id, learner id). Scopes of other learners, and
    those the LMS sends, stay as they are. A new scope names the learner by LMS user id."""
    refs = _learner_refs(classroom, learners)
    for mentor in mentors:
        for learner in learners:
            names = refs[learner.pk]
            existing = MentorScope.objects.filter(
                classroom=classroom,
                mentor=mentor,
                source=MentorScope.Source.TEACHER,
                learner_ref__in=names,
            )
            if (mentor.pk, learner.pk) not in checked:
                existing.delete()
            elif not existing.exists() and names:
                ref = min((n for n in names if "@" not in n), default=min(names))
                MentorScope.objects.create(
                    classroom=classroom,
                    mentor=mentor,
                    source=MentorScope.Source.TEACHER,
                    learner_ref=ref,
                )
