"""Ansvarig: only people who work with the unit's plans are offered, in the
item form and in the plan import (access.responsible_candidates)."""

import re

import pytest
from django.urls import reverse

from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services
from styrhjul.planning.models import Item
from tests.excel import import_plan, rejected, workbook
from tests.factories import UnitFactory, UserFactory, grant, unit_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org):
    """Who holds what around Barn och unga (enhet_b1, under Individ och familj)."""

    def person(first, unit=None, role=None, subtree=True, **kwargs):
        user = UserFactory(first_name=first, last_name="Test", **kwargs)
        if unit is not None:
            grant(user, unit, role, subtree)
        return user

    other_org = UnitFactory(name="Grannby kommun", code="G", unit_type=unit_type("Kommun"))
    return {
        "chef": person("Berit", org["enhet_b1"], Role.MANAGER),
        "rapportor": person("Rut", org["enhet_b1"], Role.REPORTER),
        "modellagare": person("Maja", org["kommun"], Role.MODEL_OWNER),
        "avdelningschef": person("Arne", org["avd_b"], Role.MANAGER),
        "avdelningschef_utan_underliggande": person(
            "Alva", org["avd_b"], Role.MANAGER, subtree=False
        ),
        "politiker": person("Pål", org["namnd"], Role.READER),
        "grannchef": person("Gustav", org["enhet_b2"], Role.MANAGER),
        "grannkommun": person("Greta", other_org, Role.MODEL_OWNER),
        "admin": person("Ada", org["kommun"], Role.ADMIN),
        "inaktiv": person("Ingrid", org["enhet_b1"], Role.MANAGER, is_active=False),
        "utan_roll": person("Ulf"),
    }


def test_the_candidates_are_those_who_work_with_the_units_plans(org, people):
    found = set(access.responsible_candidates(org["enhet_b1"]))

    assert found == {
        people["chef"],
        people["rapportor"],
        people["modellagare"],
        people["avdelningschef"],
    }


def options(body: str, name: str = "responsible") -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', body, re.S).group(0)
    return [
        re.sub(r"\s+", " ", o).strip()
        for o in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)
    ]


def test_the_item_form_offers_only_the_candidates(client, org, chain, people):
    client.force_login(people["chef"])
    url = reverse("planning:item_create", args=[org["enhet_b1"].pk, chain["ap"].pk])

    offered = options(client.get(url + "?typ=activity").content.decode())

    assert offered == [
        "Ingen person vald",
        "Arne Test",
        "Berit Test",
        "Maja Test",
        "Rut Test",
    ]


def test_a_person_outside_the_list_is_refused_at_the_field(client, org, chain, people):
    client.force_login(people["chef"])
    url = reverse("planning:item_create", args=[org["enhet_b1"].pk, chain["ap"].pk])

    response = client.post(
        url,
        {
            "typ": "activity",
            "title": "Läxhjälp på biblioteket",
            "responsible": people["politiker"].pk,
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["responsible"]
    assert errors == [
        "Välj en person som har rollen Modellägare, Chef eller Rapportör på Barn och unga "
        "eller på en enhet ovanför, eller skriv en funktion som text."
    ]
    assert not Item.objects.filter(title="Läxhjälp på biblioteket").exists()


def test_a_chosen_person_who_lost_the_role_keeps_showing_marked_and_survives_an_edit(
    client, org, chain, people
):
    activity = chain["activity"]  # in Barn och unga's Aktivitetsplan
    moved = people["grannchef"]
    services.item_update(
        actor=access.SYSTEM, item=activity, version=activity.version, responsible=moved
    )
    activity.refresh_from_db()
    client.force_login(people["chef"])
    url = reverse("planning:item_edit", args=[activity.pk])

    body = client.get(url).content.decode()

    assert "Gustav Test (har ingen roll på enheten längre)" in options(body)
    assert f'<option value="{moved.pk}" selected>' in body
    response = client.post(
        url,
        {
            "title": activity.title,
            "start_date": "2025-02-01",
            "end_date": "2025-12-15",
            "responsible": moved.pk,
            "version": activity.version,
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.responsible == moved
    # Someone else without a role there cannot be chosen in their place.
    response = client.post(
        url,
        {
            "title": activity.title,
            "responsible": people["grannkommun"].pk,
            "version": activity.version,
        },
    )
    assert "responsible" in response.context["form"].errors


def test_the_plan_import_refuses_an_ansvarig_without_a_role_on_the_unit(org, chain, people):
    unit, ap = org["enhet_b1"], chain["ap"]
    sheet = [["Aktivitet", "Ansvarig"], ["Läxhjälp på biblioteket", "Pål Test"]]

    errors = rejected(workbook({"Aktiviteter": sheet}), unit, ap)

    assert [(e.row, e.column) for e in errors] == [(2, "Ansvarig")]
    assert errors[0].message.startswith(
        "Pål Test har inte rollen Modellägare, Chef eller Rapportör på Barn och unga"
    )
    sheet[1][1] = "Rut Test"
    import_plan(workbook({"Aktiviteter": sheet}), unit, ap)
    item = Item.objects.get(
        plan__unit=unit, kind=ItemKind.ACTIVITY, title="Läxhjälp på biblioteket"
    )
    assert item.responsible == people["rapportor"]


# --- The Rapportör does not choose Ansvarig ----------------------------------------------
# A Rapportör reports the items assigned to them. Refused a report on someone
# else's item, they must not be able to edit the item, name themselves
# Ansvarig, and then report it.


def test_a_rapportor_cannot_make_themselves_responsible_and_then_report(client, org, chain, people):
    activity = chain["activity"]  # Barn och unga's, with no one responsible
    rut = people["rapportor"]
    client.force_login(rut)
    url = reverse("planning:item_edit", args=[activity.pk])

    body = client.get(url).content.decode()
    assert re.search(r'<select name="responsible"[^>]*disabled', body)
    assert "Enhetens chef väljer vem som är ansvarig." in body
    response = client.post(
        url,
        {
            "title": "Läxhjälp, nytt namn",
            "start_date": "2025-02-01",
            "end_date": "2025-12-15",
            "responsible": rut.pk,
            "version": activity.version,
        },
    )

    # The rest of the edit is saved; Ansvarig is not the Rapportör's to set.
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Läxhjälp, nytt namn"
    assert activity.responsible is None
    assert not access.may_report(rut, org["enhet_b1"], activity)


def test_the_service_refuses_a_rapportor_changing_ansvarig(org, chain, people):
    activity = chain["activity"]
    rut = people["rapportor"]

    with pytest.raises(services.ValidationError) as info:
        services.item_update(actor=rut, item=activity, version=activity.version, responsible=rut)

    assert info.value.message_dict["responsible"] == [
        "Som rapportör kan du inte ändra vem som är ansvarig för posten."
    ]
    activity.refresh_from_db()
    assert activity.responsible is None
    # The unit's Chef chooses.
    services.item_update(
        actor=people["chef"], item=activity, version=activity.version, responsible=rut
    )
    activity.refresh_from_db()
    assert activity.responsible == rut


def test_the_plan_import_refuses_a_rapportor_changing_ansvarig(org, chain, people):
    unit, ap = org["enhet_b1"], chain["ap"]
    rut = people["rapportor"]
    sheet = [["Aktivitet", "Ansvarig"], [chain["activity"].title, "Rut Test"]]

    errors = rejected(workbook({"Aktiviteter": sheet}), unit, ap, actor=rut)

    assert [(e.row, e.column, e.message) for e in errors] == [
        (2, "Ansvarig", "Som rapportör kan du inte ändra vem som är ansvarig för posten.")
    ]
    chain["activity"].refresh_from_db()
    assert chain["activity"].responsible is None
