"""Admin pages read as written: help text with <token> or <key> shows, not swallowed as a tag; English plurals."""

import html
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin

from integrations import kinds

pytestmark = pytest.mark.django_db


class HelpTexts(HTMLParser):
    """The visible text of every help-text block of an admin form."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
        elif tag == "div" and "help" in (dict(attrs).get("class") or "").split():
            self.depth = 1
            self.texts.append("")

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.texts[-1] += data


def visible_help(page: str) -> list[str]:
    parser = HelpTexts()
    parser.feed(page)
    return [" ".join(text.split()) for text in parser.texts]


@pytest.mark.parametrize("kind", [kind.key for kind in kinds.all()])
def test_every_credential_kinds_help_text_shows_in_full(admin_client, kind):
    response = admin_client.get(f"/admin/integrations/credential/add/?kind={kind}")
    assert response.status_code == 200
    shown = visible_help(response.content.decode())
    for field in kinds.get(kind).fields:
        if field.help:
            assert " ".join(field.help.split()) in shown, (field.name, field.help, shown)


def test_a_bearer_token_help_reads_with_its_placeholder(admin_client):
    page = admin_client.get("/admin/integrations/credential/add/?kind=api_connection").content.decode()
    assert "Sent as Authorization: Bearer <token>." in visible_help(page)
    assert "Bearer ." not in " ".join(visible_help(page))
    page = admin_client.get("/admin/integrations/credential/add/?kind=openai").content.decode()
    assert any(text.startswith("Sent as Authorization: Bearer <key>.") for text in visible_help(page))


def test_every_model_has_an_english_plural_on_the_admin_index(admin_client):
    page = html.unescape(admin_client.get("/admin/").content.decode())
    names = {str(model._meta.verbose_name_plural) for model in admin.site._registry}
    assert "Hook deliveries" in page and "Outbound deliveries" in page
    for name in names:
        assert not re.search(r"[^aeiou]ys$", name), name  # "deliverys", "entrys"
    for model in apps.get_models():
        assert not re.search(r"[^aeiou]ys$", str(model._meta.verbose_name_plural)), model
