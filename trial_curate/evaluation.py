"""How good are the draft records?  Score them against hand-made gold annotations.

This is the project's own copy of the metric in ../shared/eval/score.py (tests may not
read /work/shared).  It measures the same things with the same normalisations:

- results:      per-arm values; (endpoint, arm, value, unit) must all agree
- values:       the same, ignoring the arm
- trial_attr:   of the matched results, the share whose trial is right (both empty is right)
- timepoint_attr: of the matched results whose gold has a timepoint, the share that has it right
- trials:       trials named in the main text (a set per document)
- sample_sizes: numbers of patients
- follow_ups:   median follow-up, in months

Gold facts marked optional are never required, and predicting them is never counted
against the extractor.  A gold file is one document (see tests/gold/README.md); a
predicted record belongs to it when the basename of its `source`, without extension,
equals the gold `doc` basename without extension.

    scores = score(records, Path("tests/gold"))
    print(format_scores(scores, verbose=True))

Also runnable: `python -m trial_curate.evaluation --gold tests/gold --pred preds.jsonl`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------- vocabulary

VOCAB_PATH = Path(__file__).with_name("evaluation_vocab.json")

ArmWords = frozenset[str]
"""An arm name reduced to its set of significant words, e.g. {"lenalidomide"} or {"control"}."""

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Vocabulary:
    """The normalisation tables (brands, stop words, units, endpoint names, trial aliases)."""

    brands: dict[str, str]
    stop_words: frozenset[str]
    control_words: frozenset[str]
    control_phrases: tuple[str, ...]
    units: dict[str, str]
    endpoints: dict[str, str]
    trial_aliases: dict[str, str]

    @classmethod
    def load(cls, path: Path = VOCAB_PATH) -> "Vocabulary":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            brands=data["brands"],
            stop_words=frozenset(data["stop_words"]),
            control_words=frozenset(data["control_words"]),
            control_phrases=tuple(data["control_phrases"]),
            units=data["units"],
            endpoints=data["endpoints"],
            trial_aliases=data["trial_aliases"],
        )


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary.load()


# --------------------------------------------------------------------------- normalisation


def normalise_endpoint(endpoint: Any) -> str | None:
    """'Overall survival' -> 'OS'; codes pass through upper-cased."""
    if not endpoint:
        return None
    text = str(endpoint).strip().upper()
    return vocabulary().endpoints.get(text, text)


def normalise_unit(unit: Any) -> str | None:
    """'percent' -> '%', 'mo' -> 'months'; unknown units pass through lower-cased."""
    if unit is None:
        return None
    text = str(unit).strip().lower()
    return vocabulary().units.get(text, text)


def in_common_units(value: Any, unit: str | None) -> tuple[float | None, str | None]:
    """Durations compare in months: years are converted, everything else is kept."""
    if value is None:
        return None, unit
    if unit == "years":
        return round(float(value) * 12, 6), "months"
    return round(float(value), 6), unit


def normalise_trial(name: Any) -> str | None:
    """'IFM 2005-02' and 'IFM 05-02' -> 'IFM0502'; None for no trial."""
    if not name:
        return None
    key = re.sub(r"[^A-Z0-9]", "", str(name).upper())
    return vocabulary().trial_aliases.get(key, key)


def normalise_arm(name: Any) -> ArmWords | None:
    """An arm name as a set of words: brands become generics, any control arm becomes {'control'}.

    None stays None (in gold it means "any arm will do").
    """
    if name is None:
        return None
    vocab = vocabulary()
    text = str(name).lower()
    text = re.sub(r"\bwithout\s+\w+", " ", text)  # "Rd without Ninlaro" is the Rd arm
    if any(phrase in text for phrase in vocab.control_phrases):
        return frozenset({"control"})
    text = text.replace("\u2013", "-").replace("\u2014", " ")
    text = re.sub(r"[,;()/\[\]:]", " ", text)
    words = [vocab.brands.get(w, w) for w in text.split()]
    if any(w in vocab.control_words for w in words):
        return frozenset({"control"})
    kept = [w for w in words if w not in vocab.stop_words]
    if not kept:
        kept = [w for w in words if w == "maintenance"] or words
    if len(kept) > 1 and "maintenance" in kept:
        kept = [w for w in kept if w != "maintenance"]
    return frozenset(kept)


def document_key(path_or_url: Any) -> str:
    """The basename without its extension: how a record finds its gold document."""
    name = re.split(r"[\\/]", str(path_or_url).rstrip("/"))[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class GoldValue:
    """One arm's value of one gold result.  `arms` holds the accepted names (None = any arm)."""

    endpoint: str | None
    value: float
    unit: str | None
    arms: tuple[ArmWords | None, ...]
    trial: str | None
    timepoint: float | None
    label: str


@dataclass(frozen=True)
class PredictedValue:
    """One arm's value of one predicted result record."""

    endpoint: str | None
    value: float
    unit: str | None
    arm: ArmWords
    trial: str | None
    timepoint: float | None
    label: str

    def agrees_with(self, gold: GoldValue, *, use_arm: bool, any_endpoint_if_gold_has_none: bool = False) -> bool:
        """Same endpoint, value and unit (and, with use_arm, one of the gold arm names)."""
        endpoint_free = any_endpoint_if_gold_has_none and gold.endpoint is None
        if not endpoint_free and self.endpoint != gold.endpoint:
            return False
        if self.unit != gold.unit or abs(self.value - gold.value) > TOLERANCE:
            return False
        if not use_arm:
            return True
        return any(alt is None or alt == self.arm for alt in gold.arms)

    def is_optional_fact(self, optional: Iterable[GoldValue]) -> bool:
        """An optional gold fact with this value exists (arm not considered)."""
        return any(self.agrees_with(g, use_arm=False, any_endpoint_if_gold_has_none=True) for g in optional)


def _gold_values(results: Iterable[dict]) -> list[GoldValue]:
    out = []
    for result in results:
        for arm in result.get("arms", []):
            if arm.get("value") is None:  # "not reached": nothing to compare
                continue
            value, unit = in_common_units(arm["value"], normalise_unit(arm.get("unit")))
            names = arm.get("arm")
            alternatives = names if isinstance(names, list) else [names]
            out.append(GoldValue(
                endpoint=normalise_endpoint(result.get("endpoint")),
                value=value,
                unit=unit,
                arms=tuple(normalise_arm(a) for a in alternatives),
                trial=normalise_trial(result.get("trial")),
                timepoint=result.get("timepoint_months"),
                label=f'{result.get("endpoint")} {names}={arm.get("value")}{arm.get("unit")} [{result.get("trial")}]',
            ))
    return out


def _record_timepoint(record: dict) -> float | None:
    """The timepoint in months, from `timepoint_months` or a `timepoint` object."""
    if record.get("timepoint_months") is not None:
        return record["timepoint_months"]
    tp = record.get("timepoint")
    if isinstance(tp, dict):
        value, unit = in_common_units(tp.get("value"), normalise_unit(tp.get("unit")))
        return value if unit == "months" else None
    return None


def _predicted_values(records: Iterable[dict]) -> list[PredictedValue]:
    out = []
    for record in records:
        if record.get("kind", "result") != "result" or not record.get("arms"):
            continue
        timepoint = _record_timepoint(record)
        for arm in record["arms"]:
            raw = arm.get("value")
            if raw is None or isinstance(raw, bool):
                continue
            try:
                value, unit = in_common_units(float(raw), normalise_unit(arm.get("unit")))
            except (TypeError, ValueError):
                continue
            name = arm.get("name", arm.get("arm"))
            out.append(PredictedValue(
                endpoint=normalise_endpoint(record.get("endpoint")),
                value=value,
                unit=unit,
                arm=normalise_arm(name) if name else frozenset(),
                trial=normalise_trial(record.get("trial")),
                timepoint=timepoint,
                label=f'{record.get("endpoint")} {name}={raw}{arm.get("unit")} [{record.get("trial")}]',
            ))
    return out


# --------------------------------------------------------------------------- matching


@dataclass
class Matching:
    """Which prediction matched which required gold value, and what is left over."""

    pairs: list[tuple[int, int]]  # (prediction index, gold index)
    spurious: list[int]           # predictions matching nothing (optional facts excluded)
    missed: list[int]             # required gold values nobody predicted


def match_values(predicted: list[PredictedValue], required: list[GoldValue],
                 optional: list[GoldValue], *, use_arm: bool) -> Matching:
    """One-to-one matching of predicted to required gold values.

    Three passes, most demanding first, so that equal values pair with the right partner:
    (1) same trial and a named gold arm, (2) a named gold arm, (3) anything that agrees.
    Within a pass, predictions that name an arm go first.
    """
    taken: set[int] = set()
    matched: dict[int, int] = {}
    order = sorted(range(len(predicted)), key=lambda i: 0 if predicted[i].arm else 1)
    for strictness in (2, 1, 0):
        for i in order:
            if i in matched:
                continue
            for j, gold in enumerate(required):
                if j in taken:
                    continue
                if strictness and use_arm and None in gold.arms:
                    continue
                if strictness == 2 and predicted[i].trial != gold.trial:
                    continue
                if predicted[i].agrees_with(gold, use_arm=use_arm):
                    taken.add(j)
                    matched[i] = j
                    break
    spurious = [i for i, p in enumerate(predicted) if i not in matched and not p.is_optional_fact(optional)]
    missed = [j for j in range(len(required)) if j not in taken]
    return Matching(pairs=list(matched.items()), spurious=spurious, missed=missed)


def match_numbers(predicted: list[float], required: list[float], optional: list[float]) -> tuple[int, list[float], list[float]]:
    """Bag matching of plain numbers (sample sizes, follow-ups): (tp, spurious, missed)."""
    pool = list(required)
    tp = 0
    spurious = []
    for value in predicted:
        hit = next((k for k, g in enumerate(pool) if abs(g - value) < TOLERANCE), None)
        if hit is not None:
            pool.pop(hit)
            tp += 1
        elif not any(abs(g - value) < TOLERANCE for g in optional):
            spurious.append(value)
    return tp, spurious, pool


# --------------------------------------------------------------------------- scores


@dataclass
class PRF:
    """True positives, false positives and false negatives, with precision, recall and F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return round(self.tp / (self.tp + self.fp), 4)
        return 1.0 if not self.fn else 0.0

    @property
    def recall(self) -> float:
        return round(self.tp / (self.tp + self.fn), 4) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        # from the unrounded ratios, as the shared scorer does
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return round(2 * p * r / (p + r), 4) if p + r else 0.0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def as_dict(self) -> dict:
        return {"p": self.precision, "r": self.recall, "f1": self.f1, "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class DocumentReport:
    """What went wrong in one document, for `--verbose` and for debugging rules."""

    doc: str
    results: PRF = field(default_factory=PRF)
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    wrong_trial: list[str] = field(default_factory=list)
    trials_missed: list[str] = field(default_factory=list)
    trials_spurious: list[str] = field(default_factory=list)
    sample_sizes_missed: list[float] = field(default_factory=list)
    sample_sizes_spurious: list[float] = field(default_factory=list)
    follow_ups_missed: list[float] = field(default_factory=list)
    follow_ups_spurious: list[float] = field(default_factory=list)


@dataclass
class Scores:
    """Micro-averaged scores over all gold documents, plus a report per document."""

    results: PRF = field(default_factory=PRF)
    values: PRF = field(default_factory=PRF)
    trials: PRF = field(default_factory=PRF)
    sample_sizes: PRF = field(default_factory=PRF)
    follow_ups: PRF = field(default_factory=PRF)
    trial_attr: float | None = None
    timepoint_attr: float | None = None
    documents: int = 0
    records_outside_gold: int = 0
    per_document: dict[str, DocumentReport] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The same shape as the shared scorer's --json output."""
        return {
            "scores": {
                "results": self.results.as_dict(), "values": self.values.as_dict(),
                "trial_attr": self.trial_attr, "timepoint_attr": self.timepoint_attr,
                "trials": self.trials.as_dict(), "sample_sizes": self.sample_sizes.as_dict(),
                "follow_ups": self.follow_ups.as_dict(),
                "documents": self.documents, "records_outside_gold": self.records_outside_gold,
            },
            "documents": {
                key: {**asdict(r), "results": r.results.as_dict()} for key, r in self.per_document.items()
            },
        }


@dataclass
class _Ratio:
    hits: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.hits += bool(ok)

    @property
    def value(self) -> float | None:
        return round(self.hits / self.total, 4) if self.total else None


# --------------------------------------------------------------------------- scoring


def load_gold(gold_dir: Path) -> dict[str, dict]:
    """Gold annotations by document key (every *.json directly in gold_dir)."""
    gold = {}
    for path in sorted(Path(gold_dir).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        gold[document_key(data["doc"])] = data
    return gold


def _as_dict(record: Any) -> dict:
    """Records may be plain dicts or pydantic models (DraftRecord)."""
    if isinstance(record, dict):
        return record
    if hasattr(record, "model_dump"):
        return record.model_dump(mode="json")
    raise TypeError(f"a record must be a dict or a pydantic model, not {type(record).__name__}")


def score(records: Iterable[dict], gold_dir: Path) -> Scores:
    """Score predicted draft records against every gold file in gold_dir."""
    gold = load_gold(gold_dir)
    scores = Scores(documents=len(gold))
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for record in map(_as_dict, records):
        key = document_key(record.get("source") or record.get("doc") or "")
        if key in gold:
            by_doc[key].append(record)
        else:
            scores.records_outside_gold += 1

    trial_attr, timepoint_attr = _Ratio(), _Ratio()
    for key, annotation in gold.items():
        report = DocumentReport(doc=key)
        scores.per_document[key] = report
        _score_results(by_doc.get(key, []), annotation, scores, report, trial_attr, timepoint_attr)
        _score_trials(by_doc.get(key, []), annotation, scores, report)
        _score_numbers(by_doc.get(key, []), annotation, scores, report)
    scores.trial_attr = trial_attr.value
    scores.timepoint_attr = timepoint_attr.value
    return scores


def _score_results(records: list[dict], annotation: dict, scores: Scores, report: DocumentReport,
                   trial_attr: _Ratio, timepoint_attr: _Ratio) -> None:
    required = _gold_values(annotation.get("results", []))
    optional = _gold_values(annotation.get("optional_results", []))
    predicted = _predicted_values(records)

    with_arms = match_values(predicted, required, optional, use_arm=True)
    without_arms = match_values(predicted, required, optional, use_arm=False)
    report.results.add(len(with_arms.pairs), len(with_arms.spurious), len(with_arms.missed))
    scores.results.add(len(with_arms.pairs), len(with_arms.spurious), len(with_arms.missed))
    scores.values.add(len(without_arms.pairs), len(without_arms.spurious), len(without_arms.missed))

    report.missed = [required[j].label for j in with_arms.missed]
    report.spurious = [predicted[i].label for i in with_arms.spurious]
    for i, j in with_arms.pairs:
        pred, gold = predicted[i], required[j]
        trial_attr.add(pred.trial == gold.trial)
        if pred.trial != gold.trial:
            report.wrong_trial.append(f"{pred.label} (gold trial {gold.trial})")
        if gold.timepoint:
            timepoint_attr.add(pred.timepoint == gold.timepoint)


def _score_trials(records: list[dict], annotation: dict, scores: Scores, report: DocumentReport) -> None:
    trials = annotation.get("trials", {})
    required = {normalise_trial(t) for t in trials.get("required", [])}
    optional = {normalise_trial(t) for t in trials.get("optional", [])}
    predicted = {normalise_trial(r["trial"]) for r in records if r.get("trial")}
    spurious = predicted - required - optional
    missed = required - predicted
    scores.trials.add(len(predicted & required), len(spurious), len(missed))
    report.trials_missed = sorted(t for t in missed if t)
    report.trials_spurious = sorted(t for t in spurious if t)


def _follow_up_months(record: dict) -> float | None:
    months = record.get("months")
    if months is None and record.get("value") is not None:
        months, _ = in_common_units(record["value"], normalise_unit(record.get("unit", "months")))
    return None if months is None else float(months)


def _score_numbers(records: list[dict], annotation: dict, scores: Scores, report: DocumentReport) -> None:
    sizes = [float(r["n"]) for r in records if r.get("kind") == "sample_size" and r.get("n") is not None]
    tp, spurious, missed = match_numbers(
        sizes,
        [float(s["n"]) for s in annotation.get("sample_sizes", [])],
        [float(s["n"]) for s in annotation.get("optional_sample_sizes", [])],
    )
    scores.sample_sizes.add(tp, len(spurious), len(missed))
    report.sample_sizes_spurious, report.sample_sizes_missed = spurious, missed

    follow_ups = [m for r in records if r.get("kind") == "follow_up" and (m := _follow_up_months(r)) is not None]
    tp, spurious, missed = match_numbers(
        follow_ups, [float(f["months"]) for f in annotation.get("follow_ups", [])], [])
    scores.follow_ups.add(tp, len(spurious), len(missed))
    report.follow_ups_spurious, report.follow_ups_missed = spurious, missed


# --------------------------------------------------------------------------- output


def _document_lines(report: DocumentReport) -> Iterator[str]:
    yield f"== {report.doc}  results P={report.results.precision} R={report.results.recall}"
    for kind in ("missed", "spurious", "wrong_trial"):
        for item in getattr(report, kind):
            yield f"   {kind:11s} {item}"
    for kind, items in (("missed", report.trials_missed), ("spurious", report.trials_spurious)):
        for item in items:
            yield f"   trial {kind:5s} {item}"
    for label, spurious, missed in (("n", report.sample_sizes_spurious, report.sample_sizes_missed),
                                    ("follow-up", report.follow_ups_spurious, report.follow_ups_missed)):
        for value in spurious:
            yield f"   {label} FP {value:g}"
        for value in missed:
            yield f"   {label} FN {value:g}"


def format_scores(scores: Scores, verbose: bool = False) -> str:
    """A plain-text summary (the shared scorer's layout); verbose adds misses per document."""
    lines: list[str] = []
    if verbose:
        for report in scores.per_document.values():
            lines.extend(_document_lines(report))
    for name in ("results", "values", "trials", "sample_sizes", "follow_ups"):
        s: PRF = getattr(scores, name)
        lines.append(f"{name:13s} P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f}  "
                     f"(tp={s.tp} fp={s.fp} fn={s.fn})")
    lines.append(f"trial_attr    {scores.trial_attr}")
    lines.append(f"timepoint     {scores.timepoint_attr}")
    lines.append(f"RESULT_F1={scores.results.f1:.3f}")
    return "\n".join(lines)


def read_jsonl(path: str) -> Iterator[dict]:
    """Records from a JSON Lines file ('-' for stdin), skipping blank lines."""
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")
    try:
        for line in stream:
            if line.strip():
                yield json.loads(line)
    finally:
        if stream is not sys.stdin:
            stream.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Score draft records (JSON Lines) against gold annotations.")
    parser.add_argument("--gold", required=True, type=Path, help="folder of gold JSON files")
    parser.add_argument("--pred", required=True, help="JSON Lines of predicted records ('-' for stdin)")
    parser.add_argument("--verbose", action="store_true", help="list misses per document")
    parser.add_argument("--json", type=Path, help="write the scores as JSON here")
    args = parser.parse_args(argv)
    scores = score(read_jsonl(args.pred), args.gold)
    print(format_scores(scores, verbose=args.verbose))
    if args.json:
        args.json.write_text(json.dumps(scores.as_dict(), indent=1, default=list), encoding="utf-8")


if __name__ == "__main__":
    main()
