"""The organisation's own layout of its documents (Dokumentinställningar).

Appearance, for every document: a logo on the title page, the colour of the
headings and of the tables' header rows, and the typefaces. Contents, for
the delårsrapport and the årsredovisning each: which sections are included,
in which order and under which headings, which parts of the goals are shown
(indicator tables, charts, activities, special assignments), and which goal
levels and plan types the document covers.

Per document type (DocumentSpec): the title and subtitle on the title page
(with the placeholders {period}, {enhet}, {år} and {tillfälle}), on/off
options, and the columns of its main table with their headings, relative
widths and an optional explanatory row under the headings.

Goal levels and plan types are chosen by name: the styrmodell is copied
from year to year with the same names, so one choice holds for every year.

`layout_for(organisation, document)` gives what the builders and renderers
use; with nothing saved it is the house layout."""

from __future__ import annotations

import base64
import functools
import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from styrhjul.core.concurrency import lock_for_edit, save_edited, use_case
from styrhjul.core.dates import swedish_date
from styrhjul.followup.sections import BUILT_IN_TEXTS
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit
from styrhjul.planning.queries import organisation_id_of


@dataclass(frozen=True)
class SectionSpec:
    key: str
    heading: str  # the house heading
    included: bool = True  # by default
    help: str = ""


WRITTEN_IN_TASK = "Skrivs av enheterna i deras uppgift vid delårs- och årsbokslutet."
# The sections of the delårsrapport and årsredovisning, in the house order.
SECTIONS = (
    SectionSpec("forord", "Förord", help=WRITTEN_IN_TASK),
    SectionSpec("sammanfattning", "Sammanfattning", help=WRITTEN_IN_TASK),
    SectionSpec("viktiga_handelser", "Viktiga händelser", help=WRITTEN_IN_TASK),
    SectionSpec("maluppfyllelse", "Måluppfyllelse", help="Antal mål per bedömning."),
    SectionSpec(
        "mal_och_resultat",
        "Mål och resultat",
        help="Målen per perspektiv. I kommunens sammanställning får varje nämnd ett eget kapitel.",
    ),
    SectionSpec(
        "ekonomi",
        "Ekonomisk uppföljning",
        help="Driftredovisningen per rad och per enhet under med helårsprognos, kommentarer och "
        "åtgärder, investeringsredovisningen, diagram och (för kommunen) de finansiella "
        "nyckeltalen, när det finns budget eller utfall för året.",
    ),
    SectionSpec("intern_kontroll", "Intern kontroll", help="Sammanfattningen av internkontrollen."),
    SectionSpec(
        "bilaga_internkontroll",
        "Bilaga: Internkontrollrapport",
        included=False,
        help="Hela internkontrollrapporten med alla kontrollpunkter, sist i dokumentet.",
    ),
)
TEXT_SECTION_KEYS = tuple(BUILT_IN_TEXTS)

# The sections of the internkontrollrapport (also as the appendix).
IK_SECTIONS = (
    SectionSpec(
        "inledning", "Inledning", help="Nämndens ansvar; skrivs på rapportens sida Texter."
    ),
    SectionSpec(
        "sammanfattning",
        "Sammanfattning",
        help="Den samlade bedömningen, med antal per område.",
    ),
    SectionSpec(
        "resultat", "Resultat per område", help="Kontrollpunkterna i tabeller, liggande sidor."
    ),
    SectionSpec(
        "tidigare_atgarder",
        "Uppföljning av tidigare åtgärder",
        help="Öppna åtgärder från tidigare uppföljningar och vad som har gjorts.",
    ),
)

# The sections of the Månadsrapport (also the parts of the economy chapter).
MONTHLY_SECTIONS = (
    SectionSpec(
        "driftredovisning",
        "Driftredovisning",
        help="Helårsbudget, budget och utfall hittills och avvikelsen per rad.",
    ),
    SectionSpec(
        "per_enhet",
        "Driftredovisning per förvaltning",
        help="Nettokostnaden per enhet direkt under (förvaltningarna under en nämnd, nämnderna "
        "under kommunen) och varje enhets driftredovisning. Tom rubrik: efter enheternas typ.",
    ),
    SectionSpec(
        "kommentarer",
        "Kommentarer och åtgärder",
        help="Enheternas kommentarer till helårsprognosen och planerade åtgärder, när de har "
        "lämnat en prognos i uppföljningen.",
    ),
    SectionSpec(
        "investeringar",
        "Investeringsredovisning",
        help="Budget och utfall hittills per projekt, när det finns projekt.",
    ),
    SectionSpec(
        "diagram",
        "Diagram",
        help="Nettokostnaden per månad och ackumulerad, avvikelsen per rad och per enhet, "
        "med tabeller.",
    ),
)

# Parts of a goal's presentation that can be left out.
PARTS = {
    "nyckeltal": "Nyckeltalstabeller",
    "diagram": "Diagram över nyckeltalens utveckling",
    "aktiviteter": "Aktiviteter under målen",
    "sarskilda_uppdrag": "Särskilda uppdrag",
}
FOLLOWUP_PARTS = {
    "sarskilda_uppdrag": "Särskilda uppdrag",
    "utan_mal": "Aktiviteter utan mål",
}


@dataclass(frozen=True)
class ColumnSpec:
    """A column of a document's table: its house heading and relative width."""

    key: str
    heading: str
    weight: int  # relative width, 1–20


# The options of the delårsrapport and årsredovisning (documents.annual).
ANNUAL_OPTIONS = {
    "options": {
        "underlag_fran_enheter": (
            "Visa enheternas bedömningar och analyser där enheten inte har bedömt målet"
        )
    },
    "default_options": frozenset({"underlag_fran_enheter"}),
}


@dataclass(frozen=True)
class DocumentSpec:
    """What of a document type the organisation can choose."""

    label: str
    sections: tuple[SectionSpec, ...] = ()
    parts: dict = field(default_factory=dict)
    levels: bool = False  # which goal levels
    plan_types: bool = False  # which plan types
    # The house title and subtitle, with the placeholders of PLACEHOLDERS.
    title: str = ""
    subtitle: str = ""
    options: dict[str, str] = field(default_factory=dict)  # key -> Swedish label
    default_options: frozenset[str] = frozenset()
    columns: tuple[ColumnSpec, ...] = ()  # the table's columns in order
    columns_help: str = ""  # shown above the columns on the settings page

    @property
    def section_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)


# The columns of the internkontrollrapport's tables of control points, weighted
# by what they hold. "risk" is printed only with the option "riskvarde".
IK_COLUMNS = (
    ColumnSpec("nr", "Nr", 2),
    ColumnSpec("process", "Process/rutin/system", 5),
    ColumnSpec("risk", "Riskvärde", 3),
    ColumnSpec("kontrollmoment", "Kontrollmoment", 5),
    ColumnSpec("kontrollmetod", "Kontrollmetod", 5),
    ColumnSpec("resultat", "Resultat av kontroll", 10),
    ColumnSpec("atgard", "Åtgärd", 7),
)

# The columns of the uppföljning per datum, weighted by what they hold
# ("mal" is left out of the tables of activities without goal).
FOLLOWUP_COLUMNS = (
    ColumnSpec("mal", "Nämndmål", 4),
    ColumnSpec("aktivitet", "Aktivitet", 5),
    ColumnSpec("slutdatum", "Slutdatum", 2),
    ColumnSpec("status", "Status", 2),
    ColumnSpec("kommentar", "Kommentar", 7),
)
FOLLOWUP_OPTIONS = {
    "tomma_perspektiv": "Visa perspektiv utan mål",
    "malbeskrivning": "Visa målets beskrivning under namnet",
}

ANNUAL_SPEC = DocumentSpec("", SECTIONS, PARTS, levels=True, plan_types=True, **ANNUAL_OPTIONS)
DOCUMENTS = {
    "delarsrapport": replace(ANNUAL_SPEC, label="Delårsrapport"),
    "arsredovisning": replace(ANNUAL_SPEC, label="Årsredovisning / verksamhetsberättelse"),
    "uppfoljning": DocumentSpec(
        "Uppföljning av aktiviteter per datum",
        parts=FOLLOWUP_PARTS,
        plan_types=True,
        title="Uppföljning av aktiviteter per {period} – {enhet}",
        subtitle="{tillfälle}, uppföljning per {period}",
        options=FOLLOWUP_OPTIONS,
        columns=FOLLOWUP_COLUMNS,
    ),
    "internkontrollrapport": DocumentSpec(
        "Internkontrollrapport",
        IK_SECTIONS,
        title="Internkontrollrapport {år} – {enhet}",
        subtitle="{tillfälle}, uppföljning per {period}",
        options={"riskvarde": "Visa riskvärde och risknivå"},
        columns=IK_COLUMNS,
        columns_help="Kolumnen Riskvärde (t.ex. 12 (hög)) visas när Visa riskvärde och "
        "risknivå är valt.",
    ),
    "manadsrapport": DocumentSpec("Månadsrapport", MONTHLY_SECTIONS),
}

# The placeholders of titles and subtitles and what they stand for.
PLACEHOLDERS = {
    "period": "uppföljningens datum, t.ex. 30 april 2025",
    "enhet": "enhetens namn",
    "år": "året",
    "tillfälle": "uppföljningstillfällets namn",
}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

DEFAULT_HEADING_COLOUR = "#111111"
DEFAULT_TABLE_COLOUR = "#e8edf2"
DARK_TEXT = "#111111"
LIGHT_TEXT = "#ffffff"
# The house typefaces when none is chosen: PDF and Word.
PDF_FONTS = '"DejaVu Sans", "Liberation Sans", Arial, sans-serif'
WORD_FONT = "Calibri"
LOGO_MAX_BYTES = 1_000_000
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
MAX_HEADING = 120
MAX_COLUMN_HEADING = 60
MAX_EXPLANATION = 200
MIN_WEIGHT, MAX_WEIGHT = 1, 20
MIN_CONTRAST = 4.5  # WCAG 2.1 AA for normal text
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_FONT_NAME = re.compile(r"^[\w .\-]+$")


# --- What the documents use -------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str
    heading: str


@dataclass(frozen=True)
class Column:
    """A column as the organisation chose it: heading, relative width and the
    text of the explanatory row under the headings ("" for none)."""

    key: str
    heading: str
    weight: int
    explanation: str = ""


def fill(text: str, *, unit=None, occasion=None, year: int | None = None) -> str:
    """The text with its placeholders filled: {enhet} the unit's name (a
    Unit or a name), {period} the occasion's date ("30 april 2025"), {år}
    the year (the occasion's model year unless given), {tillfälle} the
    occasion's name. Unknown placeholders are left as written."""
    values = {}
    if unit is not None:
        values["enhet"] = unit if isinstance(unit, str) else unit.name
    if occasion is not None:
        values["period"] = swedish_date(occasion.period_end)
        values["tillfälle"] = occasion.title
        if year is None:
            year = occasion.model.year
    if year is not None:
        values["år"] = str(year)
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text).strip()


def _parts(text: str) -> list[str]:
    return [p.strip() for p in re.split(r",\s+|\s+[–—-]\s+", text) if p.strip()]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def undoubled(subtitle: str, title: str) -> str:
    """The subtitle without what repeats the title or itself. The subtitle is
    read in parts ("A, B", "A – B"); a part whose words the title already
    has, or another part has with more, is left out: "Uppföljning per 30
    april, uppföljning per 30 april 2025" under the title "Internkontroll-
    rapport 2025" is "Uppföljning per 30 april 2025", and nothing under
    "Uppföljning av aktiviteter per 30 april 2025 – Socialnämnden"."""
    if not subtitle:
        return ""
    said = _words(title)
    parts = _parts(subtitle)
    words = [_words(p) for p in parts]
    kept = []
    for i, part in enumerate(parts):
        if words[i] <= said:
            continue
        if any(
            words[i] <= other and (len(other) > len(words[i]) or j < i)
            for j, other in enumerate(words)
            if j != i
        ):
            continue
        kept.append(part)
    if len(kept) == len(parts):
        return subtitle
    if not kept:
        return ""
    return ", ".join([kept[0][:1].upper() + kept[0][1:], *kept[1:]])


@dataclass(frozen=True)
class Contents:
    """What a document includes, in order: its sections with their headings,
    the parts shown, the goal levels and plan types covered and the goal
    column's heading. Contents.of(document) is the house choice."""

    document: str = "delarsrapport"
    sections: tuple[Section, ...] = tuple(Section(s.key, s.heading) for s in SECTIONS if s.included)
    parts: frozenset[str] = frozenset(PARTS)
    levels: frozenset[str] = frozenset()  # goal level names; empty: all
    plan_types: frozenset[str] = frozenset()  # plan type names; empty: all
    title: str = ""  # with placeholders; title_for fills them
    subtitle: str = ""
    options: frozenset[str] = frozenset()  # the options chosen (DocumentSpec.options)
    columns: tuple[Column, ...] = ()

    @classmethod
    def of(cls, document: str | None) -> Contents:
        spec = DOCUMENTS.get(document or "delarsrapport", ANNUAL_SPEC)
        return cls(
            document=document or "delarsrapport",
            sections=tuple(Section(s.key, s.heading) for s in spec.sections if s.included),
            parts=frozenset(spec.parts),
            title=spec.title,
            subtitle=spec.subtitle,
            options=frozenset(spec.default_options),
            columns=tuple(Column(c.key, c.heading, c.weight) for c in spec.columns),
        )

    def has(self, option: str) -> bool:
        """Whether the organisation chose the option (DocumentSpec.options)."""
        return option in self.options

    def column(self, key: str) -> Column:
        """The column with the key; KeyError for a column the type lacks."""
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def widths(self, keys=None) -> list[float]:
        """The relative widths of the columns with the keys (all columns when
        None), in that order, as fractions summing to 1."""
        chosen = [self.column(k) for k in keys] if keys is not None else list(self.columns)
        total = sum(c.weight for c in chosen)
        if not total:
            return [1 / len(chosen)] * len(chosen) if chosen else []
        return [c.weight / total for c in chosen]

    @property
    def explained(self) -> bool:
        """Whether the table has an explanatory row under its headings."""
        return any(c.explanation for c in self.columns)

    def title_for(self, *, unit, occasion, year: int | None = None) -> str:
        """The title with its placeholders filled (see fill())."""
        return fill(self.title, unit=unit, occasion=occasion, year=year)

    def subtitle_for(self, *, unit, occasion, year: int | None = None) -> str:
        """The subtitle filled; "" or shortened where it would repeat the
        title or itself (undoubled())."""
        return undoubled(
            fill(self.subtitle, unit=unit, occasion=occasion, year=year),
            self.title_for(unit=unit, occasion=occasion, year=year),
        )

    def includes(self, key: str) -> bool:
        return any(s.key == key for s in self.sections) or key in self.parts

    def heading(self, key: str) -> str:
        found = next((s for s in self.sections if s.key == key), None)
        if found is not None:
            return found.heading
        spec = DOCUMENTS.get(self.document, ANNUAL_SPEC)
        return next(s.heading for s in spec.sections if s.key == key)


@dataclass(frozen=True)
class Style:
    """The appearance of every document of the organisation."""

    organisation_name: str = ""
    logo: bytes | None = None
    logo_type: str = ""
    heading_colour: str = DEFAULT_HEADING_COLOUR
    table_colour: str = DEFAULT_TABLE_COLOUR
    font: str = ""  # "" = the house typeface
    heading_font: str = ""  # "" = as the text

    @property
    def table_text_colour(self) -> str:
        """Black or white, whichever reads best on the header fill."""
        return text_colour_on(self.table_colour)

    @property
    def logo_data_uri(self) -> str:
        if not self.logo:
            return ""
        return f"data:{self.logo_type};base64,{base64.b64encode(self.logo).decode()}"

    @property
    def logo_alt(self) -> str:
        return f"Logotyp för {self.organisation_name}" if self.organisation_name else "Logotyp"

    @property
    def pdf_font(self) -> str:
        return f'"{self.font}", {PDF_FONTS}' if self.font else PDF_FONTS

    @property
    def pdf_heading_font(self) -> str:
        return f'"{self.heading_font}", {self.pdf_font}' if self.heading_font else self.pdf_font

    @property
    def word_font(self) -> str:
        return self.font or WORD_FONT

    @property
    def word_heading_font(self) -> str:
        return self.heading_font or self.word_font

    def logo_size(self) -> tuple[int, int]:
        from PIL import Image

        with Image.open(io.BytesIO(self.logo)) as image:
            return image.size


@dataclass(frozen=True)
class Layout:
    style: Style = field(default_factory=Style)
    contents: Contents = field(default_factory=Contents)
    # The organisation's stored contents of every document type, so that
    # another document inside this one (the appendix) reads no settings again.
    stored: dict = field(default_factory=dict, compare=False, repr=False)

    def of(self, document: str) -> Layout:
        """The same organisation's layout for another document type."""
        return replace(self, contents=contents_of(self.stored, document))


def settings_for(organisation: Unit):
    from .models import DocumentSettings

    return DocumentSettings.objects.filter(organisation=organisation).first()


def layout_for(unit: Unit, document: str | None = None) -> Layout:
    """The layout of the unit's organisation for the document: one query
    (two for a unit read without its tree fields)."""

    from .models import DocumentSettings

    stored = (
        DocumentSettings.objects.select_related("organisation")
        .filter(organisation_id=organisation_id_of(unit))
        .first()
    )
    if stored is None:
        return Layout(contents=Contents.of(document))
    contents = stored.contents or {}
    return Layout(
        style=style_of(stored, stored.organisation),
        contents=contents_of(contents, document),
        stored=contents,
    )


def printed_texts(organisation_id: int, document: str) -> frozenset[str]:
    """The built-in texts (förord, sammanfattning, viktiga händelser:
    TEXT_SECTION_KEYS) that the organisation's delårsrapport or
    årsredovisning includes by its Dokumentinställningar; the units' tasks
    ask only for these (followup.sections.printed_texts). One query."""
    from .models import DocumentSettings

    stored = (
        DocumentSettings.objects.filter(organisation_id=organisation_id)
        .values_list("contents", flat=True)
        .first()
    )
    contents = contents_of(stored or {}, document)
    return frozenset(key for key in TEXT_SECTION_KEYS if contents.includes(key))


def style_of(stored, organisation: Unit) -> Style:
    return Style(
        organisation_name=organisation.name,
        logo=bytes(stored.logo) if stored.logo else None,
        logo_type=stored.logo_type,
        heading_colour=stored.heading_colour or DEFAULT_HEADING_COLOUR,
        table_colour=stored.table_colour or DEFAULT_TABLE_COLOUR,
        font=stored.font,
        heading_font=stored.heading_font,
    )


def contents_of(stored: dict, document: str | None) -> Contents:
    """A document's Contents from the stored contents of all document types
    (DocumentSettings.contents); the house choice where nothing is stored."""
    house = Contents.of(document)
    data = stored.get(document or "")
    if not data:
        return house
    spec = DOCUMENTS.get(document or "", ANNUAL_SPEC)
    keys = spec.section_keys
    rows = {row["key"]: row for row in data.get("sections", []) if row.get("key") in keys}
    ordered = sorted(
        spec.sections,
        key=lambda s: (rows.get(s.key, {}).get("order", keys.index(s.key) + 1), keys.index(s.key)),
    )
    sections = tuple(
        Section(s.key, rows.get(s.key, {}).get("heading") or s.heading)
        for s in ordered
        if rows.get(s.key, {}).get("included", s.included)
    )
    parts = data.get("parts")
    options = data.get("options")
    stored_columns = {
        row.get("key"): row for row in data.get("columns") or () if isinstance(row, dict)
    }
    # Settings saved before the columns could be named had one heading, the
    # goal column's ("goal_column"): it names the column until one is chosen.
    earlier = {"mal": (data.get("goal_column") or "").strip()}
    columns = []
    for column in house.columns:
        row = stored_columns.get(column.key, {})
        weight = row.get("weight")
        columns.append(
            Column(
                column.key,
                (row.get("heading") or "").strip() or earlier.get(column.key) or column.heading,
                weight
                if isinstance(weight, int) and MIN_WEIGHT <= weight <= MAX_WEIGHT
                else column.weight,
                (row.get("explanation") or "").strip(),
            )
        )
    return replace(
        house,
        title=(data.get("title") or "").strip() or spec.title,
        subtitle=(data.get("subtitle") or "").strip() or spec.subtitle,
        options=frozenset(o for o in options if o in spec.options)
        if options is not None
        else house.options,
        columns=tuple(columns),
        sections=sections,
        parts=frozenset(p for p in (parts if parts is not None else spec.parts) if p in spec.parts),
        levels=frozenset(data.get("levels") or ()) if spec.levels else frozenset(),
        plan_types=frozenset(data.get("plan_types") or ()) if spec.plan_types else frozenset(),
    )


def section_orders(stored: dict, document: str) -> dict[str, int]:
    """The order number of each built-in section of the document, as chosen
    on the settings page (the house order where nothing is stored)."""
    spec = DOCUMENTS.get(document, ANNUAL_SPEC)
    keys = spec.section_keys
    rows = {
        row["key"]: row
        for row in (stored.get(document) or {}).get("sections", [])
        if row.get("key") in keys
    }
    return {key: rows.get(key, {}).get("order") or n + 1 for n, key in enumerate(keys)}


def with_own_sections(
    contents: Contents, stored: dict, own: list[tuple[int, str, str]]
) -> Contents:
    """The document's sections with the year's own sections (order number,
    key, heading; followup.sections) among the built-in ones, by their order
    numbers: an own section comes after the built-in ones with the same
    number."""
    if not own:
        return contents
    orders = section_orders(stored, contents.document)
    ranked = [((orders.get(s.key, 99), 0, n), s) for n, s in enumerate(contents.sections)]
    ranked += [
        ((order, 1, n), Section(key, heading)) for n, (order, key, heading) in enumerate(own)
    ]
    return replace(contents, sections=tuple(s for _rank, s in sorted(ranked, key=lambda r: r[0])))


# --- Colours and typefaces ------------------------------------------------------------------


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1–21)."""
    a, b = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_colour_on(background: str) -> str:
    if contrast(background, DARK_TEXT) >= contrast(background, LIGHT_TEXT):
        return DARK_TEXT
    return LIGHT_TEXT


@functools.cache
def installed_fonts() -> tuple[str, ...]:
    """The font families the server has (fontconfig), which the PDF can use."""
    if shutil.which("fc-list") is None:
        return ()
    try:
        out = subprocess.run(
            ["fc-list", ":", "family"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    families = set()
    for line in out.splitlines():
        for name in line.split(","):
            name = name.strip()
            if name and not name.startswith("."):
                families.add(name)
    return tuple(sorted(families, key=str.casefold))


# --- Saving ------------------------------------------------------------------------------------


def _number(value) -> str:
    return f"{value:.1f}".replace(".", ",")


def validate_style(
    *, heading_colour: str, table_colour: str, font: str, heading_font: str, current=None
) -> dict:
    errors = {}
    for name, colour in (("heading_colour", heading_colour), ("table_colour", table_colour)):
        if not _COLOUR.match(colour or ""):
            errors[name] = _("Ange färgen som #rrggbb, t.ex. #1f4e79.")
    if "heading_colour" not in errors:
        ratio = contrast(heading_colour, "#ffffff")
        if ratio < MIN_CONTRAST:
            errors["heading_colour"] = _(
                "Färgen %(colour)s har kontrasten %(ratio)s:1 mot den vita sidan. Rubriker "
                "behöver minst 4,5:1 för att kunna läsas (WCAG 2.1 AA); välj en mörkare färg."
            ) % {"colour": heading_colour, "ratio": _number(ratio)}
    fonts = set(installed_fonts())
    for name, value in (("font", font), ("heading_font", heading_font)):
        known = {getattr(current, name, "")} if current is not None else set()
        if value and not _FONT_NAME.match(value):
            errors[name] = _("Typsnittets namn får bara ha bokstäver, siffror och mellanslag.")
        elif value and value not in fonts and value not in known:
            errors[name] = _(
                "Typsnittet ”%(font)s” finns inte på servern, så PDF:en skulle få ett annat. "
                "Välj ett av de installerade."
            ) % {"font": value}
    return errors


def read_logo(data: bytes) -> str:
    """The logo's content type; ValidationError unless a PNG or JPEG image."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(
            {
                "logo": _("Bilden är %(kb)d kB; högst %(max)d kB får plats.")
                % {"kb": len(data) // 1000, "max": LOGO_MAX_BYTES // 1000}
            }
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            {"logo": _("Filen är inte en bild som går att läsa. Välj en PNG- eller JPEG-fil.")}
        ) from None
    if kind not in LOGO_TYPES:
        raise ValidationError(
            {"logo": _("Bilden är %(kind)s; välj en PNG- eller JPEG-fil.") % {"kind": kind}}
        )
    return LOGO_TYPES[kind]


def _too_long(text: str, limit: int) -> str:
    return _("Rubriken är %(n)d tecken lång; högst %(max)d får plats.") % {
        "n": len(text),
        "max": limit,
    }


def _placeholder_error(text: str) -> str:
    unknown = [m.group(0) for m in _PLACEHOLDER.finditer(text) if m.group(1) not in PLACEHOLDERS]
    if not unknown:
        return ""
    return _("%(unknown)s känns inte igen. Använd %(known)s.") % {
        "unknown": ", ".join(unknown),
        "known": ", ".join(f"{{{k}}}" for k in PLACEHOLDERS),
    }


def _validate_titles_options_columns(document: str, spec: DocumentSpec, data: dict) -> dict:
    errors = {}
    for name in ("title", "subtitle"):
        text = data.get(name) or ""
        if len(text) > MAX_HEADING:
            errors[f"{document}-{name}"] = _too_long(text, MAX_HEADING)
        elif _placeholder_error(text):
            errors[f"{document}-{name}"] = _placeholder_error(text)
    for option in data.get("options") or ():
        if option not in spec.options:
            raise ValidationError(
                _("%(doc)s har inget val %(key)s.") % {"doc": spec.label, "key": option}
            )
    known = {c.key for c in spec.columns}
    for row in data.get("columns") or ():
        key = row.get("key")
        if key not in known:
            raise ValidationError(
                _("%(doc)s har ingen kolumn %(key)s.") % {"doc": spec.label, "key": key}
            )
        heading = row.get("heading") or ""
        if len(heading) > MAX_COLUMN_HEADING:
            errors[f"{document}-col-{key}-heading"] = _too_long(heading, MAX_COLUMN_HEADING)
        weight = row.get("weight")
        if weight is not None and (
            isinstance(weight, bool)
            or not isinstance(weight, int)
            or not MIN_WEIGHT <= weight <= MAX_WEIGHT
        ):
            errors[f"{document}-col-{key}-weight"] = _(
                "Ange bredden som ett heltal från %(min)d till %(max)d."
            ) % {"min": MIN_WEIGHT, "max": MAX_WEIGHT}
        explanation = row.get("explanation") or ""
        if len(explanation) > MAX_EXPLANATION:
            errors[f"{document}-col-{key}-explanation"] = _(
                "Förklaringen är %(n)d tecken lång; högst %(max)d får plats."
            ) % {"n": len(explanation), "max": MAX_EXPLANATION}
    return errors


def validate_contents(contents: dict) -> dict:
    """Errors keyed like the form's fields: <document>-<section>-heading,
    <document>-title, <document>-col-<column>-weight …; unknown documents,
    sections, options and columns raise ValidationError."""
    errors = {}
    for document, data in contents.items():
        spec = DOCUMENTS.get(document)
        if spec is None:
            raise ValidationError(_("Okänt dokument: %(doc)s.") % {"doc": document})
        errors.update(_validate_titles_options_columns(document, spec, data))
        for row in data.get("sections", []):
            key = row.get("key")
            if key not in spec.section_keys:
                raise ValidationError(_("Okänt avsnitt: %(key)s.") % {"key": key})
            if len(row.get("heading") or "") > MAX_HEADING:
                errors[f"{document}-{key}-heading"] = _(
                    "Rubriken är %(n)d tecken lång; högst %(max)d får plats."
                ) % {"n": len(row["heading"]), "max": MAX_HEADING}
        chosen = [row for row in data.get("sections", []) if row.get("included")]
        if (
            spec.sections
            and data.get("sections")
            and not any(row.get("key") not in TEXT_SECTION_KEYS for row in chosen)
        ):
            first = next(s.key for s in spec.sections if s.key not in TEXT_SECTION_KEYS)
            errors[f"{document}-{first}-included"] = _(
                "%(doc)s måste ta med minst ett avsnitt utöver de skrivna texterna."
            ) % {"doc": spec.label}
    return errors


@use_case
def settings_save(
    *,
    actor,
    organisation: Unit,
    version: int,
    heading_colour: str,
    table_colour: str,
    font: str = "",
    heading_font: str = "",
    contents: dict | None = None,
    logo: bytes | None = None,
    logo_name: str = "",
    remove_logo: bool = False,
):
    """Store the organisation's document settings. `version` is the version
    the user opened (0 when nothing was stored); a save on top of someone
    else's raises EditConflict and changes nothing. `logo`: new image bytes
    (None keeps the stored one)."""
    from .models import DocumentSettings

    access.require(actor, access.Action.MANAGE, organisation)
    if organisation.parent_id is not None:
        raise ValidationError(_("Dokumentinställningar gäller en hel organisation."))
    stored = lock_for_edit(
        DocumentSettings,
        version,
        gone=_("Inställningarna finns inte längre. Ladda om sidan."),
        organisation=organisation,
    )
    errors = validate_style(
        heading_colour=heading_colour,
        table_colour=table_colour,
        font=font,
        heading_font=heading_font,
        current=None if stored._state.adding else stored,
    )
    errors.update(validate_contents(contents or {}))
    logo_type = None
    if logo is not None and not remove_logo:
        try:
            logo_type = read_logo(logo)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    stored.heading_colour = heading_colour.lower()
    stored.table_colour = table_colour.lower()
    stored.font = font
    stored.heading_font = heading_font
    if contents is not None:
        stored.contents = contents
    if remove_logo:
        stored.logo, stored.logo_type, stored.logo_name = None, "", ""
    elif logo_type:
        stored.logo, stored.logo_type, stored.logo_name = logo, logo_type, logo_name[:200]
    return save_edited(stored, actor)
