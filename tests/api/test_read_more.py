"""The rest of what the API reads: the styrmodell, tasks with their progress,
reports, indicator values and targets, documents and a unit's economy; each
only where the caller reads, 404 for the rest, a flat number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrhjul.documents.models import DocumentJob
from styrhjul.followup.models import Report, ReportingTask
from styrhjul.indicators.models import IndicatorValue
from styrhjul.model.models import ScaleValue
from styrhjul.organisation import access
from styrhjul.planning.models import IndicatorTarget

from .conftest import bearer

pytestmark = pytest.mark.django_db


def get(client, url, secret, **params):
    response = client.get(url, params, **bearer(secret))
    assert response.status_code == 200, response.content
    return response.json()


def test_the_styrmodell_of_the_organisation(client, model, read_token):
    models = get(client, "/api/v1/styrmodeller", read_token)["results"]
    assert [(m["id"], m["year"]) for m in models] == [(model.pk, 2025)]
    one = get(client, f"/api/v1/styrmodeller/{model.pk}", read_token)
    assert {p["name"] for p in one["perspectives"]} >= {"Invånare"}
    assert {p["name"] for p in one["plan_types"]} >= {"Verksamhetsplan", "Aktivitetsplan"}
    assert one["levels"] and one["scales"]
    assert all(s["values"] for s in one["scales"])
    assert get(client, "/api/v1/styrmodeller", read_token, year=2024)["results"] == []


def test_another_organisations_styrmodell_is_a_404(client, model, read_token):
    from tests.factories import GovernanceModelFactory

    other = GovernanceModelFactory()
    response = client.get(f"/api/v1/styrmodeller/{other.pk}", **bearer(read_token))
    assert response.status_code == 404
    assert other.pk not in [
        m["id"] for m in get(client, "/api/v1/styrmodeller", read_token)["results"]
    ]


def test_tasks_with_their_progress(client, org, chain, occasion, read_token):
    task = ReportingTask.objects.get(
        occasion=occasion, unit=org["enhet_b1"], plan_type=chain["ap"], reporter=None
    )
    tasks = get(client, "/api/v1/uppgifter", read_token)["results"]
    assert {t["unit_id"] for t in tasks} == {org["enhet_b1"].pk}
    one = next(t for t in tasks if t["id"] == task.pk)
    assert (one["reported"], one["total"], one["progress"]) == (0, 1, "0 av 1")
    status = ScaleValue.objects.filter(scale=chain["ap"].activity_scale).first()
    Report.objects.create(
        occasion=occasion,
        unit=org["enhet_b1"],
        item=chain["activity"],
        status=status,
        comment="Igång",
    )
    one = get(client, f"/api/v1/uppgifter/{task.pk}", read_token)
    assert (one["reported"], one["total"], one["progress"]) == (1, 1, "1 av 1")
    reports = get(client, "/api/v1/rapporter", read_token)["results"]
    assert [r["comment"] for r in reports] == ["Igång"]
    sibling = ReportingTask.objects.filter(occasion=occasion).exclude(unit=org["enhet_b1"]).first()
    assert client.get(f"/api/v1/uppgifter/{sibling.pk}", **bearer(read_token)).status_code == 404


def test_the_task_list_runs_the_same_number_of_queries_for_few_and_many(
    client, org, chain, occasion, model_owner
):
    """A page of one occasion's tasks is counted as the overview counts
    (readmodel.task_counts), a page over several occasions by the read
    model: each in the same number of queries for few and many tasks, and
    for two occasions and three; the counts are those of the read model."""
    from styrhjul.followup import readmodel
    from styrhjul.followup import services as followup
    from styrhjul.followup.models import FollowUpOccasion, OccasionKind
    from styrhjul.model.models import ItemKind
    from styrhjul.planning import services as planning
    from tests.api.conftest import make_token
    from tests.factories import UnitFactory

    secret = make_token(model_owner)[1]
    get(client, "/api/v1/uppgifter", secret)

    def count(**params):
        with CaptureQueriesContext(connection) as queries:
            data = get(client, "/api/v1/uppgifter", secret, page_size=500, **params)
        tasks = ReportingTask.objects.filter(pk__in=[t["id"] for t in data["results"]])
        progress = readmodel.task_progress(list(tasks))
        assert {t["id"]: (t["reported"], t["total"]) for t in data["results"]} == progress
        return len(queries), len(data["results"])

    def new_occasion(name, month):
        opened = followup.occasion_save(
            actor=access.SYSTEM,
            occasion=FollowUpOccasion(
                model=chain["ap"].model,
                kind=OccasionKind.INTERIM,
                name=name,
                period_end=datetime.date(2025, month, 30),
            ),
            plan_types=[chain["ap"]],
        )
        followup.occasion_open(actor=access.SYSTEM, occasion=opened)
        return opened

    few, few_rows = count(occasion=occasion.pk)
    for i in range(12):
        unit = UnitFactory(name=f"Ny enhet {i}", code=f"NY{i}", parent=org["avd_b"])
        plan = planning.plan_for(actor=access.SYSTEM, unit=unit, plan_type=chain["ap"])
        planning.item_create(actor=access.SYSTEM, plan=plan, kind=ItemKind.ACTIVITY, title="A")
    second = new_occasion("Tertial 1", 4)
    many, many_rows = count(occasion=second.pk)
    assert many_rows > few_rows
    assert many == few

    two, two_rows = count()
    new_occasion("Tertial 2", 6)
    three, three_rows = count()
    assert three_rows > two_rows
    assert three == two
    assert few <= two


def test_indicator_values_and_targets(client, org, chain, model_owner, read_token):
    from tests.api.conftest import make_token

    indicator = chain["indicator"]
    IndicatorValue.objects.create(item=indicator, unit=org["kommun"], year=2024, value=83)
    IndicatorValue.objects.create(item=indicator, unit=org["enhet_b2"], year=2024, value=1)
    IndicatorTarget.objects.create(item=indicator, year=2026, value=88)
    owner = make_token(model_owner)[1]
    values = get(
        client, "/api/v1/nyckeltalsvarden", owner, item=indicator.pk, unit=org["kommun"].pk
    )
    assert [(v["year"], v["period"], v["value"]) for v in values["results"]] == [
        (2024, "", "83.00")
    ]
    targets = get(client, "/api/v1/malvarden", owner, item=indicator.pk)["results"]
    assert [(t["year"], t["value"]) for t in targets] == [(2026, "88.00")]
    # Chef of Barn och unga: reads the council's indicator and its targets
    # (the red thread upwards), not the values of units they do not read.
    assert get(client, "/api/v1/nyckeltalsvarden", read_token)["results"] == []
    assert [t["year"] for t in get(client, "/api/v1/malvarden", read_token)["results"]] == [2026]


def test_documents_of_the_whole_tree_and_their_download(client, org, occasion, read_token):
    job = DocumentJob.objects.create(
        unit=org["enhet_b1"],
        occasion=occasion,
        document="delarsrapport",
        fmt="pdf",
        status="done",
        title="Delårsrapport, Barn och unga",
        filename="delarsrapport.pdf",
        data=b"%PDF-1.7 x",
        size=10,
    )
    hidden = DocumentJob.objects.create(
        unit=org["avd_b"],
        occasion=occasion,
        document="delarsrapport",
        fmt="pdf",
        status="done",
        data=b"%PDF",
        filename="x.pdf",
    )
    jobs = get(client, "/api/v1/dokument", read_token)["results"]
    assert [j["id"] for j in jobs] == [job.pk]
    assert jobs[0]["download"] == f"/api/v1/dokument/{job.pk}/fil"
    response = client.get(jobs[0]["download"], **bearer(read_token))
    assert response.status_code == 200 and response.content == b"%PDF-1.7 x"
    assert response["Content-Type"] == "application/pdf"
    for url in (f"/api/v1/dokument/{hidden.pk}", f"/api/v1/dokument/{hidden.pk}/fil"):
        assert client.get(url, **bearer(read_token)).status_code == 404


def test_a_units_economy(client, org, read_token):
    data = get(client, f"/api/v1/ekonomi/{org['enhet_b1'].pk}", read_token)
    assert data["unit_id"] == org["enhet_b1"].pk
    assert data["year_start"] is None and data["rows"] == [] or data["rows"]
    response = client.get(f"/api/v1/ekonomi/{org['enhet_b2'].pk}", **bearer(read_token))
    assert response.status_code == 404


def _grow_lists(org, chain, occasion, start, n):
    for i in range(start, start + n):
        IndicatorValue.objects.create(
            item=chain["indicator"], unit=org["enhet_b1"], year=2000 + i, value=i
        )
        IndicatorTarget.objects.create(item=chain["indicator"], year=2030 + i, value=i)
        DocumentJob.objects.create(
            unit=org["enhet_b1"], occasion=occasion, document="delarsrapport", fmt="pdf"
        )
    Report.objects.get_or_create(occasion=occasion, unit=org["enhet_b1"], item=chain["activity"])


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nyckeltalsvarden",
        "/api/v1/malvarden",
        "/api/v1/dokument",
        "/api/v1/rapporter",
        "/api/v1/styrmodeller",
    ],
)
def test_the_new_lists_run_the_same_number_of_queries_for_few_and_many(
    client, org, chain, occasion, read_token, url
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            data = get(client, url, read_token, page_size=500)
        return len(queries), len(data["results"])

    _grow_lists(org, chain, occasion, 0, 3)
    count()  # the token's first use is recorded once
    small, small_rows = count()
    _grow_lists(org, chain, occasion, 3, 60)
    large, large_rows = count()
    assert large == small
    if url != "/api/v1/styrmodeller" and url != "/api/v1/rapporter":
        assert large_rows == small_rows + 60
