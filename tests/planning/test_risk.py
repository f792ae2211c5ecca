"""The risk analysis page of a plan with control points: the matrix, the
sortable risk list and the decision per risk."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrhjul.model.models import ItemKind
from styrhjul.model.riskscale import DEFAULT
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services
from styrhjul.planning.models import Item
from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def ik_plan(org, model):
    plan_type = model.plan_types.get(name="Internkontrollplan")
    return services.plan_for(actor=access.SYSTEM, unit=org["enhet_b1"], plan_type=plan_type)


def control_point(plan, number, title, probability=None, consequence=None, area="Ekonomi"):
    return services.item_create(
        actor=access.SYSTEM,
        plan=plan,
        kind=ItemKind.CONTROL_POINT,
        number=number,
        title=title,
        area=area,
        process="Attest",
        risk=f"Risk för {title.lower()}",
        probability=probability,
        consequence=consequence,
    )


@pytest.fixture
def risks(ik_plan):
    return {
        "high": control_point(ik_plan, "K2", "Felaktiga utbetalningar", 4, 3),
        "low": control_point(ik_plan, "K10", "Sen fakturering", 1, 2, area="Administration"),
        "medium": control_point(ik_plan, "K1", "Brister i delegation", 2, 3, area="Personal"),
        "none": control_point(ik_plan, "K3", "Ej bedömd rutin"),
    }


@pytest.fixture
def chef_b1(client, org):
    chef = UserFactory(first_name="Berit")
    grant(chef, org["enhet_b1"], Role.MANAGER)
    client.force_login(chef)
    return chef


def url(plan, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("planning:risk", args=[plan.pk]) + (f"?{query}" if query else "")


def test_bands_cover_every_value_of_the_matrix():
    assert DEFAULT.band(None) is None
    assert [DEFAULT.band(v)[0] for v in (1, 2, 3)] == ["low"] * 3
    assert [DEFAULT.band(v)[0] for v in (4, 6, 8)] == ["medium"] * 3
    assert [DEFAULT.band(v)[0] for v in (9, 12, 16)] == ["high"] * 3
    assert DEFAULT.band(12)[1] == "hög"


def test_the_matrix_places_each_risk_in_its_cell(client, ik_plan, risks, chef_b1):
    response = client.get(url(ik_plan))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<caption>" in body
    # Axes with number and label; probability rows with the highest first.
    assert body.index("Sannolikhet</span> 4 Sannolik") < body.index(
        "Sannolikhet</span> 1 Osannolik"
    )
    for text in ("1 Försumbar", "2 Lindrig", "3 Kännbar", "4 Allvarlig", "2 Mindre sannolik"):
        assert text in body
    assert body.count('scope="row"') == 4
    analysis = response.context["analysis"]
    cells = {(c.probability, c.consequence): c for row in analysis.rows for c in row.cells}
    assert [r.item.pk for r in cells[4, 3].risks] == [risks["high"].pk]
    assert cells[4, 3].value == 12 and cells[4, 3].band_key == "high"
    assert [r.item.pk for r in cells[1, 2].risks] == [risks["low"].pk]
    assert [r.item.pk for r in analysis.unassessed] == [risks["none"].pk]
    # The band is written, not only coloured; the risk links to its item.
    cell_html = re.search(r'<td class="risk-cell risk-cell--high">(.*?)</td>', body, re.S)
    # The first high cell: probability 4 × consequence 3.
    assert "Riskvärde 12, hög" in cell_html.group(1)
    assert "K2 Felaktiga utbetalningar" in cell_html.group(1)
    assert "Riskvärde 16, hög" in body and "Riskvärde 6, medel" in body
    assert "Riskvärde 2, låg" in body
    assert reverse("planning:item", args=[risks["high"].pk]) in body
    assert "Ej riskbedömda" in body and "Ej bedömd rutin" in body


def test_the_list_sorts_by_value_number_and_area(client, ik_plan, risks, chef_b1):
    def order(**params):
        response = client.get(url(ik_plan, **params))
        return [r.item.number for r in response.context["analysis"].risks], response

    numbers, response = order()
    assert numbers == ["K2", "K1", "K10", "K3"]
    assert 'aria-sort="descending"' in response.content.decode()
    numbers, response = order(sortera="nr")
    assert numbers == ["K1", "K2", "K3", "K10"]
    body = response.content.decode()
    assert body.count("aria-sort=") == 1 and 'aria-sort="ascending"' in body
    numbers, _ = order(sortera="omrade")
    assert numbers == ["K10", "K2", "K3", "K1"]
    numbers, _ = order(sortera="nonsens")
    assert numbers == ["K2", "K1", "K10", "K3"]


def test_a_writer_decides_how_a_risk_is_handled(client, ik_plan, risks, chef_b1):
    item = risks["low"]
    page = client.get(url(ik_plan, beslut=item.pk))
    assert "Spara beslut" in page.content.decode()
    response = client.post(
        url(ik_plan),
        {"risk": item.pk, "risk_handling": "other", "risk_handling_reason": "", "version": 1},
    )
    assert response.status_code == 200
    assert "Skriv hur och varför risken hanteras på annat sätt" in response.content.decode()
    assert response.context["form"].errors["risk_handling_reason"]
    item.refresh_from_db()
    assert item.risk_handling == ""

    response = client.post(
        url(ik_plan),
        {
            "risk": item.pk,
            "risk_handling": "other",
            "risk_handling_reason": "Hanteras i den årliga attestgenomgången.",
            "version": item.version,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.risk_handling == "other"
    assert item.risk_handling_reason == "Hanteras i den årliga attestgenomgången."
    body = client.get(url(ik_plan)).content.decode()
    assert "Hanteras på annat sätt" in body and "årliga attestgenomgången" in body

    # A stale version is refused, and nothing is overwritten.
    response = client.post(
        url(ik_plan), {"risk": item.pk, "risk_handling": "control", "version": 1}
    )
    assert response.status_code == 200
    assert "Någon annan har ändrat posten" in response.content.decode()
    item.refresh_from_db()
    assert item.risk_handling == "other"


def test_the_decision_is_on_the_control_point_form(client, ik_plan, risks, chef_b1):
    body = client.get(reverse("planning:item_edit", args=[risks["high"].pk])).content.decode()
    assert 'name="risk_handling"' in body and 'name="risk_handling_reason"' in body


def test_a_reader_sees_the_page_without_the_decision_form(client, org, ik_plan, risks):
    reader = UserFactory()
    grant(reader, org["enhet_b1"], Role.READER)
    client.force_login(reader)
    body = client.get(url(ik_plan, beslut=risks["low"].pk)).content.decode()
    assert "Felaktiga utbetalningar" in body
    assert "Spara beslut" not in body and "Ändra beslut" not in body
    response = client.post(
        url(ik_plan), {"risk": risks["low"].pk, "risk_handling": "control", "version": 1}
    )
    assert response.status_code == 403
    risks["low"].refresh_from_db()
    assert risks["low"].risk_handling == ""


def test_a_sibling_units_manager_gets_404(client, org, ik_plan, risks):
    other = UserFactory()
    grant(other, org["enhet_b2"], Role.MANAGER)
    client.force_login(other)
    assert client.get(url(ik_plan)).status_code == 404


def test_a_plan_without_control_points_has_no_risk_analysis(client, org, chain, chef_b1):
    plan = chain["activity"].plan
    assert client.get(url(plan)).status_code == 404
    body = client.get(reverse("planning:plan", args=[plan.pk])).content.decode()
    assert "Riskanalys" not in body


def test_the_plan_page_links_to_the_risk_analysis(client, ik_plan, risks, chef_b1):
    body = client.get(reverse("planning:plan", args=[ik_plan.pk])).content.decode()
    assert url(ik_plan) in body


def test_the_query_count_does_not_grow_with_the_risks(client, ik_plan, chef_b1):
    def count_for(n):
        existing = Item.objects.filter(plan=ik_plan).count()
        for i in range(existing, n):
            control_point(ik_plan, f"K{i + 1}", f"Risk {i + 1}", i % 4 + 1, (i // 4) % 4 + 1)
        first = Item.objects.filter(plan=ik_plan).first()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(ik_plan, beslut=first.pk))
        assert response.status_code == 200
        assert len(response.context["analysis"].risks) == n
        return len(ctx.captured_queries)

    assert count_for(5) == count_for(60)


def test_the_item_form_also_asks_for_a_reason_when_a_risk_is_handled_otherwise(org, model):
    from styrhjul.planning.forms import ItemForm
    from styrhjul.planning.models import Item

    form = ItemForm(
        {"title": "Fakturor attesteras", "control_step": "Stickprov", "risk_handling": "other"},
        kind="control_point",
        model=model,
        unit=org["enhet_b1"],
        instance=Item(kind="control_point"),
    )
    assert not form.is_valid()
    assert "Ange hur risken hanteras" in str(form.errors["risk_handling_reason"])
    assert form.fields["risk_handling"].choices[0] == ("", "Inget beslut än")


def test_control_points_shared_to_the_plan_are_in_the_analysis(client, org, ik_plan, chef_b1):
    forv_plan = services.plan_for(
        actor=access.SYSTEM, unit=org["forv"], plan_type=ik_plan.plan_type
    )
    shared = control_point(forv_plan, "F1", "Avtalstrohet vid inköp", 3, 4)
    services.item_share(actor=access.SYSTEM, item=shared, units=[org["enhet_b1"]])
    own = control_point(ik_plan, "K1", "Egen kontroll", 1, 1)

    response = client.get(url(ik_plan))

    body = response.content.decode()
    assert [r.item.pk for r in response.context["analysis"].risks] == [shared.pk, own.pk]
    assert f"delad från {org['forv'].name}" in body
    # The owner decides on a shared risk, not the receiving unit.
    assert f"beslut={shared.pk}" not in body and f"beslut={own.pk}" in body
    refused = client.post(
        url(ik_plan), {"risk": shared.pk, "risk_handling": "control", "version": 1}
    )
    assert refused.status_code == 404
    shared.refresh_from_db()
    assert shared.risk_handling == ""


def test_a_point_shared_to_several_units_is_one_risk_of_its_plan(client, org, model):
    from styrhjul.planning.risk import control_points

    plan_type = model.plan_types.get(name="Internkontrollplan")
    plan = services.plan_for(actor=access.SYSTEM, unit=org["avd_b"], plan_type=plan_type)
    point = control_point(plan, "K1", "Felaktiga utbetalningar", 4, 3)
    services.item_share(actor=access.SYSTEM, item=point, units=[org["enhet_b1"], org["enhet_b2"]])

    assert [p.pk for p in control_points(plan)] == [point.pk]
    chef = UserFactory()
    grant(chef, org["avd_b"], Role.MANAGER)
    client.force_login(chef)
    analysis = client.get(url(plan)).context["analysis"]
    assert [r.item.pk for r in analysis.risks] == [point.pk]


# The loops risk.html had before its rows were rendered in one pass
# (templatetags/risk_analysis.py, risk_loops.html): the same HTML.
_LOOPS = (Path(__file__).parent / "risk_loops.html").read_text().rstrip("\n")

_ONE_PASS = """{% load risk_analysis %}{% for row in analysis.rows %}{% for cell in row.cells %}\
{% risk_cell_list cell %}{% endfor %}{% endfor %}
<ul>{% risk_links analysis.unassessed %}</ul>
  <tbody>
  {% risk_rows analysis.risks can_write decide_url %}
  </tbody>"""


@pytest.mark.parametrize("can_write", [True, False])
def test_the_risk_rows_are_the_html_the_template_loops_wrote(org, ik_plan, risks, can_write):
    from django.template import Context, Template

    from styrhjul.planning import risk

    forv_plan = services.plan_for(
        actor=access.SYSTEM, unit=org["forv"], plan_type=ik_plan.plan_type
    )
    shared = control_point(forv_plan, "", 'Avtal <& "inköp"> ' + "lång " * 20, 3, 4)
    services.item_share(actor=access.SYSTEM, item=shared, units=[org["enhet_b1"]])
    Item.objects.filter(pk=risks["high"].pk).update(
        risk="Första raden\nandra <raden>",
        risk_handling="other",
        risk_handling_reason="Hanteras i\nattestrutinen & revideras",
        title="Felaktiga <b>utbetalningar</b>",
    )
    Item.objects.filter(pk=risks["low"].pk).update(risk_handling="control", area="", process="")
    items = risk.control_points(ik_plan)
    analysis = risk.analyse(items, ik_plan.plan_type.model.risk_scale, plan=ik_plan)
    assert analysis.unassessed and any(r.shared_from for r in analysis.risks)
    context = {"analysis": analysis, "can_write": can_write, "decide_url": "/x/?beslut="}
    before = Template(_LOOPS).render(Context(context))
    after = Template(_ONE_PASS).render(Context(context))
    assert "&lt;b&gt;" in after and "Första raden<br>andra &lt;raden&gt;" in after
    assert after == before
