"""What the reporting page saves for one item is one action: the report and
the indicator's outcome are saved together or not at all."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from styrhjul.followup import services
from styrhjul.followup.models import Report, ReportingTask
from styrhjul.indicators.models import IndicatorValue
from styrhjul.organisation import access

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def during_the_interim_follow_up():
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2025, 7, 1)):
        yield


@pytest.fixture
def task(org, chain, occasion):
    return ReportingTask.objects.get(
        occasion=occasion, unit=org["kommun"], plan_type=chain["vp"], reporter=None
    )


def save(task, item, comment, value):
    return services.item_report_save(
        actor=access.SYSTEM,
        task=task,
        item=item,
        data=services.ReportData(comment=comment),
        version=0,
        outcome={"value": value},
    )


def test_the_report_and_the_outcome_are_saved_together(task, chain):
    report = save(task, chain["indicator"], "Andelen ökar.", 84)
    assert Report.objects.get(pk=report.pk).comment == "Andelen ökar."
    assert IndicatorValue.objects.get(item=chain["indicator"], unit=task.unit).value == 84


def test_an_outcome_refused_leaves_the_report_unsaved_too(task, chain):
    # The indicator is measured in percent: 140 is refused, and with it the comment.
    with pytest.raises(ValidationError) as excinfo:
        save(task, chain["indicator"], "Andelen ökar.", 140)
    assert "inte vara över 100" in str(excinfo.value)
    assert not Report.objects.filter(item=chain["indicator"]).exists()
    assert not IndicatorValue.objects.filter(item=chain["indicator"]).exists()
