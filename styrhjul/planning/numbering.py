"""Ordering by Nr as people read numbers: "2" before "10", "1.2" before
"1.10", "K2" before "K10"; items without a number last."""

from __future__ import annotations

import re


def natural_key(number: str) -> tuple:
    parts = re.split(r"(\d+)", (number or "").strip())
    key = tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in parts if p)
    return (not key, key)
