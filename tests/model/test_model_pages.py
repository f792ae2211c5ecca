"""The styrmodell pages: everyone who reads the municipality sees the year's
model; its model owners create it, copy it to the next year and edit its
parts, inline with htmx or with plain forms."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.model import services
from styrhjul.model.models import (
    GoalLevel,
    GovernanceModel,
    ItemKind,
    Perspective,
    PlanType,
    Scale,
    ScaleKind,
    ScaleValue,
    Vision,
)
from styrhjul.organisation import access
from styrhjul.organisation.models import Role, UnitType
from styrhjul.planning import services as planning
from tests.factories import UnitFactory, UserFactory, VisionFactory, grant, unit_type

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def model_urls(settings):
    settings.ROOT_URLCONF = "tests.model.urls_for_test"


@pytest.fixture
def owner(org, client):
    user = UserFactory(first_name="Maja", last_name="Modell")
    grant(user, org["kommun"], Role.MODEL_OWNER)
    client.force_login(user)
    return user


@pytest.fixture
def reader(org):
    """A politician who reads everything in the municipality."""
    user = UserFactory(first_name="Rut", last_name="Läsare")
    grant(user, org["kommun"], Role.READER)
    return user


@pytest.fixture
def model(org):
    return services.model_create_default(actor=access.SYSTEM, organisation=org["kommun"], year=2025)


@pytest.fixture
def vision(org):
    return VisionFactory(
        unit=org["kommun"],
        title="Provköping 2035",
        text="Här växer trygghet.",
        horizon_year=2035,
        valid_from_year=2024,
    )


def year_url(year=2025, **params):
    url = reverse("model:year", args=[year])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def text(response) -> str:
    return response.content.decode()


# --- Reading the year's model ------------------------------------------------------


def test_a_reader_sees_the_whole_model_read_only(client, reader, model, vision):
    client.force_login(reader)
    response = client.get(year_url())
    page = text(response)
    assert response.status_code == 200
    assert "Styrmodell 2025" in page
    assert "Provköping 2035" in page and "Här växer trygghet." in page
    assert "Målår 2035. Gäller från 2024." in page
    for name in ("Invånare", "Samhälle och miljö", "Medarbetare", "Ekonomi", "Verksamhet"):
        assert name in page
    assert "Inriktningsmål" in page and "Nämndmål" in page and "Verksamhetsmål" in page
    assert "Förvaltning, Avdelning, Enhet" in page  # the level's unit types
    assert "Internkontrollplan" in page
    assert "Kontrollpunkt: Bedömning av kontrollpunkter" in page
    # A scale value: colour swatch, symbol and text label, and the colour as text.
    assert re.search(
        r'<span class="swatch" style="background-color: #1e6b34" aria-hidden="true"></span>'
        r'<span class="scale-value__symbol" aria-hidden="true">●</span> Klar',
        page,
    )
    assert "<code>#1e6b34</code>" in page
    # No edit controls.
    assert "Ändra" not in page and "Ta bort" not in page and "Nytt perspektiv" not in page
    assert "Kopiera till nästa år" not in page
    assert "Historik" in page


def test_the_vision_in_force_is_the_latest_that_has_begun(client, reader, org, model, vision):
    VisionFactory(unit=org["kommun"], title="Provköping 2040", valid_from_year=2026)
    client.force_login(reader)
    assert "Provköping 2035" in text(client.get(year_url(2025)))
    page = text(client.get(year_url(2026)))
    assert "Provköping 2040" in page and "Provköping 2035" not in page


def test_a_model_owner_sees_edit_controls(client, owner, model, vision):
    page = text(client.get(year_url()))
    assert "Ändra visionen" in page
    assert reverse("model:perspective_create", args=[model.pk]) in page
    assert reverse("model:level_create", args=[model.pk]) in page
    assert reverse("model:plan_type_create", args=[model.pk]) in page
    assert reverse("model:scale_create", args=[model.pk]) in page
    perspective = model.perspectives.get(name="Ekonomi")
    assert reverse("model:perspective_edit", args=[perspective.pk]) in page
    assert reverse("model:perspective_delete", args=[perspective.pk]) in page
    assert "Kopiera till nästa år" in page


def test_everyone_with_a_grant_in_the_municipality_reads_its_model(client, org, model):
    chef = UserFactory()
    grant(chef, org["enhet_a1"], Role.MANAGER, subtree=False)
    client.force_login(chef)
    response = client.get(year_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ekonomi" in page  # a perspective
    assert reverse("model:perspective_create", args=[model.pk]) not in page
    assert client.get(reverse("model:index")).status_code == 302
    # Someone with no grant in the municipality does not.
    client.force_login(UserFactory())
    assert client.get(year_url()).status_code == 404
    assert client.get(reverse("model:index")).status_code == 404


def test_an_anonymous_visitor_is_sent_to_login(client, model):
    response = client.get(year_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_menu_link_opens_this_year(client, owner):
    import datetime

    response = client.get(reverse("model:index"))
    assert response.status_code == 302
    assert response["Location"] == year_url(datetime.date.today().year)


def test_with_two_organisations_the_page_follows_the_chosen_one(client, org, model):
    other = UnitFactory(name="Bolagskoncernen", code="BK", unit_type=unit_type("Kommun"))
    services.model_create_default(actor=access.SYSTEM, organisation=other, year=2025)
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    page = text(client.get(year_url()))
    assert "Bolagskoncernen" in page and "Välj organisation" in page
    page = text(client.get(year_url(organisation=other.pk)))
    assert "Bolagskoncernen: visionen" in page
    assert f"?organisation={other.pk}" in page  # links stay on the chosen organisation
    # A reader of one organisation never reaches the other.
    reader = UserFactory()
    grant(reader, org["kommun"], Role.READER)
    client.force_login(reader)
    assert client.get(year_url(organisation=other.pk)).status_code == 404
    assert "Provköpings kommun: visionen" in text(client.get(year_url()))


# --- Query budget --------------------------------------------------------------------


def grow(model, n: int, start: int = 0) -> None:
    """n more perspectives, levels, scales with values and plan types."""
    types = list(UnitType.objects.all())
    for i in range(start, start + n):
        Perspective.objects.create(model=model, name=f"Perspektiv {i}", order=100 + i)
        level = GoalLevel.objects.create(model=model, name=f"Nivå {i}", order=100 + i)
        level.unit_types.set(types[: 1 + i % 3])
        scale = Scale.objects.create(model=model, kind=ScaleKind.ACTIVITY_STATUS, name=f"S{i}")
        for j in range(3):
            ScaleValue.objects.create(scale=scale, label=f"Värde {j}", order=j)
        PlanType.objects.create(
            model=model,
            name=f"Plantyp {i}",
            order=100 + i,
            item_kinds=[ItemKind.ACTIVITY],
            activity_scale=scale,
        )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("as_owner", [True, False])
def test_the_year_page_runs_a_fixed_number_of_queries(client, org, model, vision, as_owner):
    user = UserFactory()
    grant(user, org["kommun"], Role.MODEL_OWNER if as_owner else Role.READER)
    client.force_login(user)
    grow(model, 2)
    small = count_queries(client, year_url())
    grow(model, 20, start=2)
    large = count_queries(client, year_url())
    assert small == large
    assert large <= 14


def test_a_year_without_a_model_is_cheap_too(client, owner, model):
    assert count_queries(client, year_url(2030)) <= 8


# --- Creating and copying a year -------------------------------------------------------


def test_a_year_without_a_model_offers_to_create_or_copy_it(client, owner, model):
    page = text(client.get(year_url(2026)))
    assert "Skapa styrmodell för 2026" in page
    assert "Kopiera från 2025" in page
    assert reverse("planning:copy_year", args=[2025]) in page
    page = text(client.get(year_url(2030)))
    assert "Skapa styrmodell för 2030" in page and "Kopiera från" not in page


def test_a_reader_is_told_the_model_is_missing(client, reader, model):
    client.force_login(reader)
    page = text(client.get(year_url(2026)))
    assert "Det finns ingen styrmodell för 2026 än." in page
    assert "Skapa styrmodell" not in page


def test_a_model_owner_creates_a_year_from_the_defaults(client, owner, org):
    response = client.post(reverse("model:create", args=[2026]))
    assert response.status_code == 302 and response["Location"] == year_url(2026)
    model = GovernanceModel.objects.get(organisation=org["kommun"], year=2026)
    assert model.perspectives.count() == 5 and model.plan_types.count() == 6
    page = text(client.get(response["Location"]))
    assert "Styrmodellen för 2026 är skapad med standardinnehållet." in page


def test_creating_an_existing_year_is_refused(client, owner, model):
    client.post(reverse("model:create", args=[2025]))
    page = text(client.get(year_url()))
    assert "Styrmodellen för 2025 finns redan." in page
    assert GovernanceModel.objects.count() == 1


def test_a_reader_may_not_create_or_copy(client, reader, model):
    client.force_login(reader)
    assert client.post(reverse("model:create", args=[2026])).status_code == 403
    assert client.get(reverse("planning:copy_year", args=[2025])).status_code == 403
    assert client.post(reverse("planning:copy_year", args=[2025])).status_code == 403
    assert GovernanceModel.objects.count() == 1


def test_copying_explains_what_is_copied_and_copies(client, owner, org, model):
    plan_type = model.plan_types.get(name="Aktivitetsplan")
    plan = planning.plan_for(actor=access.SYSTEM, unit=org["enhet_a2"], plan_type=plan_type)
    planning.item_create(actor=access.SYSTEM, plan=plan, kind=ItemKind.ACTIVITY, title="A")
    enhet = org["enhet_a2"]
    enhet.valid_to = enhet.valid_from.replace(year=2025, month=6, day=30)
    enhet.save()

    page = text(client.get(reverse("planning:copy_year", args=[2025])))
    assert "Kopiera styrmodellen 2025 till 2026" in page
    assert "Definitionerna: perspektiv, målnivåer" in page
    assert "Rapporter: status, utfall" in page
    assert "Hemtjänst Norr" in page  # closed in 2025: left out
    assert "0 planer" in page

    response = client.post(reverse("planning:copy_year", args=[2025]))
    assert response.status_code == 302 and response["Location"] == year_url(2026)
    new = GovernanceModel.objects.get(year=2026)
    assert new.perspectives.count() == 5
    page = text(client.get(year_url(2026)))
    assert "Styrmodellen för 2025 är kopierad till 2026" in page

    page = text(client.get(reverse("planning:copy_year", args=[2025])))
    assert "Styrmodellen för 2026 finns redan" in page
    client.post(reverse("planning:copy_year", args=[2025]))
    assert GovernanceModel.objects.filter(year=2026).count() == 1


def test_copying_a_missing_year_is_not_found(client, owner, model):
    assert client.get(reverse("planning:copy_year", args=[2019])).status_code == 404


# --- The vision ---------------------------------------------------------------------------


def test_the_vision_is_changed_in_place_for_the_same_year(client, owner, org, model, vision):
    response = client.post(
        reverse("model:vision_edit", args=[2025]),
        {
            "title": "Provköping 2035",
            "text": "Här växer trygghet och framtidstro.",
            "horizon_year": "2035",
            "valid_from_year": "2024",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == year_url() + "#vision"
    vision.refresh_from_db()
    assert vision.text == "Här växer trygghet och framtidstro."
    assert Vision.objects.count() == 1


def test_a_new_vision_from_another_year_keeps_the_old_one(client, owner, org, model, vision):
    client.post(
        reverse("model:vision_edit", args=[2025]),
        {
            "title": "Provköping 2045",
            "text": "Ny vision.",
            "horizon_year": "2045",
            "valid_from_year": "2025",
        },
    )
    assert Vision.objects.count() == 2
    page = text(client.get(year_url(2025)))
    assert "Provköping 2045" in page
    assert "Provköping 2035" in text(client.get(year_url(2024)))


def test_the_vision_form_explains_mistakes_and_keeps_the_text(client, owner, model, vision):
    response = client.post(
        reverse("model:vision_edit", args=[2025]),
        {"title": "", "text": "Min nya text", "horizon_year": "2020", "valid_from_year": "25"},
    )
    page = text(response)
    assert response.status_code == 200
    assert "Detta fält måste fyllas i." in page
    assert "Ange ett år från och med 1900." in page
    assert "Min nya text" in page
    vision.refresh_from_db()
    assert vision.text == "Här växer trygghet."


def test_the_vision_is_edited_inline_with_htmx(client, owner, model, vision):
    url = reverse("model:vision_edit", args=[2025])
    response = client.get(url, **HTMX)
    page = text(response)
    assert '<section id="vision"' in page and "<html" not in page
    assert f'hx-post="{url}"' in page and "autofocus" in page
    response = client.post(
        url,
        {
            "title": "Provköping 2035",
            "text": "Kort.",
            "horizon_year": "2035",
            "valid_from_year": "2024",
        },
        **HTMX,
    )
    page = text(response)
    assert '<section id="vision"' in page and "Kort." in page
    assert 'id="model-status" hx-swap-oob="innerHTML"' in page
    assert "Visionen är sparad. Den gäller från 2024." in page


# --- Perspectives ------------------------------------------------------------------------


def test_a_model_owner_adds_a_perspective_with_a_plain_form(client, owner, model):
    url = reverse("model:perspective_create", args=[model.pk])
    page = text(client.get(url))
    assert "Nytt perspektiv" in page and "<html" in page
    response = client.post(url, {"name": "Värdegrund", "description": "Hur vi är.", "order": "60"})
    assert response.status_code == 302
    assert response["Location"] == year_url() + "#perspektiv"
    perspective = model.perspectives.get(name="Värdegrund")
    assert perspective.order == 60
    assert perspective.history.get().history_user == owner
    assert "Perspektivet ”Värdegrund” är skapat." in text(client.get(response["Location"]))


def test_a_perspective_name_is_unique_in_the_year(client, owner, model):
    response = client.post(
        reverse("model:perspective_create", args=[model.pk]),
        {"name": "ekonomi", "description": "Dubblett", "order": "x"},
    )
    page = text(response)
    assert response.status_code == 200
    assert "Det finns redan ett perspektiv som heter ”ekonomi” det här året." in page
    assert "Ange ordningen som ett heltal, t.ex. 10." in page
    assert 'value="ekonomi"' in page and "Dubblett" in page
    assert model.perspectives.count() == 5


def test_a_perspective_is_edited_inline_with_htmx(client, owner, model):
    perspective = model.perspectives.get(name="Ekonomi")
    url = reverse("model:perspective_edit", args=[perspective.pk])
    page = text(client.get(url, **HTMX))
    assert '<section id="perspektiv"' in page and "<html" not in page
    assert "Ändra perspektivet ”Ekonomi”" in page
    assert 'hx-target="#perspektiv"' in page
    response = client.post(
        url, {"name": "Ekonomi i balans", "description": "", "order": "40"}, **HTMX
    )
    page = text(response)
    assert "Perspektivet ”Ekonomi i balans” är sparat." in page
    assert "Ekonomi i balans</th>" in page
    assert 'name="name"' not in page  # the form is gone, the table is back
    assert "autofocus" in page.split('id="perspektiv-heading"')[1].split(">")[0]
    perspective.refresh_from_db()
    assert perspective.name == "Ekonomi i balans"


def test_inline_mistakes_come_back_in_the_inline_form(client, owner, model):
    perspective = model.perspectives.get(name="Ekonomi")
    response = client.post(
        reverse("model:perspective_edit", args=[perspective.pk]),
        {"name": "Invånare", "description": "", "order": "40"},
        **HTMX,
    )
    page = text(response)
    assert '<section id="perspektiv"' in page
    assert "Det finns redan ett perspektiv som heter ”Invånare” det här året." in page
    perspective.refresh_from_db()
    assert perspective.name == "Ekonomi"


def test_cancel_brings_back_the_section(client, owner, model):
    response = client.get(year_url(), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="perspektiv")
    page = text(response)
    assert page.lstrip().startswith('<section id="perspektiv"') and "<html" not in page


def test_a_perspective_in_use_is_not_deleted(client, owner, org, model):
    perspective = model.perspectives.get(name="Invånare")
    plan = planning.plan_for(
        actor=access.SYSTEM,
        unit=org["avd_a"],
        plan_type=model.plan_types.get(name="Aktivitetsplan"),
    )
    planning.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.ACTIVITY,
        title="Öppet hus",
        perspective=perspective,
    )
    page = text(client.get(year_url()))
    assert reverse("model:perspective_delete", args=[perspective.pk]) not in page
    url = reverse("model:perspective_delete", args=[perspective.pk])
    response = client.post(url)
    assert response.status_code == 200
    assert "Invånare används av poster eller planer och kan inte tas bort." in text(response)
    assert Perspective.objects.filter(pk=perspective.pk).exists()


def test_an_unused_perspective_is_deleted_after_confirmation(client, owner, model):
    perspective = model.perspectives.get(name="Verksamhet")
    url = reverse("model:perspective_delete", args=[perspective.pk])
    page = text(client.get(url))
    assert "Ta bort perspektivet ”Verksamhet”" in page
    response = client.post(url)
    assert response.status_code == 302
    assert not Perspective.objects.filter(pk=perspective.pk).exists()
    assert "Perspektivet ”Verksamhet” är borttaget." in text(client.get(response["Location"]))
    history = text(client.get(reverse("model:history", args=["modell", model.pk])))
    assert "Verksamhet" in history and "Borttagen" in history


# --- Goal levels ----------------------------------------------------------------------------


def test_a_level_is_edited_with_unit_types_as_checkboxes(client, owner, model):
    level = model.levels.get(name="Verksamhetsmål")
    url = reverse("model:level_edit", args=[level.pk])
    page = text(client.get(url))
    assert "<fieldset" in page and "<legend>Enhetstyper som har mål på nivån</legend>" in page
    assert 'type="checkbox" name="unit_types"' in page
    enhet = UnitType.objects.get(name="Enhet")
    avdelning = UnitType.objects.get(name="Avdelning")
    response = client.post(
        url,
        {"name": "Verksamhetsmål", "order": "30", "unit_types": [enhet.pk, avdelning.pk]},
    )
    assert response.status_code == 302
    level.refresh_from_db()
    assert {t.name for t in level.unit_types.all()} == {"Enhet", "Avdelning"}
    assert level.assesses is False  # unticked
    page = text(client.get(year_url()))
    assert "Avdelning, Enhet" in page and "Nej, beskriver bara" in page
    history = text(client.get(reverse("model:history", args=["malnivaer", level.pk])))
    assert "Enhetstyper" in history and "Avdelning, Enhet, Förvaltning" in history
    assert "Maja Modell" in history


def test_a_deleted_level_stays_in_the_model_history_with_its_unit_types(client, owner, model):
    level = model.levels.get(name="Nämndmål")
    response = client.post(reverse("model:level_delete", args=[level.pk]))
    assert response.status_code == 302
    assert "Målnivån ”Nämndmål” är borttagen." in text(client.get(response["Location"]))
    history = text(client.get(reverse("model:history", args=["modell", model.pk])))
    deleted_row = history.split("Borttagen")[1].split("</tr>")[0]
    assert "Nämndmål" in deleted_row and "Bolag, Kommunstyrelse, Nämnd" in deleted_row


def test_a_new_level(client, owner, model):
    response = client.post(
        reverse("model:level_create", args=[model.pk]),
        {"name": "Delmål", "order": "25", "assesses": "on"},
    )
    assert response.status_code == 302
    level = model.levels.get(name="Delmål")
    assert level.assesses and not level.unit_types.exists()


# --- Plan types --------------------------------------------------------------------------------


def test_a_plan_type_chooses_a_scale_per_item_kind(client, owner, model):
    pt = model.plan_types.get(name="Aktivitetsplan")
    url = reverse("model:plan_type_edit", args=[pt.pk])
    page = text(client.get(url))
    assert '<legend>Posttyper <span class="muted">(obligatorisk)</span></legend>' in page
    assert "Skala för aktiviteter" in page and "Skala för kontrollpunkter" in page
    goal_scale = model.scales.get(kind=ScaleKind.GOAL_ASSESSMENT)
    indicator_scale = model.scales.get(kind=ScaleKind.INDICATOR_ASSESSMENT)
    activity_scale = model.scales.get(kind=ScaleKind.ACTIVITY_STATUS)
    # Only scales of the right kind are offered.
    activity_select = page.split('name="activity_scale"')[1].split("</select>")[0]
    assert "Aktivitetsstatus" in activity_select and "Måluppfyllelse" not in activity_select

    response = client.post(
        url,
        {
            "name": "Aktivitetsplan",
            "order": "60",
            "item_kinds": [ItemKind.ACTIVITY, ItemKind.INDICATOR],
            "activity_scale": goal_scale.pk,  # not an activity scale
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "Välj en av skalorna i listan." in page
    assert "Välj en skala för nyckeltal." in page
    response = client.post(
        url,
        {
            "name": "Aktivitetsplan",
            "order": "60",
            "item_kinds": [ItemKind.ACTIVITY, ItemKind.INDICATOR],
            "activity_scale": activity_scale.pk,
            "indicator_scale": indicator_scale.pk,
        },
    )
    assert response.status_code == 302
    pt.refresh_from_db()
    assert pt.item_kinds == [ItemKind.ACTIVITY, ItemKind.INDICATOR]
    assert pt.indicator_scale == indicator_scale
    page = text(client.get(year_url()))
    assert "Nyckeltal: Bedömning av nyckeltal" in page


def test_a_plan_type_needs_an_item_kind(client, owner, model):
    response = client.post(
        reverse("model:plan_type_create", args=[model.pk]), {"name": "Tom plan", "order": "1"}
    )
    assert "Välj minst en posttyp." in text(response)
    assert not model.plan_types.filter(name="Tom plan").exists()


def test_a_new_plan_type(client, owner, model):
    control = model.scales.get(kind=ScaleKind.CONTROL_ASSESSMENT)
    response = client.post(
        reverse("model:plan_type_create", args=[model.pk]),
        {
            "name": "Riskanalys",
            "order": "70",
            "item_kinds": [ItemKind.CONTROL_POINT],
            "control_scale": control.pk,
        },
    )
    assert response.status_code == 302
    assert model.plan_types.get(name="Riskanalys").control_scale == control


def test_a_plan_type_in_use_is_not_deleted(client, owner, org, model):
    pt = model.plan_types.get(name="Aktivitetsplan")
    planning.plan_for(actor=access.SYSTEM, unit=org["avd_a"], plan_type=pt)
    response = client.post(reverse("model:plan_type_delete", args=[pt.pk]))
    assert "Aktivitetsplan används av poster eller planer" in text(response)
    assert PlanType.objects.filter(pk=pt.pk).exists()


# --- Scales and their values ------------------------------------------------------------------


def test_a_scale_value_is_added_with_a_colour(client, owner, model):
    scale = model.scales.get(kind=ScaleKind.ACTIVITY_STATUS)
    url = reverse("model:scale_value_create", args=[scale.pk])
    page = text(client.get(url))
    assert 'type="color"' in page and 'name="colour"' in page
    response = client.post(
        url,
        {
            "label": "Klar",
            "colour": "grön",
            "symbol": "✓",
            "order": "70",
        },
    )
    page = text(response)
    assert "Skalan har redan ett värde som heter ”Klar”." in page
    assert "Ange färgen som hexkod, t.ex. #1e6b34." in page
    assert 'value="grön"' in page
    response = client.post(
        url,
        {
            "label": "Avbruten",
            "colour": "7A1F1F",
            "symbol": "✕",
            "comment_required": "on",
            "order": "70",
        },
    )
    assert response.status_code == 302
    value = scale.values.get(label="Avbruten")
    assert value.colour == "#7a1f1f" and value.comment_required and not value.counts_as_done


def test_a_scale_value_is_edited_inline_beside_its_scale(client, owner, model):
    value = ScaleValue.objects.get(scale__model=model, label="Försenad")
    url = reverse("model:scale_value_edit", args=[value.pk])
    page = text(client.get(url, **HTMX))
    assert '<section id="skalor"' in page
    scale_block = page.split(f'id="skala-{value.scale_id}"')[1].split('class="scale"')[0]
    assert f'hx-post="{url}"' in scale_block
    response = client.post(
        url,
        {
            "label": "Försenad",
            "colour": "#b45309",
            "symbol": "▲",
            "order": "60",
            "comment_required": "on",
        },
        **HTMX,
    )
    assert "Skalvärdet ”Försenad” är sparat." in text(response)


def test_a_scale_value_is_deleted(client, owner, model):
    value = ScaleValue.objects.get(scale__model=model, label="Väntar")
    response = client.post(reverse("model:scale_value_delete", args=[value.pk]))
    assert response.status_code == 302
    assert not ScaleValue.objects.filter(pk=value.pk).exists()


def test_a_scale_in_use_is_renamed_but_not_deleted(client, owner, model):
    scale = model.scales.get(kind=ScaleKind.ACTIVITY_STATUS)
    response = client.post(
        reverse("model:scale_edit", args=[scale.pk]),
        {"name": "Status för aktiviteter", "kind": ScaleKind.ACTIVITY_STATUS},
    )
    assert response.status_code == 302
    scale.refresh_from_db()
    assert scale.name == "Status för aktiviteter"
    response = client.post(
        reverse("model:scale_edit", args=[scale.pk]),
        {"name": "Status för aktiviteter", "kind": ScaleKind.ASSIGNMENT_STATUS},
    )
    assert "kan inte byta användning" in text(response)
    response = client.post(reverse("model:scale_delete", args=[scale.pk]))
    assert "används av Verksamhetsplan" in text(response)
    assert Scale.objects.filter(pk=scale.pk).exists()


def test_a_new_scale_for_another_plan_type(client, owner, model):
    response = client.post(
        reverse("model:scale_create", args=[model.pk]),
        {"name": "Genomfört/Pågående/Kvarstår", "kind": ScaleKind.ACTIVITY_STATUS},
    )
    assert response.status_code == 302
    scale = model.scales.get(name="Genomfört/Pågående/Kvarstår")
    page = text(
        client.get(
            reverse("model:plan_type_edit", args=[model.plan_types.get(name="Aktivitetsplan").pk])
        )
    )
    assert "Genomfört/Pågående/Kvarstår" in page
    response = client.post(reverse("model:scale_delete", args=[scale.pk]))
    assert response.status_code == 302


# --- History ------------------------------------------------------------------------------------


def test_each_part_has_a_history(client, owner, reader, model, vision):
    perspective = model.perspectives.get(name="Ekonomi")
    client.post(
        reverse("model:perspective_edit", args=[perspective.pk]),
        {"name": "Ekonomi", "description": "Ny beskrivning", "order": "40"},
    )
    pt = model.plan_types.get(name="Internkontrollplan")
    client.force_login(reader)  # auditors and politicians read the history too
    page = text(client.get(reverse("model:history", args=["perspektiv", perspective.pk])))
    assert "Historik för perspektivet ”Ekonomi”" in page
    assert "Maja Modell" in page and "Ny beskrivning" in page
    page = text(client.get(reverse("model:history", args=["plantyper", pt.pk])))
    assert "Kontrollpunkt" in page and "control_point" not in page
    scale = model.scales.get(kind=ScaleKind.ACTIVITY_STATUS)
    page = text(client.get(reverse("model:history", args=["skalor", scale.pk])))
    assert "Skalvärden" in page and "Försenad" in page
    page = text(client.get(reverse("model:history", args=["visioner", vision.pk])))
    assert "Provköping 2035" in page
    page = text(client.get(reverse("model:history", args=["modell", model.pk])))
    assert "Perspektiv" in page and "Plantyper" in page
    assert client.get(reverse("model:history", args=["okand", model.pk])).status_code == 404


# --- Access ---------------------------------------------------------------------------------------


def part_urls(model) -> list[str]:
    perspective = model.perspectives.first()
    level = model.levels.first()
    pt = model.plan_types.first()
    scale = model.scales.first()
    value = scale.values.first()
    return [
        reverse("model:create", args=[2026]),
        reverse("planning:copy_year", args=[2025]),
        reverse("model:vision_edit", args=[2025]),
        reverse("model:perspective_create", args=[model.pk]),
        reverse("model:perspective_edit", args=[perspective.pk]),
        reverse("model:perspective_delete", args=[perspective.pk]),
        reverse("model:level_create", args=[model.pk]),
        reverse("model:level_edit", args=[level.pk]),
        reverse("model:level_delete", args=[level.pk]),
        reverse("model:plan_type_create", args=[model.pk]),
        reverse("model:plan_type_edit", args=[pt.pk]),
        reverse("model:plan_type_delete", args=[pt.pk]),
        reverse("model:scale_create", args=[model.pk]),
        reverse("model:scale_edit", args=[scale.pk]),
        reverse("model:scale_delete", args=[scale.pk]),
        reverse("model:scale_value_create", args=[scale.pk]),
        reverse("model:scale_value_edit", args=[value.pk]),
        reverse("model:scale_value_delete", args=[value.pk]),
    ]


def snapshot(model):
    return (
        list(Perspective.objects.order_by("pk").values_list("pk", "name", "order")),
        list(GoalLevel.objects.order_by("pk").values_list("pk", "name")),
        list(PlanType.objects.order_by("pk").values_list("pk", "name", "item_kinds")),
        list(Scale.objects.order_by("pk").values_list("pk", "name", "kind")),
        list(ScaleValue.objects.order_by("pk").values_list("pk", "label", "colour")),
        list(GovernanceModel.objects.order_by("pk").values_list("pk", "year")),
        list(Vision.objects.order_by("pk").values_list("pk", "title")),
    )


POST = {
    "name": "Kapad",
    "label": "Kapad",
    "title": "Kapad",
    "text": "Kapad",
    "horizon_year": "2030",
    "valid_from_year": "2025",
    "order": "1",
    "colour": "#000000",
    "kind": ScaleKind.ACTIVITY_STATUS,
    "item_kinds": ItemKind.ACTIVITY,
}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # Everyone with a grant in the municipality reads its model; only its
        # model owner changes it (a förvaltning's model owner does not).
        ("reader", 403),
        ("forv_owner", 403),
        ("chef", 403),
    ],
)
def test_only_the_municipality_model_owner_changes_anything(client, org, model, who, expected):
    user = UserFactory()
    unit, role = {
        "reader": (org["kommun"], Role.READER),
        "forv_owner": (org["forv"], Role.MODEL_OWNER),
        "chef": (org["enhet_a1"], Role.MANAGER),
    }[who]
    grant(user, unit, role)
    client.force_login(user)
    before = snapshot(model)
    for url in part_urls(model):
        for method in ("get", "post"):
            response = getattr(client, method)(url, POST if method == "post" else None)
            assert response.status_code in {expected, 405}, (url, method, response.status_code)
            for header in ("HTTP_HX_REQUEST",):
                response = getattr(client, method)(url, POST, **{header: "true"})
                assert response.status_code in {expected, 405}, (url, method)
    assert snapshot(model) == before


def test_an_anonymous_visitor_changes_nothing(client, model):
    before = snapshot(model)
    for url in part_urls(model):
        response = client.post(url, POST)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert snapshot(model) == before


def test_a_year_out_of_range_is_not_found(client, owner):
    assert client.get(year_url(1800)).status_code == 404


def test_perspectives_levels_and_plan_types_follow_their_order(client, owner, model):
    # Ordning 10, 40, 30, 20, 50: the page lists them in that order, not by name.
    wanted = ["Ekonomi", "Verksamhet", "Invånare", "Medarbetare", "Samhälle och miljö"]
    for order, name in zip((10, 40, 30, 20, 50), wanted, strict=True):
        Perspective.objects.filter(model=model, name=name).update(order=order)
    by_order = [wanted[i] for i in (0, 3, 2, 1, 4)]
    GoalLevel.objects.filter(model=model, name="Verksamhetsmål").update(order=0)
    GoalLevel.objects.filter(model=model).exclude(name="Verksamhetsmål").update(order=5)

    page = text(client.get(year_url()))

    section = page[page.index('id="perspektiv"') :]
    positions = [section.index(f'<th scope="row">{name}</th>') for name in by_order]
    assert positions == sorted(positions)
    assert page.index("Verksamhetsmål") < page.index("Inriktningsmål")


def test_the_scale_says_klar_eller_uppfylld_not_klar_gron(client, owner, model):
    scale = model.scales.get(kind=ScaleKind.ACTIVITY_STATUS)
    form = text(client.get(reverse("model:scale_value_create", args=[scale.pk])))
    page = text(client.get(year_url()))

    assert "Räknas som klar eller uppfylld" in form and "Räknas som klar eller uppfylld" in page
    for old in ("klar/grön", "Klar/grön", "eller grön", "gröna"):
        assert old not in form and old not in page
