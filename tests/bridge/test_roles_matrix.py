"""Every role against every view and API of the bridge, over HTTP (DESIGN section 4).

Actors launch for real (signed id_tokens, the bridge's own login) and keep the bridge's
sign-in cookie in their own client; then each one tries each endpoint.
"""

import json

import pytest
from django.test import Client

from lti_bridge.models import (
    Account,
    ClassMembership,
    Classroom,
    ResourceLink,
)
from tests import factories
from tests.support import (
    INSTRUCTOR,
    LEARNER,
    LTI,
    BridgeClient,
    LaunchAs,
    ScriptedPlatform,
)

pytestmark = pytest.mark.django_db

M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
TA = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
COURSE = {"id": "course-1", "title": "Course 1", "label": "C1"}
OTHER_COURSE = {"id": "course-2", "title": "Course 2", "label": "C2"}


def actor(platform, sub, roles, course=COURSE, **claims):
    """``sub`` launches into ``course`` from ``platform``, in a fresh browser each time."""
    return LaunchAs(platform)(sub, roles, context=course, browser=BridgeClient(), **claims)


@pytest.fixture
def world(bridge_setup):
    p = bridge_setup
    clients = {
        "learner": actor(p, "learner", [LEARNER]),
        "learner2": actor(p, "learner2", [LEARNER]),
        "instructor": actor(p, "instructor", [INSTRUCTOR]),
        "ta": actor(p, "ta", [TA]),
        "content_developer": actor(p, "designer", [M + "ContentDeveloper"]),
        "mentor": actor(p, "mentor", [M + "Mentor"], **{LTI + "role_scope_mentor": ["learner"]}),
        "teacher_of_another_class": actor(p, "other", [INSTRUCTOR], course=OTHER_COURSE),
        "learner_of_another_class": actor(p, "outsider", [LEARNER], course=OTHER_COURSE),
    }
    other_lms = factories.organization_with_lms(
        "Org 2",
        "org2",
        unit_fields={"title": "Hello 2"},
        name="LMS 2",
        issuer="https://lms2.example.edu",
        client_id="c2",
        private_pem=p.private_pem,
    )
    clients["user_of_another_organization"] = actor(other_lms, "stranger", [INSTRUCTOR])
    classroom = Classroom.objects.get(registration=p.registration, context_id="course-1")
    other_class = Classroom.objects.get(registration=p.registration, context_id="course-2")
    return {
        "clients": clients,
        "classroom": classroom,
        "link": ResourceLink.objects.get(classroom=classroom),
        "other_link": ResourceLink.objects.get(classroom=other_class),
        "learner": Account.objects.get(email="learner@example.edu"),
        "learner2": Account.objects.get(email="learner2@example.edu"),
        "outsider": Account.objects.get(email="outsider@example.edu"),
        "stranger": Account.objects.get(email="stranger@example.edu"),
    }


def endpoints(w):
    c, link = w["classroom"].pk, w["link"].pk
    one, two = w["learner"].pk, w["learner2"].pk
    mapping = json.dumps([{"mentorId": "mentor@example.edu", "learnerIds": ["learner"]}])
    return {
        "view class": ("get", f"/lti-bridge/classes/{c}/", {}),
        "view unit": ("get", f"/lti-bridge/units/{link}/", {}),
        "view work of learner": ("get", f"/lti-bridge/units/{link}/learners/{one}/", {}),
        "view work of learner2": ("get", f"/lti-bridge/units/{link}/learners/{two}/", {}),
        "edit settings": ("post", f"/lti-bridge/classes/{c}/settings/", {}),
        "edit content": (
            "post",
            f"/lti-bridge/units/{link}/content/",
            {"title": "T", "instructions": "I"},
        ),
        "mentors page": ("get", f"/lti-bridge/classes/{c}/mentors/", {}),
        "mentors api get": ("get", f"/lti-bridge/api/v1/classes/{c}/mentors", {}),
        "mentors api put": ("put", f"/lti-bridge/api/v1/classes/{c}/mentors", mapping),
        "grade learner": (
            "post",
            f"/lti-bridge/units/{link}/learners/{one}/grade/",
            {"points": "5"},
        ),
        "release": ("post", f"/lti-bridge/units/{link}/release/", {}),
        "export unit": ("get", f"/lti-bridge/units/{link}/export.csv", {}),
        "export class": ("get", f"/lti-bridge/classes/{c}/export.csv", {}),
        "export roster": ("get", f"/lti-bridge/classes/{c}/roster.csv", {}),
        "export assignment urls": ("get", f"/lti-bridge/classes/{c}/assignments.csv", {}),
        "organization settings": (
            "get",
            f"/lti-bridge/organizations/{w['classroom'].organization_id}/lti-integrations/",
            {},
        ),
        # Per-learner actions on learners who are not in the class of the link: a learner of
        # another class, an account of another organization, and (through the other class's
        # link) this class's learner. Nobody may reach them; nothing is written.
        **cross_class_endpoints(w),
    }


def cross_class_endpoints(w):
    link, other = w["link"].pk, w["other_link"].pk
    rows = {}
    for label, link_id, account in (
        ("learner of another class", link, w["outsider"].pk),
        ("account of another organization", link, w["stranger"].pk),
        ("this class's learner via another class", other, w["learner"].pk),
    ):
        base = f"/lti-bridge/units/{link_id}/learners/{account}"
        rows[f"view work: {label}"] = ("get", f"{base}/", {})
        rows[f"grade: {label}"] = ("post", f"{base}/grade/", {"points": "5"})
        rows[f"complete: {label}"] = ("post", f"{base}/completion/", {"action": "complete"})
    return rows


ALLOW, DENY, HIDDEN = "allow", "deny", "hidden"  # 2xx/3xx, 403, 404
ALL = {
    name: ALLOW
    for name in (
        "view class",
        "view unit",
        "view work of learner",
        "view work of learner2",
        "edit settings",
        "edit content",
        "mentors page",
        "mentors api get",
        "mentors api put",
        "grade learner",
        "release",
        "export unit",
        "export class",
        "export roster",
        "export assignment urls",
    )
}
# Organization settings are for organization administrators only
# (tests/bridge/test_org_settings.py): none of these roles is one.
ALL["organization settings"] = HIDDEN
CROSS_CLASS = [
    f"{verb}: {label}"
    for label in (
        "learner of another class",
        "account of another organization",
        "this class's learner via another class",
    )
    for verb in ("view work", "grade", "complete")
]
ALL.update(dict.fromkeys(CROSS_CLASS, HIDDEN))
NOTHING = dict.fromkeys(ALL, HIDDEN)
MENTOR = {
    **ALL,
    "edit settings": DENY,
    "edit content": DENY,
    "mentors page": DENY,
    "mentors api get": DENY,
    "mentors api put": DENY,
    "grade learner": DENY,
    "release": DENY,
}
EXPECTED = {
    "learner": {
        **NOTHING,
        "view unit": ALLOW,
        "view work of learner": ALLOW,
        "edit settings": DENY,
        "edit content": DENY,
        "mentors page": DENY,
        "mentors api get": DENY,
        "mentors api put": DENY,
        "grade learner": DENY,
        "release": DENY,
        "export unit": DENY,
    },
    "instructor": ALL,
    "ta": ALL,
    "content_developer": ALL,
    "mentor (filter off)": MENTOR,
    "mentor (filter on)": {**MENTOR, "view work of learner2": HIDDEN},
    "mentor allowed to grade": {**MENTOR, "grade learner": ALLOW},
    "teacher_of_another_class": NOTHING,
    "learner_of_another_class": NOTHING,
    "user_of_another_organization": NOTHING,
}


def outcome(response):
    if response.status_code == 404:
        return HIDDEN
    if response.status_code == 403:
        return DENY
    assert response.status_code < 400, response.status_code
    return ALLOW


@pytest.mark.parametrize("role", list(EXPECTED))
def test_role_by_action_matrix(world, role):
    classroom = world["classroom"]
    classroom.filter_learners_for_mentors = role == "mentor (filter on)"
    classroom.mentors_may_grade = role == "mentor allowed to grade"
    classroom.save()
    client = world["clients"][role.split(" (")[0].replace(" allowed to grade", "")]
    got = {}
    for name, (method, url, data) in endpoints(world).items():
        if method == "put":
            response = client.put(url, data, content_type="application/json")
        else:
            response = getattr(client, method)(url, data)
        got[name] = outcome(response)
        classroom.refresh_from_db()
        if classroom.filter_learners_for_mentors != (role == "mentor (filter on)"):
            classroom.filter_learners_for_mentors = role == "mentor (filter on)"
            classroom.mentors_may_grade = role == "mentor allowed to grade"
            classroom.save()
    assert got == EXPECTED[role]


def test_per_learner_actions_outside_the_class_write_nothing(world):
    """A teacher of course 2 aims at course 1's learner through course 2's unit, and at an
    account of another organization: 404 each time, and no work record appears."""
    from lti_bridge.models import Work

    before = set(Work.objects.values_list("resource_link_id", "account_id", "points"))
    for client in (world["clients"]["teacher_of_another_class"], world["clients"]["instructor"]):
        for name, (method, url, data) in cross_class_endpoints(world).items():
            assert getattr(client, method)(url, data).status_code == 404, name
    assert set(Work.objects.values_list("resource_link_id", "account_id", "points")) == before


def test_mentor_with_filter_sees_only_mentees_in_lists_and_counts(world):
    classroom = world["classroom"]
    classroom.filter_learners_for_mentors = True
    classroom.save()
    client = world["clients"]["mentor"]
    page = client.get(f"/lti-bridge/classes/{classroom.pk}/").content.decode()
    assert "1 learner" in page and "Learner2" not in page
    unit = client.get(f"/lti-bridge/units/{world['link'].pk}/").content.decode()
    assert "Learner2" not in unit
    classroom.filter_learners_for_mentors = False
    classroom.save()
    page = client.get(f"/lti-bridge/classes/{classroom.pk}/").content.decode()
    assert "2 learners" in page


def test_mentor_may_grade_only_when_the_class_allows(world):
    url = f"/lti-bridge/units/{world['link'].pk}/learners/{world['learner'].pk}/"
    client = world["clients"]["mentor"]
    assert 'data-testid="may-grade"' not in client.get(url).content.decode()
    world["classroom"].mentors_may_grade = True
    world["classroom"].save()
    assert 'data-testid="may-grade"' in client.get(url).content.decode()
    assert 'data-testid="may-grade"' in world["clients"]["instructor"].get(url).content.decode()
    assert 'data-testid="may-grade"' not in world["clients"]["learner"].get(url).content.decode()


def test_nobody_signed_in_sees_nothing(world):
    for name, (method, url, data) in endpoints(world).items():
        if method == "put":
            response = Client().put(url, data, content_type="application/json")
        else:
            response = getattr(Client(), method)(url, data)
        assert response.status_code == 404, name


def test_promotion_and_demotion_take_effect_at_the_next_launch(world, bridge_setup):
    url = f"/lti-bridge/classes/{world['classroom'].pk}/"
    learner = world["clients"]["learner"]
    assert learner.get(url).status_code == 404
    actor(bridge_setup, "learner", [TA])  # promoted in the LMS
    promoted = actor(bridge_setup, "learner", [TA])
    assert promoted.get(url).status_code == 200
    demoted = actor(bridge_setup, "ta", [LEARNER])
    assert demoted.get(url).status_code == 404
    assert ClassMembership.objects.get(account__email="ta@example.edu").role == "student"


def test_teacher_and_mentor_land_on_teacher_view_learner_on_own_work(bridge_setup):
    person = ScriptedPlatform(
        bridge_setup.registration, client=BridgeClient(), private_pem=bridge_setup.private_pem
    )
    page = person.full_launch(sub="m", **{LTI + "roles": [M + "Mentor"]}).content.decode()
    assert 'data-testid="teacher-view"' in page
    page = person.full_launch(sub="l", **{LTI + "roles": [LEARNER]}).content.decode()
    assert 'data-testid="teacher-view"' not in page and 'data-testid="unit-title"' in page
