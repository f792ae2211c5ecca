"""What a PDF document says: its text as pdftotext (Debian's poppler-utils)
reads it, and its objects with the compressed streams inflated."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zlib

import pytest


def pdf_text(data: bytes, tmp_path=None, *pdftotext_args: str) -> str:
    """The PDF's text, each page's whitespace made single spaces (lines wrap
    in table cells) and the pages parted by a form feed, as pdftotext parts
    them. Arguments such as "-layout" go to pdftotext; without tmp_path the
    PDF is given on standard input.

    Without pdftotext the test is skipped, and fails in CI (environment
    variable CI set), where the tool is installed."""
    tool = shutil.which("pdftotext")
    if tool is None:
        message = "pdftotext saknas: installera Debian-paketet poppler-utils."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    if tmp_path is None:
        source, given = "-", data
    else:
        path = tmp_path / "dokument.pdf"
        path.write_bytes(data)
        source, given = str(path), None
    text = subprocess.run(
        [tool, *pdftotext_args, source, "-"], input=given, capture_output=True, check=True
    ).stdout.decode()
    return "\f".join(" ".join(page.split()) for page in text.split("\f"))


def pdf_objects(data: bytes) -> bytes:
    """The PDF with its compressed streams (object streams too) inflated."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)
