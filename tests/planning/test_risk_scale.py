"""The risk scale is part of the year's model: its size (4×4 by default, 5×5
in some municipalities), the names of its steps and the bands of the risk
value. Everything that shows or reads a risk follows it."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from styrhjul.model import services_config
from styrhjul.model.models import GovernanceModel, ItemKind
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services
from styrhjul.planning.excel import export_workbook
from styrhjul.planning.models import Item
from styrhjul.planning.services import model_copy_to_next_year
from tests.excel import CONTROL_HEADER, import_plan, workbook
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

# A common 5×5 scale.
FIVE_PROBABILITY = ["Mycket osannolik", "Osannolik", "Möjlig", "Sannolik", "Mycket sannolik"]
FIVE_CONSEQUENCE = ["Försumbar", "Lindrig", "Kännbar", "Allvarlig", "Mycket allvarlig"]


@pytest.fixture
def owner(org, client):
    user = UserFactory()
    grant(user, org["kommun"], Role.MODEL_OWNER)
    client.force_login(user)
    return user


@pytest.fixture
def ik_plan(org, model):
    plan_type = model.plan_types.get(name="Internkontrollplan")
    return services.plan_for(actor=access.SYSTEM, unit=org["enhet_b1"], plan_type=plan_type)


def five_by_five(model, actor=access.SYSTEM):
    return services_config.risk_scale_save(
        actor=actor,
        model=model,
        probability_labels=FIVE_PROBABILITY,
        consequence_labels=FIVE_CONSEQUENCE,
        risk_medium_from=5,
        risk_high_from=15,
        version=model.version,
    )


def point(plan, number, p, c, **extra):
    return services.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.CONTROL_POINT,
        number=number,
        title=f"Kontrollpunkt {number}",
        probability=p,
        consequence=c,
        **extra,
    )


def test_a_model_owner_sets_a_five_by_five_scale_on_the_model_page(client, owner, model):
    url = reverse("model:risk_scale_edit", args=[model.pk])
    form = client.get(url)
    assert "Osannolik\nMindre sannolik\nMöjlig\nSannolik" in form.content.decode()

    response = client.post(
        url,
        {
            "probability_labels": "\n".join(FIVE_PROBABILITY),
            "consequence_labels": "\n".join(FIVE_CONSEQUENCE) + "\n\n",
            "risk_medium_from": "5",
            "risk_high_from": "15",
            "version": str(model.version),
        },
    )

    assert response.status_code == 302
    model.refresh_from_db()
    scale = model.risk_scale
    assert scale.size_text == "5×5"
    assert scale.consequence_labels[-1] == "Mycket allvarlig"
    assert scale.bands() == [
        ("low", "låg", 1, 4),
        ("medium", "medel", 5, 14),
        ("high", "hög", 15, 25),
    ]
    page = client.get(reverse("model:year", args=[model.year])).content.decode()
    assert "Mycket sannolik" in page and "riskvärde 15–25" in page


def test_a_scale_changed_by_someone_else_meanwhile_is_not_overwritten(client, owner, model):
    url = reverse("model:risk_scale_edit", args=[model.pk])
    opened = model.version
    five_by_five(GovernanceModel.objects.get(pk=model.pk))  # a colleague saves first
    mine = {
        "probability_labels": "Låg\nHög",
        "consequence_labels": "Liten\nStor",
        "risk_medium_from": "2",
        "risk_high_from": "3",
        "version": str(opened),
    }

    response = client.post(url, mine)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Någon annan har ändrat styrmodellen medan du arbetade." in body
    assert "Låg\nHög" in body  # what the user typed is kept
    assert GovernanceModel.objects.get(pk=model.pk).risk_scale.size_text == "5×5"
    # Saving again, on top of the colleague's scale, is deliberate.
    again = {**mine, "version": response.context["form"].data["version"]}
    assert client.post(url, again).status_code == 302
    assert GovernanceModel.objects.get(pk=model.pk).risk_scale.size_text == "2×2"


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"probability_labels": "Låg", "risk_medium_from": "4", "risk_high_from": "9"},
            "probability_labels",
            "Sannolikhet ska ha mellan 2 och 10 steg, ett per rad; nu är det 1.",
        ),
        (
            {"probability_labels": "Låg\nlåg", "risk_medium_from": "2", "risk_high_from": "3"},
            "probability_labels",
            "Två steg har samma benämning.",
        ),
        (
            {"risk_medium_from": "8", "risk_high_from": "6"},
            "risk_high_from",
            "Hög risk måste börja vid ett högre riskvärde än medelhög risk.",
        ),
        (
            {"risk_medium_from": "4", "risk_high_from": "30"},
            "risk_high_from",
            "Ange ett riskvärde från 2 till 16.",
        ),
    ],
)
def test_a_bad_scale_is_refused_at_its_field(client, owner, model, data, field, message):
    form = {
        "probability_labels": "Osannolik\nMindre sannolik\nMöjlig\nSannolik",
        "consequence_labels": "Försumbar\nLindrig\nKännbar\nAllvarlig",
        **data,
    }

    response = client.post(reverse("model:risk_scale_edit", args=[model.pk]), form)

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    model.refresh_from_db()
    assert model.risk_scale.size_text == "4×4" and model.risk_high_from == 9


def test_the_scale_cannot_shrink_below_the_steps_in_use(model, ik_plan):
    five_by_five(model)
    point(ik_plan, "1", 5, 2)
    point(ik_plan, "2", 5, 5)

    with pytest.raises(ValidationError) as caught:
        services_config.risk_scale_save(
            actor=access.SYSTEM,
            model=model,
            probability_labels=["Låg", "Medel", "Hög", "Mycket hög"],
            consequence_labels=list(FIVE_CONSEQUENCE),
            risk_medium_from=4,
            risk_high_from=9,
            version=model.version,
        )

    assert caught.value.message_dict["probability_labels"] == [
        "2 kontrollpunkter har sannolikhet över 4. Ändra deras riskbedömning först, "
        "eller behåll minst 5 steg."
    ]
    assert GovernanceModel.objects.get(pk=model.pk).risk_scale.size_text == "5×5"


def test_only_model_owners_change_the_scale(client, org, model):
    chef = UserFactory()
    grant(chef, org["enhet_b1"], Role.MANAGER)
    client.force_login(chef)

    response = client.post(
        reverse("model:risk_scale_edit", args=[model.pk]),
        {
            "probability_labels": "A\nB",
            "consequence_labels": "C\nD",
            "risk_medium_from": "2",
            "risk_high_from": "3",
        },
    )

    assert response.status_code in (403, 404)
    model.refresh_from_db()
    assert model.risk_scale.size_text == "4×4"


def test_a_value_outside_the_models_scale_is_refused_at_the_field(ik_plan, model):
    with pytest.raises(ValidationError) as caught:
        point(ik_plan, "1", 5, 1)
    assert caught.value.message_dict["probability"] == [
        "Ange ett värde från 1 till 4: styrmodellen för 2025 har en riskskala med 4 steg."
    ]

    five_by_five(model)
    ik_plan.plan_type.model.refresh_from_db()
    assert point(ik_plan, "3", 5, 5).risk_value == 25


def test_the_risk_page_draws_the_models_matrix(client, org, model, ik_plan):
    five_by_five(model)
    point(ik_plan, "1", 5, 3)
    point(ik_plan, "2", 1, 4)
    chef = UserFactory()
    grant(chef, org["enhet_b1"], Role.MANAGER)
    client.force_login(chef)

    response = client.get(reverse("planning:risk", args=[ik_plan.pk]))

    analysis = response.context["analysis"]
    assert [row.probability for row in analysis.rows] == [5, 4, 3, 2, 1]
    assert [c for c, _label in analysis.consequences] == [1, 2, 3, 4, 5]
    body = response.content.decode()
    assert "Sannolikhet</span> 5 Mycket sannolik" in body
    assert "Konsekvens</span> 5 Mycket allvarlig" in body
    assert "Riskvärde 15, hög" in body and "Riskvärde 4, låg" in body
    assert "på styrmodellens skala 5×5" in body
    top = next(c for c in analysis.rows[0].cells if c.consequence == 3)
    assert [r.item.number for r in top.risks] == ["1"]


def test_the_item_form_offers_the_models_steps(org, model):
    from styrhjul.planning.forms import ItemForm

    five_by_five(model)
    model.refresh_from_db()
    form = ItemForm(kind=ItemKind.CONTROL_POINT, model=model, unit=model.organisation)

    assert [label for _v, label in form.fields["probability"].choices][1:] == [
        f"{i} {label}" for i, label in enumerate(FIVE_PROBABILITY, 1)
    ]


def test_copying_the_model_keeps_the_scale(model):
    five_by_five(model)
    model.refresh_from_db()

    next_year = model_copy_to_next_year(actor=access.SYSTEM, model=model)

    assert next_year.risk_scale == model.risk_scale


def test_excel_reads_and_offers_the_models_scale(org, model, ik_plan):
    five_by_five(model)
    ik_type = ik_plan.plan_type
    ik_type.model.refresh_from_db()
    row = ["Ekonomi", "1", "Attest", "Risk", 5, 5, "Moment", "Metod", "Årligen", "Controller"]

    import_plan(workbook({"Kontrollpunkter": [CONTROL_HEADER, row]}), ik_plan.unit, ik_type)

    assert Item.objects.get(plan=ik_plan, number="1").risk_value == 25
    data = export_workbook(actor=access.SYSTEM, unit=ik_plan.unit, plan_type=ik_type)
    book = openpyxl.load_workbook(io.BytesIO(data))
    lists = [dv.formula1 for dv in book["Kontrollpunkter"].data_validations.dataValidation]
    assert '"1,2,3,4,5"' in lists
    instructions = [c for r in book["Instruktioner"].iter_rows(values_only=True) for c in r if c]
    assert (
        "1 Mycket osannolik, 2 Osannolik, 3 Möjlig, 4 Sannolik, 5 Mycket sannolik" in instructions
    )
    # The result columns are described too.
    assert "Åtgärd klar senast" in instructions and "Bedömning" in instructions
