"""The Word and Excel files open in LibreOffice: each is converted to PDF
by LibreOffice itself (headless) and the result holds what the document
says. Word is not available here; LibreOffice is the other program the
documents must open in."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from styrhjul.documents import registry
from styrhjul.organisation import access
from styrhjul.planning import services as planning
from tests.document_settings import save_settings
from tests.internal_control import make_ik
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        reason = "LibreOffice saknas (Debian-paketen libreoffice-writer-nogui, -calc-nogui)."
        if os.environ.get("CI"):
            pytest.fail(reason + " I CI måste testet köras.", pytrace=False)
        pytest.skip(reason)
    return found


def _convert(paths, target: str, outdir) -> None:
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{outdir.parent / 'profil'}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def opened(paths, tmp_path) -> dict[str, str]:
    """What LibreOffice read from each file: a Word file converted by it to
    PDF, as the PDF's text; an Excel file saved again by it, as the text of
    every cell of every sheet."""
    import openpyxl

    words = [p for p in paths if p.suffix == ".docx"]
    books = [p for p in paths if p.suffix == ".xlsx"]
    _convert(words, "pdf", tmp_path / "pdf")
    _convert(books, "xlsx", tmp_path / "xlsx")
    texts = {}
    for path in words:
        pdf = tmp_path / "pdf" / (path.stem + ".pdf")
        assert pdf.exists(), f"LibreOffice kunde inte öppna {path.name}"
        texts[path.name] = pdf_text(pdf.read_bytes())
    for path in books:
        saved = tmp_path / "xlsx" / path.name
        assert saved.exists(), f"LibreOffice kunde inte öppna {path.name}"
        book = openpyxl.load_workbook(saved, read_only=True)
        cells = [
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        texts[path.name] = "\n".join(cells)
    return texts


def test_the_documents_open_in_libreoffice(org, chain, occasion, tmp_path):
    soffice()
    ik = make_ik(org, chain, occasion)
    planning.item_link(actor=access.SYSTEM, item=chain["activity"], target=chain["board"])
    save_settings(
        org,
        delarsrapport={"include": {"maluppfyllelse", "mal_och_resultat", "bilaga_internkontroll"}},
    )
    files = []
    for document, unit, fmt in (
        ("delarsrapport", org["namnd"], "docx"),
        ("delarsrapport", org["avd_b"], "docx"),
        ("delarsrapport", org["namnd"], "xlsx"),
        ("uppfoljning", org["namnd"], "docx"),
        ("uppfoljning", org["namnd"], "xlsx"),
        ("internkontrollrapport", org["avd_b"], "docx"),
        ("internkontrollrapport", org["avd_b"], "xlsx"),
    ):
        built = registry.make(document, unit, ik["occasion"], fmt)
        path = tmp_path / f"{document}-{unit.pk}-{fmt}.{fmt}"
        path.write_bytes(built.data)
        files.append(path)

    texts = opened(files, tmp_path)
    namnd, avd_b = org["namnd"].pk, org["avd_b"].pk
    assert (
        "SN1 Fler barn i familjer med försörjningsstöd" in texts[f"delarsrapport-{namnd}-docx.docx"]
    )
    assert "Läxhjälp på fritidsgården" in texts[f"delarsrapport-{namnd}-docx.docx"]
    appendix = texts[f"delarsrapport-{avd_b}-docx.docx"]
    assert "Bilaga: Internkontrollrapport" in appendix
    assert "Två av åtta verifikationer saknade syfte." in appendix
    assert "Läxhjälp på fritidsgården" in texts[f"delarsrapport-{namnd}-xlsx.xlsx"]
    assert "Läxhjälp på fritidsgården" in texts[f"uppfoljning-{namnd}-docx.docx"]
    assert "Läxhjälp på fritidsgården" in texts[f"uppfoljning-{namnd}-xlsx.xlsx"]
    ik_text = texts[f"internkontrollrapport-{avd_b}-docx.docx"]
    assert "Resultat per område" in ik_text and "Tre behörigheter för slutat personal" in ik_text
    assert (
        "Rutinen förtydligas och utbildning ges i höst."
        in texts[f"internkontrollrapport-{avd_b}-xlsx.xlsx"]
    )
