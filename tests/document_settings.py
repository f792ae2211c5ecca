"""The organisation's document settings as test data: a logo, and the
settings saved with chosen contents for some of the documents."""

from __future__ import annotations

import io

from styrhjul.documents import layout
from styrhjul.organisation import access


def png(width=120, height=40, colour=(31, 78, 121)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def save_settings(org, **contents):
    """The organisation's settings with the given documents' contents
    (stored as the form stores them). Per document: include, order,
    headings, parts, levels, plan_types, goal_column, title, subtitle,
    options (a list of keys) and columns ({key: {"heading", "weight",
    "explanation"}}, the others as the house has them)."""
    stored = {}
    for document, data in contents.items():
        spec = layout.DOCUMENTS[document]
        sections = [
            {
                "key": section.key,
                "included": section.key
                in data.get("include", {s.key for s in spec.sections if s.included}),
                "order": data.get("order", {}).get(section.key, number),
                "heading": data.get("headings", {}).get(section.key, ""),
            }
            for number, section in enumerate(spec.sections, start=1)
        ]
        stored[document] = {
            "sections": sections,
            "parts": data.get("parts", list(spec.parts)),
            "levels": data.get("levels", []),
            "plan_types": data.get("plan_types", []),
            "goal_column": data.get("goal_column", ""),
            "title": data.get("title", ""),
            "subtitle": data.get("subtitle", ""),
            "options": list(data.get("options", spec.default_options)),
        }
        if spec.columns:
            chosen = data.get("columns", {})
            stored[document]["columns"] = [
                {
                    "key": column.key,
                    "heading": chosen.get(column.key, {}).get("heading", ""),
                    "weight": chosen.get(column.key, {}).get("weight", column.weight),
                    "explanation": chosen.get(column.key, {}).get("explanation", ""),
                }
                for column in spec.columns
            ]
    return layout.settings_save(
        actor=access.SYSTEM,
        organisation=org["kommun"],
        version=0,
        heading_colour="#1f4e79",
        table_colour="#1f4e79",
        font="Liberation Serif" if "Liberation Serif" in layout.installed_fonts() else "",
        contents=stored,
        logo=png(),
        logo_name="logo.png",
    )
