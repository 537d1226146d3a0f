"""Bytes -> text for the cleaner: charset detection, binary sniffing, HTML-or-text detection.

Order of trust for the charset: byte-order mark, the HTTP ``Content-Type`` charset,
``<meta charset>`` / ``http-equiv``, the XML declaration, then UTF-8.  Bytes that are
invalid in UTF-8 are read as cp1252 one by one, so pages that mix the two encodings
(a common fault) come out readable and nothing ever raises.
"""

from __future__ import annotations

import codecs
import re

#: Magic numbers of formats that are never a web page.
_MAGIC = [
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"PK\x03\x04", "ZIP archive (or Office document)"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
    (b"RIFF", "RIFF media (WebP/WAV/AVI)"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x00asm", "WebAssembly"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
    (b"\x00\x00\x01\x00", "icon"),
]

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

_CT_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([\w.:-]+)", re.I)

# Labels that browsers treat as windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "iso_8859-1", "windows-1252"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_CONTROL_OK_HTML = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class DecodeError(ValueError):
    """Content that is not text (binary formats, NUL-heavy bytes)."""


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    bad = err.object[err.start : err.end]
    return bad.decode("cp1252", errors="replace"), err.end


codecs.register_error("cp1252_fallback", _cp1252_fallback)


def sniff_binary(data: bytes) -> str | None:
    """Name of the binary format the bytes look like, or None when they may be text."""
    head = data[:16]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            if name == "Windows executable" and b"<" in data[:64]:
                continue  # "MZ" is also how some text starts
            return name
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    sample = data[:8192]
    if not sample:
        return None
    nul = sample.count(0)
    if nul and _looks_utf16(sample):
        return None
    if nul and nul / len(sample) > 0.01:
        return "NUL bytes"
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if controls / len(sample) > 0.10:
        return "control bytes"
    return None


def _looks_utf16(sample: bytes) -> str | None:
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    if odd / half > 0.4 and even / half < 0.05:
        return "utf-16-le"
    if even / half > 0.4 and odd / half < 0.05:
        return "utf-16-be"
    return None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(data: bytes, content_type: str | None) -> str | None:
    """The charset the HTTP header or the document itself declares (a Python codec name)."""
    if content_type:
        m = _CT_CHARSET.search(content_type)
        if m and _codec(m.group(1)):
            return _codec(m.group(1))
    head = data[:4096]
    m = _XML_DECL.search(head) or _META_CHARSET.search(head)
    if m:
        return _codec(m.group(1).decode("ascii", "replace"))
    return None


def decode(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a fetched body; returns (text, encoding used).  Raises DecodeError for binary data."""
    kind = sniff_binary(data)
    if kind:
        raise DecodeError(f"binary content ({kind}), not a text or HTML page")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace"), enc
    utf16 = _looks_utf16(data[:8192]) if data[:8192].count(0) else None
    if utf16:
        return data.decode(utf16, errors="replace"), utf16
    enc = declared_charset(data, content_type)
    if enc and enc not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32"):
        # Legacy single-byte label on a body that is in fact valid UTF-8: believe the bytes.
        if enc == "cp1252" and _is_utf8_with_non_ascii(data):
            return data.decode("utf-8"), "utf-8"
        return data.decode(enc, errors="replace"), enc
    # utf-8 declared or nothing declared: UTF-8, with stray bytes read as cp1252.
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="cp1252_fallback"), "utf-8+cp1252"


def _is_utf8_with_non_ascii(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def scrub(text: str, *, keep_formfeed: bool = False) -> str:
    """Text without NULs and other control characters; newlines normalised to \\n."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_HTML_TAGS = re.compile(r"<(?:p|div|br|span|a\s|title|meta|table|li|h[1-6]|script|body|html)\b", re.I)


def looks_like_html(text: str, content_type: str | None = None) -> bool:
    """Whether a decoded body is HTML/XHTML (by content type, else by its first bytes)."""
    head = text[:4096]
    if _HTML_START.match(head):
        return True
    ct = (content_type or "").split(";")[0].strip().lower()
    if ct in ("text/html", "application/xhtml+xml") or ct.endswith("+xml") and "html" in head.lower():
        return True
    if ct in ("application/xml", "text/xml"):
        return "<html" in head.lower()
    if ct.startswith("text/") and ct != "text/html":
        return False
    return len(_HTML_TAGS.findall(head)) >= 3
