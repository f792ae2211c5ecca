"""The document benchmark (styrhjul document-bench) on a small plan: every
step is measured in a child process of its own, the figures are sane and the
benchmark's data is gone afterwards, other organisations untouched."""

from __future__ import annotations

import io

import pytest

from styrhjul.demo import bench_documents as bench
from styrhjul.organisation.models import Unit
from styrhjul.planning.models import Item

# The children read committed data over connections of their own.
pytestmark = pytest.mark.django_db(transaction=True)


def test_bench_measures_each_step_and_removes_its_data(org, tmp_path):
    others = set(Unit.objects.values_list("pk", flat=True))
    result = bench.bench_internal_control(5, 300, keep=tmp_path)

    m = result["measurements"]
    assert list(m) == ["build", "html", "weasyprint", "pdf", "docx"]
    assert result["count"] == 5
    assert m["build"]["areas"] == 5  # one point in each of five areas
    for name, row in m.items():
        assert 0 < row["best_seconds"] <= row["seconds"] < 120, name
        assert 0 < row["cpu_seconds"] < 120, name
        # Peak RSS of the child's own process, and what it grew after the fork.
        assert 0 <= row["delta_mb"] < row["peak_mb"] < 2000, name
    # The PDF path is the build, the HTML and WeasyPrint, timed in one process.
    parts = m["pdf"]["parts"]
    assert list(parts) == ["build", "html", "pdf"]
    assert sum(parts.values()) == pytest.approx(m["pdf"]["seconds"])
    assert result["pdf_ratio"] == pytest.approx(
        m["pdf"]["best_seconds"] / m["weasyprint"]["best_seconds"]
    )
    assert 0.3 < result["pdf_ratio_cpu"] < 5
    # The verdicts beside the budgets follow the figures; whether a budget is
    # met is for `make bench` on a quiet machine, not for the test suite.
    budgets, ok = result["budgets"], result["ok"]
    assert ok["docx_seconds"] == (m["docx"]["seconds"] < budgets["docx_seconds"])
    assert ok["pdf_memory"] == (m["pdf"]["peak_mb"] < budgets["memory_mb"])
    assert ok["docx_memory"] == (m["docx"]["peak_mb"] < budgets["memory_mb"])
    assert ok["pdf_ratio"] == (result["pdf_ratio"] <= budgets["pdf_ratio"])

    # The files are the report: title page, introduction, landscape tables.
    pdf = (tmp_path / "internkontrollrapport.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) == result["pdf_bytes"]
    assert result["pages"] == bench.count_pages(tmp_path / "internkontrollrapport.pdf") >= 3
    html = (tmp_path / "internkontrollrapport.html").read_text(encoding="utf-8")
    assert html.count("<tr><td>") == 5  # one row per control point (parts: class="continued")
    assert "Informationssäkerhet och dataskydd" in html
    import docx

    document = docx.Document(io.BytesIO((tmp_path / "internkontrollrapport.docx").read_bytes()))
    assert len(document.tables) == 1 + 5  # the summary and one per area

    # The command's table shows every step and the ratio.
    from styrhjul.demo.management.commands.document_bench import Command

    out = io.StringIO()
    Command(stdout=out).table(result)
    table = out.getvalue()
    for label in ("WeasyPrint ensam", "PDF hela vägen", "DOCX hela vägen", "sidor"):
        assert label in table
    assert f"WeasyPrint ensam: {result['pdf_ratio']:.2f}" in table

    # Nothing of the benchmark is left, history included; the rest is untouched.
    assert bench.bench_root() is None
    assert set(Unit.objects.values_list("pk", flat=True)) == others
    assert not Unit.history.filter(code__startswith=bench.BENCH_CODE).exists()
    assert not Item.history.filter(area__in=bench.AREAS).exists()
    assert bench.delete_bench_data() is False


def test_left_over_data_is_removed_first(org):
    bench.make_bench_data(3, 100)
    assert bench.bench_root() is not None
    assert bench.delete_bench_data() is True
    assert bench.bench_root() is None
    assert not Unit.objects.filter(code__startswith=bench.BENCH_CODE).exists()
    assert not Item.history.filter(area__in=bench.AREAS).exists()


def test_sizes_of_the_texts():
    import random

    rng = random.Random(1)
    points = [bench.control_point(rng, i, 2000) for i in range(200)]
    assert sum(p["assessment"] is None for p in points) == 20
    longest = max(len(p["result"]) for p in points)
    assert 1000 <= longest <= 2000
    assert all(len(p["item"]["process"]) <= 500 for p in points)  # the field's max_length
    assert any(c in p["result"] for p in points for c in "åäö")


def test_pdf_fallback_lays_out_once(monkeypatch):
    """Should PDF/UA-1 fail, the plain tagged PDF reuses the layout instead of
    laying the report out again (which would double the time)."""
    import weasyprint

    from styrhjul.documents.pdf import html_to_pdf

    renders = []
    render = weasyprint.HTML.render
    write = weasyprint.Document.write_pdf

    def counting_render(self, *args, **kwargs):
        renders.append(kwargs)
        return render(self, *args, **kwargs)

    def failing_variant(self, *args, **kwargs):
        if kwargs.get("pdf_variant"):
            raise ValueError("variant")
        return write(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", counting_render)
    monkeypatch.setattr(weasyprint.Document, "write_pdf", failing_variant)
    data = html_to_pdf('<html lang="sv"><title>T</title><p>Åtgärd</p></html>')
    assert data.startswith(b"%PDF")
    assert len(renders) == 1


def test_annual_bench_measures_the_compiled_report_and_a_committee(org, chain, reported, tmp_path):
    """styrhjul annual-bench on the small municipality: each step in a child
    of its own, the compiled årsredovisning for the root and the nämnd's
    delårsrapport, pages per section, the table next to the budgets."""
    result = bench.bench_annual(org["kommun"], reported, keep=tmp_path)

    m = result["measurements"]
    assert list(m) == ["build", "html", "weasyprint", "pdf", "docx"]
    assert result["kind"] == "arsredovisning" and result["unit"] == org["kommun"].name
    build = m["build"]
    assert (build["chapters"], build["goals"], build["indicators"]) == (2, 2, 1)
    assert [c["unit"] for c in build["per_chapter"]] == [org["kommun"].name, org["namnd"].name]
    assert 5 < build["queries"] < 100
    for name, row in m.items():
        assert 0 < row["best_seconds"] <= row["seconds"] < 120, name
        assert 0 <= row["delta_mb"] < row["peak_mb"] < 2000, name
    assert list(m["html"]["parts"]) == ["charts", "template"]
    parts = m["pdf"]["parts"]
    assert list(parts) == ["build", "html", "pdf"]
    assert sum(parts.values()) == pytest.approx(m["pdf"]["seconds"])
    assert result["pdf_ratio"] == pytest.approx(
        m["pdf"]["best_seconds"] / m["weasyprint"]["best_seconds"]
    )
    budgets, ok = result["budgets"], result["ok"]
    assert ok["docx_seconds"] == (m["docx"]["seconds"] < budgets["docx_seconds"])
    assert ok["memory"] == (max(row["peak_mb"] for row in m.values()) < budgets["memory_mb"])
    assert ok["pages"] == (result["pages"] <= budgets["pages"])

    # The files: the compiled report with the council's chapter and the nämnd's.
    pdf = tmp_path / "arsredovisning-kommunen.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert result["pages"] == bench.count_pages(pdf) >= 3
    assert m["weasyprint"]["pages"] == result["pages"]
    html = (tmp_path / "arsredovisning-kommunen.html").read_text(encoding="utf-8")
    assert "Årsredovisning 2025" in html and "<svg" in html
    assert (tmp_path / "arsredovisning-kommunen.docx").read_bytes().startswith(b"PK")
    # Pages per top-level section add up to the whole and name the chapters.
    sections = result["sections"]
    assert sum(count for _label, count, _children in sections) == result["pages"]
    labels = [label for label, _count, _children in sections]
    assert org["namnd"].name in labels and org["kommun"].name in labels[-2]

    # The nämnd directly below the root with goals, its own delårsrapport.
    committee = result["committee"]
    assert committee["unit"] == org["namnd"].name and committee["goals"] == 1
    assert list(committee["measurements"]) == ["build", "pdf"]
    assert committee["measurements"]["pdf"]["seconds"] > 0
    assert ok["committee_pdf_seconds"] == (
        committee["measurements"]["pdf"]["seconds"] < budgets["committee_pdf_seconds"]
    )
    assert committee["pages"] == bench.count_pages(tmp_path / "delarsrapport-namnden.pdf") >= 2

    from styrhjul.demo.management.commands.annual_bench import Command

    out = io.StringIO()
    Command(stdout=out).table(result)
    table = out.getvalue()
    for label in ("WeasyPrint ensam", "PDF hela vägen", "DOCX hela vägen", "Nämnden", "sidor"):
        assert label in table
    assert f"WeasyPrint ensam: {result['pdf_ratio']:.2f}" in table
    assert f"< {bench.ANNUAL_PDF_BUDGET_S:.0f} s" in table


def test_annual_bench_without_the_scale_data_says_so(db):
    with pytest.raises(bench.BenchError, match="load-scale"):
        bench.bench_annual()
