"""Deep Linking 2.0 on the bridge (issue 12, tool side): a platform's deep linking request
opens a unit picker for the course's teachers; the choice goes back as a signed
LtiDeepLinkingResponse whose ltiResourceLink launches straight into the unit. Requests are
shaped as Moodle and Canvas send them (tests/lms_fixtures.py)."""

import re
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from lti_bridge import keys
from lti_bridge.models import Account, Organization, Unit
from tests.bridge.test_real_lms import ADA, GRACE, TARGET, launch, lms_platform  # noqa: F401
from tests.lms_fixtures import AGS, DL, LMS, LTI, launch_claims

pytestmark = [pytest.mark.bridge_alone, pytest.mark.django_db(transaction=True)]

DL_SETTINGS = {
    "moodle": {
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["frame", "iframe", "window"],
        "accept_copy_advice": False,
        "accept_multiple": True,
        "accept_unsigned": False,
        "auto_create": False,
        "can_confirm": False,
        "deep_link_return_url": "https://moodle.example.edu/mod/lti/contentitem_return.php?course=7&id=3&sesskey=Zx81",
        "data": "",
        "title": "",
        "text": "",
    },
    "canvas": {
        "deep_link_return_url": "https://school.instructure.com/courses/3304/deep_linking_response?modal=true",
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_media_types": "application/vnd.ims.lti.v1.ltilink",
        "auto_create": False,
        "accept_multiple": False,
        "data": "eyJhbGciOiJIUzI1NiJ9.c2lnbmVk.dGhlIHBsYXRmb3JtJ3M",
        "validation_context": None,
        "errors": {"errors": {}},
    },
}


def dl_launch(name, platform, *, roles, person, settings=None, sub="dl-1"):
    def as_deep_linking_request(claims):
        claims[LTI + "message_type"] = "LtiDeepLinkingRequest"
        claims.pop(LTI + "resource_link", None)
        claims.pop(AGS, None)
        claims[DL] = settings or DL_SETTINGS[name]

    return launch(name, platform, sub=sub, roles=roles, person=person, edit=as_deep_linking_request)


@pytest.fixture
def units(lms_platform):  # noqa: F811
    name, platform = lms_platform
    org = platform.registration.organization
    Unit.objects.create(organization=org, code="loops", title="Loops", max_points=50)
    Unit.objects.create(
        organization=org, code="functions", title="Functions", instructions="Write **functions**."
    )
    other = Organization.objects.create(name="Other", slug="other")
    Unit.objects.create(organization=other, code="secret", title="Another organization's unit")
    return name, platform


def response_form(page):
    action = unescape(
        re.search(r'<form id="deep-linking-response" method="post" action="([^"]+)"', page).group(1)
    )
    token = re.search(r'name="JWT" value="([^"]+)"', page).group(1)
    return action, token


def decode(token, platform):
    header = jwt.get_unverified_header(token)
    public = {k["kid"]: k for k in keys.jwks()["keys"]}[header["kid"]]
    return jwt.decode(
        token,
        jwt.algorithms.RSAAlgorithm.from_jwk(public),
        algorithms=["RS256"],
        audience=platform.registration.issuer,
        issuer=platform.registration.client_id,
    )


@pytest.mark.parametrize("lms_platform", ["moodle", "canvas"], indirect=True)
def test_a_teacher_picks_a_unit_and_the_platform_gets_a_signed_link(units):
    name, platform = units
    response = dl_launch(name, platform, roles=LMS[name]["instructor_roles"], person=GRACE)
    assert response.status_code == 302
    picker_url = response["Location"]
    page = platform.client.get(picker_url).content.decode()
    assert 'data-testid="unit-picker"' in page
    assert "Loops" in page and "Functions" in page and "Hello, Python" in page
    assert "Another organization" not in page
    searched = platform.client.get(picker_url + "?q=loop").content.decode()
    assert "Loops" in searched and "Functions" not in searched

    loops = Unit.objects.get(code="loops")
    answer = platform.client.post(picker_url, {"unit": loops.pk})
    assert answer.status_code == 200
    action, token = response_form(answer.content.decode())
    assert action == DL_SETTINGS[name]["deep_link_return_url"]
    claims = decode(token, platform)
    assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "deployment_id"] == LMS[name]["deployment_id"]
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == DL_SETTINGS[name]["data"]
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink" and item["title"] == "Loops"
    assert item["custom"] == {"codio_unit": "loops"} and item["url"] == TARGET
    assert item["lineItem"] == {"scoreMaximum": 50.0, "label": "Loops", "resourceId": "loops"}
    assert "iframe" in item

    again = platform.client.post(picker_url, {"unit": loops.pk})
    assert again.status_code in (400, 404)  # spent: one response per request
    assert Account.objects.count() == 0  # picking signs nobody in


@pytest.mark.parametrize("lms_platform", ["moodle"], indirect=True)
def test_the_chosen_link_launches_straight_into_the_unit(units):
    name, platform = units
    login = platform.login(target=TARGET)
    params = {k: v[0] for k, v in parse_qs(urlsplit(login["Location"]).query).items()}
    claims = launch_claims(
        name,
        sub="42",
        roles=LMS[name]["learner_roles"],
        nonce=params["nonce"],
        target=TARGET,
        now=int(time.time()),
        person=ADA,
    )
    claims[LTI + "custom"] = {"codio_unit": "functions"}  # what the content item set
    claims[LTI + "resource_link"] = {"id": "new-link", "title": "Functions"}
    page = platform.launch(platform.sign(claims), params["state"]).content.decode()
    assert "<strong>functions</strong>" in page


@pytest.mark.parametrize("lms_platform", ["moodle"], indirect=True)
def test_learners_and_mentors_may_not_pick(units):
    name, platform = units
    for roles in (
        LMS[name]["learner_roles"],
        ["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"],
    ):
        response = dl_launch(name, platform, roles=roles, person=ADA, sub="s-" + str(len(roles)))
        assert response.status_code == 403
        assert "teachers can choose" in response.content.decode()
    assert Account.objects.count() == 0


@pytest.mark.parametrize("lms_platform", ["canvas"], indirect=True)
def test_a_return_url_outside_the_platform_is_refused(units):
    name, platform = units
    settings = {**DL_SETTINGS[name], "deep_link_return_url": "https://attacker.example/collect"}
    response = dl_launch(
        name, platform, roles=LMS[name]["instructor_roles"], person=GRACE, settings=settings
    )
    assert response.status_code == 400


@pytest.mark.parametrize("lms_platform", ["moodle"], indirect=True)
def test_a_unit_of_another_organization_cannot_be_sent(units):
    name, platform = units
    response = dl_launch(name, platform, roles=LMS[name]["instructor_roles"], person=GRACE)
    secret = Unit.objects.get(code="secret")
    answer = platform.client.post(response["Location"], {"unit": secret.pk})
    assert answer.status_code == 400 and "JWT" not in answer.content.decode()


@pytest.mark.parametrize("lms_platform", ["moodle"], indirect=True)
def test_cancel_answers_with_no_content_item(units):
    name, platform = units
    response = dl_launch(name, platform, roles=LMS[name]["instructor_roles"], person=GRACE)
    answer = platform.client.post(response["Location"], {"unit": ""})
    _, token = response_form(answer.content.decode())
    claims = decode(token, platform)
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"] == []


def test_an_unknown_picker_is_not_found(client):
    assert client.get("/lti-bridge/deep-linking/not-a-token/").status_code == 404


@pytest.mark.parametrize("lms_platform", ["moodle"], indirect=True)
def test_the_picker_pages_through_many_units_and_keeps_the_search(units, settings):
    name, platform = units
    settings.LTI_BRIDGE = {**settings.LTI_BRIDGE, "PAGE_SIZE": 2}
    org = platform.registration.organization
    for n in range(5):
        Unit.objects.create(organization=org, code=f"lab-{n}", title=f"Lab {n}")
    picker = dl_launch(name, platform, roles=LMS[name]["instructor_roles"], person=GRACE)[
        "Location"
    ]
    first = platform.client.get(picker + "?q=lab").content.decode()
    assert "Lab 0" in first and "Lab 1" in first and "Lab 2" not in first
    assert "?page=2&amp;q=lab" in first
    second = platform.client.get(picker + "?page=2&q=lab").content.decode()
    assert "Lab 2" in second and "Lab 3" in second and "Loops" not in second


@pytest.mark.parametrize("lms_platform", ["moodle"], indirect=True)
def test_picking_another_unit_for_the_same_link_is_honoured(units):
    """Issue 26, item 8: the author picks Loops, then opens the picker again and picks
    Functions for the same activity; its next launch carries the new content item's custom
    parameter and opens Functions (it kept opening Loops). The learner's work on Loops stays
    with Loops (docs/decisions/0013-relinked-units.rst)."""
    from lti_bridge.models import ResourceLink, Work

    name, platform = units

    def pick(code):
        picker = dl_launch(name, platform, roles=LMS[name]["instructor_roles"], person=GRACE)
        answer = platform.client.post(picker["Location"], {"unit": Unit.objects.get(code=code).pk})
        [item] = decode(response_form(answer.content.decode())[1], platform)[
            "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
        ]
        return item

    def launch_item(item):
        login = platform.login(target=TARGET)
        params = {k: v[0] for k, v in parse_qs(urlsplit(login["Location"]).query).items()}
        claims = launch_claims(
            name,
            sub="42",
            roles=LMS[name]["learner_roles"],
            nonce=params["nonce"],
            target=TARGET,
            now=int(time.time()),
            person=ADA,
        )
        claims[LTI + "custom"] = item["custom"]  # what the platform stored for the link
        claims[LTI + "resource_link"] = {"id": "picked-link", "title": item["title"]}
        return platform.launch(platform.sign(claims), params["state"]).content.decode()

    assert "Loops" in launch_item(pick("loops"))
    page = launch_item(pick("functions"))
    assert "<strong>functions</strong>" in page  # was: Loops again

    loops, functions = (
        ResourceLink.objects.get(resource_link_id="picked-link", unit__code=code)
        for code in ("loops", "functions")
    )
    assert loops.current is None and functions.current is True
    assert Work.objects.filter(resource_link=loops).count() == 1  # kept, with Loops
