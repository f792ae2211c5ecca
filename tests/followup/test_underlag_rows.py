"""The underlag's rows written in one pass (followup/templatetags/underlag_rows.py)
give the markup the page's template loop gave, row for row."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from styrhjul.followup.models import Report, ReportingTask
from styrhjul.followup.underlag import underlag
from styrhjul.indicators.models import IndicatorValue
from styrhjul.model.models import ItemKind
from styrhjul.organisation import access
from styrhjul.planning import services as planning
from tests.factories import UserFactory

# The loops of followup/underlag.html before the rows were written in one pass.
TEMPLATE_ROWS = """{% load i18n numbers %}<tbody>{% for r in rows %}
  <tr>
    <th scope="row">{{ r.unit.name }}</th>
    <td data-label="{% translate 'Post' %}">{% if r.shared %}<span class="tag tag--shared">{% translate "Delad" %}</span>{% else %}{% if r.item.number %}{{ r.item.number }} {% endif %}{{ r.item.title }} <span class="muted">({% translate "bidrar" %})</span>{% endif %}</td>
    <td data-label="{% translate 'Status/bedömning' %}">{% with sv=r.scale_value %}{% if sv %}<span class="swatch" style="background-color: {{ sv.colour }}" aria-hidden="true"></span><span class="scale-value__symbol" aria-hidden="true">{{ sv.symbol }}</span> {{ sv.label }}{% elif r.started %}<span class="muted">{% translate "Påbörjad, ej rapporterat" %}</span>{% elif not r.reported %}<span class="muted">{% translate "Ej rapporterat" %}</span>{% else %}–{% endif %}{% endwith %}</td>
    <td class="num" data-label="{% translate 'Färdighetsgrad' %}">{% if r.report.completion is not None %}{{ r.report.completion }} %{% else %}–{% endif %}</td>
    <td class="num" data-label="{% translate 'Utfall' %}">{% if r.value and r.value.value is not None %}{{ r.value.value|in_precision:r.item }}{% if r.value.period %} <span class="muted">({{ r.value.period }})</span>{% endif %}{% if r.item.gender_split %}<br><span class="gender-split">{% translate "kvinnor" %} {{ r.value.value_women|number_in_precision:r.item }}, {% translate "män" %} {{ r.value.value_men|number_in_precision:r.item }}</span>{% endif %}{% else %}–{% endif %}</td>
    <td data-label="{% translate 'Kommentar/analys' %}">{% if r.text %}{{ r.text|linebreaksbr }}{% else %}–{% endif %}</td>
    <td data-label="{% translate 'Rapporterat av' %}">{% if r.report %}{{ r.report.updated_by|default:"–" }}<br><span class="muted">{{ r.report.updated_at|date:"Y-m-d H:i" }}</span>{% else %}–{% endif %}</td>
  </tr>{% endfor %}</tbody>"""  # noqa: E501

TEMPLATE_MISSING = """{% load i18n %}<ul>{% for m in missing %}<li>{{ m.unit.name }}{% for r in m.named_rows %}{% if forloop.first %} – {% endif %}{{ r.item.title }}{% if r.started %} <span class="muted">({% translate "påbörjad" %})</span>{% endif %}{% if not forloop.last %}, {% endif %}{% empty %}{% if m.rows.0.started %} <span class="muted">({% translate "påbörjad" %})</span>{% endif %}{% endfor %}</li>{% endfor %}</ul>"""  # noqa: E501


@pytest.fixture
def pages(org, chain, occasion):
    """Two underlag of the förvaltning's task with rows of every kind: an
    indicator shared to the enheter (reported with an assessment, an outcome
    per period split by gender and a comment in several lines; started;
    not reported; reported with an outcome only) and the förvaltning's goal
    with the activity of an enhet contributing to it."""
    org["enhet_a2"].name = "Hemtjänst Norr & <Syd>"
    org["enhet_a2"].save()
    task = ReportingTask.objects.get(
        occasion=occasion, unit=org["forv"], plan_type=chain["vp"], reporter=None
    )
    item = planning.item_create(
        actor=access.SYSTEM,
        plan=planning.plan_for(actor=access.SYSTEM, unit=org["forv"], plan_type=chain["vp"]),
        kind=ItemKind.INDICATOR,
        number="SF9",
        title="Sjukfrånvaro",
        measure_unit="%",
        aggregation="mean",
        gender_split=True,
    )
    units = [org["enhet_a1"], org["enhet_a2"], org["enhet_b1"], org["enhet_b2"]]
    planning.item_share(actor=access.SYSTEM, item=item, units=units)
    green = chain["vp"].indicator_scale.values.order_by("order").first()
    reporter = UserFactory(first_name="Eva", last_name="O'Ek")
    Report.objects.create(
        occasion=occasion,
        unit=org["enhet_a1"],
        item=item,
        assessment=green,
        comment="Bra år\n<b>inte fet</b>",
        analysis="Stabilt",
        updated_by=reporter,
    )
    IndicatorValue.objects.create(
        item=item,
        unit=org["enhet_a1"],
        year=2025,
        period="2025-08",
        value="5.25",
        value_women="4.5",
        value_men="6",
    )
    Report.objects.create(occasion=occasion, unit=org["enhet_a2"], item=item, comment="Påbörjat")
    IndicatorValue.objects.create(item=item, unit=org["enhet_b2"], year=2025, value=1234)
    status = chain["ap"].activity_scale.values.order_by("order").first()
    indicator_page = underlag(access.SYSTEM, task, item)
    goal_page = underlag(access.SYSTEM, task, chain["operational"])
    Report.objects.create(
        occasion=occasion,
        unit=org["enhet_b1"],
        item=chain["activity"],
        status=status,
        completion=40,
        comment="Startat",
    )
    reported_goal_page = underlag(access.SYSTEM, task, chain["operational"])
    return task, item, indicator_page, goal_page, reported_goal_page


def _render(source: str, **context) -> str:
    with translation.override("sv"):
        return Template(source).render(Context(context))


def test_the_rows_are_written_as_the_template_wrote_them(pages):
    _task, _item, indicator_page, goal_page, reported_goal_page = pages
    rows = [*indicator_page.rows, *goal_page.rows, *reported_goal_page.rows]
    states = {(r.reported, r.started, r.report is not None, r.shared) for r in rows}
    assert len(states) >= 5  # reported, started, not reported; with and without a report
    new = _render("{% load underlag_rows %}<tbody>{% underlag_rows rows %}</tbody>", rows=rows)
    assert new == _render(TEMPLATE_ROWS, rows=rows)
    assert "Hemtjänst Norr &amp; &lt;Syd&gt;" in new
    assert "Bra år<br>&lt;b&gt;inte fet&lt;/b&gt;" in new
    assert "kvinnor 4,50, män 6,00" in new or "kvinnor 4,5, män 6" in new
    assert "40 %" in new and "(bidrar)" in new


def test_the_units_that_have_not_reported_are_written_as_the_template_wrote_them(pages):
    _task, _item, indicator_page, goal_page, _reported = pages
    missing = [*indicator_page.missing, *goal_page.missing]
    assert any(m.named_rows for m in missing) and any(not m.named_rows for m in missing)
    new = _render(
        "{% load underlag_rows %}<ul>{% underlag_missing missing %}</ul>", missing=missing
    )
    assert new == _render(TEMPLATE_MISSING, missing=missing)
    assert "(påbörjad)" in new


def test_the_page_shows_the_rows(client, pages):
    task, item, *_ = pages
    client.force_login(UserFactory(is_superuser=True))
    html = client.get(reverse("followup:underlag", args=[task.pk, item.pk])).content.decode()
    assert '<th scope="row">Hemtjänst Norr &amp; &lt;Syd&gt;</th>' in html
    assert "Eva O&#x27;Ek<br>" in html
