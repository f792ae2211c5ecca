"""Ordering by Nr as people read numbers: "2" before "10", "1.2" before
"1.10", "K2" before "K10"; items without a number last."""

from __future__ import annotations

import re


def natural_key(number: str) -> tuple:
    parts = re.split(r"(\d+)", (number or "").strip())
    key = tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in parts if p)
    return (not key, key)


def plan_key(item) -> tuple:
    """The plan's own order of its items (Item.order: the import's row
    order, or as moved on the plan page), then Nr as numbers, then the order
    they were made in; never the title."""
    return (item.order, natural_key(item.number), item.pk)
