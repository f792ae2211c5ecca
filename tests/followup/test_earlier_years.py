"""An earlier year's outcome reported at a later occasion (e.g. last year's
final outcome, which often comes in the spring), where the indicator allows
it (Utfall för tidigare år får rapporteras)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from styrhjul.followup import services
from styrhjul.followup.models import OccasionStep, Report, ReportingTask
from styrhjul.indicators.models import IndicatorValue, ValueSource
from styrhjul.organisation import access
from styrhjul.organisation.models import Role
from styrhjul.planning import services as planning
from styrhjul.planning.models import Item
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

LAST_YEAR_LABEL = "Utfall 2024 (tidigare år)"


@pytest.fixture
def task(occasion, org, chain):
    """The kommun's Verksamhetsplan task at Delårsrapport 2025, open."""
    future = timezone.localdate() + datetime.timedelta(days=14)
    OccasionStep.objects.filter(occasion=occasion).update(deadline=future)
    return ReportingTask.objects.get(
        occasion=occasion, unit=org["kommun"], plan_type=chain["vp"], reporter=None
    )


@pytest.fixture
def owner(client, org):
    user = UserFactory(first_name="Maja")
    grant(user, org["kommun"], Role.MODEL_OWNER, subtree=False)
    client.force_login(user)
    return user


@pytest.fixture
def indicator(chain):
    """Andel behöriga till gymnasiet (%), whose outcome for last year may be
    reported at this year's occasions."""
    Item.objects.filter(pk=chain["indicator"].pk).update(earlier_years=1)
    return Item.objects.get(pk=chain["indicator"].pk)


def task_page(client, task):
    response = client.get(reverse("followup:task", args=[task.pk]))
    assert response.status_code == 200
    return response


def post(client, task, item, **fields):
    p = f"post-{item.pk}-"
    data = {p + k: v for k, v in fields.items()}
    data.setdefault(p + "version", "0")
    return client.post(reverse("followup:report_item", args=[task.pk, item.pk]), data)


def opened(response, item, year=2024):
    """The hidden value of what the user opened, as the page carries it."""
    form = response.context["page"].entries[item.pk].form
    return form[f"earlier_{year}_opened"].value() or ""


def test_the_field_is_shown_only_where_the_indicator_allows_it(client, task, owner, chain):
    html = task_page(client, task).content.decode()
    assert LAST_YEAR_LABEL not in html
    Item.objects.filter(pk=chain["indicator"].pk).update(earlier_years=1)
    html = task_page(client, task).content.decode()
    assert LAST_YEAR_LABEL in html
    assert "Utfall 2023" not in html  # one year back only
    # Kolada's values are read, never reported.
    Item.objects.filter(pk=chain["indicator"].pk).update(source="kolada", kolada_kpi="N15428")
    assert LAST_YEAR_LABEL not in task_page(client, task).content.decode()


def test_last_years_outcome_is_saved_as_reported_and_shows_in_the_series(
    client, task, owner, indicator, org
):
    IndicatorValue.objects.create(
        item=indicator, unit=org["kommun"], year=2024, period="", value=Decimal("83.5")
    )
    response = task_page(client, task)
    assert 'value="83,5"' in response.content.decode()
    response = post(
        client,
        task,
        indicator,
        earlier_2024="84,2",
        earlier_2024_opened=opened(response, indicator),
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(item=indicator, unit=org["kommun"], year=2024)
    assert (value.value, value.source, value.updated_by) == (
        Decimal("84.2"),
        ValueSource.MANUAL,
        owner,
    )
    assert [h.value for h in value.history.order_by("history_date")] == [
        Decimal("83.5"),
        Decimal("84.2"),
    ]
    # The indicator's page shows it in the series.
    html = client.get(
        reverse("indicators:indicator", args=[indicator.pk]) + f"?enhet={org['kommun'].pk}"
    ).content.decode()
    assert "84,2" in html and "83,5" not in html


def test_last_years_value_entered_through_last_years_copy_is_corrected(
    client, task, owner, indicator, org, chain
):
    """A value reported last year through last year's copy of the indicator
    (same series) is corrected through this year's copy, keeping its note."""
    last_year = Item.objects.get(pk=indicator.pk)
    last_year.pk = None
    last_year.plan = planning.plan_for(
        actor=access.SYSTEM,
        unit=org["kommun"],
        plan_type=_plan_type_2024(chain),
    )
    last_year.save()
    IndicatorValue.objects.create(
        item=last_year, unit=org["kommun"], year=2024, value=Decimal("80"), note="Preliminärt"
    )
    response = task_page(client, task)
    post(
        client, task, indicator, earlier_2024="82", earlier_2024_opened=opened(response, indicator)
    )
    saved = services.earlier_value(indicator, org["kommun"].pk, 2024)
    assert (saved.item_id, saved.value, saved.note) == (indicator.pk, Decimal("82"), "Preliminärt")


def _plan_type_2024(chain):
    from styrhjul.model.models import GovernanceModel, PlanType

    model_2025 = chain["vp"].model
    model = GovernanceModel.objects.create(organisation=model_2025.organisation, year=2024)
    return PlanType.objects.create(model=model, name="Verksamhetsplan", item_kinds=["indicator"])


@pytest.mark.parametrize(
    ("typed", "message"),
    [("åttiofyra", "Fyll i ett tal."), ("84,123", "decimaler"), ("101", "inte vara över 100")],
)
def test_bad_input_is_explained_at_the_field_and_kept(
    client, task, owner, indicator, org, typed, message
):
    response = post(
        client, task, indicator, comment="Slutligt utfall för 2024.", earlier_2024=typed
    )
    assert response.status_code == 200
    form = response.context["page"].entries[indicator.pk].form
    assert list(form.errors) == ["earlier_2024"]
    assert message in " ".join(form.errors["earlier_2024"])
    html = response.content.decode()
    assert f'value="{typed}"' in html
    assert f'id="id_post-{indicator.pk}-earlier_2024_error"' in html
    # Nothing is half-saved: neither the value nor the report.
    assert not IndicatorValue.objects.filter(item=indicator).exists()
    assert not Report.objects.filter(item=indicator).exists()


def test_someone_elses_change_is_not_overwritten_unseen(client, task, owner, indicator, org):
    response = task_page(client, task)  # Maja opens the page: no value for 2024
    token = opened(response, indicator)
    # Meanwhile a controller enters it.
    services.earlier_value_save(
        actor=access.SYSTEM, task=task, item=indicator, year=2024, value=Decimal("83"), opened=""
    )
    response = post(client, task, indicator, earlier_2024="85", earlier_2024_opened=token)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Någon annan har ändrat utfallet medan du skrev." in html
    assert "Sparat nu: 83" in html
    assert 'value="85"' in html  # what Maja typed is kept
    assert IndicatorValue.objects.get(item=indicator, year=2024).value == Decimal("83")
    # Saving again writes over it, knowingly.
    form = response.context["page"].entries[indicator.pk].form
    again = post(
        client,
        task,
        indicator,
        earlier_2024="85",
        earlier_2024_opened=form.data[f"post-{indicator.pk}-earlier_2024_opened"],
    )
    assert again.status_code == 302
    assert IndicatorValue.objects.get(item=indicator, year=2024).value == Decimal("85")


def test_the_service_refuses_years_the_indicator_does_not_allow(task, indicator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.earlier_value_save(
            actor=access.SYSTEM, task=task, item=indicator, year=2023, value=1, opened=""
        )
    assert "kan inte rapporteras här" in str(caught.value)


def test_the_indicator_form_has_the_setting(client, owner, chain):
    html = client.get(reverse("planning:item_edit", args=[chain["indicator"].pk])).content.decode()
    assert "Utfall för tidigare år får rapporteras" in html
    html = client.get(reverse("planning:item_edit", args=[chain["council"].pk])).content.decode()
    assert "Utfall för tidigare år får rapporteras" not in html


def test_saving_the_report_leaves_an_untouched_earlier_value_alone(
    client, task, owner, indicator, org
):
    IndicatorValue.objects.create(
        item=indicator, unit=org["kommun"], year=2024, period="", value=Decimal("83.5")
    )
    response = task_page(client, task)
    token = opened(response, indicator)
    # Meanwhile someone corrects 2024; Maja writes only a comment.
    services.earlier_value_save(
        actor=access.SYSTEM, task=task, item=indicator, year=2024, value=Decimal("84"), opened=token
    )
    response = post(
        client,
        task,
        indicator,
        comment="Utfallet kommer i augusti.",
        earlier_2024="83,5",
        earlier_2024_opened=token,
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.get(item=indicator, year=2024).value == Decimal("84")
    assert Report.objects.get(item=indicator).comment == "Utfallet kommer i augusti."
