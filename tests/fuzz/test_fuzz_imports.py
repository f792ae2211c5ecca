"""Malformed spreadsheet files fed to every importer (the plan import, with
its results, the organisation import and the budget import), through the
service and (plan and organisation) through the web pages: never a 5xx,
never an exception other than the importer's Swedish refusal, nothing
written when a file is refused, and memory within a bound.
STYRHJUL_FUZZ_FILES sets how many files (300 by default, for CI),
STYRHJUL_FUZZ_SEED the seed; a failure names the file by its number and how
it was made."""

from __future__ import annotations

import datetime
import os
import re
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from styrhjul.core.importing import ImportRejected
from styrhjul.economy import budget as economy_budget
from styrhjul.economy.models import Budget, BudgetKind, BudgetVersion
from styrhjul.economy.queries import organisation_of
from styrhjul.organisation import access
from styrhjul.organisation import importer as org_importer
from styrhjul.organisation.models import RoleGrant, Unit, User
from styrhjul.planning import excel as plan_excel
from styrhjul.planning.models import Item, ItemLink

from .corpus import cases

pytestmark = pytest.mark.django_db

FILES = int(os.environ.get("STYRHJUL_FUZZ_FILES", "300"))
SEED = int(os.environ.get("STYRHJUL_FUZZ_SEED", "20251205"))
WEB_EVERY = 10  # every tenth file is also uploaded on both import pages
MAX_PEAK = 64 * 1024 * 1024  # the most memory one import may hold at once
PYTHON = re.compile(r"Traceback|Exception|[A-Z][a-z]+Error|object at 0x")


@pytest.fixture(scope="module")
def corpus():
    return list(cases(SEED, FILES))


def counts() -> tuple[int, ...]:
    return (
        Unit.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
        Item.objects.count(),
        ItemLink.objects.count(),
        BudgetVersion.objects.count(),
        Budget.objects.count(),
    )


def imports(unit, plan_type):
    """Every importer of spreadsheets, as (name, call with bytes and a file name)."""
    return [
        (
            "planimport",
            lambda data, name: plan_excel.import_file(
                actor=access.SYSTEM, unit=unit, plan_type=plan_type, data=data, filename=name
            ),
        ),
        (
            "organisationsimport",
            lambda data, name: org_importer.import_file(
                actor=access.SYSTEM, data=data, filename=name
            ),
        ),
        (
            "budgetimport",
            lambda data, name: economy_budget.import_budget(
                actor=access.SYSTEM,
                organisation=organisation_of(unit),
                year_start=datetime.date(2025, 1, 1),
                kind=BudgetKind.FASTSTALLD,
                data=data,
                filename=name,
            ),
        ),
    ]


def check(name: str, run, case) -> tuple[bool, list[str]]:
    """(refused, what went wrong) for one file fed to one importer."""
    problems = []
    refused = False
    before = counts()
    tracemalloc.reset_peak()
    try:
        run(case.data, case.filename)
    except ImportRejected as exc:
        refused = True
        if not exc.errors:
            problems.append("a refusal without a message")
        for error in exc.errors:
            if not error.message.strip() or PYTHON.search(str(error)):
                problems.append(f"not a Swedish message: {error}")
        if counts() != before:
            problems.append("written although refused")
    except Exception as exc:  # the bug this suite is for
        problems.append(f"{type(exc).__name__}: {exc}")
    peak = tracemalloc.get_traced_memory()[1]
    if peak > MAX_PEAK:
        problems.append(f"{peak // 1024 // 1024} MB at once")
    return refused, [f"{name}, {case}: {p}" for p in problems]


def test_every_malformed_file_is_imported_or_refused_in_swedish(corpus, unit, vp):
    assert len(corpus) == FILES
    refused = 0
    problems: list[str] = []
    tracemalloc.start()
    try:
        for case in corpus:
            for name, run in imports(unit, vp):
                was_refused, found = check(name, run, case)
                refused += was_refused
                problems.extend(found)
    finally:
        tracemalloc.stop()
    assert problems == []
    assert refused > FILES  # most files are broken; a suite that refuses none tests nothing


def test_the_import_pages_answer_every_malformed_file_without_a_server_error(
    client, corpus, unit, vp, admin
):
    client.force_login(admin)
    pages = [
        reverse("organisation:import"),
        reverse("planning:plan_import", args=[unit.pk, vp.pk]),
    ]
    for case in corpus[::WEB_EVERY]:
        for page in pages:
            before = counts()
            response = client.post(
                page, {"file": SimpleUploadedFile(case.filename, case.data)}, follow=True
            )
            content = response.content.decode()
            assert response.status_code == 200, f"{page}, {case}: {response.status_code}"
            assert not PYTHON.search(content), f"{page}, {case}"
            if "Filen importerades inte" in content:
                assert counts() == before, f"{page}, {case}: written although refused"
