"""Dokumentinställningar per document type: the title and subtitle on the
title page (with placeholders, never doubled), on/off options, and the
columns of the document's table with their headings, relative widths and an
explanatory row. Bad input is refused at the field and nothing is saved."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from styrhjul.documents import layout
from styrhjul.documents.models import DocumentSettings
from styrhjul.organisation.models import Role
from tests.document_settings import save_settings
from tests.documents.test_document_settings import form_data
from tests.factories import UserFactory, grant

URL = reverse("documents:settings")

OCCASION = SimpleNamespace(
    title="Uppföljning per 30 april",
    period_end=datetime.date(2025, 4, 30),
    model=SimpleNamespace(year=2025),
)


def test_the_house_title_and_subtitle_with_their_placeholders_filled():
    ik = layout.Contents.of("internkontrollrapport")
    assert ik.title_for(unit="Socialnämnden", occasion=OCCASION) == (
        "Internkontrollrapport 2025 – Socialnämnden"
    )
    # "Uppföljning per 30 april, uppföljning per 30 april 2025" says the date twice.
    assert ik.subtitle_for(unit="Socialnämnden", occasion=OCCASION) == (
        "Uppföljning per 30 april 2025"
    )

    followup = layout.Contents.of("uppfoljning")
    assert followup.title_for(unit="Socialnämnden", occasion=OCCASION) == (
        "Uppföljning av aktiviteter per 30 april 2025 – Socialnämnden"
    )
    # "Uppföljning per 30 april, uppföljning per 30 april 2025": the title
    # already says it all, so nothing is left of the subtitle.
    assert followup.subtitle_for(unit="Socialnämnden", occasion=OCCASION) == ""
    other = SimpleNamespace(title="Tertial 1", period_end=OCCASION.period_end, model=OCCASION.model)
    assert followup.subtitle_for(unit="Socialnämnden", occasion=other) == "Tertial 1"


def test_a_subtitle_never_repeats_the_title_or_itself():
    assert layout.undoubled("Uppföljning per 30 april, uppföljning per 30 april", "X") == (
        "Uppföljning per 30 april"
    )
    assert layout.undoubled("Rapport 2025", "Rapport 2025") == ""
    assert layout.undoubled("Tertial 1, uppföljning per 30 april", "Rapport") == (
        "Tertial 1, uppföljning per 30 april"
    )
    assert layout.undoubled("Socialnämnden – Tertial 1", "Rapport – Socialnämnden") == "Tertial 1"


def test_the_internkontrollrapport_columns_are_weighted_by_content():
    ik = layout.Contents.of("internkontrollrapport")
    printed = ["nr", "process", "kontrollmoment", "kontrollmetod", "resultat", "atgard"]
    widths = ik.widths(printed)
    assert [c.heading for c in map(ik.column, printed)] == [
        "Nr",
        "Process/rutin/system",
        "Kontrollmoment",
        "Kontrollmetod",
        "Resultat av kontroll",
        "Åtgärd",
    ]
    assert sum(widths) == pytest.approx(1)
    assert max(widths) == widths[printed.index("resultat")]
    assert min(widths) == widths[0]
    assert len(ik.widths()) == len(ik.columns)
    assert not ik.has("riskvarde")
    assert not ik.explained
    with pytest.raises(KeyError):
        ik.column("saknas")


@pytest.fixture
def owner(org):
    user = UserFactory()
    grant(user, org["kommun"], Role.MODEL_OWNER)
    return user


def test_a_model_owner_sets_title_options_and_columns(client, org, model, owner):
    client.force_login(owner)
    page = client.get(URL).content.decode()
    assert 'placeholder="Internkontrollrapport {år} – {enhet}"' in page
    assert "Visa riskvärde och risknivå" in page
    assert 'name="internkontrollrapport-col-resultat-weight"' in page

    response = client.post(
        URL,
        form_data(
            **{
                "internkontrollrapport-title": "Rapport om intern kontroll {år}, {enhet}",
                "internkontrollrapport-subtitle": "{tillfälle}",
                "internkontrollrapport-options": ["riskvarde"],
                "internkontrollrapport-col-resultat-heading": "Resultat",
                "internkontrollrapport-col-resultat-weight": "12",
                "internkontrollrapport-col-atgard-explanation": "Vad enheten gör",
                "uppfoljning-title": "Aktiviteter {period}",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    contents = layout.layout_for(org["enhet_a1"], "internkontrollrapport").contents
    assert contents.title_for(unit=org["kommun"], occasion=OCCASION) == (
        f"Rapport om intern kontroll 2025, {org['kommun'].name}"
    )
    assert contents.subtitle_for(unit="X", occasion=OCCASION) == "Uppföljning per 30 april"
    assert contents.has("riskvarde")
    assert contents.column("resultat") == layout.Column("resultat", "Resultat", 12)
    assert contents.column("atgard").explanation == "Vad enheten gör"
    assert contents.column("nr").heading == "Nr"
    assert contents.explained
    followup = layout.layout_for(org["enhet_a1"], "uppfoljning").contents
    assert followup.title_for(unit="X", occasion=OCCASION) == "Aktiviteter 30 april 2025"

    page = client.get(URL).content.decode()
    assert 'value="Rapport om intern kontroll {år}, {enhet}"' in page
    assert 'value="riskvarde" id="id_internkontrollrapport-options_0" checked' in page
    assert 'value="12"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("col-resultat-weight", "0", "Ange bredden som ett heltal från 1 till 20."),
        ("col-resultat-weight", "21", "Ange bredden som ett heltal från 1 till 20."),
        ("col-resultat-weight", "1,5", "Ange bredden som ett heltal från 1 till 20."),
        ("col-nr-heading", "x" * 61, "högst 60"),
        ("title", "x" * 121, "högst 120"),
        ("subtitle", "Per {datum}", "{datum} känns inte igen. Använd {period}, {enhet}"),
    ],
)
def test_bad_input_is_refused_at_the_field(client, org, model, owner, field, value, message):
    client.force_login(owner)
    response = client.post(URL, form_data(**{f"internkontrollrapport-{field}": value}))

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'id="id_internkontrollrapport-{field}_error"' in page
    assert not DocumentSettings.objects.exists()


def test_the_service_refuses_what_the_form_cannot_send(org, model):
    def contents(**data):
        return {"internkontrollrapport": {"sections": [], **data}}

    with pytest.raises(ValidationError, match="har inget val tomma_perspektiv"):
        layout.validate_contents(contents(options=["tomma_perspektiv"]))
    with pytest.raises(ValidationError, match="har ingen kolumn status"):
        layout.validate_contents(contents(columns=[{"key": "status", "weight": 2}]))
    errors = layout.validate_contents(
        contents(columns=[{"key": "nr", "weight": 2.5}, {"key": "resultat", "weight": True}])
    )
    assert set(errors) == {
        "internkontrollrapport-col-nr-weight",
        "internkontrollrapport-col-resultat-weight",
    }
    with pytest.raises(ValidationError):
        save_settings(org, internkontrollrapport={"columns": {"resultat": {"weight": 40}}})
    assert not DocumentSettings.objects.exists()


def test_stored_settings_fill_in_the_house_where_empty(org, model):
    save_settings(
        org,
        internkontrollrapport={
            "options": ["riskvarde"],
            "columns": {"process": {"heading": "Process", "weight": 1}},
        },
    )
    contents = layout.layout_for(org["enhet_a1"], "internkontrollrapport").contents
    house = layout.Contents.of("internkontrollrapport")
    assert contents.title == house.title and contents.subtitle == house.subtitle
    assert contents.column("process") == layout.Column("process", "Process", 1)
    assert [c.key for c in contents.columns] == [c.key for c in house.columns]
    assert contents.options == {"riskvarde"}
    # Settings stored before the document had options keep the house choice.
    older = {"internkontrollrapport": {"sections": []}}
    assert layout.contents_of(older, "internkontrollrapport").options == house.options
