"""Own sections of the documents (egna avsnitt) and the texts units write
for them in their tasks.

A controller adds, per styrmodell year and document type (delårsrapport,
årsredovisning, Månadsrapport, Uppföljning av aktiviteter per datum),
sections of their own beside the built-in ones (DocumentSection): heading,
instruction, the unit types that write it and whether the writer sees what
the units below wrote. At an occasion of the document's kind (DOCUMENT_AT;
the per-date follow-up's at every occasion) each unit that writes a
section writes it in its task for the occasion (`sections_task`: one task
per unit), as it writes the delårsrapport's and årsredovisning's förord,
sammanfattning and viktiga händelser (BUILT_IN_TEXTS), with
the same rules as its reports: write access to the unit and not as a
Rapportör, not while the task is klarmarkerad or locked, optimistic
locking and history (DocumentText). The documents compile the texts
(documents.annual, documents.monthly). The sections are copied with the
styrmodell ("Kopiera till nästa år", planning.year_copy)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from styrhjul.core.audit import set_actor
from styrhjul.core.concurrency import lock_for_edit, lock_version, save_edited, use_case
from styrhjul.model.models import GovernanceModel, ItemKind
from styrhjul.model.services import require_model_owner
from styrhjul.organisation import access
from styrhjul.organisation.models import Unit, UnitType

from .models import (
    DOCUMENT_AT,
    EVERY_OCCASION_DOCUMENT,
    SECTION_DOCUMENTS,
    DocumentSection,
    DocumentText,
    FollowUpOccasion,
    ReportingTask,
)

# "Texter till årsredovisningen": the documents in the definite form.
THE_DOCUMENT = {
    "delarsrapport": gettext_lazy("delårsrapporten"),
    "arsredovisning": gettext_lazy("årsredovisningen"),
    "manadsrapport": gettext_lazy("månadsrapporten"),
    "uppfoljning": gettext_lazy("uppföljningen av aktiviteter per datum"),
}
# The delårsrapport's and årsredovisning's built-in texts, which the units
# write in their task like the own sections (same store: DocumentText, the
# key as its section), in this order before the own sections.
BUILT_IN_TEXTS = {
    "forord": gettext_lazy("Förord"),
    "sammanfattning": gettext_lazy("Sammanfattning"),
    "viktiga_handelser": gettext_lazy("Viktiga händelser"),
}
TEXT_DOCUMENTS = ("delarsrapport", "arsredovisning")
MAX_HEADING = 120
MAX_INSTRUCTION = 5_000
MAX_TEXT = 20_000  # as the other texts of a document (documents.texts.MAX_CHARS)


def document_at(occasion: FollowUpOccasion) -> str | None:
    """The document of the occasion's kind whose texts units write at the
    occasion (None: none)."""
    return DOCUMENT_AT.get(occasion.kind)


def documents_at(occasion: FollowUpOccasion) -> tuple[str, ...]:
    """Every document whose own sections units write at the occasion: the
    one of its kind, then the Uppföljning av aktiviteter per datum, which is
    made at any occasion."""
    kind = document_at(occasion)
    return (kind, EVERY_OCCASION_DOCUMENT) if kind else (EVERY_OCCASION_DOCUMENT,)


# Which built-in texts an organisation's document prints is the documents'
# question (their Dokumentinställningar leave sections out); the documents
# app, above follow-up, registers its answer here when the apps are ready
# (documents.apps: documents.layout.printed_texts), so that a task asks only
# for texts the document will print. Without it, every text is asked for.
_printed_texts = None


def register_printed_texts(answer) -> None:
    """`answer(organisation_id, document)` → the keys of BUILT_IN_TEXTS that
    the organisation's document prints."""
    global _printed_texts
    _printed_texts = answer


def printed_texts(occasion: FollowUpOccasion, document: str) -> frozenset[str]:
    """The built-in texts (BUILT_IN_TEXTS keys) that the document of the
    occasion's organisation prints (one query through the registered answer)."""
    if _printed_texts is None:
        return frozenset(BUILT_IN_TEXTS)
    return frozenset(_printed_texts(occasion.model.organisation_id, document))


def built_in_sections(occasion: FollowUpOccasion) -> list[DocumentSection]:
    """Förord, sammanfattning and viktiga händelser of the occasion's
    delårsrapport or årsredovisning as sections written in the task (not
    stored: every unit writes them and sees what the units below wrote);
    only those the organisation's document prints (printed_texts)."""
    document = document_at(occasion)
    if document not in TEXT_DOCUMENTS:
        return []
    printed = printed_texts(occasion, document)
    return [
        DocumentSection(
            model_id=occasion.model_id,
            document=document,
            key=key,
            heading=str(heading),
            shows_sub_units=True,
            order=0,
        )
        for key, heading in BUILT_IN_TEXTS.items()
        if key in printed
    ]


def sections_at(occasion: FollowUpOccasion) -> list[DocumentSection]:
    """The sections written at the occasion: the built-in texts of its
    delårsrapport or årsredovisning, then the own sections, the documents
    in the order of documents_at, each document's in its order (two
    queries)."""
    documents = documents_at(occasion)
    found = list(
        DocumentSection.objects.filter(model_id=occasion.model_id, document__in=documents)
        .prefetch_related(Prefetch("unit_types", queryset=UnitType.objects.order_by("order")))
        .order_by("order", "pk")
    )
    return built_in_sections(occasion) + sorted(found, key=lambda s: documents.index(s.document))


def slug_of(section: DocumentSection, occasion: FollowUpOccasion) -> str:
    """The section's name on the task page (its form's prefix, its anchor and
    its address): its key, prefixed by the document when the section is not
    of the occasion's own kind (two documents may have the same key)."""
    if section.document == document_at(occasion):
        return section.key
    return f"{section.document}-{section.key}"


def sections_of(model: GovernanceModel | int, document: str) -> list[DocumentSection]:
    """The model year's own sections of the document, in their order (two
    queries: the sections and their unit types)."""
    return list(
        DocumentSection.objects.filter(model=model, document=document)
        .prefetch_related(Prefetch("unit_types", queryset=UnitType.objects.order_by("order")))
        .order_by("order", "pk")
    )


# --- The controller's templates ---------------------------------------------------------


def _new_key(model: GovernanceModel, document: str, heading: str) -> str:
    base = "eget-" + (slugify(heading)[:20].strip("-") or "avsnitt")
    taken = set(
        DocumentSection.objects.filter(model=model, document=document).values_list("key", flat=True)
    )
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def validate_section(*, heading: str, instruction: str, order: int | None) -> dict:
    errors = {}
    if not heading.strip():
        errors["heading"] = _("Skriv en rubrik.")
    elif len(heading) > MAX_HEADING:
        errors["heading"] = _("Rubriken är %(n)d tecken lång; högst %(max)d får plats.") % {
            "n": len(heading),
            "max": MAX_HEADING,
        }
    if len(instruction) > MAX_INSTRUCTION:
        errors["instruction"] = _("Texten är %(n)d tecken lång; högst %(max)d får plats.") % {
            "n": len(instruction),
            "max": MAX_INSTRUCTION,
        }
    if order is None or not 1 <= order <= 99:
        errors["order"] = _("Ange ordningen som ett heltal 1–99.")
    return errors


@use_case
def section_save(
    *,
    actor,
    model: GovernanceModel,
    document: str,
    heading: str,
    instruction: str = "",
    unit_types=(),
    shows_sub_units: bool = True,
    order: int = 99,
    section: DocumentSection | None = None,
    version: int = 0,
) -> DocumentSection:
    """Add an own section to the model year's document (`section` None) or
    change one; `version` is the version the user opened. Those who manage
    the organisation's document settings (layout.settings_save's rule)."""
    require_model_owner(actor, model.organisation)
    if document not in SECTION_DOCUMENTS:
        raise ValidationError(_("Okänt dokument: %(doc)s.") % {"doc": document})
    errors = validate_section(heading=heading, instruction=instruction, order=order)
    if errors:
        raise ValidationError(errors)
    if section is None:
        section = DocumentSection(
            model=model, document=document, key=_new_key(model, document, heading)
        )
    else:
        if section.model_id != model.pk or section.document != document:
            raise PermissionDenied
        lock_version(section, version)
    section.heading = heading.strip()
    section.instruction = instruction.strip()
    section.shows_sub_units = shows_sub_units
    section.order = order
    if not section._state.adding:
        section.version += 1
    set_actor(section, actor)
    section.save()
    section.unit_types.set(list(unit_types))
    return section


@use_case
def section_delete(*, actor, section: DocumentSection, version: int) -> None:
    """Remove an own section. The texts written for it stay (with their
    history) but no document shows them."""
    require_model_owner(actor, section.model.organisation)
    lock_version(section, version)
    set_actor(section, actor)
    section.delete()


def copy_sections(*, actor, source: GovernanceModel, target: GovernanceModel, reason: str):
    """Copy the source year's own sections to the target year (in the
    caller's transaction, which checked the access); a section whose key
    the target already has is left as it is."""
    taken = set(DocumentSection.objects.filter(model=target).values_list("document", "key"))
    for section in sections_of_model(source):
        if (section.document, section.key) in taken:
            continue
        types = list(section.unit_types.all())
        section.pk = None
        section._state.adding = True
        section._prefetched_objects_cache = {}
        section.model = target
        section.version = 1
        set_actor(section, actor, reason)
        section.save()
        section.unit_types.set(types)


def sections_of_model(model: GovernanceModel) -> list[DocumentSection]:
    return list(
        DocumentSection.objects.filter(model=model)
        .prefetch_related("unit_types")
        .order_by("document", "order", "pk")
    )


# --- Writing in the task ----------------------------------------------------------------


def sections_task(unit: Unit, occasion: FollowUpOccasion) -> ReportingTask | None:
    """The unit's task where it writes its documents' own sections at the
    occasion: its own (not a Rapportör's) task, a plan type with goals
    first, then by the plan types' order; the economy task only when the
    unit has no other."""
    tasks = ReportingTask.objects.filter(
        unit=unit, occasion=occasion, reporter__isnull=True
    ).select_related("plan_type")

    def rank(task: ReportingTask):
        if task.plan_type_id is None:
            return (2, 0, task.pk)
        goals = task.plan_type.holds(ItemKind.GOAL)
        return (0 if goals else 1, task.plan_type.order, task.pk)

    found = sorted(tasks, key=rank)
    return found[0] if found else None


def may_write(user, task: ReportingTask) -> bool:
    """Who writes the unit's sections: its writers, not one who writes there
    only as Rapportör (they report the items assigned to them), and not
    while the task is klarmarkerad (access.may_change_task)."""
    return access.may_change_task(user, task) and not access.reports_only_assigned(user, task.unit)


@dataclass
class WrittenText:
    unit: Unit
    text: str


@dataclass
class TaskSection:
    """An own section on the task page: the template, what the unit has
    written (None: nothing yet) and, when the section says so, what the
    units directly below have written."""

    section: DocumentSection
    stored: DocumentText | None
    below: list[WrittenText] = field(default_factory=list)
    form: object = None  # set by the page
    saved: bool = False
    slug: str = ""  # slug_of: its name on the page

    @property
    def document_label(self) -> str:
        return str(THE_DOCUMENT.get(self.section.document, ""))

    @property
    def text(self) -> str:
        return self.stored.text if self.stored else ""

    @property
    def version(self) -> int:
        return self.stored.version if self.stored else 0


def task_sections(task: ReportingTask) -> list[TaskSection]:
    """The own sections the task's unit writes in this task (of every
    document written at the occasion, documents_at), with its texts and the
    texts of the units directly below (a fixed number of queries)."""
    if task.reporter_id:
        return []
    sections = [s for s in sections_at(task.occasion) if s.written_by(task.unit)]
    if not sections or sections_task(task.unit, task.occasion) != task:
        return []
    children = {
        u.pk: u
        for u in Unit.objects.filter(parent=task.unit).valid_in_year(task.occasion.model.year)
    }
    texts = DocumentText.objects.filter(
        occasion=task.occasion,
        document__in={s.document for s in sections},
        section__in={s.key for s in sections},
        unit__in=[task.unit.pk, *children],
    )
    own: dict[tuple[str, str], DocumentText] = {}
    below: dict[tuple[str, str], list[DocumentText]] = {}
    for t in texts:
        if t.unit_id == task.unit.pk:
            own[t.document, t.section] = t
        elif t.text:
            below.setdefault((t.document, t.section), []).append(t)
    result = []
    for s in sections:
        written = [
            WrittenText(children[t.unit_id], t.text)
            for t in below.get((s.document, s.key), [])
            if s.shows_sub_units
        ]
        written.sort(key=lambda w: (w.unit.unit_type_id, w.unit.name, w.unit.pk))
        entry = TaskSection(s, own.get((s.document, s.key)), written)
        entry.slug = slug_of(s, task.occasion)
        result.append(entry)
    return result


@use_case
def section_text_save(
    *, actor, task: ReportingTask, section: DocumentSection, text: str, version: int
) -> DocumentText:
    """Save what the task's unit writes in an own section. `version` is the
    version the user opened (0 for nothing written yet); a save on top of
    someone else's raises EditConflict with theirs."""
    from .services import is_locked

    if not may_write(actor, task):
        raise PermissionDenied
    document = section.document
    if (
        section.model_id != task.occasion.model_id
        or document not in documents_at(task.occasion)
        or not section.written_by(task.unit)
        or sections_task(task.unit, task.occasion) != task
    ):
        raise PermissionDenied
    if is_locked(task):
        raise ValidationError(
            _("Rapporteringen är låst: tidsfristen har passerat eller uppföljningen är stängd.")
        )
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {
                "text": _("Texten är %(n)d tecken lång; högst %(max)d får plats.")
                % {"n": len(text), "max": MAX_TEXT}
            }
        )
    row = lock_for_edit(
        DocumentText,
        version,
        gone=_("Texten finns inte längre. Ladda om sidan."),
        unit=task.unit,
        occasion=task.occasion,
        document=document,
        section=section.key,
    )
    row.text = text.strip()
    return save_edited(row, actor)


# --- What the documents compile ---------------------------------------------------------


@dataclass
class CompiledSection:
    """An own section as a document prints it: the texts in the
    organisation's order, the compiling unit's first, each with its unit."""

    key: str
    heading: str
    texts: list[WrittenText]


def compiled_sections(
    unit: Unit, occasion: FollowUpOccasion, document: str
) -> list[tuple[int, CompiledSection]]:
    """(order, section) of the model year's own sections of the document,
    with the texts written by the unit and the units below it at the
    occasion, in the tree's order (the unit first). Three queries."""
    sections = list(
        DocumentSection.objects.filter(model_id=occasion.model_id, document=document).order_by(
            "order", "pk"
        )
    )
    if not sections:
        return []
    units = list(Unit.objects.with_tree_fields().descendants(unit, include_self=True))
    position = {u.pk: n for n, u in enumerate(units)}
    by_pk = {u.pk: u for u in units}
    texts: dict[str, list[DocumentText]] = {}
    for t in DocumentText.objects.filter(
        occasion=occasion,
        document=document,
        section__in=[s.key for s in sections],
        unit__in=list(position),
    ).exclude(text=""):
        texts.setdefault(t.section, []).append(t)
    result = []
    for s in sections:
        written = sorted(texts.get(s.key, []), key=lambda t: position[t.unit_id])
        result.append(
            (
                s.order,
                CompiledSection(
                    s.key, s.heading, [WrittenText(by_pk[t.unit_id], t.text) for t in written]
                ),
            )
        )
    return result
