"""On the demo, every page, document and the reminders count the same items
as reported at the same occasion: the follow-up read model's one rule
(docs/uppfoljning.md, "När räknas en post som rapporterad?")."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from styrhjul.demo import followup_data
from styrhjul.documents import annual, followup_by_date, internal_control
from styrhjul.followup import overview, queries, readmodel, reminders, underlag
from styrhjul.followup.models import FollowUpOccasion, ReportingTask
from styrhjul.model.models import ItemKind
from styrhjul.organisation.models import Unit, User
from styrhjul.planning.models import Plan
from tests.demo.years import CAL
from tests.factories import UserFactory

# One worker for the module under --dist loadgroup, so the demo is loaded once.
pytestmark = pytest.mark.xdist_group("demo-reported-counts")

TODAY = CAL.date(datetime.date(2025, 9, 1))


def occasion(name: str) -> FollowUpOccasion:
    return FollowUpOccasion.objects.select_related("model").get(
        model__year=CAL.year(2025), name=name
    )


def _reported(pairs, truth) -> tuple[int, int]:
    """(reported, all) of (unit, item) pairs, by the read model."""
    pairs = list(pairs)
    assert pairs and all(p in truth for p in pairs), [p for p in pairs if p not in truth][:5]
    return sum(truth[p] for p in pairs), len(pairs)


@pytest.mark.parametrize(
    "name", [CAL.text(followup_data.DELAR), CAL.text(followup_data.ARSBOKSLUT)]
)
def test_every_page_document_and_reminder_counts_the_same(demo, name):
    occ = occasion(name)
    admin = UserFactory(is_superuser=True)
    tasks = list(queries.task_queryset().filter(occasion=occ))
    assert len(tasks) > 50
    model = readmodel.for_tasks(tasks)
    truth = {(row.unit_id, row.item.pk): row.reported for task in tasks for row in model.task(task)}
    per_task = {task.pk: model.progress(task) for task in tasks}
    total = tuple(map(sum, zip(*per_task.values(), strict=True)))
    assert 0 < total[0] <= total[1]

    # The occasion's overview and its Excel export.
    page = overview.overview(admin, occ, today=TODAY)
    assert {r.task.pk: (r.reported, r.total) for r in page.rows} == per_task
    sheet = load_workbook(io.BytesIO(overview.export_workbook(page, TODAY))).active
    header = [c.value for c in sheet[1]]
    done_col, all_col = header.index("Rapporterade poster"), header.index("Poster att rapportera")
    cells = list(sheet.iter_rows(min_row=2, values_only=True))
    assert (sum(r[done_col] for r in cells), sum(r[all_col] for r in cells)) == total

    # Each task's page, klarmarkera's list and the reminders.
    todo = reminders.still_to_report(tasks)
    for task in tasks:
        task_page = queries.task_page(admin, task)
        assert (task_page.reported, task_page.total) == per_task[task.pk], task
        left = readmodel.unreported(task)
        assert (per_task[task.pk][1] - len(left), per_task[task.pk][1]) == per_task[task.pk]
        assert (todo[task.pk].reported, todo[task.pk].total) == per_task[task.pk]

    # Mina uppgifter, for everyone who has tasks of an open occasion.
    if occ.status == "open":
        seen = set()
        for user in User.objects.filter(is_active=True):
            for row in queries.my_tasks(user, today=TODAY):
                if row.task.occasion_id == occ.pk:
                    assert (row.reported, row.total) == per_task[row.task.pk]
                    seen.add(row.task.pk)
        assert seen

    # The underlag of every item of the tasks of units with units below.
    rows = 0
    parents = set(Unit.objects.filter(parent__isnull=False).values_list("parent_id", flat=True))
    for task in (t for t in tasks if t.unit_id in parents and not t.reporter_id):
        for row in model.task(task):
            found = underlag.underlag(admin, task, row.item)
            for r in found.rows:
                key = (r.unit.pk, r.item.pk)
                if key in truth:
                    assert r.reported == truth[key], (task, row.item, r.unit)
                    rows += 1
            t = found.totals
            assert t.units_reported + len(found.missing) == t.units
            assert t.units == len({r.unit.pk for r in found.rows})
    assert rows > 20

    # The internkontrollrapport of every plan the occasion follows up with control points.
    plans = Plan.objects.filter(
        plan_type__in=[pt for pt in occ.plan_types.all() if pt.holds(ItemKind.CONTROL_POINT)]
    )
    checked_plans = 0
    for plan in plans:
        report = internal_control.build(plan, occ)
        keys = [r.key for a in report.areas for r in a.rows]
        if not any(k in truth for k in keys):
            continue
        done = sum(c.count for c in report.totals if c.label != internal_control.NOT_REPORTED)
        assert (done, report.count) == _reported(keys, truth)
        checked_plans += 1
    assert checked_plans

    # Uppföljning per datum of every unit below the municipality (the
    # nämnder), and the municipality's compiled delårsrapport/årsredovisning.
    root = occ.model.organisation
    counted = 0
    for unit in Unit.objects.filter(parent=root):
        by_date = followup_by_date.build(unit, occ)
        doc_rows = [r for s in by_date.sections for g in s.goals for r in g.rows]
        for row in doc_rows:
            if row.key in truth:
                assert row.reported == truth[row.key], row.title
                counted += 1
        not_reported = sum(
            c.count for c in by_date.counts if c.label == followup_by_date.NOT_REPORTED
        )
        assert not_reported == len({r.key for r in doc_rows if not r.reported})
    assert counted > 50

    document = annual.build(root, occ)
    checked = 0
    for chapter in document.chapters:
        for goal in chapter.goals:
            key = (goal.unit_id, goal.item.pk)
            if key in truth:
                assert goal.assessment.reported == truth[key], goal.heading
                checked += 1
            for a in goal.activities:
                if a.key in truth:
                    assert a.status.reported == truth[a.key], a.title
                    checked += 1
        assert chapter.assessed == sum(
            1 for g in chapter.goals if g.assesses and g.assessment.reported
        )
    assert checked > 10


def test_the_tasks_and_their_units_are_the_read_models(demo):
    """Every task of the delårsbokslut reports exactly the read model's items."""
    occ = occasion(CAL.text(followup_data.DELAR))
    tasks = list(ReportingTask.objects.filter(occasion=occ).select_related("plan_type"))
    model = readmodel.for_tasks(tasks)
    for task in tasks:
        from styrhjul.followup.services import task_items

        assert [r.item for r in model.task(task)] == task_items(task)
