"""Compiled catalogs load: pages follow the browser's language."""

import pytest

pytestmark = pytest.mark.django_db


def test_platform_errors_are_translated(as_user):
    client = as_user("learner")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    page = client.get("/codio/lti/v1/auth?scope=openid").content.decode()
    assert "No se pudo abrir la unidad" in page


def test_every_template_string_is_in_the_catalogs():
    """Extraction is up to date: each {% trans %} text of our templates is a msgid."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    catalogs = "".join(
        p.read_text(encoding="utf-8") for p in root.glob("translations/*/en/LC_MESSAGES/django.po")
    ).replace('"\n"', "")  # join the continuation lines of wrapped msgids
    for template in list(root.glob("codio_xblock/templates/**/*.html")) + list(
        root.glob("lti_bridge/templates/**/*.html")
    ):
        for text in re.findall(r'{% trans "([^"]+)" %}', template.read_text(encoding="utf-8")):
            assert f'msgid "{text}"' in catalogs, (template.name, text)
