"""Extraction throughput next to the bare spaCy tokenizer, on the same texts in the same run.

    .venv/bin/python benchmarks/extraction_speed.py [--docs 1000]

Corpus: our gold articles (tests/gold/articles) plus ../shared/seeds when present, cleaned once,
repeated to --docs documents.  Prints documents/s and characters/s for
  tokenizer   spacy.blank("en") tokenizer alone (nlp.tokenizer.pipe)
  extract     the whole rule pipeline and result grammar (extractors.extract.extract_many)
and the ratio (the issue asks for at least 0.5).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from extractors.clean import clean  # noqa: E402
from extractors.extract import extract_many, get_extractor  # noqa: E402


def corpus(n: int):
    paths = sorted((ROOT / "tests" / "gold" / "articles").glob("*.txt"))
    seeds = ROOT.parent / "shared" / "seeds"
    if seeds.is_dir():
        paths += sorted(seeds.glob("*.txt"))
    docs = [clean(p.read_bytes(), source=str(p), content_type="text/plain") for p in paths]
    return [docs[i % len(docs)] for i in range(n)], len(paths)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs")
    a = ap.parse_args()
    docs, distinct = corpus(a.docs)
    texts = [d.text for d in docs]
    chars = sum(map(len, texts))
    bare = spacy.blank("en")
    get_extractor()  # build the pipeline outside the timing

    def best(fn):
        times = []
        for _ in range(a.repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times)

    t_tok = best(lambda: list(bare.tokenizer.pipe(texts, batch_size=64)))
    t_ext = best(lambda: sum(len(r) for r in extract_many(docs, batch_size=64)))
    print(f"corpus: {len(docs)} documents ({distinct} distinct), {chars:,} characters")
    for name, t in (("tokenizer", t_tok), ("extract", t_ext)):
        print(f"{name:10s} {t:7.2f} s  {len(docs) / t:8.1f} docs/s  {chars / t / 1e6:6.2f} M chars/s")
    print(f"ratio extract/tokenizer speed: {t_tok / t_ext:.2f}")


if __name__ == "__main__":
    main()
