"""Written texts with simple lists: lines starting with "- " or "• " are
bullet points, lines starting with "1. " numbered points, printed as real
lists in PDF and Word and one line per point in Excel."""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn

from styrhjul.documents.docx import add_text_blocks, new_document
from styrhjul.documents.models import TextBlock, paragraphs, text_blocks

TEXT = """Nämnden ansvarar för
den interna kontrollen.

Årets plan omfattar:
- Ekonomi
• Personal
  och arbetsmiljö
Efter listan.

3) Tredje steget
4. Fjärde steget

2025. Ett år är inget listnummer."""


def test_paragraphs_and_lists():
    assert text_blocks(TEXT) == [
        TextBlock(text="Nämnden ansvarar för den interna kontrollen."),
        TextBlock(text="Årets plan omfattar:"),
        TextBlock(items=("Ekonomi", "Personal och arbetsmiljö")),
        TextBlock(text="Efter listan."),
        TextBlock(items=("Tredje steget", "Fjärde steget"), ordered=True, start=3),
        TextBlock(text="2025. Ett år är inget listnummer."),
    ]
    assert text_blocks("") == []
    # Without lists the paragraphs are those of paragraphs().
    plain = "Ett stycke\npå två rader.\n\nEtt till."
    assert [b.text for b in text_blocks(plain)] == paragraphs(plain)


def test_a_list_as_lines_with_its_bullets_or_numbers():
    bullets, numbers = (b for b in text_blocks(TEXT) if b.is_list)
    assert bullets.lines == ["• Ekonomi", "• Personal och arbetsmiljö"]
    assert numbers.lines == ["3. Tredje steget", "4. Fjärde steget"]
    assert str(numbers) == "3. Tredje steget\n4. Fjärde steget"


def test_word_lists_in_the_list_styles_and_each_numbered_list_from_its_own_number():
    document = new_document(title="T", subject="", author="")
    add_text_blocks(document, text_blocks("1. Ett\n2. Två\n\nMellan.\n\n1. Igen\n2. Och igen"))
    buffer = io.BytesIO()
    document.save(buffer)
    read = docx.Document(io.BytesIO(buffer.getvalue()))

    listed = [(p.style.name, p.text) for p in read.paragraphs if p.text]
    assert listed == [
        ("List Number", "Ett"),
        ("List Number", "Två"),
        ("Normal", "Mellan."),
        ("List Number", "Igen"),
        ("List Number", "Och igen"),
    ]

    def num_id(paragraph):
        num_pr = paragraph._p.pPr.find(qn("w:numPr"))
        return None if num_pr is None else num_pr.find(qn("w:numId")).get(qn("w:val"))

    first, second = read.paragraphs[0], read.paragraphs[3]
    assert num_id(first) != num_id(second)  # the second list starts again at 1
    numbering = read.part.numbering_part.element
    restarted = [
        n
        for n in numbering.findall(qn("w:num"))
        if n.get(qn("w:numId")) in {num_id(first), num_id(second)}
    ]
    starts = [
        o.find(qn("w:startOverride")).get(qn("w:val"))
        for n in restarted
        for o in n.findall(qn("w:lvlOverride"))
    ]
    assert starts == ["1", "1"]
