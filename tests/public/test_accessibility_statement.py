"""The tillgänglighetsredogörelse: everyone reads it, without a login, from
the foot of every page; a system administrator writes it, with the errors
at the fields and no save made on top of someone else's."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from styrhjul.organisation.models import Role
from styrhjul.public.models import AccessibilityStatement
from tests.factories import UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

URL = "/tillganglighet/"
EDIT = "/tillganglighet/andra/"


def fill(**changes) -> dict:
    data = {
        "publisher": "Provköpings kommun",
        "compliance": "partial",
        "known_issues": "Skannade bilagor saknar text.\r\n\r\nÄldre diagram saknar textalternativ.",
        "contact": "tillganglighet@provkoping.example\r\nTelefon 0123-45 67 00",
        "assessed_on": "2026-11-01",
        "version": "0",
    }
    data.update(changes)
    return data


@pytest.fixture
def admin(org):
    return UserFactory(is_superuser=True)


def test_the_addresses_are_the_ones_the_pages_link_to():
    assert reverse("public:accessibility") == URL
    assert reverse("public:accessibility_edit") == EDIT


def test_every_page_links_to_the_statement_also_without_a_login(client, org):
    login_page = client.get(reverse("login")).content.decode()
    assert f'href="{URL}"' in login_page
    client.force_login(UserFactory())
    assert f'href="{URL}"' in client.get("/").content.decode()


def test_before_it_is_written_a_visitor_sees_the_organisation_and_whom_to_ask(client, org):
    UnitFactory(name="Provköpings Energi AB", code="E")
    page = client.get(URL)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Provköpings Energi AB och Provköpings kommun står bakom Styrhjul" in text
    assert "Tjänsten har ännu inte bedömts mot kraven." in text
    assert "Kontakta organisationens systemadministratör." in text
    assert "Ändra redogörelsen" not in text


def test_an_administrator_writes_it_and_everyone_reads_it(client, admin):
    client.force_login(admin)
    start = client.get(URL).content.decode()
    assert "Redogörelsen är inte ifylld." in start and f'href="{EDIT}"' in start
    assert client.get(EDIT).status_code == 200
    saved = client.post(EDIT, fill())
    assert saved.status_code == 302 and saved["Location"] == URL
    client.logout()
    text = client.get(URL).content.decode()
    assert "Provköpings kommun står bakom Styrhjul" in text
    assert "<strong>Delvis förenlig med kraven</strong>" in text
    assert "Bedömningen gjordes 1 november 2026." in text
    assert "<li>Skannade bilagor saknar text.</li>" in text
    assert "<li>Äldre diagram saknar textalternativ.</li>" in text
    assert 'href="mailto:tillganglighet@provkoping.example"' in text
    assert "Telefon 0123-45 67 00" in text
    assert "Ändra redogörelsen" not in text
    row = AccessibilityStatement.objects.get()
    assert row.updated_by == admin and row.version == 1
    assert row.history.count() == 1


@pytest.mark.parametrize("role", [Role.MODEL_OWNER, Role.MANAGER, Role.READER])
def test_no_one_but_an_administrator_may_change_it(client, org, role):
    user = UserFactory()
    grant(user, org["kommun"], role)
    client.force_login(user)
    assert f'href="{EDIT}"' not in client.get(URL).content.decode()
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, fill()).status_code == 403
    assert not AccessibilityStatement.objects.exists()


def test_a_visitor_without_a_login_is_sent_to_log_in_to_change_it(client, org):
    response = client.get(EDIT)
    assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]


def test_bad_input_is_told_at_each_field_and_nothing_is_saved(client, admin):
    client.force_login(admin)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = client.post(EDIT, fill(compliance="", contact="  ", assessed_on="1 nov"))
    text = page.content.decode()
    assert page.status_code == 400
    assert "Välj hur väl tjänsten uppfyller kraven." in text
    assert "Ange hur man rapporterar brister i tillgängligheten" in text
    assert "Skriv datumet som ÅÅÅÅ-MM-DD." in text
    ahead = client.post(EDIT, fill(assessed_on=tomorrow.isoformat()))
    assert ahead.status_code == 400
    assert "Dagen för bedömningen kan inte ligga i framtiden." in ahead.content.decode()
    assert not AccessibilityStatement.objects.exists()


def test_a_save_on_top_of_someone_elses_is_refused_with_the_text_kept(client, admin):
    client.force_login(admin)
    assert client.post(EDIT, fill()).status_code == 302
    other = UserFactory(is_superuser=True)
    client.force_login(other)
    theirs = client.post(EDIT, fill(contact="annan@provkoping.example", version="1"))
    assert theirs.status_code == 302
    client.force_login(admin)
    stale = client.post(EDIT, fill(contact="min@provkoping.example", version="1"))
    text = stale.content.decode()
    assert stale.status_code == 400
    assert "Någon annan har sparat tillgänglighetsredogörelsen" in text
    assert "min@provkoping.example" in text  # what they wrote is still in the form
    assert AccessibilityStatement.objects.get().contact == "annan@provkoping.example"
    assert client.post(EDIT, fill(contact="min@provkoping.example", version="2")).status_code == 302
    assert AccessibilityStatement.objects.get().contact == "min@provkoping.example"


def test_the_page_reads_a_fixed_number_of_queries(client, org, django_assert_max_num_queries):
    for n in range(30):
        UnitFactory(name=f"Bolag {n}", code=f"B{n}")
    with django_assert_max_num_queries(2):
        assert client.get(URL).status_code == 200
