"""Every page a person sees, in Spanish, with no English left: the Studio editor, the unit
in the LMS (through Open edX's XBlockI18nService, which reads the block's own catalog) and
the bridge's pages. Each page is rendered in English and in Spanish; a text that reads the
same in both is English left behind, unless it is a name, data or a technical term."""

import re
from html.parser import HTMLParser

import pytest
from django.utils import translation

from tests.support import launch_through_xblock

pytestmark = pytest.mark.django_db

# Words that are the same in both languages: technical terms, brands, units.
INVARIANT = {
    "codio",
    "lti",
    "lms",
    "csv",
    "url",
    "urls",
    "id",
    "ids",
    "ags",
    "oidc",
    "jwks",
    "excel",
    "open",
    "edx",
    "python",
    "iframe",
    "window",
    "demo",
    "no",
    "token",
    "sub",
    "http",
    "https",
    "de",
    "la",
    "el",
    "en",
    "un",
    "una",
}


class _Text(HTMLParser):
    """Visible text nodes and the human-facing attributes of a page."""

    ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-tooltip"}

    def __init__(self):
        super().__init__()
        self.texts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.texts.append(value.strip())
            if tag == "input" and name == "value" and ("type", "submit") in attrs:
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def texts(html):
    parser = _Text()
    parser.feed(html)
    return parser.texts


def english_left(english_html, spanish_html, data=()):
    """Texts of the English page found unchanged in the Spanish one that hold an English
    word (not a name, datum or technical term)."""
    spanish = set(texts(spanish_html))
    data = [" ".join(str(datum).split()) for datum in data]
    left = []
    for text in texts(english_html):
        if text not in spanish or any(text in datum for datum in data):
            continue  # translated, or a piece of data (a title, a name, instructions)
        rest = re.sub(r"\S*[/@]\S*", " ", text)  # URLs, paths, addresses
        # moments, as the `when` filter writes them: the zone's abbreviation is data
        rest = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d [A-Za-z0-9+-]+", " ", rest)
        for datum in sorted(data, key=len, reverse=True):
            rest = rest.replace(datum, " ")
        words = [w.lower() for w in re.findall(r"[A-Za-z]{2,}", rest)]
        if any(w not in INVARIANT for w in words):
            left.append(text)
    return left


def both(render):
    pages = {}
    for language in ("en", "es"):
        with translation.override(language):
            pages[language] = render(language)
    return pages["en"], pages["es"]


# ---- the block, as Open edX renders it -----------------------------------------------------


def test_studio_editor_lms_view_and_author_view(openedx, settings):
    from codio_xblock.models import ToolRegistration

    ToolRegistration.objects.create(
        slug="lti_bridge",
        name="Codio bridge",
        oidc_login_url="https://t.example/login",
        launch_url="https://t.example/launch",
        redirect_uris="https://t.example/launch",
        keyset_url="https://t.example/jwks",
    )
    learner = openedx.user("ada", name="Ada")

    def render(language):
        block = openedx.block(user=learner, display_name="Hello, Python", unit="hello-python")
        openedx.use_block_catalog(block)
        return "\n".join(
            [
                block.studio_view().content,
                block.student_view().content,
                block.author_view().content,
            ]
        )

    english, spanish = both(render)
    assert "Peso" in spanish and "Guardar" in spanish and "Compartir el nombre" in spanish
    data = ["Hello, Python", "hello-python", "Codio bridge", "lti_bridge", "Ada"]
    assert english_left(english, spanish, data) == []


def test_block_catalog_wins_over_djangos(openedx):
    """XBlockI18nService reads text.mo from the package: a msgid edx-platform also has
    ("Save", "Weight") is the block's own translation."""
    learner = openedx.user("ada")
    block = openedx.block(user=learner)
    with translation.override("es"):
        openedx.use_block_catalog(block)
        service = block.runtime.service(block, "i18n")
        assert service.translator.__class__.__name__ == "GNUTranslations"
        assert service.gettext("Weight") == "Peso"


# ---- the bridge's pages --------------------------------------------------------------------


def _get(client, path, language):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


@pytest.fixture
def launched(as_user, users, outbound):
    from lti_bridge.models import ResourceLink, Work

    learner, teacher = as_user("learner"), as_user("instructor")
    launch_through_xblock(learner)
    launch_through_xblock(teacher)
    link = ResourceLink.objects.get()
    work = Work.objects.get()
    return learner, teacher, link, work


def _bridge_data():
    from django.contrib.auth import get_user_model

    from lti_bridge.models import Account, Classroom, Organization, Registration, Unit

    data = []
    for model, fields in (
        (Account, ("name", "email")),
        (Classroom, ("title",)),
        (Unit, ("title", "code", "instructions")),
        (Organization, ("name", "slug")),
        (Registration, ("name", "issuer", "client_id")),
    ):
        for row in model.objects.values_list(*fields):
            data += [str(v) for v in row if v]
    data += [u.get_full_name() for u in get_user_model().objects.all() if u.get_full_name()]
    return data


@pytest.mark.parametrize(
    "who, page",
    [
        ("learner", "unit"),
        ("teacher", "unit"),
        ("teacher", "work"),
        ("teacher", "class"),
        ("teacher", "mentors"),
        ("anyone", "sign-in"),
        ("anyone", "password"),
    ],
)
def test_bridge_pages(launched, who, page, client):
    learner, teacher, link, work = launched
    paths = {
        "unit": f"/lti-bridge/units/{link.pk}/",
        "work": f"/lti-bridge/units/{link.pk}/learners/{work.account_id}/",
        "class": f"/lti-bridge/classes/{link.classroom_id}/",
        "mentors": f"/lti-bridge/classes/{link.classroom_id}/mentors/",
        "sign-in": "/lti-bridge/account/sign-in/",
        "password": "/lti-bridge/account/password/",
    }
    browser = {"learner": learner, "teacher": teacher, "anyone": client}[who]
    english, spanish = both(lambda language: _get(browser, paths[page], language))
    assert english != spanish
    assert english_left(english, spanish, _bridge_data()) == []


def test_lti_integrations_page(as_user, outbound):
    from lti_bridge.models import Organization

    admin = as_user("admin")
    launch_through_xblock(admin)
    org = Organization.objects.get()
    path = f"/lti-bridge/organizations/{org.pk}/lti-integrations/"
    english, spanish = both(lambda language: _get(admin, path, language))
    assert english_left(english, spanish, _bridge_data()) == []


def test_the_detector_finds_english_left_behind():
    english = '<p>Release grades</p><button title="Retry all">x</button><p>Ada Lovelace</p>'
    spanish = '<p>Publicar notas</p><button title="Retry all">x</button><p>Ada Lovelace</p>'
    assert english_left(english, spanish, ["Ada Lovelace"]) == ["Retry all"]
    assert english_left("<p>LTI ID (CSV)</p>", "<p>LTI ID (CSV)</p>") == []
    moment = "<td><time>2026-12-02 15:37 EST</time></td><td>Graded at 15:37 EST</td>"
    assert english_left(moment, moment) == ["Graded at 15:37 EST"]
