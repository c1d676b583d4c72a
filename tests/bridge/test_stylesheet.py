"""The bridge's pages share one stylesheet (lti_bridge/static/lti_bridge/bridge.css): no
template styles itself, the file is found as Open edX finds a plugin's static files, and the
framed pages' CSP allows styles from the stylesheet's origin only (no 'unsafe-inline')."""

import re
from pathlib import Path

import pytest

import lti_bridge

pytestmark = pytest.mark.bridge_alone
TEMPLATES = Path(lti_bridge.__file__).resolve().parent / "templates"  # as installed


def test_no_bridge_template_carries_its_own_style():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<style\b|\sstyle\s*=", text, re.IGNORECASE):
            offenders.append(template.name)
    assert offenders == []


def test_the_stylesheet_is_found_as_open_edx_finds_app_static_files():
    """edx-platform's STATICFILES_FINDERS (lms/envs/common.py) include Django's
    AppDirectoriesFinder, which collects <app>/static/ of every installed app."""
    from django.contrib.staticfiles.finders import AppDirectoriesFinder

    found = AppDirectoriesFinder().find("lti_bridge/bridge.css")
    assert found and Path(found).read_text(encoding="utf-8").startswith("/*")


def _style_src(response):
    policy = response["Content-Security-Policy"]
    (style,) = [d.strip() for d in policy.split(";") if d.strip().startswith("style-src")]
    return style


@pytest.mark.django_db
def test_a_framed_page_links_the_stylesheet_and_allows_no_inline_style(bridge_setup):
    response = bridge_setup.full_launch()
    assert response.status_code == 200
    html = response.content.decode()
    assert '<link rel="stylesheet" href="/static/lti_bridge/bridge.css">' in html
    assert "<style" not in html
    assert _style_src(response) == "style-src 'self'"


@pytest.mark.django_db
def test_a_stylesheet_served_from_a_cdn_is_allowed_by_its_origin(bridge_setup, settings):
    settings.STATIC_URL = "https://cdn.example.net/edx/static/"
    response = bridge_setup.full_launch()
    assert response.status_code == 200
    assert "https://cdn.example.net/edx/static/lti_bridge/bridge.css" in response.content.decode()
    assert _style_src(response) == "style-src 'self' https://cdn.example.net"
