import io

from docx import Document

from styrhjul.charts import GenderChart, text_alternative
from styrhjul.charts.word import add_chart


def test_chart_picture_has_alt_text():
    chart = GenderChart("God hälsa", "%", [2024], women=[70.4], men=[74])
    document = Document()
    picture = add_chart(document, chart, width_cm=15, dpi=60)
    assert round(picture.width.cm, 1) == 15.0
    buffer = io.BytesIO()
    document.save(buffer)
    reopened = Document(io.BytesIO(buffer.getvalue()))
    (shape,) = reopened.inline_shapes
    doc_pr = shape._inline.docPr
    assert doc_pr.get("descr") == text_alternative(chart)
    assert "kvinnor 70,4" in doc_pr.get("descr")
    assert doc_pr.get("title") == "God hälsa"
