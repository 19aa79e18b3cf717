"""Real sample files for tests: uploads are read whole (core/uploads.py), so a test's PDF, PNG or JPEG must be
one (a few hundred bytes each, made once per process)."""

from __future__ import annotations

import functools
import io


@functools.cache
def pdf(note: str = "") -> bytes:
    """A one-page PDF; a different ``note`` (its title) gives different bytes, hence a different hash."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if note:
        writer.add_metadata({"/Title": note})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@functools.cache
def image(fmt: str = "PNG", colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (8, 8)) -> bytes:
    """A small PNG or JPEG of one colour (another colour: other bytes)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def png(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    return image("PNG", colour)


def jpeg(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    return image("JPEG", colour)
