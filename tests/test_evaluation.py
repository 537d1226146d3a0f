"""The scorer (trial_curate.evaluation) on tiny hand-made gold files, and the sanity of tests/gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trial_curate.evaluation import (
    PRF,
    format_scores,
    normalise_arm,
    normalise_trial,
    score,
)

GOLD_DIR = Path(__file__).parent / "gold"


# --------------------------------------------------------------------------- helpers


def write_gold(folder: Path, doc: str = "page.html", **fields) -> Path:
    gold = {"doc": doc, "trials": {"required": [], "optional": []}, "results": [],
            "optional_results": [], "sample_sizes": [], "optional_sample_sizes": [], "follow_ups": []}
    gold.update(fields)
    path = folder / f"{doc.rsplit('.', 1)[0]}.json"
    path.write_text(json.dumps(gold))
    return folder


def result(endpoint, arms, trial=None, source="pages/page.html", **extra) -> dict:
    """A predicted result record; arms are (name, value, unit) triples."""
    return {"source": source, "kind": "result", "trial": trial, "endpoint": endpoint,
            "arms": [{"name": n, "value": v, "unit": u} for n, v, u in arms], **extra}


def gold_result(endpoint, arms, trial=None, **extra) -> dict:
    return {"trial": trial, "endpoint": endpoint, "measure": "median",
            "arms": [{"arm": n, "value": v, "unit": u} for n, v, u in arms], **extra}


@pytest.fixture
def calgb_gold(tmp_path) -> Path:
    """One document: CALGB 100104 TTP 46 vs 27 months, 460 patients, follow-up 34 months."""
    return write_gold(
        tmp_path,
        trials={"required": ["CALGB 100104"], "optional": ["TOURMALINE-MM3"]},
        results=[gold_result("TTP", [("lenalidomide", 46, "months"), ("placebo", 27, "months")],
                             trial="CALGB 100104")],
        sample_sizes=[{"trial": "CALGB 100104", "n": 460}],
        follow_ups=[{"trial": "CALGB 100104", "months": 34}],
    )


PERFECT = [
    result("TTP", [("Revlimid", 46, "months"), ("placebo arm", 27, "months")], trial="CALGB/ECOG/BMT CTN 100104"),
    {"source": "pages/page.html", "kind": "trial", "trial": "CALGB 100104"},
    {"source": "pages/page.html", "kind": "sample_size", "n": 460},
    {"source": "pages/page.html", "kind": "follow_up", "months": 34},
]


# --------------------------------------------------------------------------- normalisation


def test_arm_names_normalise_brands_controls_and_filler_words():
    assert normalise_arm("Revlimid") == normalise_arm("lenalidomide") == frozenset({"lenalidomide"})
    assert normalise_arm("patients treated with Revlimid") == frozenset({"lenalidomide"})
    assert normalise_arm("placebo/observation") == normalise_arm("no maintenance") == frozenset({"control"})
    assert normalise_arm("Keytruda") == frozenset({"pembrolizumab"})
    assert normalise_arm("lenalidomide maintenance") == frozenset({"lenalidomide"})
    assert normalise_arm("maintenance") == frozenset({"maintenance"})
    assert normalise_arm(None) is None


def test_trial_names_normalise_spelling_and_aliases():
    assert normalise_trial("IFM 2005-02") == normalise_trial("IFM 05-02")
    assert normalise_trial("Myeloma 11") == normalise_trial("Myeloma XI")
    assert normalise_trial("CALGB (Alliance) 100104") == normalise_trial("CALGB 100104")
    assert normalise_trial("") is None


def test_prf_edge_cases():
    assert (PRF().precision, PRF().recall, PRF().f1) == (1.0, 1.0, 1.0)
    assert PRF(tp=0, fp=0, fn=2).precision == 0.0
    s = PRF(tp=3, fp=1, fn=2)
    assert (s.precision, s.recall, s.f1) == (0.75, 0.6, 0.6667)


# --------------------------------------------------------------------------- scoring


def test_perfect_prediction_scores_one_everywhere(calgb_gold):
    s = score(PERFECT, calgb_gold)
    for prf in (s.results, s.values, s.trials, s.sample_sizes, s.follow_ups):
        assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)
    assert s.results.tp == 2
    assert s.trial_attr == 1.0
    assert s.documents == 1 and s.records_outside_gold == 0


def test_missing_arm_value_is_a_false_negative(calgb_gold):
    s = score([result("TTP", [("lenalidomide", 46, "months")], trial="CALGB 100104")], calgb_gold)
    assert (s.results.tp, s.results.fp, s.results.fn) == (1, 0, 1)
    assert s.per_document["page"].missed == ["TTP placebo=27months [CALGB 100104]"]
    assert s.sample_sizes.fn == 1 and s.follow_ups.fn == 1
    assert s.trials.tp == 1, "a trial named on any record counts as found"


def test_spurious_value_is_a_false_positive(calgb_gold):
    preds = PERFECT + [result("OS", [("lenalidomide", 85, "%")], trial="CALGB 100104")]
    s = score(preds, calgb_gold)
    assert (s.results.tp, s.results.fp, s.results.fn) == (2, 1, 0)
    assert s.per_document["page"].spurious == ["OS lenalidomide=85% [CALGB 100104]"]


def test_a_value_is_matched_once_only(calgb_gold):
    duplicate = PERFECT[0]
    s = score([duplicate, duplicate], calgb_gold)
    assert (s.results.tp, s.results.fp) == (2, 2)


def test_wrong_arm_counts_for_values_but_not_for_results(calgb_gold):
    preds = [result("TTP", [("lenalidomide", 46, "months"), ("thalidomide", 27, "months")], trial="CALGB 100104")]
    s = score(preds, calgb_gold)
    assert (s.results.tp, s.results.fp, s.results.fn) == (1, 1, 1)
    assert (s.values.tp, s.values.fp, s.values.fn) == (2, 0, 0)


def test_swapped_arms_are_both_wrong(calgb_gold):
    preds = [result("TTP", [("lenalidomide", 27, "months"), ("placebo", 46, "months")], trial="CALGB 100104")]
    s = score(preds, calgb_gold)
    assert s.results.tp == 0 and s.values.tp == 2


def test_wrong_endpoint_or_unit_does_not_match(calgb_gold):
    preds = [result("PFS", [("lenalidomide", 46, "months")], trial="CALGB 100104"),
             result("TTP", [("placebo", 27, "%")], trial="CALGB 100104")]
    s = score(preds, calgb_gold)
    assert (s.results.tp, s.results.fp, s.results.fn) == (0, 2, 2)


def test_endpoint_names_are_normalised(calgb_gold):
    preds = [result("time to progression", [("lenalidomide", 46, "months"), ("placebo", 27, "months")],
                    trial="CALGB 100104")]
    assert score(preds, calgb_gold).results.tp == 2


def test_wrong_trial_still_matches_but_lowers_trial_attribution(calgb_gold):
    preds = [result("TTP", [("lenalidomide", 46, "months"), ("placebo", 27, "months")], trial="IFM 2005-02")]
    s = score(preds, calgb_gold)
    assert s.results.tp == 2
    assert s.trial_attr == 0.0
    assert len(s.per_document["page"].wrong_trial) == 2
    assert s.trials.fp == 1 and s.trials.fn == 1
    assert s.per_document["page"].trials_spurious == ["IFM0502"]


def test_optional_trials_are_neither_required_nor_penalised(calgb_gold):
    preds = PERFECT + [{"source": "pages/page.html", "kind": "trial", "trial": "TOURMALINE-MM3"}]
    s = score(preds, calgb_gold)
    assert (s.trials.tp, s.trials.fp, s.trials.fn) == (1, 0, 0)


def test_optional_facts_are_never_counted(tmp_path):
    gold = write_gold(
        tmp_path,
        results=[gold_result("PFS", [("lenalidomide", 52.8, "months")])],
        optional_results=[gold_result(None, [("placebo", 86, "count")]),
                          gold_result("OS", [("lenalidomide", None, "months")])],
        sample_sizes=[{"trial": None, "n": 614}],
        optional_sample_sizes=[{"trial": None, "n": 500}],
    )
    missing_optional = [result("PFS", [("lenalidomide", 52.8, "months")])]
    s = score(missing_optional, gold)
    assert (s.results.tp, s.results.fp, s.results.fn) == (1, 0, 0)

    with_optional = missing_optional + [
        result("PROGRESSION", [("anything", 86, "count")]),  # gold endpoint None: any endpoint, any arm
        {"source": "page.html", "kind": "sample_size", "n": 614},
        {"source": "page.html", "kind": "sample_size", "n": 500},
    ]
    s = score(with_optional, gold)
    assert (s.results.tp, s.results.fp, s.results.fn) == (1, 0, 0)
    assert (s.sample_sizes.tp, s.sample_sizes.fp, s.sample_sizes.fn) == (1, 0, 0)


def test_years_compare_as_months(tmp_path):
    gold = write_gold(
        tmp_path,
        results=[gold_result("OS", [("lenalidomide", 85, "%"), ("placebo", 77, "%")], timepoint_months=36),
                 gold_result("PFS", [("lenalidomide", 48, "months")])],
        follow_ups=[{"trial": None, "months": 45}],
    )
    preds = [
        result("OS", [("lenalidomide", 85, "%"), ("placebo", 77, "percent")], timepoint={"value": 3, "unit": "years"}),
        result("PFS", [("lenalidomide", 4, "years")]),
        {"source": "page.html", "kind": "follow_up", "value": 3.75, "unit": "years"},
    ]
    s = score(preds, gold)
    assert (s.results.tp, s.results.fp, s.results.fn) == (3, 0, 0)
    assert s.timepoint_attr == 1.0
    assert s.follow_ups.tp == 1


def test_wrong_timepoint_lowers_timepoint_attribution(tmp_path):
    gold = write_gold(tmp_path, results=[gold_result("PFS", [("KRd", 69, "%")], timepoint_months=48)])
    s = score([result("PFS", [("KRd", 69, "%")], timepoint={"value": 3, "unit": "years"})], gold)
    assert s.results.tp == 1 and s.timepoint_attr == 0.0


def test_gold_arm_alternatives_and_any_arm(tmp_path):
    gold = write_gold(tmp_path, results=[
        gold_result("PFS", [(["KRd", "carfilzomib lenalidomide dexamethasone"], 59, "months")]),
        gold_result("PFS", [(None, 13, "months"), (["bortezomib", "PAD"], 30, "months")]),
    ])
    preds = [result("PFS", [("Kyprolis, Revlimid and dexamethasone", 59, "months")]),
             result("PFS", [("control", 13, "months"), ("Velcade", 30, "months")])]
    s = score(preds, gold)
    assert (s.results.tp, s.results.fp, s.results.fn) == (3, 0, 0)


def test_exact_arms_are_matched_before_any_arm(tmp_path):
    """A value that fits a named gold arm must not be used up by an 'any arm' gold value."""
    gold = write_gold(tmp_path, results=[
        gold_result("PFS", [(None, 20, "months")]),
        gold_result("PFS", [("lenalidomide", 39, "months"), ("observation", 20, "months")], trial="Myeloma XI"),
    ])
    preds = [result("PFS", [("observation", 20, "months")]),
             result("PFS", [("lenalidomide", 39, "months"), ("observation", 20, "months")], trial="Myeloma XI")]
    s = score(preds, gold)
    assert (s.results.tp, s.results.fp, s.results.fn) == (3, 0, 0)
    assert s.trial_attr == 1.0


def test_records_find_their_document_by_basename(tmp_path):
    write_gold(tmp_path, doc="a.txt", results=[gold_result("PFS", [("lenalidomide", 41, "months")])])
    write_gold(tmp_path, doc="b.html", results=[gold_result("PFS", [("lenalidomide", 41, "months")])])
    preds = [result("PFS", [("lenalidomide", 41, "months")], source="https://example.org/news/a.html"),
             result("PFS", [("lenalidomide", 41, "months")], source="/tmp/x/b.txt"),
             result("PFS", [("lenalidomide", 41, "months")], source="c.html")]
    s = score(preds, tmp_path)
    assert s.documents == 2 and s.records_outside_gold == 1
    assert (s.results.tp, s.results.fp, s.results.fn) == (2, 0, 0)


def test_draft_record_models_are_accepted(calgb_gold):
    from trial_curate.models import DraftRecord

    evidence = {"text": "46 vs 27 months", "start": 0, "end": 15}
    record = DraftRecord(source="page.html", kind="result", trial="CALGB 100104", endpoint="TTP",
                         evidence=evidence, arms=[{"name": "lenalidomide", "value": 46, "unit": "months"},
                                                  {"name": "placebo", "value": 27, "unit": "months"}])
    assert score([record], calgb_gold).results.tp == 2


def test_bad_values_are_skipped_not_fatal(calgb_gold):
    preds = [result("TTP", [("lenalidomide", "n/a", "months"), ("placebo", True, "months"),
                            ("placebo", None, "months")])]
    s = score(preds, calgb_gold)
    assert (s.results.tp, s.results.fp) == (0, 0)


def test_format_scores_summary_and_verbose(calgb_gold):
    s = score([result("TTP", [("lenalidomide", 46, "months")], trial="CALGB 100104")], calgb_gold)
    text = format_scores(s)
    assert "results       P=1.000 R=0.500 F1=0.667  (tp=1 fp=0 fn=1)" in text
    assert text.endswith("RESULT_F1=0.667")
    assert "missed" not in text
    verbose = format_scores(s, verbose=True)
    assert "== page" in verbose
    assert "missed      TTP placebo=27months [CALGB 100104]" in verbose
    assert "trial missed" not in verbose  # the result record names the trial
    unnamed = format_scores(score([result("TTP", [("lenalidomide", 46, "months")])], calgb_gold), verbose=True)
    assert "trial missed CALGB100104" in unnamed
    assert "n FN 460" in verbose and "follow-up FN 34" in verbose


def test_as_dict_is_json_serialisable(calgb_gold):
    data = score(PERFECT, calgb_gold).as_dict()
    assert json.loads(json.dumps(data))["scores"]["results"]["f1"] == 1.0


# --------------------------------------------------------------------------- our gold set

ENDPOINTS = {"PFS", "OS", "TTP", "EFS", "ORR", "CR", "VGPR", "MRD", "SPM", "PROGRESSION", "TRM", "AE", "DOR",
             "TTNT", "DFS"}
UNITS = {"months", "years", "%", "count"}


def gold_files() -> list[Path]:
    return sorted(GOLD_DIR.glob("*.json"))


def test_gold_set_is_there():
    assert len(gold_files()) >= 12


@pytest.mark.parametrize("path", gold_files(), ids=lambda p: p.stem)
def test_gold_file_is_consistent_with_its_article(path):
    gold = json.loads(path.read_text())
    article = (GOLD_DIR / "articles" / gold["doc"]).read_text(encoding="utf-8")
    assert path.stem == gold["doc"].rsplit(".", 1)[0]
    for r in gold["results"]:
        assert r["endpoint"] in ENDPOINTS, r
        assert r["evidence"] in article, r["evidence"]
        for arm in r["arms"]:
            assert arm["unit"] in UNITS, arm
            assert arm["value"] is not None, "not-reached values belong in optional_results"
    for s in gold["sample_sizes"]:
        assert f"{s['n']:,}" in article or str(s["n"]) in article, s
    for f in gold["follow_ups"]:  # in months, or in years as the article gives it ("5.9 years" is 70.8 months)
        assert f"{f['months']:g}" in article or f"{round(f['months'] / 12, 2):g} years" in article, f
    for trial in gold["trials"]["required"]:
        assert normalise_trial(trial)


def test_gold_set_scores_perfectly_against_itself():
    """Feeding the gold back as predictions gives 1.0: the gold is matchable as written."""
    records = []
    for path in gold_files():
        gold = json.loads(path.read_text())
        source = f"articles/{gold['doc']}"
        for r in gold["results"]:
            arms = [(a["arm"][0] if isinstance(a["arm"], list) else a["arm"] or "any", a["value"], a["unit"])
                    for a in r["arms"]]
            tp = r.get("timepoint_months")
            records.append(result(r["endpoint"], arms, trial=r["trial"], source=source,
                                  timepoint={"value": tp, "unit": "months"} if tp else None))
        records += [{"source": source, "kind": "trial", "trial": t} for t in gold["trials"]["required"]]
        records += [{"source": source, "kind": "sample_size", "n": s["n"]} for s in gold["sample_sizes"]]
        records += [{"source": source, "kind": "follow_up", "months": f["months"]} for f in gold["follow_ups"]]
    s = score(records, GOLD_DIR)
    assert s.results.f1 == s.trials.f1 == s.sample_sizes.f1 == s.follow_ups.f1 == 1.0
    assert s.results.tp >= 80
