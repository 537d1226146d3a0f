"""Clean step: a fetched body (HTML or plain text) -> CleanDocument."""
from __future__ import annotations

from extractors import clean_html


def main_text(html: str) -> str:
    root = clean_html.parse(html)
    if root is None:
        return ""
    clean_html.prune(root)
    blocks = clean_html.extract_blocks(root)
    return "\n\n".join(b.text for b in blocks)
