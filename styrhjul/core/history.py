"""The audit trail ("Historik"), read from django-simple-history's tables:
who changed what, when, with the values before and after."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {"+": _("Skapad"), "~": _("Ändrad"), "-": _("Borttagen")}
HIDDEN_FIELDS = {"version", "password", "last_login"}


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class Entry:
    when: object
    who: str
    kind: str
    reason: str
    changes: list[Change]


def _display(record, field) -> str:
    value = getattr(record, field.attname, None)
    if value is None or value == "":
        return "–"
    if field.is_relation:
        # Show the related object's name when it is still loaded cheaply.
        cache = getattr(record, "_related_names", {})
        return cache.get((field.name, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nej"))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _resolve_relations(records) -> None:
    """One query per related model to turn ids into names."""
    if not records:
        return
    model = records[0].instance_type
    wanted: dict = {}
    for field in model._meta.concrete_fields:
        if field.is_relation and field.name not in HIDDEN_FIELDS:
            ids = {getattr(r, field.attname) for r in records} - {None}
            if ids:
                wanted[field.name] = (field.related_model, ids)
    names = {}
    for name, (related, ids) in wanted.items():
        for obj in related._default_manager.filter(pk__in=ids):
            names[(name, obj.pk)] = str(obj)
    for record in records:
        record._related_names = names


def history_entries(history_qs) -> list[Entry]:
    """Entries newest first, each with the fields that changed."""
    records = list(
        history_qs.select_related("history_user").order_by("-history_date", "-history_id")
    )
    _resolve_relations(records)
    entries = []
    for index, record in enumerate(records):
        fields = [
            f
            for f in record.instance_type._meta.concrete_fields
            if f.name not in HIDDEN_FIELDS and f.name != "id"
        ]
        # The previous record of the same object, if it is in the list.
        previous = next((r for r in records[index + 1 :] if r.id == record.id), None)
        changes = []
        for field in fields:
            label = str(field.verbose_name)
            label = label[:1].upper() + label[1:]
            value = _display(record, field)
            if record.history_type == "-":
                changes.append(Change(label, value, "–"))
            elif previous is None:
                if record.history_type == "+" or value != "–":
                    changes.append(Change(label, "–", value))
            else:
                before = _display(previous, field)
                if before != value:
                    changes.append(Change(label, before, value))
        who = str(record.history_user) if record.history_user else str(_("System"))
        entries.append(
            Entry(
                when=record.history_date,
                who=who,
                kind=str(KIND_LABELS.get(record.history_type, record.history_type)),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
