"""Boilerplate-removal benchmark: our cleaner against the reference extractors.

Runs ../shared/bench/boilerplate/score.py (181 real pages with ground truth) on
extractors.clean:main_text, adding the anchor extractors (trafilatura, readability...) when
their libraries are importable, and prints the scorer's table.  Bars (issue 4): F1 >= 0.96 and
pages/s >= 80% of trafilatura's in the same run.

    .venv/bin/python benchmarks/boilerplate.py [--repeat 3] [--worst 10] [extra score.py args]
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench" / "boilerplate"


def main(argv: list[str]) -> int:
    scorer = BENCH / "score.py"
    if not scorer.exists():
        print(f"benchmark data not found at {BENCH}; nothing to do")
        return 0
    cmd = [sys.executable, str(scorer), "--extractor", "clean=extractors.clean:main_text"]
    if importlib.util.find_spec("trafilatura"):
        cmd += ["--extractor", "anchors:trafilatura_default",
                "--extractor", "anchors:trafilatura_nocomments"]
    if importlib.util.find_spec("readability") and importlib.util.find_spec("html_text"):
        cmd += ["--extractor", "anchors:readability_lxml"]
    if "--repeat" not in argv:
        cmd += ["--repeat", "3"]
    cmd += argv
    print(" ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
