"""The demo's documents (`styrhjul load-demo`): Sjöbacka kommun's
Dokumentinställningar, the own section "Personal" of the årsredovisning in
every year, and the texts written for last year's årsredovisningar.

The settings are saved with documents.layout.settings_save, as the
Dokumentinställningar page saves them: a logo drawn here at load time (an
emblem with the lake and the hill, and the municipality's name), a dark blue
for the headings, a light blue for the tables' header rows, and for the
årsredovisning the internkontrollrapport as an appendix.

The texts (document_data.py) are written like the reports of the follow-up
(followup.py): directly, with the manager who wrote them as the author in the
history and the day they were written in updated_at.

Idempotent: the settings are saved only when the organisation has none, so
what a model owner has chosen since is left alone; a text only where the
section has none.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.utils import timezone

from styrhjul.core.audit import set_actor
from styrhjul.documents.layout import PARTS, SECTIONS, settings_save
from styrhjul.documents.models import DocumentSettings, DocumentText, paragraphs
from styrhjul.followup.models import DocumentSection, FollowUpOccasion
from styrhjul.followup.sections import section_save
from styrhjul.model.models import GovernanceModel
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, UnitType, User

from . import data, document_data
from .calendar import DemoCalendar

HEADING_COLOUR = "#1f4e79"  # contrast 9.0:1 on white
TABLE_COLOUR = "#dce6f1"
LOGO_SIZE = (600, 200)
LOGO_NAME = "sjobacka-kommun-logotyp.png"
# The appendix is off in the house layout; the demo switches it on.
APPENDIX = "bilaga_internkontroll"


@dataclass
class DocumentSummary:
    settings_created: bool = False
    sections_created: int = 0
    texts_created: int = 0

    @property
    def changed(self) -> bool:
        return any(self.__dict__.values())


def load_documents(
    root: Unit, units: dict[str, Unit], users: dict[str, User], cal: DemoCalendar
) -> DocumentSummary:
    """The organisation's document settings and the årsredovisningar's texts,
    whatever is missing (called from load_demo after the follow-up, in its
    transaction)."""
    summary = DocumentSummary()
    if not DocumentSettings.objects.filter(organisation=root).exists():
        settings_save(
            actor=access.SYSTEM,
            organisation=root,
            version=0,
            heading_colour=HEADING_COLOUR,
            table_colour=TABLE_COLOUR,
            contents={"arsredovisning": annual_contents()},
            logo=logo_png(),
            logo_name=LOGO_NAME,
        )
        summary.settings_created = True
    _own_sections(summary, root)
    _texts(summary, root, units, users, cal)
    return summary


def _own_sections(summary: DocumentSummary, root: Unit) -> None:
    """The own sections (document_data.OWN_SECTIONS) in every year of the
    organisation's styrmodell that lacks them, saved as on the
    Dokumentinställningar page."""
    types = {t.name: t for t in UnitType.objects.all()}
    held = set(
        DocumentSection.objects.filter(model__organisation=root).values_list(
            "model_id", "document", "key"
        )
    )
    for model in GovernanceModel.objects.filter(organisation=root).order_by("year"):
        for spec in document_data.OWN_SECTIONS:
            if (model.pk, spec.document, spec.key) in held:
                continue
            # The key (eget-personal) comes from the heading, as on the page.
            section_save(
                actor=access.SYSTEM,
                model=model,
                document=spec.document,
                heading=spec.heading,
                instruction=spec.instruction,
                unit_types=[types[name] for name in spec.unit_types if name in types],
                order=spec.order,
            )
            summary.sections_created += 1


def annual_contents() -> dict:
    """The årsredovisning's contents as the Dokumentinställningar page stores
    them: the house sections in the house order and headings, with the
    internkontrollrapport as an appendix, and every part of the goals."""
    return {
        "sections": [
            {
                "key": spec.key,
                "included": spec.included or spec.key == APPENDIX,
                "order": number,
                "heading": "",
            }
            for number, spec in enumerate(SECTIONS, start=1)
        ],
        "parts": list(PARTS),
        "levels": [],
        "plan_types": [],
    }


def logo_png() -> bytes:
    """Sjöbacka kommun's logo, 600×200 pixels on a transparent background: a
    round emblem with the hill and the lake, and the name in DejaVu Sans
    (bundled with matplotlib)."""
    from matplotlib import font_manager
    from PIL import Image, ImageDraw, ImageFont

    blue, water, hill, white = (31, 78, 121), (91, 155, 213), (58, 125, 68), (255, 255, 255)
    width, height = LOGO_SIZE
    scale = 4  # drawn large and scaled down, for smooth edges
    size = 180 * scale
    emblem = Image.new("RGB", (size, size), blue)
    draw = ImageDraw.Draw(emblem)
    # The sun above the hill, the hill (backen) and the lake (sjön).
    draw.ellipse((118 * scale, 38 * scale, 146 * scale, 66 * scale), fill=(244, 201, 93))
    draw.ellipse((-60 * scale, 70 * scale, 150 * scale, 230 * scale), fill=hill)
    draw.rectangle((0, 118 * scale, size, size), fill=water)
    for top in (132, 150):
        for left in range(8, 180, 44):
            draw.arc(
                (left * scale, top * scale, (left + 22) * scale, (top + 12) * scale),
                start=200,
                end=340,
                fill=white,
                width=3 * scale,
            )
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, size - 1, size - 1), fill=255)
    ring = ImageDraw.Draw(emblem)
    ring.ellipse((0, 0, size - 1, size - 1), outline=blue, width=6 * scale)

    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))  # transparent
    small = 180
    image.paste(
        emblem.resize((small, small), Image.LANCZOS),
        (10, (height - small) // 2),
        mask.resize((small, small), Image.LANCZOS),
    )
    bold = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight="bold"))
    regular = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    text = ImageDraw.Draw(image)
    text.text((215, 40), "Sjöbacka", font=ImageFont.truetype(bold, 66), fill=blue)
    text.text((219, 118), "kommun", font=ImageFont.truetype(regular, 44), fill=blue)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _when(day: datetime.date) -> datetime.datetime:
    """Four in the afternoon, local time, on that day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0)))


def _texts(
    summary: DocumentSummary,
    root: Unit,
    units: dict[str, Unit],
    users: dict[str, User],
    cal: DemoCalendar,
) -> None:
    occasions = {
        o.name: o
        for o in FollowUpOccasion.objects.filter(
            model__organisation=root, model__year=cal.last_year
        )
    }
    held = set(
        DocumentText.objects.filter(occasion__in=list(occasions.values())).values_list(
            "unit_id", "occasion_id", "document", "section"
        )
    )
    managers = {u.code: users[u.manager.login] for u in data.UNITS if u.manager}
    for spec in cal.shift(document_data.TEXTS):
        occasion = occasions.get(spec.occasion)
        if occasion is None:
            continue
        unit = units[spec.unit]
        key = (unit.pk, occasion.pk, spec.document, spec.section)
        if key in held:
            continue
        author = managers[spec.author]
        text = DocumentText(
            unit=unit,
            occasion=occasion,
            document=spec.document,
            section=spec.section,
            # As typed in the text box: paragraphs separated by a blank line.
            text="\n\n".join(paragraphs(spec.text)),
            updated_by=author,
        )
        text.full_clean(validate_unique=False, validate_constraints=False)
        set_actor(text, author)
        text.save()
        # updated_at is auto_now: set the day it was written afterwards
        DocumentText.objects.filter(pk=text.pk).update(updated_at=_when(spec.written_on))
        held.add(key)
        summary.texts_created += 1
