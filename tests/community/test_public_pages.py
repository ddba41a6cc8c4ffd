"""The public pages: open without an account, in all ten languages, light, with exit, skip link, landmarks."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tiaki.community import learn

PAGES = ["home", "learn", "signs", "report", "receipt", "help", "help_others", "passport", "passport_open"]
LANGUAGES = [code for code, _ in settings.LANGUAGES]


def _url(name: str, language: str) -> str:
    with translation.override(language):
        return reverse(f"community:{name}")


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_public_page_opens_in_every_language(name: str, language: str) -> None:
    response = Client().get(_url(name, language))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main" tabindex="-1">' in html
    assert 'aria-label="Main"' in html or '<nav class="site-nav"' in html
    exit_link = re.search(r'<a class="quick-exit" href="([^"]+)" data-quick-exit>', html)
    assert exit_link is not None and exit_link.group(1) == f"/{language}/today/"
    # the switcher offers all ten languages, each a plain link to the same page in that language
    switcher = re.findall(r'<a href="(/[a-z]+/[^"]*)" lang="([a-z]+)" hreflang', html)
    assert [code for _href, code in switcher] == LANGUAGES
    assert all(href.startswith(f"/{code}/") for href, code in switcher)
    # no third-party assets: every script, image and stylesheet is on this site
    assert re.findall(r'src="(?:https?:)?//', html) == []
    assert re.findall(r'<link[^>]+href="(?:https?:)?//', html) == []


@pytest.mark.django_db
def test_reading_pages_sets_no_cookie() -> None:
    client = Client()
    for name in ["home", "learn", "signs", "help", "help_others"]:
        response = client.get(_url(name, "vi"))
        assert response.cookies == {}, name
    assert client.cookies == {}


@pytest.mark.django_db
def test_the_report_form_sets_only_the_csrf_cookie() -> None:
    response = Client().get(_url("report", "en"))
    assert list(response.cookies) == ["csrftoken"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["th", "my", "si", "ta", "ksw", "vi"])
def test_learn_and_signs_show_the_native_content(language: str) -> None:
    content = learn.content_for(language)
    learn_html = Client().get(_url("learn", language)).content.decode()
    assert f"<h1>{content.learn['title']}</h1>" in learn_html
    assert content.learn["difference"][0] in learn_html
    signs_html = Client().get(_url("signs", language)).content.decode()
    for situation in content.situations:
        assert situation.heading in signs_html
        assert situation.items[0] in signs_html
    assert signs_html.count('<svg class="icon"') == 4


@pytest.mark.django_db
def test_neutral_page_says_nothing_about_the_site() -> None:
    html = Client().get(_url("today", "en")).content.decode().lower()
    for word in ["traffick", "report", "help", "tiaki", "exploit", "receipt"]:
        assert word not in html


@pytest.mark.django_db
def test_service_worker_is_served_at_the_language_root_with_its_page_list() -> None:
    response = Client().get("/th/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    body = response.content.decode()
    assert 'const PAGES = ["/th/", "/th/learn/", "/th/learn/signs/", "/th/help/"];' in body
    assert 'const CACHE = "tiaki-th-v1";' in body
    assert "/static/community/css/community.css" in body
