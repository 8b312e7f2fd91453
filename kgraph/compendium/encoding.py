"""What a text file is encoded in: UTF-8 (a BOM says UTF-8, UTF-16 or UTF-32), with any byte
that is not UTF-8 read as Windows-1252, so a whole Windows-1252 file, or one pasted-in "£",
reads right; binary files (PDFs, images, old Excel workbooks) are refused here, by their
first bytes."""

from __future__ import annotations

import codecs

from kgraph.errors import BadInput

HEAD_BYTES = 8192  # how much of a file is read to tell its encoding


def _binary(path: str) -> BadInput:
    return BadInput(path, "not a text file (binary content)")


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if isinstance(exc, UnicodeDecodeError):
        return exc.object[exc.start : exc.end].decode("cp1252", errors="replace"), exc.end
    raise exc


codecs.register_error("kgraph-cp1252", _cp1252_fallback)

_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf")
OLE = b"\xd0\xcf\x11\xe0"


def sniff_encoding(head: bytes, path: str, forced: str | None) -> tuple[str, str]:
    """(encoding, errors) for a text file, or BadInput when it is not text."""
    if forced:
        try:
            codecs.lookup(forced)
        except LookupError:
            raise BadInput(path, f"unknown encoding '{forced}'") from None
        return forced, "strict"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "kgraph-cp1252"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32", "strict"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "strict"
    if head.startswith(OLE):
        raise BadInput(
            path, "not a text file (binary content: an Excel 97-2003 workbook; save it as .xlsx)"
        )
    if b"\x00" in head or head.startswith(_MAGIC):
        raise _binary(path)
    # UTF-8, with any byte that is not UTF-8 read as Windows-1252: a whole cp1252 file reads
    # as cp1252, and so does a "£" pasted into a UTF-8 file.
    text = codecs.getincrementaldecoder("utf-8")("kgraph-cp1252").decode(head, final=False)
    odd = sum(1 for ch in text if (ch < " " and ch not in "\t\n\r\f") or ch == "\ufffd")
    if odd > max(2, len(text) // 100):
        raise _binary(path)
    return "utf-8", "kgraph-cp1252"
