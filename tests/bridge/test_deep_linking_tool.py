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


# ADR 0015: the picker's single-use URL token is its proof against other sites' posts. Canvas
# and Moodle open it in a frame; a browser that keeps no cookie there at all (not even a
# partitioned one) must still be able to answer, and the origin check stays.


def picker_for(name, platform):
    response = dl_launch(name, platform, roles=LMS[name]["instructor_roles"], person=GRACE)
    assert response.status_code == 302
    return urlsplit(response["Location"]).path


def cookieless():
    """A browser that keeps no cookie in the LMS's frame: every request starts bare."""
    from django.test import Client

    return Client(enforce_csrf_checks=True)  # and the form tokens are enforced, as a browser


@pytest.mark.parametrize("lms_platform", ["canvas", "moodle"], indirect=True)
def test_the_picker_answers_a_browser_that_keeps_no_cookie_in_frames(units):
    from lti_bridge.forms_token import FIELD
    from lti_bridge.session import COOKIE

    name, platform = units
    picker = picker_for(name, platform)
    page = cookieless().get(picker)
    assert page.status_code == 200 and 'data-testid="unit-picker"' in page.content.decode()
    assert f'<input type="hidden" name="{FIELD}"' not in page.content.decode()  # URL token: proof
    assert COOKIE not in page.cookies  # and no anonymous session is started for it

    loops = Unit.objects.get(code="loops")
    answer = cookieless().post(picker, {"unit": loops.pk}, HTTP_ORIGIN="http://testserver")
    assert answer.status_code == 200, answer.content.decode()[-400:]
    assert COOKIE not in answer.cookies
    action, token = response_form(answer.content.decode())
    assert action == DL_SETTINGS[name]["deep_link_return_url"]
    [item] = decode(token, platform)["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"codio_unit": "loops"}


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://school.instructure.com/courses/3304"},
    ],
)
@pytest.mark.parametrize("lms_platform", ["canvas"], indirect=True)
def test_the_picker_refuses_a_post_from_another_site_and_stays_open(units, headers):
    name, platform = units
    picker = picker_for(name, platform)
    loops = Unit.objects.get(code="loops")
    refused = cookieless().post(picker, {"unit": loops.pk}, **headers)
    assert refused.status_code == 403
    text = refused.content.decode()
    assert "another site" in text and "nothing was done" in text
    assert 'id="deep-linking-response"' not in text  # no signed answer was made
    # not spent: the teacher's own choice still goes
    answer = cookieless().post(picker, {"unit": loops.pk})
    assert answer.status_code == 200 and 'id="deep-linking-response"' in answer.content.decode()


@pytest.mark.parametrize("lms_platform", ["canvas"], indirect=True)
def test_a_spent_or_unknown_picker_says_so_in_its_own_words(units):
    name, platform = units
    picker = picker_for(name, platform)
    loops = Unit.objects.get(code="loops")
    assert cookieless().post(picker, {"unit": loops.pk}).status_code == 200
    for path in (picker, "/lti-bridge/deep-linking/" + "A" * 43 + "/"):  # replayed, unknown
        for response in (cookieless().post(path, {"unit": loops.pk}), cookieless().get(path)):
            assert response.status_code == 404
            text = response.content.decode()
            assert "This unit picker is no longer open" in text and "Nothing was sent" in text
            assert "earlier sign-in" not in text and "deep-linking-response" not in text


@pytest.mark.parametrize("token", ["a" * 10_000, "x", "a.b" * 15, "é" * 30])
def test_a_token_unlike_a_picker_s_is_not_looked_up(token, monkeypatch):
    """A picker token is 43 URL-safe characters: anything else is refused without a cache
    lookup (a 10,000-character key breaks memcached: a 500 there)."""
    from lti_bridge.flows import deep_linking

    def looked_up(token):
        raise AssertionError("looked up")

    monkeypatch.setattr(deep_linking, "load", looked_up)
    path = "/lti-bridge/deep-linking/" + token + "/"
    for response in (cookieless().get(path), cookieless().post(path, {"unit": "1"})):
        assert response.status_code == 404
        assert "This unit picker is no longer open" in response.content.decode()
