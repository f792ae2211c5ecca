"""Benchmark of the internkontrollrapport: time and memory of the PDF and DOCX
builders on a large plan, next to their budgets.

`bench_internal_control()` makes an organisation of its own (code
`BENCH-IK`) with a nämnd whose Internkontrollplan has `n_points` control
points with long Swedish texts, opens a follow-up occasion and reports on
most of them, all through the app's services. The data is committed, because
every measurement runs in a child process of its own (forked, with its own
database connection) so that its peak memory is its own, and it is deleted
again afterwards, also when a measurement fails; a run that was killed
leaves it behind and the next run removes it first. Nothing outside the
`BENCH-IK` organisation is touched, so it can run on any database.

Measured, each in a fresh child:

- `build`: `internal_control.build()` (the data structure),
- `html`: rendering the HTML from it,
- `weasyprint`: WeasyPrint alone laying out the finished HTML as a tagged
  PDF/UA-1 (the baseline),
- `pdf`: the whole PDF path as the download runs it (build, HTML, PDF),
- `docx`: the whole DOCX path (build, DOCX).

Budgets (for 200 control points, about 85 A4 pages): the PDF path at most
1.5 times WeasyPrint alone, the DOCX under 5 s, each under 500 MB.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
import traceback
import zlib
from pathlib import Path

from django.db import connection, connections, transaction

from styrhjul.core.concurrency import one_action
from styrhjul.documents import annual, annual_render, internal_control
from styrhjul.documents.docx import internal_control_docx
from styrhjul.documents.pdf import html_to_pdf, internal_control_html
from styrhjul.followup import services as followup
from styrhjul.followup.models import (
    FollowUpOccasion,
    OccasionKind,
    OccasionStep,
    Report,
    ReportingTask,
)
from styrhjul.model.models import (
    GoalLevel,
    GovernanceModel,
    ItemKind,
    Perspective,
    PlanType,
    Scale,
    ScaleValue,
)
from styrhjul.model.services import model_create_default
from styrhjul.organisation import access
from styrhjul.organisation import services as organisation
from styrhjul.organisation.models import Unit, UnitType
from styrhjul.planning import services as planning
from styrhjul.planning.models import Item, Plan

from . import scale
from .scale import _purge

BENCH_CODE = "BENCH-IK"
BENCH_NAME = "Mätkommunen (internkontroll)"
BOARD_CODE = "BENCH-IK-N"
BOARD_NAME = "Mätnämnden"
DEFAULT_POINTS = 200
DEFAULT_TEXT_CHARS = 2000
DEFAULT_YEAR = 2025
DEFAULT_SEED = 2025

# Lengths of the texts (characters, from–to), tuned so that 200 control points
# make about 85 A4 pages; the risk (not in the report) is 300–600.
PROCESS_CHARS = (40, 120)
STEP_CHARS = (80, 240)
RESULT_CHARS = (60, 220)
MEASURES_CHARS = (60, 200)

PDF_RATIO_BUDGET = 1.5
DOCX_BUDGET_S = 5.0
MEMORY_BUDGET_MB = 500.0

AREAS = (
    "Ekonomi och upphandling",
    "Personal och arbetsmiljö",
    "Informationssäkerhet och dataskydd",
    "Myndighetsutövning",
    "Dokumenthantering och diarieföring",
    "Avtal och uppföljning av utförare",
)
PROCESSES = (
    "Attest av leverantörsfakturor",
    "Representation och gåvor",
    "Direktupphandling",
    "Avtalstrohet vid inköp",
    "Löneutbetalning och lönerevision",
    "Behörigheter i verksamhetssystem",
    "Systematiskt arbetsmiljöarbete",
    "Rehabilitering och återgång i arbete",
    "Handläggningstider för bistånd",
    "Delegationsbeslut och återrapportering",
    "Registerutdrag vid anställning",
    "Hantering av personuppgiftsincidenter",
    "Gallring enligt dokumenthanteringsplan",
    "Diarieföring av inkommande handlingar",
    "Uppföljning av privata utförare",
    "Kassahantering och handkassor",
    "Bisysslor hos anställda",
    "Avvikelser i hälso- och sjukvården",
)
FREQUENCIES = ("Månadsvis", "Kvartalsvis", "Två gånger per år", "En gång per år")
RESPONSIBLE = (
    "Ekonomichef",
    "HR-chef",
    "Informationssäkerhetssamordnare",
    "Verksamhetschef",
    "Registrator",
    "Avtalscontroller",
)
SENTENCES = (
    "Kontrollen genomförs genom stickprov om tjugo ärenden som väljs slumpmässigt ur "
    "verksamhetssystemet.",
    "Det finns en risk att rutinen inte följs fullt ut när ordinarie handläggare är frånvarande "
    "och ersättare saknar behörighet.",
    "Brister i attesten kan leda till felaktiga utbetalningar som inte upptäcks förrän vid "
    "årsbokslutet.",
    "Granskningen omfattar perioden från januari till och med augusti och görs av en "
    "controller som inte själv har attesterat.",
    "Resultatet jämförs med föregående års kontroll för att se om de åtgärder som beslutades "
    "har fått avsedd effekt.",
    "Avvikelser dokumenteras i ett särskilt protokoll som lämnas till förvaltningens "
    "ledningsgrupp för ställningstagande.",
    "Två av de granskade ärendena saknade dokumenterad motivering till beslutet, vilket strider "
    "mot förvaltningslagens krav.",
    "Samtliga behörigheter i lönesystemet har stämts av mot aktuell förteckning över anställda "
    "och konsulter.",
    "Tre användarkonton för personer som har slutat sin anställning var fortfarande aktiva vid "
    "kontrolltillfället.",
    "Rutinen för återrapportering av delegationsbeslut har förtydligats och samtliga chefer har "
    "fått information på ledningsmötet i maj.",
    "Ansvarig chef följer upp att åtgärderna är genomförda och återrapporterar till nämnden vid "
    "nästa uppföljningstillfälle.",
    "Kontrollen visar att handläggningstiderna har förkortats jämfört med föregående år, men att "
    "målet om högst fyra veckor ännu inte nås.",
    "Utbildning i informationssäkerhet ges till all personal under hösten och närvaron följs upp "
    "per arbetsplats.",
    "Stickprovet omfattade fyrtio fakturor från elva leverantörer, varav sju fakturor saknade "
    "referens till beställare.",
    "Inköp från leverantörer utan avtal uppgick till drygt åtta procent av den totala "
    "inköpsvolymen under perioden.",
    "Förvaltningen har påbörjat en översyn av dokumenthanteringsplanen så att gallringsfristerna "
    "stämmer med gällande lagstiftning.",
    "Personuppgiftsincidenter har anmälts till Integritetsskyddsmyndigheten inom föreskriven tid "
    "i samtliga fall.",
    "Uppföljningen av utförarna visar att avtalade rapporter i huvudsak lämnas, men att "
    "kvalitetsberättelserna är ofullständiga.",
    "Ärenden som rör barn och unga prioriteras, och handläggarna har fått stöd av en särskild "
    "metodstödjare under våren.",
    "Någon åtgärd bedöms inte nödvändig, men kontrollpunkten behålls i nästa års plan eftersom "
    "risken fortfarande är hög.",
    "Åtgärden är genomförd och följs upp i samband med årsbokslutet för att säkerställa att "
    "bristen inte återkommer.",
    "Kassorna stäms av varje månad av två personer i förening och avstämningen signeras av "
    "enhetschefen.",
    "Bisysslor redovisas vid medarbetarsamtalet; av underlaget framgår dock inte alltid om "
    "bisysslan har bedömts som förtroendeskadlig.",
    "Öppna frågor från föregående år har besvarats och återrapporterats till revisorerna i "
    "oktober.",
)


class BenchError(RuntimeError):
    """A measurement failed (the message has the child's traceback)."""


# --- The data ------------------------------------------------------------------------------


def swedish_text(rng: random.Random, low: int, high: int, paragraph_every: int = 0) -> str:
    """Sentences from SENTENCES, between `low` and `high` characters; a line
    break after every `paragraph_every` sentences (0: none)."""
    target = rng.randint(low, high)
    parts: list[str] = []
    length = 0
    while length < target:
        sentence = rng.choice(SENTENCES)
        separator = ""
        if parts:
            separator = "\n" if paragraph_every and len(parts) % paragraph_every == 0 else " "
        parts.append(separator + sentence)
        length += len(separator) + len(sentence)
    text = "".join(parts)
    if len(text) > high:
        text = text[:high].rsplit(" ", 1)[0].rstrip(",") + "."
    return text


def control_point(rng: random.Random, index: int, text_chars: int) -> dict:
    """The texts of control point `index` and what is reported on it: nine in
    ten are reported, six in ten without remark (assessment 0), two with
    remark (1), one not done (2, the last value). Lengths as in *_CHARS;
    one result in twenty is `text_chars` / 2 to `text_chars` long, and so are
    the measures of one point in forty; measures only come with a remark."""
    area = index % len(AREAS)
    process = PROCESSES[index % len(PROCESSES)]
    item = {
        "number": f"{area + 1}.{index // len(AREAS) + 1}",
        "title": process,
        "area": AREAS[area],
        "process": f"{process}: {swedish_text(rng, *PROCESS_CHARS)}",
        "risk": swedish_text(rng, 300, 600),
        "control_step": swedish_text(rng, *STEP_CHARS),
        "control_method": swedish_text(rng, *STEP_CHARS),
        "frequency": rng.choice(FREQUENCIES),
        "responsible_text": rng.choice(RESPONSIBLE),
        "probability": rng.randint(1, 4),
        "consequence": rng.randint(1, 4),
    }
    tenth = index % 10
    assessment = None if tenth == 9 else 0 if tenth < 6 else 1 if tenth < 8 else 2
    long_text = (text_chars // 2, text_chars)
    result = ""
    measures = ""
    if assessment is not None:
        low, high = long_text if index % 20 == 3 else RESULT_CHARS
        high = min(high, text_chars)
        result = swedish_text(rng, min(low, high), high, paragraph_every=3)
    if assessment:
        low, high = long_text if index % 40 == 6 else MEASURES_CHARS
        high = min(high, text_chars)
        measures = swedish_text(rng, min(low, high), high, paragraph_every=3)
    return {"item": item, "assessment": assessment, "result": result, "measures": measures}


def bench_root(code: str = BENCH_CODE):

    return Unit.objects.filter(code=code, parent__isnull=True).first()


def _purge_history(model, ids: list[int]) -> None:
    """The history rows of the given objects (and their m2m history rows)."""
    if not ids or not hasattr(model, "history"):
        return
    historical = model.history.model
    rows = historical._base_manager.filter(id__in=ids)
    for rel in historical._meta.related_objects:
        rel.related_model._base_manager.filter(
            **{f"{rel.field.name}__in": rows.values("pk")}
        )._raw_delete(connection.alias)
    rows._raw_delete(connection.alias)


def delete_bench_data(code: str = BENCH_CODE) -> bool:
    """Remove the BENCH-IK organisation (or the one with `code`) with
    everything in it and the history rows of what was made in it. True if
    there was something to remove."""

    root = bench_root(code)
    if root is None:
        return False
    with transaction.atomic():
        units = list(Unit.objects.descendants(root, include_self=True).values_list("pk", flat=True))
        models = GovernanceModel.objects.filter(organisation=root)
        occasions = FollowUpOccasion.objects.filter(model__in=models)
        plans = Plan.objects.filter(unit__in=units)
        scales = Scale.objects.filter(model__in=models)
        owned = [
            (Unit, Unit.objects.filter(pk__in=units)),
            (GovernanceModel, models),
            (Perspective, Perspective.objects.filter(model__in=models)),
            (GoalLevel, GoalLevel.objects.filter(model__in=models)),
            (Scale, scales),
            (ScaleValue, ScaleValue.objects.filter(scale__in=scales)),
            (PlanType, PlanType.objects.filter(model__in=models)),
            (Plan, plans),
            (Item, Item.objects.filter(plan__in=plans)),
            (FollowUpOccasion, occasions),
            (OccasionStep, OccasionStep.objects.filter(occasion__in=occasions)),
            (ReportingTask, ReportingTask.objects.filter(occasion__in=occasions)),
            (Report, Report.objects.filter(occasion__in=occasions)),
        ]
        ids = [(model, list(qs.values_list("pk", flat=True))) for model, qs in owned]
        _purge(models)
        # _purge follows every relation to the units, also those without a
        # reverse accessor (the ledger's accounts, year balances, sums per row).
        _purge(Unit._base_manager.filter(pk__in=units))
        for model, pks in ids:
            _purge_history(model, pks)
    return True


def make_bench_data(
    n_points: int = DEFAULT_POINTS,
    text_chars: int = DEFAULT_TEXT_CHARS,
    *,
    year: int = DEFAULT_YEAR,
    seed: int = DEFAULT_SEED,
):
    """The BENCH-IK organisation with a nämnd, its Internkontrollplan with
    `n_points` control points in len(AREAS) areas and an opened occasion with
    reports on nine in ten of them. Returns (plan, occasion)."""

    actor = access.SYSTEM
    rng = random.Random(seed)
    with one_action():
        types = {t.name: t for t in UnitType.objects.filter(name__in=("Kommun", "Nämnd"))}
        if len(types) < 2:
            raise BenchError("Enhetstyperna Kommun och Nämnd saknas (kör styrhjul migrate).")
        root = organisation.unit_create(
            actor=actor,
            name=BENCH_NAME,
            unit_type=types["Kommun"],
            code=BENCH_CODE,
            parent=None,
            valid_from=datetime.date(2000, 1, 1),
        )
        board = organisation.unit_create(
            actor=actor,
            name=BOARD_NAME,
            unit_type=types["Nämnd"],
            code=BOARD_CODE,
            parent=root,
            valid_from=datetime.date(2000, 1, 1),
        )
        model = model_create_default(actor=actor, organisation=root, year=year)
        ik_type = model.plan_types.get(name="Internkontrollplan")
        plan = planning.plan_for(actor=actor, unit=board, plan_type=ik_type)
        points = [control_point(rng, index, text_chars) for index in range(n_points)]
        items = [
            planning.item_create(
                actor=actor,
                plan=plan,
                kind=ItemKind.CONTROL_POINT,
                order=index,
                **point["item"],
            )
            for index, point in enumerate(points)
        ]
        occasion = followup.occasion_save(
            actor=actor,
            occasion=FollowUpOccasion(
                model=model,
                kind=OccasionKind.ANNUAL,
                name=f"Årsredovisning {year}",
                period_end=datetime.date(year, 12, 31),
            ),
            plan_types=[ik_type],
        )
        followup.occasion_open(actor=actor, occasion=occasion)
        task = ReportingTask.objects.get(
            occasion=occasion, unit=board, plan_type=ik_type, reporter=None
        )
        values = list(ScaleValue.objects.filter(scale=ik_type.control_scale).order_by("order"))
        for item, point in zip(items, points, strict=True):
            if point["assessment"] is None:
                continue  # not reported
            followup.report_save(
                actor=actor,
                task=task,
                item=item,
                data=followup.ReportData(
                    assessment=values[point["assessment"]],
                    comment=point["result"],
                    measures=point["measures"],
                ),
                version=0,
            )
    return plan, occasion


# --- Measuring -----------------------------------------------------------------------------


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class _Stopwatch:
    """Wall-clock and CPU seconds of the steps of one measurement."""

    def __init__(self):
        self.wall = {}
        self.cpu = {}
        self._last = (time.perf_counter(), time.process_time())
        self._first = self._last

    def lap(self, step: str) -> None:
        now = (time.perf_counter(), time.process_time())
        self.wall[step] = now[0] - self._last[0]
        self.cpu[step] = now[1] - self._last[1]
        self._last = now

    def result(self, **extra) -> dict:
        return {
            "seconds": self._last[0] - self._first[0],
            "cpu_seconds": self._last[1] - self._first[1],
            "parts": self.wall,
            "cpu_parts": self.cpu,
            **extra,
        }


def _job_build(plan_id, occasion_id, out_dir):

    clock = _Stopwatch()
    report = internal_control.build(plan_id, occasion_id)
    clock.lap("build")
    return clock.result(count=report.count, areas=len(report.areas))


def _job_html(plan_id, occasion_id, out_dir):

    report = internal_control.build(plan_id, occasion_id)
    clock = _Stopwatch()
    html = internal_control_html(report)
    clock.lap("html")
    (Path(out_dir) / "internkontrollrapport.html").write_text(html, encoding="utf-8")
    return clock.result(bytes=len(html.encode()))


def _job_weasyprint(plan_id, occasion_id, out_dir):
    """The baseline: WeasyPrint alone on the finished HTML of the html job."""
    import weasyprint

    html = (Path(out_dir) / "internkontrollrapport.html").read_text(encoding="utf-8")
    clock = _Stopwatch()
    data = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    clock.lap("pdf")
    (Path(out_dir) / "weasyprint.pdf").write_bytes(data)
    return clock.result(bytes=len(data))


def _job_pdf(plan_id, occasion_id, out_dir):
    """As the download view runs it: build, then the PDF from the report."""

    clock = _Stopwatch()
    report = internal_control.build(plan_id, occasion_id)
    clock.lap("build")
    html = internal_control_html(report)
    clock.lap("html")
    data = html_to_pdf(html)
    clock.lap("pdf")
    (Path(out_dir) / "internkontrollrapport.pdf").write_bytes(data)
    return clock.result(bytes=len(data))


def _job_docx(plan_id, occasion_id, out_dir):

    clock = _Stopwatch()
    report = internal_control.build(plan_id, occasion_id)
    clock.lap("build")
    data = internal_control_docx(report)
    clock.lap("docx")
    (Path(out_dir) / "internkontrollrapport.docx").write_bytes(data)
    return clock.result(bytes=len(data))


JOBS = {
    "build": _job_build,
    "html": _job_html,
    "weasyprint": _job_weasyprint,
    "pdf": _job_pdf,
    "docx": _job_docx,
}


def _child(conn, name: str, args: tuple) -> None:
    # Fresh connection objects: whatever was inherited from the parent (e.g.
    # a connection shared with a live server thread) belongs to the parent
    # and must be neither used nor closed here.
    for alias in connections:
        connections[alias] = connections.create_connection(alias)
    try:
        at_fork = _maxrss_mb()
        result = _ALL_JOBS[name](*args)
        peak = _maxrss_mb()
        result.update(peak_mb=peak, delta_mb=peak - at_fork)
        conn.send(("ok", result))
    except BaseException:  # noqa: B036 - everything goes back to the parent
        conn.send(("error", traceback.format_exc()))
    finally:
        connections.close_all()
        conn.close()


def measure_in_child(name: str, *args) -> dict:
    """Run JOBS[name] (or ANNUAL_JOBS[name])(*args) in a forked child with a connection of its own;
    its result with the child's peak RSS (peak_mb) and the growth since the
    fork (delta_mb)."""
    connections.close_all()  # the child opens its own connection
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, name, args))
    process.start()
    send.close()
    try:
        status, payload = receive.recv()
    except EOFError:
        process.join()
        status, payload = "error", f"the child died (exit code {process.exitcode})"
    finally:
        receive.close()
        process.join()
    if status != "ok":
        raise BenchError(f"{name}: {payload}")
    return payload


def count_pages(path: Path) -> int | None:
    """The number of pages of a PDF: pdfinfo (poppler-utils) if installed,
    otherwise the /Type /Page objects, inflating compressed streams."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        out = subprocess.run([pdfinfo, str(path)], capture_output=True, text=True).stdout
        match = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
        if match:
            return int(match.group(1))
    data = path.read_bytes()
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue
    pages = sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", part)) for part in parts)
    return pages or None


def _warm_up() -> None:
    """Let WeasyPrint and fontconfig load once, as in a server process that
    has made a document before, so that no child pays for the imports and the
    font cache (the builders are imported with this module)."""
    import weasyprint

    weasyprint.HTML(string="<html lang='sv'><p>Åäö</p></html>").write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True
    )


def _summary(results: list[dict]) -> dict:
    summary = dict(results[-1])
    seconds = [r["seconds"] for r in results]
    summary["seconds"] = statistics.median(seconds)
    summary["best_seconds"] = min(seconds)
    summary["all_seconds"] = seconds
    summary["cpu_seconds"] = statistics.median(r["cpu_seconds"] for r in results)
    summary["peak_mb"] = max(r["peak_mb"] for r in results)
    summary["delta_mb"] = max(r["delta_mb"] for r in results)
    for parts in ("parts", "cpu_parts"):
        summary[parts] = {
            key: statistics.median(r[parts][key] for r in results) for key in results[0][parts]
        }
    return summary


def bench_internal_control(
    n_points: int = DEFAULT_POINTS,
    text_chars: int = DEFAULT_TEXT_CHARS,
    *,
    runs: int = 1,
    year: int = DEFAULT_YEAR,
    seed: int = DEFAULT_SEED,
    keep: str | os.PathLike | None = None,
    log=lambda line: None,
) -> dict:
    """Make the data, measure each of JOBS `runs` times in fresh children
    (round by round, so that a passing load hits all of them alike), delete
    the data. `seconds` is the median wall-clock time over the runs,
    `best_seconds` the lowest, `cpu_seconds` the median CPU time; memory is
    the highest peak. The PDF ratio is of the lowest wall-clock times (what
    other processes on the machine add is least there), `pdf_ratio_cpu` of
    the CPU times. `keep`: a folder to leave the HTML, PDF and DOCX in."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    if connection.in_atomic_block:
        raise BenchError(
            "Mätningen kan inte köras i en transaktion: barnprocesserna ser inte data."
        )
    started = time.perf_counter()
    if delete_bench_data():
        log("Tog bort data som en tidigare mätning lämnat kvar.")
    out_dir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="styrhjul-docbench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "points": n_points,
        "text_chars": text_chars,
        "runs": runs,
        "database": connection.vendor,
    }
    try:
        plan, occasion = make_bench_data(n_points, text_chars, year=year, seed=seed)
        results["setup_seconds"] = time.perf_counter() - started
        log(f"Data: {n_points} kontrollpunkter på {results['setup_seconds']:.1f} s.")
        _warm_up()
        args = (plan.pk, occasion.pk, str(out_dir))
        measured: dict[str, list[dict]] = {name: [] for name in JOBS}
        for run in range(runs):
            for name in JOBS:
                measured[name].append(measure_in_child(name, *args))
                last = measured[name][-1]
                log(
                    f"  {name} (körning {run + 1}): {last['seconds']:.2f} s, "
                    f"CPU {last['cpu_seconds']:.2f} s, {last['peak_mb']:.0f} MB"
                )
        results["measurements"] = {name: _summary(rows) for name, rows in measured.items()}
        results["pages"] = count_pages(out_dir / "internkontrollrapport.pdf")
    finally:
        connections.close_all()
        delete_bench_data()
        if not keep:
            shutil.rmtree(out_dir, ignore_errors=True)
    if keep:
        results["output_dir"] = str(out_dir)
    m = results["measurements"]
    results["count"] = m["build"]["count"]
    results["html_bytes"] = m["html"]["bytes"]
    results["pdf_bytes"] = m["pdf"]["bytes"]
    results["docx_bytes"] = m["docx"]["bytes"]
    results["pdf_ratio"] = m["pdf"]["best_seconds"] / m["weasyprint"]["best_seconds"]
    results["pdf_ratio_cpu"] = m["pdf"]["cpu_seconds"] / m["weasyprint"]["cpu_seconds"]
    results["budgets"] = {
        "pdf_ratio": PDF_RATIO_BUDGET,
        "docx_seconds": DOCX_BUDGET_S,
        "memory_mb": MEMORY_BUDGET_MB,
    }
    results["ok"] = {
        "pdf_ratio": results["pdf_ratio"] <= PDF_RATIO_BUDGET,
        "docx_seconds": m["docx"]["seconds"] < DOCX_BUDGET_S,
        "pdf_memory": m["pdf"]["peak_mb"] < MEMORY_BUDGET_MB,
        "docx_memory": m["docx"]["peak_mb"] < MEMORY_BUDGET_MB,
    }
    results["seconds"] = time.perf_counter() - started
    return results


# --- The compiled årsredovisning on the scale data set ------------------------------------
#
# `bench_annual()` measures the delårsrapport / årsredovisning
# (documents/annual.py) on data that is already there – by default the scale
# data set (styrhjul load-scale): the årsredovisning compiled for the scale
# root at the scale occasion (a chapter for the root and one per unit directly
# below it), and one nämnd's own delårsrapport. It only reads, so nothing is
# made or removed. Each step runs in a forked child of its own, as above.

ANNUAL_KIND = "arsredovisning"
ANNUAL_PDF_RATIO_BUDGET = 1.5
ANNUAL_PDF_BUDGET_S = 60.0
ANNUAL_DOCX_BUDGET_S = 30.0
ANNUAL_MEMORY_BUDGET_MB = 1536.0  # 1.5 GB
COMMITTEE_PDF_BUDGET_S = 10.0
# "committee-level content as a council reads it: a few hundred pages at most"
ANNUAL_PAGES_GUIDE = 300


def _annual_report(unit_id, occasion_id, kind):

    unit = Unit.objects.get(pk=unit_id)
    occasion = FollowUpOccasion.objects.select_related("model").get(pk=occasion_id)
    return annual.build(unit, occasion, kind=kind)


def _job_annual_build(unit_id, occasion_id, kind, stem, out_dir):
    from django.test.utils import CaptureQueriesContext

    unit = Unit.objects.get(pk=unit_id)
    occasion = FollowUpOccasion.objects.select_related("model").get(pk=occasion_id)
    clock = _Stopwatch()
    with CaptureQueriesContext(connection) as queries:
        report = annual.build(unit, occasion, kind=kind)
    clock.lap("build")
    goals = [g for c in report.chapters for g in c.goals]
    return clock.result(
        queries=len(queries),
        chapters=len(report.chapters),
        goals=len(goals),
        indicators=sum(len(g.indicators) for g in goals),
        activities=sum(len(g.activities) for g in goals),
        assignments=sum(len(c.assignments) for c in report.chapters),
        internal_control=len(report.internal_control),
        per_chapter=[
            {
                "unit": c.unit_name,
                "goals": len(c.goals),
                "indicators": sum(len(g.indicators) for g in c.goals),
                "activities": sum(len(g.activities) for g in c.goals),
                "assignments": len(c.assignments),
            }
            for c in report.chapters
        ],
    )


def _job_annual_html(unit_id, occasion_id, kind, stem, out_dir):
    """The HTML from the report: the trend charts (SVG) first, then the
    template, timed apart."""

    report = _annual_report(unit_id, occasion_id, kind)
    clock = _Stopwatch()
    annual_render._with_charts(report)
    clock.lap("charts")
    html = annual_render.html(report)  # the charts are there: only the template
    clock.lap("template")
    (Path(out_dir) / f"{stem}.html").write_text(html, encoding="utf-8")
    return clock.result(bytes=len(html.encode()))


def _job_annual_weasyprint(unit_id, occasion_id, kind, stem, out_dir):
    """The baseline: WeasyPrint alone on the finished HTML of the html job
    (render and write, which is what HTML.write_pdf() does), and the pages of
    each top-level section from the bookmarks of the laid-out document."""
    import weasyprint

    html = (Path(out_dir) / f"{stem}.html").read_text(encoding="utf-8")
    clock = _Stopwatch()
    document = weasyprint.HTML(string=html).render(pdf_variant="pdf/ua-1", pdf_tags=True)
    data = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    clock.lap("pdf")
    (Path(out_dir) / f"{stem}-weasyprint.pdf").write_bytes(data)
    return clock.result(
        bytes=len(data), pages=len(document.pages), sections=_section_pages(document)
    )


def _section_pages(document) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """(top-level bookmark, pages up to the next one, its children likewise)
    – which sections the pages go to. Pages before the first bookmark are
    counted as "(före första rubriken)"."""
    total = len(document.pages)

    def spans(nodes, end: int) -> list[tuple[str, int, list]]:
        starts = [(label, target[0], children) for label, target, children, _ in nodes]
        out = []
        for n, (label, first, children) in enumerate(starts):
            last = starts[n + 1][1] if n + 1 < len(starts) else end
            out.append((label, last - first, [(c, p) for c, p, _ in spans(children, last)]))
        return out

    tree = document.make_bookmark_tree()
    sections = spans(tree, total)
    first = tree[0][1][0] if tree else total
    if first > 0:
        sections.insert(0, ("(före första rubriken)", first, []))
    return sections


def _job_annual_pdf(unit_id, occasion_id, kind, stem, out_dir):
    """As the document job runs it: build, HTML (with the charts), PDF."""

    clock = _Stopwatch()
    report = _annual_report(unit_id, occasion_id, kind)
    clock.lap("build")
    html = annual_render.html(report)
    clock.lap("html")
    data = html_to_pdf(html)
    clock.lap("pdf")
    (Path(out_dir) / f"{stem}.pdf").write_bytes(data)
    return clock.result(bytes=len(data))


def _job_annual_docx(unit_id, occasion_id, kind, stem, out_dir):

    clock = _Stopwatch()
    report = _annual_report(unit_id, occasion_id, kind)
    clock.lap("build")
    data = annual_render.docx(report)
    clock.lap("docx")
    (Path(out_dir) / f"{stem}.docx").write_bytes(data)
    return clock.result(bytes=len(data))


# The compiled report: each of these; the committee: build and the PDF path.
ANNUAL_JOBS = {
    "build": _job_annual_build,
    "html": _job_annual_html,
    "weasyprint": _job_annual_weasyprint,
    "pdf": _job_annual_pdf,
    "docx": _job_annual_docx,
}
COMMITTEE_JOBS = ("build", "pdf")
_ALL_JOBS = {
    **JOBS,
    **{f"annual_{name}": job for name, job in ANNUAL_JOBS.items()},
}


def committee_of(root):
    """The unit directly below `root` with the most active goals, a Nämnd if
    there is one with goals (the largest nämnd's delårsrapport)."""
    from django.db.models import Count, Q

    goal = Q(
        plans__items__kind=ItemKind.GOAL,
        plans__items__archived_at__isnull=True,
    )
    children = (
        Unit.objects.filter(parent=root)
        .annotate(goals=Count("plans__items", filter=goal))
        .filter(goals__gt=0)
        .select_related("unit_type")
        .order_by("-goals", "name")
    )
    children = list(children)
    boards = [u for u in children if u.unit_type_id and u.unit_type.name == "Nämnd"]
    return (boards or children or [None])[0]


def bench_annual(
    root=None,
    occasion=None,
    committee=None,
    *,
    kind: str = ANNUAL_KIND,
    runs: int = 1,
    year: int = DEFAULT_YEAR,
    keep: str | os.PathLike | None = None,
    log=lambda line: None,
) -> dict:
    """Measure the compiled report of `root` (default: the scale root) at
    `occasion` (default: the scale occasion) as `kind`, each of ANNUAL_JOBS
    `runs` times in fresh children, and the delårsrapport of `committee`
    (default: committee_of(root)) as build and PDF path. Figures as in
    bench_internal_control(); `committee` in the result is the committee's."""

    if runs < 1:
        raise ValueError("runs must be at least 1")
    if connection.in_atomic_block:
        raise BenchError(
            "Mätningen kan inte köras i en transaktion: barnprocesserna ser inte data."
        )
    started = time.perf_counter()
    root = root or scale.scale_root()
    if root is None:
        raise BenchError("Skaldatamängden saknas (kör styrhjul load-scale).")
    occasion = occasion or scale.scale_occasion(year)
    if occasion is None:
        raise BenchError(
            f"Uppföljningen {scale.occasion_name(year)} saknas "
            "(kör styrhjul load-scale --followup-only)."
        )
    committee = committee or committee_of(root)
    out_dir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="styrhjul-annualbench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "unit": root.name,
        "occasion": occasion.name,
        "kind": kind,
        "runs": runs,
        "database": connection.vendor,
        "committee": None,
    }
    stem = f"{kind}-kommunen"
    committee_stem = "delarsrapport-namnden"
    try:
        _warm_up()

        measured: dict[str, list[dict]] = {name: [] for name in ANNUAL_JOBS}
        committee_measured: dict[str, list[dict]] = {name: [] for name in COMMITTEE_JOBS}
        args = (root.pk, occasion.pk, kind, stem, str(out_dir))
        committee_args = (
            (committee.pk, occasion.pk, "delarsrapport", committee_stem, str(out_dir))
            if committee
            else None
        )
        for run in range(runs):
            for name in ANNUAL_JOBS:
                measured[name].append(measure_in_child(f"annual_{name}", *args))
                last = measured[name][-1]
                log(
                    f"  {name} (körning {run + 1}): {last['seconds']:.2f} s, "
                    f"CPU {last['cpu_seconds']:.2f} s, {last['peak_mb']:.0f} MB"
                )
            if committee_args:
                for name in COMMITTEE_JOBS:
                    committee_measured[name].append(
                        measure_in_child(f"annual_{name}", *committee_args)
                    )
                    last = committee_measured[name][-1]
                    log(
                        f"  nämnden {name} (körning {run + 1}): {last['seconds']:.2f} s, "
                        f"CPU {last['cpu_seconds']:.2f} s, {last['peak_mb']:.0f} MB"
                    )
        m = results["measurements"] = {name: _summary(rows) for name, rows in measured.items()}
        results["pages"] = count_pages(out_dir / f"{stem}.pdf")
        if committee_args:
            cm = {name: _summary(rows) for name, rows in committee_measured.items()}
            results["committee"] = {
                "unit": committee.name,
                "measurements": cm,
                "pages": count_pages(out_dir / f"{committee_stem}.pdf"),
                "goals": cm["build"]["goals"],
                "queries": cm["build"]["queries"],
            }
    finally:
        connections.close_all()
        if not keep:
            shutil.rmtree(out_dir, ignore_errors=True)
    if keep:
        results["output_dir"] = str(out_dir)
    results["html_bytes"] = m["html"]["bytes"]
    results["pdf_bytes"] = m["pdf"]["bytes"]
    results["docx_bytes"] = m["docx"]["bytes"]
    results["sections"] = m["weasyprint"]["sections"]
    results["pdf_ratio"] = m["pdf"]["best_seconds"] / m["weasyprint"]["best_seconds"]
    results["pdf_ratio_cpu"] = m["pdf"]["cpu_seconds"] / m["weasyprint"]["cpu_seconds"]
    results["budgets"] = {
        "pdf_ratio": ANNUAL_PDF_RATIO_BUDGET,
        "pdf_seconds": ANNUAL_PDF_BUDGET_S,
        "docx_seconds": ANNUAL_DOCX_BUDGET_S,
        "memory_mb": ANNUAL_MEMORY_BUDGET_MB,
        "committee_pdf_seconds": COMMITTEE_PDF_BUDGET_S,
        "pages": ANNUAL_PAGES_GUIDE,
    }
    peak = max(row["peak_mb"] for row in m.values())
    results["ok"] = {
        "pdf_ratio": results["pdf_ratio"] <= ANNUAL_PDF_RATIO_BUDGET,
        "pdf_seconds": m["pdf"]["seconds"] < ANNUAL_PDF_BUDGET_S,
        "docx_seconds": m["docx"]["seconds"] < ANNUAL_DOCX_BUDGET_S,
        "memory": peak < ANNUAL_MEMORY_BUDGET_MB,
        "pages": results["pages"] is not None and results["pages"] <= ANNUAL_PAGES_GUIDE,
        "committee_pdf_seconds": (
            results["committee"]["measurements"]["pdf"]["seconds"] < COMMITTEE_PDF_BUDGET_S
            if results["committee"]
            else None
        ),
    }
    results["seconds"] = time.perf_counter() - started
    return results


# --- The Månadsrapport of a nämnd ---------------------------------------------------------
#
# `bench_monthly()` makes an organisation of its own (code BENCH-MR) with a
# nämnd, `forvaltningar` förvaltningar under it and `units` enheter under
# each, one ansvar per unit; imports a SIE 4 file with twelve months of
# utfall on five accounts per ansvar through the product's importer, maps the
# ansvar, makes a budget version and a monthly follow-up per 31 August; then
# measures the Månadsrapport (documents/monthly.py) of the nämnd: build, and
# the PDF and DOCX paths, each in a forked child. The data is removed
# afterwards, as for the internkontrollrapport.

MONTHLY_CODE = "BENCH-MR"
MONTHLY_NAME = "Mätkommunen (ekonomi)"
MONTHLY_BOARD_CODE = "BENCH-MR-N"
MONTHLY_PDF_BUDGET_S = 10.0
MONTHLY_FORVALTNINGAR = 6
MONTHLY_UNITS = 10
# Account: (name, #KTYP, monthly amount per ansvar around which it varies)
MONTHLY_ACCOUNTS = {
    "3110": ("Taxor och avgifter", "I", -40000),
    "4610": ("Förbrukningsmaterial", "K", 30000),
    "5010": ("Månadslön", "K", 400000),
    "6010": ("Lokalhyra, internhyra", "K", 60000),
    "7910": ("Avskrivningar", "K", 15000),
}


def _monthly_sie(year: int, ansvar: list[tuple[str, str]], rng: random.Random) -> bytes:
    """A SIE 4 file: #PSALDO per ansvar, account and month (one row per
    objektkombination, with the account's total as {})."""
    lines = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        '#PROGRAM "Styrhjul bench" 1.0',
        f"#RAR 0 {year}0101 {year}1231",
    ]
    lines += [f'#KONTO {number} "{name}"' for number, (name, _k, _a) in MONTHLY_ACCOUNTS.items()]
    lines += [f"#KTYP {number} {kind}" for number, (_n, kind, _a) in MONTHLY_ACCOUNTS.items()]
    lines.append('#DIM 1 "Ansvar"')
    lines += [f'#OBJEKT 1 "{code}" "{name}"' for code, name in ansvar]
    totals: dict[tuple[str, int], int] = {}
    rows = []
    for code, _name in ansvar:
        for number, (_n, _k, amount) in MONTHLY_ACCOUNTS.items():
            for month in range(1, 13):
                value = int(amount * rng.uniform(0.85, 1.2))
                totals[number, month] = totals.get((number, month), 0) + value
                rows.append(f'#PSALDO 0 {year}{month:02d} {number} {{1 "{code}"}} {value}.00')
    for (number, month), value in sorted(totals.items()):
        lines.append(f"#PSALDO 0 {year}{month:02d} {number} {{}} {value}.00")
    for number in MONTHLY_ACCOUNTS:
        year_total = sum(v for (n, _m), v in totals.items() if n == number)
        lines.append(f"#RES 0 {number} {year_total}.00")
    return ("\n".join(lines + rows) + "\n").encode("cp437")


def make_monthly_data(
    forvaltningar: int = MONTHLY_FORVALTNINGAR,
    units: int = MONTHLY_UNITS,
    *,
    year: int = DEFAULT_YEAR,
    seed: int = DEFAULT_SEED,
):
    """The BENCH-MR organisation with its ledger; (nämnd, occasion)."""
    from styrhjul.economy import services as economy
    from styrhjul.economy.importing import import_sie
    from styrhjul.economy.models import DimensionObject, ReportRow

    actor = access.SYSTEM
    rng = random.Random(seed)
    start = datetime.date(2000, 1, 1)
    with one_action():
        types = {
            t.name: t
            for t in UnitType.objects.filter(name__in=("Kommun", "Nämnd", "Förvaltning", "Enhet"))
        }
        if len(types) < 4:
            raise BenchError("Enhetstyperna saknas (kör styrhjul migrate).")

        def unit(name, code, kind, parent):
            return organisation.unit_create(
                actor=actor,
                name=name,
                unit_type=types[kind],
                code=code,
                parent=parent,
                valid_from=start,
            )

        root = unit(MONTHLY_NAME, MONTHLY_CODE, "Kommun", None)
        board = unit("Mätnämnden för ekonomi", MONTHLY_BOARD_CODE, "Nämnd", root)
        holders = [board]
        for f in range(forvaltningar):
            forv = unit(f"Förvaltning {f + 1}", f"{MONTHLY_CODE}-F{f + 1}", "Förvaltning", board)
            holders.append(forv)
            holders += [
                unit(f"Enhet {f + 1}.{u + 1}", f"{MONTHLY_CODE}-F{f + 1}-{u + 1}", "Enhet", forv)
                for u in range(units)
            ]
        ansvar = [(f"9{n:04d}", u.name) for n, u in enumerate(holders)]
        import_sie(
            actor=actor,
            organisation=root,
            data=_monthly_sie(year, ansvar, rng),
            filename="bench.se",
        )
        objects = {o.code: o for o in DimensionObject.objects.filter(dimension__organisation=root)}
        for (code, _name), holder in zip(ansvar, holders, strict=True):
            economy.mapping_create(
                actor=actor,
                ansvar=objects[code],
                unit=holder,
                valid_from=datetime.date(year, 1, 1),
            )
        rows = [r for r in ReportRow.objects.filter(organisation=root) if not r.is_total]
        by_name = {r.name: r for r in rows}
        budget_rows = {
            "3110": "Verksamhetens intäkter",
            "4610": "Övriga kostnader",
            "5010": "Personalkostnader",
            "6010": "Lokalkostnader",
            "7910": "Kapitalkostnader",
        }
        economy.budget_version_create(
            actor=actor,
            organisation=root,
            year_start=datetime.date(year, 1, 1),
            kind="faststalld",
            lines=[
                {
                    "row": by_name[budget_rows[number]],
                    "ansvar": objects[code],
                    "period": datetime.date(year, month, 1),
                    "amount": amount,
                }
                for code, _name in ansvar
                for number, (_n, _k, amount) in MONTHLY_ACCOUNTS.items()
                for month in range(1, 13)
            ],
        )
        model = model_create_default(actor=actor, organisation=root, year=year)
        occasion = followup.occasion_save(
            actor=actor,
            occasion=FollowUpOccasion(
                model=model,
                kind=OccasionKind.MONTHLY,
                name=f"Månadsrapport augusti {year}",
                period_end=datetime.date(year, 8, 31),
                follows_economy=True,  # an occasion without plan types follows the economy
            ),
            plan_types=[],
        )
    return board, occasion


def _job_monthly_build(unit_id, occasion_id, out_dir):
    from django.test.utils import CaptureQueriesContext

    from styrhjul.documents import monthly

    unit = Unit.objects.get(pk=unit_id)
    occasion = FollowUpOccasion.objects.select_related("model").get(pk=occasion_id)
    clock = _Stopwatch()
    with CaptureQueriesContext(connection) as queries:
        report = monthly.build(unit, occasion)
    clock.lap("build")
    return clock.result(queries=len(queries), units_below=len(report.economy.parts))


def _job_monthly_pdf(unit_id, occasion_id, out_dir):
    from styrhjul.documents import monthly, monthly_render

    clock = _Stopwatch()
    unit = Unit.objects.get(pk=unit_id)
    occasion = FollowUpOccasion.objects.select_related("model").get(pk=occasion_id)
    report = monthly.build(unit, occasion)
    clock.lap("build")
    html = monthly_render.html(report)
    clock.lap("html")
    data = html_to_pdf(html)
    clock.lap("pdf")
    (Path(out_dir) / "manadsrapport.pdf").write_bytes(data)
    return clock.result(bytes=len(data))


def _job_monthly_docx(unit_id, occasion_id, out_dir):
    from styrhjul.documents import monthly, monthly_render

    clock = _Stopwatch()
    unit = Unit.objects.get(pk=unit_id)
    occasion = FollowUpOccasion.objects.select_related("model").get(pk=occasion_id)
    report = monthly.build(unit, occasion)
    clock.lap("build")
    data = monthly_render.docx(report)
    clock.lap("docx")
    (Path(out_dir) / "manadsrapport.docx").write_bytes(data)
    return clock.result(bytes=len(data))


MONTHLY_JOBS = {
    "build": _job_monthly_build,
    "pdf": _job_monthly_pdf,
    "docx": _job_monthly_docx,
}
_ALL_JOBS.update({f"monthly_{name}": job for name, job in MONTHLY_JOBS.items()})


def bench_monthly(
    forvaltningar: int = MONTHLY_FORVALTNINGAR,
    units: int = MONTHLY_UNITS,
    *,
    runs: int = 1,
    year: int = DEFAULT_YEAR,
    seed: int = DEFAULT_SEED,
    keep: str | os.PathLike | None = None,
    log=lambda line: None,
) -> dict:
    """Make the BENCH-MR data, measure the nämnd's Månadsrapport (each of
    MONTHLY_JOBS `runs` times in fresh children), delete the data. Figures
    as in bench_internal_control()."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    if connection.in_atomic_block:
        raise BenchError(
            "Mätningen kan inte köras i en transaktion: barnprocesserna ser inte data."
        )
    started = time.perf_counter()
    if delete_bench_data(MONTHLY_CODE):
        log("Tog bort data som en tidigare mätning lämnat kvar.")
    out_dir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="styrhjul-monthlybench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict = {"forvaltningar": forvaltningar, "units": units, "runs": runs}
    try:
        board, occasion = make_monthly_data(forvaltningar, units, year=year, seed=seed)
        results["setup_seconds"] = time.perf_counter() - started
        _warm_up()
        args = (board.pk, occasion.pk, str(out_dir))
        measured: dict[str, list[dict]] = {name: [] for name in MONTHLY_JOBS}
        for run in range(runs):
            for name in MONTHLY_JOBS:
                measured[name].append(measure_in_child(f"monthly_{name}", *args))
                last = measured[name][-1]
                log(
                    f"  månadsrapport {name} (körning {run + 1}): {last['seconds']:.2f} s, "
                    f"CPU {last['cpu_seconds']:.2f} s, {last['peak_mb']:.0f} MB"
                )
        results["measurements"] = {name: _summary(rows) for name, rows in measured.items()}
        results["pages"] = count_pages(out_dir / "manadsrapport.pdf")
    finally:
        connections.close_all()
        delete_bench_data(MONTHLY_CODE)
        if not keep:
            shutil.rmtree(out_dir, ignore_errors=True)
    if keep:
        results["output_dir"] = str(out_dir)
    m = results["measurements"]
    results["queries"] = m["build"]["queries"]
    results["budgets"] = {"pdf_seconds": MONTHLY_PDF_BUDGET_S, "memory_mb": MEMORY_BUDGET_MB}
    results["ok"] = {
        "pdf_seconds": m["pdf"]["seconds"] < MONTHLY_PDF_BUDGET_S,
        "memory": max(row["peak_mb"] for row in m.values()) < MEMORY_BUDGET_MB,
    }
    results["seconds"] = time.perf_counter() - started
    return results


# --------------------------------------------------------------------- printing


def verdict(ok: bool | None) -> str:
    """ "OK", "ÖVER" (over budget) or "" (no budget)."""
    return "" if ok is None else ("OK" if ok else "ÖVER")


def measurement_lines(rows) -> list[tuple[str, bool]]:
    """The table the bench commands print: (label, measurement, budget text,
    within budget or None) per row → (line, over budget), header first."""
    head = ("mätning", "median s", "bästa s", "CPU s", "topp MB", "+MB", "budget", "")
    lines = [
        (
            label,
            f"{row['seconds']:.2f}",
            f"{row['best_seconds']:.2f}",
            f"{row['cpu_seconds']:.2f}",
            f"{row['peak_mb']:.0f}",
            f"{row['delta_mb']:.0f}",
            budget,
            verdict(ok),
        )
        for label, row, budget, ok in rows
    ]
    widths = [max(len(line[i]) for line in [head, *lines]) for i in range(len(head))]

    def fmt(cells) -> str:
        numbers = [c.rjust(w) for c, w in zip(cells[1:6], widths[1:6], strict=True)]
        return "  ".join(
            [cells[0].ljust(widths[0]), *numbers, cells[6].ljust(widths[6]), cells[7]]
        ).rstrip()

    return [
        (fmt(head), False),
        ("  ".join("-" * w for w in widths), False),
        *((fmt(line), line[7] == "ÖVER") for line in lines),
    ]
