"""Saving an organisation's Kolada settings from the settings page.

`settings_save` checks that the actor is a model owner of the organisation,
validates the codes (`validate_settings`, which the form also uses, so the
messages are the same at the field and here) and saves. It changes only the
own municipality, the comparisons and the Kolada units: the sync's fields
(last sync time, summary, scope) are left as they are. Nothing is fetched
here; the values come with the next `styrhjul kolada-sync`.

KoladaSettings has no history table (django-simple-history), so there is no
audit actor to set; the change is logged (logger "styrhjul.kolada")."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError

from styrhjul.core.concurrency import use_case
from styrhjul.model.services import require_model_owner
from styrhjul.organisation.models import Unit

from .models import KoladaSettings

logger = logging.getLogger("styrhjul.kolada")

RIKET = "0000"
MAX_COMPARISONS = 30
MAX_OUS = 100
CODE = re.compile(r"\d{4}")
OU_ID = re.compile(r"[A-Z0-9]{4,40}")
SEPARATORS = re.compile(r"[\s,;]+")


def split_codes(text: str | Iterable[str] | None) -> list[str]:
    """ "1481, 1482\\n0014 0000" (or a list) → ["1481", "1482", "0014", "0000"],
    in the order given, repeats kept (validate_settings reports them)."""
    if text is None:
        return []
    if not isinstance(text, str):
        text = ",".join(str(part) for part in text)
    return [part for part in SEPARATORS.split(text.strip()) if part]


def _listing(items: list[str]) -> str:
    """ "a", "a och b", "a, b och c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} och {items[-1]}"


def _repeats(items: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for item in items:
        if item in seen and item not in repeated:
            repeated.append(item)
        seen.add(item)
    return repeated


def validate_settings(
    municipality_id: str, comparison_ids: Iterable[str] | str, ou_ids: Iterable[str] | str
) -> tuple[str, list[str], list[str]]:
    """The settings, cleaned: (own code, comparison codes, Kolada unit ids).
    Raises ValidationError with Swedish messages by field name
    (municipality_id, comparison_ids, ou_ids)."""
    errors: dict[str, list[str]] = {}
    own = (municipality_id or "").strip()
    if not own:
        errors["municipality_id"] = [
            "Ange den egna kommunens eller regionens kod i Kolada, t.ex. 1480."
        ]
    elif not CODE.fullmatch(own):
        errors["municipality_id"] = [
            f"”{own}” är inte en kommun- eller regionkod: skriv fyra siffror, t.ex. 1480 "
            "för en kommun eller 0014 för en region."
        ]
    elif own == RIKET:
        errors["municipality_id"] = [
            "0000 är Riket. Ange den egna kommunens eller regionens kod, t.ex. 1480; "
            "Riket går att jämföra med."
        ]

    codes = split_codes(comparison_ids)
    problems = []
    bad = [c for c in codes if not CODE.fullmatch(c)]
    if bad:
        quoted = _listing([f"”{c}”" for c in dict.fromkeys(bad)])
        problems.append(
            f"{quoted} är inte kommun- eller regionkoder: skriv fyra siffror, t.ex. 1481, "
            "0014 (en region) eller 0000 (Riket)."
            if len(set(bad)) > 1
            else f"{quoted} är inte en kommun- eller regionkod: skriv fyra siffror, t.ex. "
            "1481, 0014 (en region) eller 0000 (Riket)."
        )
    repeated = _repeats(codes)
    if repeated:
        problems.append(f"{_listing(repeated)} står mer än en gång. Ta bort dubbletterna.")
    if own and own in codes:
        problems.append(
            f"{own} är den egna kommunen eller regionen. Den visas alltid och ska inte stå "
            "bland jämförelserna."
        )
    unique = list(dict.fromkeys(codes))
    if len(unique) > MAX_COMPARISONS:
        problems.append(
            f"Högst {MAX_COMPARISONS} kommuner och regioner går att jämföra med; "
            f"nu står det {len(unique)}."
        )
    if problems:
        errors["comparison_ids"] = problems

    ous = [o.upper() for o in split_codes(ou_ids)]
    problems = []
    bad = [o for o in ous if not OU_ID.fullmatch(o)]
    if bad:
        problems.append(
            f"{_listing([f'”{o}”' for o in dict.fromkeys(bad)])}: ett Kolada-id för en enhet "
            "består av bokstäver och siffror, t.ex. V15E148000101."
        )
    repeated = _repeats(ous)
    if repeated:
        problems.append(f"{_listing(repeated)} står mer än en gång. Ta bort dubbletterna.")
    if len(set(ous)) > MAX_OUS:
        problems.append(f"Högst {MAX_OUS} enheter; nu står det {len(set(ous))}.")
    if problems:
        errors["ou_ids"] = problems

    if errors:
        raise ValidationError(errors)
    return own, unique, list(dict.fromkeys(ous))


@use_case
def settings_save(
    *,
    actor,
    organisation: Unit,
    municipality_id: str,
    comparison_ids: Iterable[str] | str,
    ou_ids: Iterable[str] | str = (),
) -> KoladaSettings:
    """Save the organisation's Kolada settings: the own municipality or
    region, the comparisons and the Kolada units. Only model owners of the
    organisation (PermissionDenied otherwise); ValidationError by field
    name when a code is wrong, and then nothing is saved."""
    require_model_owner(actor, organisation)
    if organisation.parent_id is not None:
        raise ValidationError(
            "Kolada ställs in för en hel organisation (den översta enheten), inte för "
            f"{organisation.name}."
        )
    own, comparisons, ous = validate_settings(municipality_id, comparison_ids, ou_ids)
    settings_obj = (
        KoladaSettings.objects.select_for_update().filter(organisation=organisation).first()
    )
    if settings_obj is None:
        settings_obj = KoladaSettings.objects.create(
            organisation=organisation,
            municipality_id=own,
            comparison_ids=comparisons,
            ou_ids=ous,
        )
    else:
        settings_obj.municipality_id = own
        settings_obj.comparison_ids = comparisons
        settings_obj.ou_ids = ous
        # Leave the sync's fields (last sync, summary, scope) as they are.
        settings_obj.save(update_fields=["municipality_id", "comparison_ids", "ou_ids"])
    logger.info(
        "Kolada-inställningar för %s ändrade av %s: egen %s, jämförelser %s, enheter %s",
        organisation.name,
        actor,
        own,
        ",".join(comparisons) or "-",
        ",".join(ous) or "-",
    )
    return settings_obj
