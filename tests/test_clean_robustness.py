"""Hostile input for the cleaner: every case ends in a CleanDocument or a CleanError, quickly.

Pages are generated here; nothing is read from /work/shared.
"""

from __future__ import annotations

import gzip
import time
import zlib

import pytest

from extractors.clean import CleanError, clean, main_text

SENTENCE = "Lenalidomide maintenance prolonged progression-free survival to 52.8 months versus 23.5 months. "


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>Trial</title></head><body><article><p>{body}</p></article></body></html>"


def outcome(body, **kw):
    """The document, or the CleanError; any other exception fails the test."""
    kw.setdefault("source", "test")
    try:
        return clean(body, **kw)
    except CleanError as e:
        assert str(e) and "\n" not in str(e)
        return e


def test_declared_cp1252():
    body = page("Caf\xe9 \u201cquoted\u201d " + SENTENCE, '<meta charset="windows-1252">').encode("cp1252")
    doc = outcome(body)
    assert "Café “quoted”" in doc.text


def test_latin1_label_is_read_as_cp1252_and_http_header_wins():
    body = page("\u201cSmart\u201d quotes " + SENTENCE).encode("cp1252")
    assert "“Smart”" in outcome(body, content_type="text/html; charset=ISO-8859-1").text
    body = page("na\xefve " + SENTENCE, '<meta charset="utf-8">').encode("cp1252")
    assert "naïve" in outcome(body, content_type="text/html; charset=windows-1252").text


def test_undeclared_cp1252_falls_back():
    body = page("Caf\xe9 na\xefve " + SENTENCE).encode("cp1252")
    assert "Café naïve" in outcome(body).text


def test_mixed_utf8_and_cp1252_bytes():
    body = ("<html><body><p>utf8 caf\xe9 ".encode("utf-8") + "and cp1252 na\xefve ".encode("cp1252")
            + SENTENCE.encode() + b"</p></body></html>")
    doc = outcome(body, content_type="text/html; charset=utf-8")
    assert "café" in doc.text and "naïve" in doc.text


def test_boms_and_utf16():
    text = page("Ünïcödé " + SENTENCE)
    for data in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("utf-16"), text.encode("utf-16-le")):
        assert "Ünïcödé" in outcome(data).text


def test_invalid_bytes_and_bogus_charset_never_crash():
    body = b"<html><body><p>" + bytes(range(128, 256)) * 3 + SENTENCE.encode() + b"</p></body></html>"
    for ct in (None, "text/html; charset=utf-8", "text/html; charset=no-such-charset", "text/html; charset=shift_jis"):
        assert not isinstance(outcome(body, content_type=ct), Exception) or True
    assert "52.8" in outcome(body).text


def test_str_with_surrogates_and_controls():
    doc = outcome(page("bad \ud800 surrogate \x00 nul \x07 bell " + SENTENCE))
    assert "52.8" in doc.text and "\x00" not in doc.text


@pytest.mark.parametrize("markup", [
    "<html><body><div><p>" + SENTENCE * 3,  # truncated
    "<p>" + SENTENCE + "<div><span></p></div></b></i><table><td>" + SENTENCE,  # mis-nested
    "<<<>>><p <p>> " + SENTENCE + "</html></html><body>",
    "<html><body><p>" + SENTENCE + "<!-- unterminated comment",
    "<?xml version='1.0' encoding='utf-8'?><html><body><p>" + SENTENCE + "</p></body></html>",
])
def test_malformed_and_truncated_html(markup):
    doc = outcome(markup)
    assert not isinstance(doc, Exception), doc
    assert "52.8 months" in doc.text
    assert isinstance(main_text(markup), str)


def test_deeply_nested_page():
    deep = "<html><body>" + "<div>" * 10_000 + f"<p>{SENTENCE}</p>" + "</div>" * 10_000 + "</body></html>"
    t = time.perf_counter()
    doc = outcome(deep)
    assert not isinstance(doc, Exception), doc
    assert "52.8 months" in doc.text
    assert "52.8 months" in main_text(deep)
    after = "<html><body>" + "<div>" * 10_000 + f"<p>{SENTENCE}</p>" + "</div>" * 10_000 + f"<p>After the nesting. {SENTENCE}</p></body></html>"
    assert "After the nesting." in outcome(after).text  # text after a deep subtree is kept
    deep_inline = "<html><body><p>" + "<b><i>" * 6_000 + SENTENCE + "</i></b>" * 6_000 + "</p></body></html>"
    assert "52.8 months" in outcome(deep_inline).text
    assert time.perf_counter() - t < 20


def test_twenty_megabyte_page():
    para = f"<p>{SENTENCE}</p>\n"
    big = "<html><body><article>" + para * (20_000_000 // len(para)) + "</article></body></html>"
    t = time.perf_counter()
    doc = outcome(big.encode())
    assert not isinstance(doc, Exception), doc
    assert doc.text.startswith(SENTENCE.strip())
    assert time.perf_counter() - t < 60


def test_page_that_is_all_script():
    js = "<html><head><script>" + "var a = 1;" * 1000 + "</script></head><body><script>render()</script>" \
         "<noscript>Enable JavaScript</noscript></body></html>"
    err = outcome(js)
    assert isinstance(err, CleanError) and "no visible text" in str(err)


def test_frames():
    frames = '<html><frameset cols="50%,50%"><frame src="a.html"><frame src="b.html"></frameset></html>'
    err = outcome(frames)
    assert isinstance(err, CleanError) and "a.html" in str(err)
    with_noframes = ('<html><frameset><frame src="a.html"><noframes><body><p>' + SENTENCE +
                     "</p></body></noframes></frameset></html>")
    res = outcome(with_noframes)
    assert isinstance(res, CleanError) or "52.8" in res.text


def test_xhtml_served_as_xml():
    xhtml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
             '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title></head><body>'
             f'<h1>Results</h1><p>{SENTENCE}</p><p><![CDATA[raw]]>{SENTENCE}</p><br/></body></html>')
    for ct in ("application/xhtml+xml", "application/xml", "text/xml"):
        doc = outcome(xhtml.encode(), content_type=ct)
        assert not isinstance(doc, Exception), doc
        assert "52.8 months" in doc.text and "<p>" not in doc.text


def test_empty_pages():
    for body in (b"", "", "   \n ", "<html></html>", "<html><body></body></html>", b"\xef\xbb\xbf"):
        assert isinstance(outcome(body), CleanError)


@pytest.mark.parametrize("data,name", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (gzip.compress(b"<html>hello</html>"), "gzip"),
    (bytes(range(256)) * 40, "binary"),
    (b"\x00" * 5000 + b"<html>", "binary"),
    (zlib.compress(b"x" * 10000) * 5, "binary"),
])
def test_binary_content(data, name):
    err = outcome(data)
    assert isinstance(err, CleanError)
    assert name.lower() in str(err).lower() or "binary" in str(err).lower()


def test_plain_text_detection():
    doc = outcome(("Trial results\n\n" + SENTENCE * 3).encode(), content_type="text/plain; charset=utf-8")
    assert doc.blocks[0].kind == "title"
    doc = outcome(("Trial results\n\n" + SENTENCE * 3 + " a < b and c > d").encode())
    assert "a < b" in doc.text
    doc = outcome(page(SENTENCE).encode(), content_type="text/plain")  # mislabelled HTML
    assert "<p>" not in doc.text and "52.8" in doc.text
