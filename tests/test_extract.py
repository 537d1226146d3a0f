"""The rule extractor on the phenomena real articles show, one sentence or paragraph at a time,
and on the whole gold set (tests/gold) against a floor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractors.clean import clean
from extractors.extract import explain, extract, extract_many
from trial_curate.evaluation import score

GOLD = Path(__file__).parent / "gold"


def records(text: str, kind: str | None = "result"):
    doc = clean(text, source="test.txt", content_type="text/plain")
    recs = extract(doc)
    for r in recs:  # every value carries evidence that points into the clean text
        assert doc.text[r.evidence.start : r.evidence.end] == r.evidence.text
        for a in r.arms:
            assert doc.text[a.evidence.start : a.evidence.end] == a.evidence.text
        assert r.rules
    return [r for r in recs if kind is None or r.kind == kind]


def arms(rec):
    return [(a.name, a.value, a.unit) for a in rec.arms]


def test_vs_pairs_take_arms_from_randomisation_and_trial_from_window():
    text = (
        "Two large trials, CALGB 100104 and IFM 05-02, evaluated lenalidomide maintenance. "
        "In the IFM 05-02 study, patients were randomized to lenalidomide or placebo.\n\n"
        "Both studies showed a significant improvement in time to progression "
        "(46 vs 27 months in CALGB study and 41 vs 23 months in IFM study)."
    )
    res = records(text)
    assert [(r.trial, r.endpoint, arms(r)) for r in res] == [
        ("CALGB 100104", "TTP", [("lenalidomide", 46, "months"), ("placebo", 27, "months")]),
        ("IFM 05-02", "TTP", [("lenalidomide", 41, "months"), ("placebo", 23, "months")]),
    ]
    assert {r.trial for r in records(text, "trial")} == {"CALGB 100104", "IFM 05-02"}


def test_compared_with_brand_names_and_not_receiving():
    res = records(
        "Maintenance therapy with Revlimid improved progression-free survival, with an average survival "
        "duration without myeloma progression of 41 months in the Revlimid group compared to 23 months "
        "for patients not receiving Revlimid."
    )
    assert len(res) == 1 and res[0].endpoint == "PFS" and res[0].measure == "median"
    assert arms(res[0]) == [("lenalidomide", 41, "months"), ("not receiving lenalidomide", 23, "months")]


def test_from_to_later_value_is_the_intervention_and_subgroup_kept():
    res = records(
        "In high-risk patients presenting with increased creatinine, Velcade significantly improved PFS "
        "from a median of 13 months to 30 months and overall survival from a median of 21 months to 54 months."
    )
    assert [(r.endpoint, arms(r)) for r in res] == [
        ("PFS", [(None, 13, "months"), ("bortezomib", 30, "months")]),
        ("OS", [(None, 21, "months"), ("bortezomib", 54, "months")]),
    ]
    assert res[0].subgroup and "creatinine" in res[0].subgroup
    # "to X from Y": the first value is the subject's ("from 12.1 months" is no timepoint)
    res = records("Daratumumab improved median overall survival to 19.3 months from 12.1 months with chemotherapy "
                  "alone, and the 3-year survival rate measured 3 years from randomisation was 40% vs 20%.")
    assert arms(res[0]) == [("daratumumab", 19.3, "months"), ("chemotherapy", 12.1, "months")]
    assert (res[1].timepoint.value, res[1].timepoint.unit) == (3, "years")  # "3 years from randomisation" still is one


def test_respectively_three_arms_and_counts():
    res = records(
        "The median progression-free survival (PFS) was 26.4 and 44.1 months in the no-maintenance "
        "and maintenance groups, respectively."
    )
    assert arms(res[0]) == [("no maintenance", 26.4, "months"), ("maintenance", 44.1, "months")]
    res = records(
        "The MPR-R group had a median progression-free survival of 31 months, compared to 14 months "
        "for the MPR group and 13 months for the MP group."
    )
    assert arms(res[0]) == [("MPR-R", 31, "months"), ("MPR", 14, "months"), ("MP", 13, "months")]
    res = records("There was an increased rate of new cancers, 32 new cancers in the Revlimid group compared to 12 in the placebo group.")
    assert res[0].endpoint == "SPM" and arms(res[0]) == [("lenalidomide", 32, "count"), ("placebo", 12, "count")]


def test_parenthesis_explains_the_arm_before_it_and_defines_abbreviations():
    res = records(
        "After induction, 356 patients were randomised again, to maintenance with carfilzomib plus "
        "lenalidomide (KR) or lenalidomide alone (R). Three-year progression-free survival was 75% with KR "
        "versus 65% with R.\n\n"
        "ENDURANCE randomized patients to KRd (Kyprolis, Revlimid and dexamethasone) or VRd (Velcade, "
        "Revlimid and dexamethasone). Median progression-free survival was 34.6 vs 34.4 months."
    )
    assert [arms(r) for r in res] == [
        [("KR", 75, "%"), ("R", 65, "%")],
        [("KRd", 34.6, "months"), ("VRd", 34.4, "months")],
    ]
    doc = clean("Patients got lenalidomide alone (R) or nothing. PFS was 65% with R.", source="t.txt", content_type="text/plain")
    assert ("arm:abbreviation", "R") in [m for t in explain(doc) for m in t.matches]
    # a known regimen's name in other capitals, defined with the arm's size, is an arm of its own
    res = records("E4A03 randomly assigned 445 patients to lenalidomide plus high-dose dexamethasone (RD, n = 223) or "
                  "lenalidomide plus low-dose dexamethasone (Rd, n = 222). Response was 79% with RD and 68% with Rd.")
    assert arms(res[0]) == [("RD", 79, "%"), ("Rd", 68, "%")]


def test_arms_after_a_value_are_not_reused_by_the_next_comparison():
    res = records(
        "Patients were randomized to pembrolizumab or chemotherapy. The rate of overall survival at "
        "6 months was 80.2% in the pembrolizumab group versus 72.4% in the chemotherapy group, and the "
        "response rate was 44.8% versus 27.8%."
    )
    assert [arms(r) for r in res] == [
        [("pembrolizumab", 80.2, "%"), ("chemotherapy", 72.4, "%")],
        [("pembrolizumab", 44.8, "%"), ("chemotherapy", 27.8, "%")],
    ]


def test_unnamed_arm_is_the_other_arm_of_the_randomisation():
    res = records(
        "FLAURA randomized 556 patients to osimertinib or gefitinib. Grade 3 or higher adverse events "
        "were less frequent with osimertinib (34% vs 45%). Adverse events leading to discontinuation "
        "were less common with osimertinib than with gefitinib (13% vs. 18%)."
    )
    assert [arms(r) for r in res] == [
        [("osimertinib", 34, "%"), ("gefitinib", 45, "%")],
        [("osimertinib", 13, "%"), ("gefitinib", 18, "%")],
    ]


def test_respectively_without_arms_takes_the_arms_just_compared():
    res = records(
        "The 4-year progression-free survival was 69% for KRd-ASCT, compared with 56% for KRd12 and 51% "
        "for KCd-ASCT. Very good partial response or better was seen in 89%, 87% and 76% of patients respectively."
    )
    assert [a[0] for a in arms(res[1])] == ["KRd-ASCT", "KRd12", "KCd-ASCT"]


def test_both_groups_anaphora_and_concessive_clauses():
    res = records(
        "Patients were randomized to nivolumab plus ipilimumab or nivolumab. In patients with PD-L1-positive "
        "tumours, median progression-free survival was 14.0 months in both the combination group and the "
        "nivolumab group. In patients with PD-L1-negative tumours, however, it was 11.2 months with the "
        "combination versus 5.3 months with nivolumab alone.\n\n"
        "Median overall survival was 26.3 months for pembrolizumab and 13.4 months for chemotherapy, and 31.9% "
        "versus 16.3% of patients were alive at 5 years, even though 66% of chemotherapy patients crossed over."
    )
    assert [(r.endpoint, arms(r)) for r in res] == [
        ("PFS", [("nivolumab and ipilimumab", 14.0, "months"), ("nivolumab", 14.0, "months")]),
        ("PFS", [("nivolumab and ipilimumab", 11.2, "months"), ("nivolumab", 5.3, "months")]),
        ("OS", [("pembrolizumab", 26.3, "months"), ("chemotherapy", 13.4, "months")]),
        ("OS", [("pembrolizumab", 31.9, "%"), ("chemotherapy", 16.3, "%")]),
    ]
    assert "endpoint:carried-forward" in [m[0] for t in explain(clean(
        "PFS was 14 months with KRd versus 9 months with VRd. It was 11 months versus 5 months in the elderly.",
        source="t.txt", content_type="text/plain")) for m in t.matches]


def test_a_table_header_row_names_the_arms_of_the_rows_below():
    text = ("GIMEMA-MM-03-05 trial card\n\nPatients were assigned to VMPT-VT or VMP after induction in a phase 3 trial.\n\n"
            "Endpoint | VMPT-VT | VMP | HR | P\nComplete response | 38% | 24% | - | <0.001\n"
            "3-year PFS | 56% | 41% | 0.67 | 0.008\n\nEndpoint | VMP | VMPT-VT | P\n"
            "Median PFS | 24.8 months | 35.3 months | <0.001\n")
    got = {(r.endpoint, r.timepoint.months if r.timepoint else None): arms(r) for r in records(text)}
    assert got[("CR", None)] == [("VMPT-VT", 38, "%"), ("VMP", 24, "%")]
    assert got[("PFS", 36)] == [("VMPT-VT", 56, "%"), ("VMP", 41, "%")]
    assert got[("PFS", None)] == [("VMP", 24.8, "months"), ("VMPT-VT", 35.3, "months")]  # columns in the new order


def test_a_table_with_one_trial_per_row_and_endpoints_as_columns():
    text = ("Evidence summary for the committee\n\nTable 1. Key results, experimental vs control arm\n"
            "Trial | Comparison | Patients randomised | Median follow-up (months) | Median PFS (months) | ORR (%)\n"
            "OPTIMISMM | PVd vs Vd | 559 (281 vs 278) | 15.9 | 11.20 vs 7.10 | 82.2 vs 50.0\n"
            "BOSTON | SVd vs Vd | 402 (195 vs 207) | 13.2 vs 16.5 | 13.93 vs 9.46 | 76.4 vs 62.3\n\n"
            "Table 2. Overall survival and toxicity\nTrial | Overall survival | Selected grade 3-4 toxicity\n"
            "BOSTON | Immature at primary analysis | Thrombocytopenia 39% vs 17%\n"
            "OPTIMISMM | Median 12.7 vs 8.1 months | Neutropenia 42% vs 9%\n\n"
            "BOSTON used once-weekly bortezomib in the SVd arm.\n")
    got = {(r.trial, r.endpoint): arms(r) for r in records(text)}
    assert got[("OPTIMISMM", "PFS")] == [("PVd", 11.2, "months"), ("Vd", 7.1, "months")]  # unit from the header
    assert got[("BOSTON", "ORR")] == [("SVd", 76.4, "%"), ("Vd", 62.3, "%")]  # a trial known only from its row
    assert got[("OPTIMISMM", "OS")] == [("PVd", 12.7, "months"), ("Vd", 8.1, "months")]  # arms from table 1
    assert got[("BOSTON", "AE")] == [("SVd", 39, "%"), ("Vd", 17, "%")]
    assert len(got) == 7
    sizes = {(r.trial, r.n, r.arm) for r in records(text, "sample_size")}
    assert sizes == {("OPTIMISMM", 559, None), ("OPTIMISMM", 281, "PVd"), ("OPTIMISMM", 278, "Vd"),
                     ("BOSTON", 402, None), ("BOSTON", 195, "SVd"), ("BOSTON", 207, "Vd")}
    assert sorted((r.trial, r.months) for r in records(text, "follow_up")) == [
        ("BOSTON", 13.2), ("BOSTON", 16.5), ("OPTIMISMM", 15.9)]
    assert {r.trial for r in records(text, "trial")} == {"OPTIMISMM", "BOSTON"}
    # prose after a table ends it: a later row of the same width is not read under its header
    row = "Document control | v2.1 | 2024 | 18 | 4 | 12\n"
    assert sorted(r.months for r in records(text + row, "follow_up")) == [13.2, 15.9, 16.5]
    assert 18 in [r.months for r in records(text.replace("\n\nTable 2.", "\n" + row + "\nTable 2."), "follow_up")]


def test_the_arm_compared_after_a_pair_and_arm_sizes_in_parentheses():
    text = ("ASCENT enrolled patients with metastatic triple-negative breast cancer. Sacituzumab govitecan roughly "
            "tripled median PFS, 5.6 vs 1.7 months, compared with single-agent chemotherapy of physician's choice.\n\n"
            "DESTINY-Breast04 randomised 557 patients 2:1 to T-DXd (373) or physician's choice of chemotherapy (184).\n\n"
            "Reader poll: 64% of you now test every biopsy (n = 418 respondents); 312 people have registered for the webinar.\n")
    (pfs,) = records(text)
    assert arms(pfs) == [("sacituzumab govitecan", 5.6, "months"), ("chemotherapy", 1.7, "months")]
    sizes = {(r.n, r.arm) for r in records(text, "sample_size")}
    assert sizes == {(557, None), (373, "trastuzumab deruxtecan"), (184, "chemotherapy")}
    # an arm written with "+" keeps its abbreviations as written ("avelumab + BSC")
    (os_,) = records("JAVELIN Bladder 100 randomised 700 patients to avelumab + best supportive care (BSC) or BSC "
                     "alone. Median OS was 21.4 months with avelumab + BSC vs 14.3 months with BSC alone.")
    assert arms(os_) == [("avelumab + BSC", 21.4, "months"), ("best supportive care", 14.3, "months")]
    # the arm a comparison is "in favor of" is not the arm of the value before it
    (os_,) = records("In BEATcc, 410 patients were randomized to atezolizumab or placebo. Median OS was "
                     "32.1 months vs 22.8 months, in favor of the atezolizumab arm.")
    assert arms(os_) == [("atezolizumab", 32.1, "months"), ("placebo", 22.8, "months")]
    # a number in parentheses after an arm, outside a randomisation, is no arm size
    assert not records("Patients on T-DXd (373) had fewer events.", "sample_size")


def test_the_endpoint_a_value_s_patients_got_or_had():
    text = ("In CheckMate 816, median event-free survival was 31.6 months with Opdivo and 20.8 months with "
            "chemotherapy alone, and 24.0% vs 2.2% of patients had a pathological complete response.\n\n"
            "In ASPIRE, 31.8% of the KRd group got a complete response or better, compared with 9.3% of the Rd group.\n")
    got = {(r.trial, r.endpoint): [a[1] for a in arms(r)] for r in records(text)}
    assert got[("CheckMate 816", "CR")] == [24.0, 2.2]
    assert got[("CheckMate 816", "EFS")] == [31.6, 20.8]
    assert 31.8 in got[("ASPIRE", "CR")]
    # a verb said once: "VGPR was achieved by A and B, and CR or better by C and D, respectively"
    text = ("In CASTOR, patients were randomised to DVd or Vd. Very good partial response or better was achieved by "
            "59.2% and 29.1%, and complete response or better by 19.2% and 9.0%, respectively. Infusion reactions "
            "were reported in 45.8% of patients receiving Isa.")
    got = {r.endpoint: arms(r) for r in records(text)}
    assert got["CR"] == [("DVd", 19.2, "%"), ("Vd", 9.0, "%")]
    assert got["AE"] == [("isatuximab", 45.8, "%")]
    # an MRD-negative complete response is the MRD rate, not the CR rate
    text = "In IMROZ, patients were randomised to Isa-VRd or VRd. MRD-negative complete response was reached by 55.5% vs 40.9%."
    assert {r.endpoint: arms(r) for r in records(text)} == {"MRD": [("Isa-VRd", 55.5, "%"), ("VRd", 40.9, "%")]}
    # lay words for progression; who the patients are is not an arm
    text = ("In Myeloma XI, patients were randomly assigned to lenalidomide or observation. After ten years, 51.1% of "
            "people on lenalidomide had still not had their myeloma come back or get worse, compared with 35.0% on "
            "observation. It was also seen in people who were not fit enough for a transplant: 26 months versus 11 months.")
    got = {(r.endpoint, r.measure): arms(r) for r in records(text)}
    assert got[("PFS", "rate")] == [("lenalidomide", 51.1, "%"), ("observation", 35.0, "%")]
    assert got[("PFS", "median")] == [("lenalidomide", 26, "months"), ("observation", 11, "months")]


def test_trial_cards_with_labelled_sizes_and_row_headings_that_give_the_unit():
    text = ("Three myeloma trials behind withdrawn indications: PANORAMA-1, DREAMM-3 and OCEAN\n\n"
            "Compiled by the editorial pharmacists | Version 3.2\n\n"
            "CARD 1 of 3: PANORAMA-1 (NCT01023308)\n"
            "Arms: panobinostat plus bortezomib and dexamethasone (PAN-BTZ-Dex) vs placebo plus bortezomib and dexamethasone (Pbo-BTZ-Dex)\n"
            "Randomised: 768 (387 panobinostat, 381 placebo)\n"
            "Median follow-up: 6.47 months (panobinostat group) and 5.59 months (placebo group)\n\n"
            "Outcome\tPAN-BTZ-Dex\tPbo-BTZ-Dex\nMedian PFS (months)\t11.99\t8.08\nnCR/CR n (%)\t107 (27.6)\t60 (15.7)\n\n"
            "CARD 2 of 3: OCEAN (NCT03151811)\nArms: melflufen plus dexamethasone vs pomalidomide plus dexamethasone\n\n"
            "Outcome | Melflufen + dex | Pomalidomide + dex\nORR, % | 33 | 27\nMedian OS, monthsb | 19.8 | 25.0\n")
    got = {(r.trial, r.endpoint): arms(r) for r in records(text)}
    assert got[("PANORAMA-1", "PFS")] == [("PAN-BTZ-Dex", 11.99, "months"), ("Pbo-BTZ-Dex", 8.08, "months")]
    assert got[("OCEAN", "ORR")] == [("melflufen + dexamethasone", 33, "%"), ("pomalidomide + dexamethasone", 27, "%")]
    assert got[("OCEAN", "OS")] == [("melflufen + dexamethasone", 19.8, "months"), ("pomalidomide + dexamethasone", 25.0, "months")]
    assert ("PANORAMA-1", "CR") not in got  # "n (%)": the heading gives no one unit to bare counts
    assert {(r.n, r.arm) for r in records(text, "sample_size")} == {(768, None), (387, "panobinostat"), (381, "placebo")}
    assert sorted(r.months for r in records(text, "follow_up")) == [5.59, 6.47]


def test_a_patient_explainer_in_plain_words_and_schedules_as_arms():
    text = ("The ENDEAVOR trial compared the two drugs head to head. They were put into two groups at random: 464 people "
            "had carfilzomib and 465 people had bortezomib. On average, the time before the myeloma started to get worse "
            "was 18.7 months with carfilzomib, compared with 9.4 months with bortezomib. The myeloma responded to "
            "treatment in 77 out of every 100 people who had carfilzomib, compared with 63 out of every 100 people who "
            "had bortezomib. A later analysis looked at how long people lived. People in the carfilzomib group lived for "
            "a median of 47.6 months, compared with 40.0 months in the bortezomib group.\n\n"
            "The ARROW trial tested a once-weekly dose. At random, 240 people had carfilzomib once a week and 238 people "
            "had it twice a week. The myeloma responded in 63% of people having carfilzomib once a week, compared with "
            "41% of people having it twice a week.\n")
    got = {(r.trial, r.endpoint): arms(r) for r in records(text)}
    assert got[("ENDEAVOR", "PFS")] == [("carfilzomib", 18.7, "months"), ("bortezomib", 9.4, "months")]
    assert got[("ENDEAVOR", "ORR")] == [("carfilzomib", 77, "%"), ("bortezomib", 63, "%")]
    assert got[("ENDEAVOR", "OS")] == [("carfilzomib", 47.6, "months"), ("bortezomib", 40.0, "months")]  # same trial
    assert got[("ARROW", "ORR")] == [("carfilzomib once a week", 63, "%"), ("twice a week", 41, "%")]
    # lay comparators and lay PFS; an example of how to read a median is no result
    text = ("In the TITAN trial, men were randomly assigned to apalutamide or a dummy pill. At two years, scans showed no "
            "sign of the cancer growing in 68.2% of men on apalutamide, compared with 47.5% of men on the dummy pill. "
            "If a trial says men lived for a median of four years, about half the men lived for less than four years.\n\n"
            "In ENZAMET, 80% of men taking enzalutamide were alive at three years, compared with 72% of men taking an "
            "older hormone drug.")
    got = {(r.trial, r.endpoint): arms(r) for r in records(text)}
    assert got == {("TITAN", "PFS"): [("apalutamide", 68.2, "%"), ("placebo", 47.5, "%")],
                   ("ENZAMET", "OS"): [("enzalutamide", 80, "%"), ("older hormone drug", 72, "%")]}
    # without a randomisation between them, schedules are not arms
    plain = records("In ENDEAVOR, carfilzomib was given twice a week, and dexamethasone once a week. Responses were "
                    "seen in 77% with carfilzomib and 63% with bortezomib.")
    assert [a[0] for a in arms(plain[0])] == ["carfilzomib", "bortezomib"]


def test_three_arms_listed_with_commas_and_a_follow_up_for_an_endpoint():
    text = ("MARIPOSA randomized 1,074 patients 2:2:1 to amivantamab plus lazertinib, osimertinib, or lazertinib alone. "
            "At a median follow-up of 22.0 months, median progression-free survival was 23.7, 16.6 and 18.5 months, "
            "respectively.\n\nIn ALEX, CNS progression occurred in 12% of patients on alectinib versus 45% on crizotinib. "
            "In the CROWN trial, with a median follow-up for progression-free survival of 60.2 and 55.1 months, respectively, median "
            "PFS had not been reached with lorlatinib and was 9.1 months with crizotinib.\n")
    got = {(r.trial, r.endpoint): arms(r) for r in records(text)}
    assert got[("MARIPOSA", "PFS")] == [("amivantamab and lazertinib", 23.7, "months"), ("osimertinib", 16.6, "months"),
                                        ("lazertinib", 18.5, "months")]
    assert got[("ALEX", "PROGRESSION")] == [("alectinib", 12, "%"), ("crizotinib", 45, "%")]
    assert got[("CROWN", "PFS")] == [("lorlatinib", None, "months"), ("crizotinib", 9.1, "months")]
    assert sorted(r.months for r in records(text, "follow_up")) == [22.0, 55.1, 60.2]


def test_a_question_names_the_endpoint_its_answer_gives():
    text = ("IMbrave150 randomised patients to atezolizumab plus bevacizumab or sorafenib.\n\n"
            "[00:03:02] PRIYA: Response rate?\n\n[00:03:04] JONAH: By RECIST, 27.3% versus 11.9% in the first paper.\n\n"
            "[00:03:10] PRIYA: Good.\n\n[00:03:12] JONAH: Mostly, 12 of us agreed on 40% versus 30%.\n")
    recs = records(text)
    assert [(r.endpoint, arms(r)) for r in recs] == [
        ("ORR", [("atezolizumab and bevacizumab", 27.3, "%"), ("sorafenib", 11.9, "%")])]


def test_the_time_until_a_cancer_came_back_is_relapse_but_myeloma_coming_back_is_progression():
    text = ("Patients were randomised to dabrafenib plus trametinib or placebo. The median time until the disease "
            "returned was 16.6 months on placebo and 40.1 months on the combination.\n\nIn a second study, 460 patients "
            "were assigned to Revlimid or placebo. The time before the myeloma came back went from 27 months with "
            "placebo to 46 months with Revlimid.\n")
    assert [r.endpoint for r in records(text)] == ["DFS", "TTP"]


def test_routes_compared_by_a_trial_are_its_arms():
    text = ("A total of 222 patients with relapsed myeloma were assigned in a 2:1 ratio to subcutaneous (n = 148) or "
            "intravenous (n = 74) bortezomib. The overall response rate was 42% in both groups. There was no difference "
            "in median time to progression (10.4 months subcutaneous vs 9.4 months intravenous) or in one-year overall "
            "survival (72.6% vs 76.7%). Peripheral neuropathy occurred in 38% of patients given the drug "
            "subcutaneously compared with 53% of those given it intravenously. Infusion reactions occurred in 13% with "
            "subcutaneous daratumumab and 34% with daratumumab intravenous.")
    got = [(r.endpoint, arms(r)) for r in records(text)]
    # a route alone names the drug the randomisation gives that way
    assert got == [
        ("ORR", [("subcutaneous bortezomib", 42, "%"), ("intravenous bortezomib", 42, "%")]),
        ("TTP", [("subcutaneous bortezomib", 10.4, "months"), ("intravenous bortezomib", 9.4, "months")]),
        ("OS", [("subcutaneous bortezomib", 72.6, "%"), ("intravenous bortezomib", 76.7, "%")]),
        ("AE", [("subcutaneous bortezomib", 38, "%"), ("intravenous bortezomib", 53, "%")]),
        ("AE", [("subcutaneous daratumumab", 13, "%"), ("daratumumab intravenous", 34, "%")]),
    ]
    assert "arm:route-drug" in records(text)[1].rules
    # a route named in an article that compares no routes is not an arm
    text = "Patients were randomly assigned to daratumumab or placebo, given intravenously. ORR was 60% vs 40%."
    assert arms(records(text)[0]) == [("daratumumab", 60, "%"), ("placebo", 40, "%")]


def test_the_combination_is_named_by_its_drugs():
    # spelled out in the article ...
    text = ("CheckMate 067 compared the combination of nivolumab (Opdivo) and ipilimumab (Yervoy) with either drug "
            "alone in 945 patients. Median PFS was 11.5 months with the combination and 6.9 months with nivolumab.")
    rec = records(text)[0]
    assert arms(rec) == [("nivolumab and ipilimumab", 11.5, "months"), ("nivolumab", 6.9, "months")]
    assert "arm:the-combination" in rec.rules
    text = ("Patients got the amivantamab-lazertinib combination or osimertinib. ORR was 86% with the combination "
            "and 85% with osimertinib.")
    assert arms(records(text)[0]) == [("amivantamab and lazertinib", 86, "%"), ("osimertinib", 85, "%")]
    # ... or the only arm of several drugs in the randomisation
    text = ("In VIALE-A, 431 patients were randomly assigned to venetoclax plus azacitidine or placebo plus "
            "azacitidine. People given the combination lived a median of 14.7 months, compared with 9.6 months for "
            "those given azacitidine alone.")
    assert arms(records(text)[0]) == [("venetoclax and azacitidine", 14.7, "months"), ("azacitidine", 9.6, "months")]
    # two combinations randomised and none spelled out: the word stays
    text = ("Patients were randomly assigned to venetoclax plus azacitidine or ivosidenib plus azacitidine. ORR was "
            "66% with the combination and 40% with azacitidine.")
    assert arms(records(text)[0])[0] == ("combination", 66, "%")


def test_an_abstract_s_counts_out_of_totals_and_lists_without_respectively():
    text = ("A total of 709 patients underwent randomization (355 to the D-VRd group and 354 to the VRd group). "
            "Treatment was stopped because of adverse events in 8.8% and 21.3% of patients in the D-VRd and VRd arms. "
            "Progression or death occurred in 49 of 355 patients (13.8%) in the D-VRd group and in 94 of 354 "
            "patients (26.6%) in the VRd group.")
    assert [(r.n, r.arm) for r in records(text, "sample_size")] == [(709, None), (355, "D-VRd"), (354, "VRd")]
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("AE", [("D-VRd", 8.8, "%"), ("VRd", 21.3, "%")]),
        ("PROGRESSION", [("D-VRd", 13.8, "%"), ("VRd", 26.6, "%")]),  # not the totals, 355 and 354
    ]
    # the whole trial assigned to its arms is no arm's size
    text = "Researchers randomly assigned 737 patients to D-Rd or Rd."
    assert [(r.n, r.arm) for r in records(text, "sample_size")] == [(737, None)]


def test_an_evidence_summary_of_several_trials_keeps_each_trial_s_arms():
    text = ("SOLO2/ENGOT-Ov21 (olaparib)\n\n295 patients randomised (olaparib n = 196; placebo n = 99).\n\n"
            "Median PFS: 19.1 months with olaparib vs 5.5 months with placebo.\n\n"
            "ARIEL3 (rucaparib)\n\n564 patients randomised (rucaparib n = 375; placebo n = 189).\n\n"
            "Median PFS: 16.6 vs 5.4 months in BRCA-mutated patients, 13.6 vs 5.4 months in the HRD population.\n\n"
            "KEYNOTE-999 (pembrolizumab)\n\nMedian OS: 20.1 vs 15.2 months.\n\n"
            "Back to SOLO2: final OS 51.7 months vs 38.8 months.")
    got = [(r.trial, r.endpoint, arms(r)) for r in records(text)]
    assert got == [
        ("SOLO-2", "PFS", [("olaparib", 19.1, "months"), ("placebo", 5.5, "months")]),  # SOLO2 is SOLO-2
        ("ARIEL3", "PFS", [("rucaparib", 16.6, "months"), ("placebo", 5.4, "months")]),  # a pair after a comma
        ("ARIEL3", "PFS", [("rucaparib", 13.6, "months"), ("placebo", 5.4, "months")]),
        ("KEYNOTE-999", "OS", [(None, 20.1, "months"), (None, 15.2, "months")]),  # not ARIEL3's arms
        ("SOLO-2", "OS", [("olaparib", 51.7, "months"), ("placebo", 38.8, "months")]),  # SOLO-2's again
    ]


def test_an_abstract_with_a_group_code_and_arm_labelled_values():
    text = ("High-risk myeloma (SWOG S1211)\n\nS1211 enrolled 103 patients: RVd n = 54, RVd-Elo n = 49. "
            "Seventy-two percent of patients had grade 3 or higher adverse events, and the profiles were similar "
            "except for grade 3 or higher infections (RVd 8%, RVd-Elo 16%).")
    recs = records(text, None)
    assert {r.trial for r in recs} == {"SWOG S1211"}  # the code alone is the group's trial
    assert [arms(r) for r in recs if r.kind == "result"] == [[("RVd", 8, "%"), ("RVd-Elo", 16, "%")]]


def test_a_hospital_leaflet_in_plain_words():
    text = ("Leaflet number: PIL-HAEM-0412 | Version 3\n\nIn MURANO, 389 people were put at random into two groups: "
            "194 had VenR and 195 had BR. Two years after starting treatment, about 85% of people on VenR were alive "
            "and their CLL had not got worse, compared with 36% of people on BR. A very sensitive blood test could not "
            "find any CLL in 62% of people who had VenR, compared with 13% of people who had BR. With longer "
            "follow-up, half of the people on VenR had gone 53.6 months before their CLL got worse, compared with "
            "17.0 months for people on BR.")
    recs = records(text, None)
    assert {r.trial for r in recs if r.kind == "trial"} == {"MURANO"}  # the leaflet's own code is no trial
    assert not [r for r in recs if r.kind == "follow_up"]  # "longer follow-up" gives no number
    assert [(r.endpoint, arms(r)) for r in recs if r.kind == "result"] == [
        ("PFS", [("VenR", 85, "%"), ("BR", 36, "%")]),
        ("MRD", [("VenR", 62, "%"), ("BR", 13, "%")]),
        ("PFS", [("VenR", 53.6, "months"), ("BR", 17.0, "months")]),
    ]


def test_a_journal_abstract_names_its_trial_at_its_end():
    text = ("Adjuvant Nivolumab in Resected Esophageal Cancer\n\n"
            "Median disease-free survival was 22.4 months in the 532 patients assigned to nivolumab and 11.0 months in "
            "the 262 patients assigned to placebo. (Funded by Bristol Myers Squibb; CheckMate 577 ClinicalTrials.gov "
            "number, NCT02743494.)\n\nA Spanish trial, GEM2005MAS65, compared VMP with VTP in 260 patients.")
    recs = records(text, None)
    assert [(r.trial, r.endpoint) for r in recs if r.kind == "result"] == [("CheckMate 577", "DFS")]
    assert "trial:named-later-in-paragraph" in next(r for r in recs if r.kind == "result").rules
    assert {r.trial for r in recs if r.kind == "trial"} == {"CheckMate 577", "GEM2005MAS65"}  # a group code with a glued code


def test_durations_compared_by_a_trial_are_its_arms():
    text = ("Patients were randomised to 3 or 6 months of FOLFOX or CAPOX[2]. After a median follow-up of 41.8 months, "
            "3-year disease-free survival was 74.6% with 3 months versus 75.5% with 6 months[2]. Neuropathy of grade 2 "
            "or worse was less frequent in the 3-month group (17%) than in the 6-month group (48%).\n\n"
            "A second trial gave lenalidomide for 12 months; 3-year PFS was 60% versus 50% with observation.\n")
    got = [(r.endpoint, arms(r)) for r in records(text)]
    assert got[0] == ("DFS", [("3 months", 74.6, "%"), ("6 months", 75.5, "%")])
    assert got[1] == ("AE", [("3 months", 17, "%"), ("6 months", 48, "%")])
    # a duration the randomisation did not compare is not an arm
    assert got[2] == ("PFS", [("lenalidomide", 60, "%"), ("observation", 50, "%")])
    assert len(got) == 3
    assert [m for m in explain(clean(text, source="t.txt", content_type="text/plain"))[0].matches if "CAPOX" in str(m)]


def test_a_press_release_about_a_cell_therapy():
    text = ("In CARTITUDE-4, 419 patients were randomly assigned to a single infusion of CARVYKTI or standard therapy. "
            "Median PFS was not reached with CARVYKTI versus 11.8 months with standard therapy (HR 0.26; 95 percent CI, "
            "0.18-0.38). At 12 months, 75.9 percent of patients in the CARVYKTI arm were alive without disease "
            "progression, versus 48.6 percent in the standard therapy arm. The overall response rate was 84.6 percent "
            "with CARVYKTI and 67.3 percent with standard therapy, and 73.1 percent of patients treated with CARVYKTI "
            "achieved a complete response or better. MRD negativity at a threshold of 10-5 was reached by 60.6 percent "
            "vs 15.6 percent of patients. Among the 176 patients who received CARVYKTI, cytokine release syndrome (CRS) "
            "occurred in 76.1 percent; CRS was Grade 3 or 4 in 1.1 percent.")
    got = [(r.endpoint, arms(r)) for r in records(text)]
    cilta, soc = "ciltacabtagene autoleucel", "standard therapy"
    assert got == [
        ("PFS", [(cilta, None, "months"), (soc, 11.8, "months")]),  # not reached, compared in months
        ("PFS", [(cilta, 75.9, "%"), (soc, 48.6, "%")]),
        ("ORR", [(cilta, 84.6, "%"), (soc, 67.3, "%")]),
        ("CR", [(cilta, 73.1, "%")]),
        ("MRD", [(cilta, 60.6, "%"), (soc, 15.6, "%")]),
        ("AE", [(cilta, 76.1, "%")]),
        ("AE", [(cilta, 1.1, "%")]),
    ], got


def test_a_congress_abstract_with_response_categories_and_a_safety_population():
    text = ("IKEMA randomised patients to Isa-Kd or Kd. ORR was 86.6% vs 82.9% in the Isa-Kd and Kd arms, respectively. "
            "Rates of ≥VGPR (72.6% vs 56.1%) and of ≥CR (39.7% vs 27.6%) were higher with Isa-Kd. In the safety "
            "population (177 and 122 patients), serious TEAEs occurred in 59.3% and 57.4%, respectively. "
            "Keywords: Anti-CD38, Carfilzomib")
    recs = records(text, kind=None)
    got = [(r.endpoint, arms(r)) for r in recs if r.kind == "result"]
    assert got == [("ORR", [("Isa-Kd", 86.6, "%"), ("Kd", 82.9, "%")]), ("VGPR", [("Isa-Kd", 72.6, "%"), ("Kd", 56.1, "%")]),
                   ("CR", [("Isa-Kd", 39.7, "%"), ("Kd", 27.6, "%")]), ("AE", [("Isa-Kd", 59.3, "%"), ("Kd", 57.4, "%")])]
    assert sorted(r.n for r in recs if r.kind == "sample_size") == [122, 177]
    assert [r.trial for r in recs if r.kind == "trial"] == ["IKEMA"]


def test_slides_with_short_result_bullets_and_a_design_line():
    text = ("Slide 4\nPOLARIX: design\n- Randomised 1:1: pola-R-CHP (n = 440) vs R-CHOP (n = 439)\n"
            "Speaker notes: 879 patients in total.\n\nSlide 5\nPOLARIX: results\n- 2-year PFS: 76.7% vs 70.2% (HR 0.73)\n\n"
            "Slide 7\nZUMA-7: design\n- Axicabtagene ciloleucel (axi-cel, n = 180) vs standard care (n = 179)\n\n"
            "Slide 8\nZUMA-7: efficacy\n- ORR 83% vs 50%\n- IPI 2-5 patients did best\n")
    recs = records(text, kind=None)
    got = [(r.trial, r.endpoint, arms(r)) for r in recs if r.kind == "result"]
    assert got == [("POLARIX", "PFS", [("pola-R-CHP", 76.7, "%"), ("R-CHOP", 70.2, "%")]),
                   ("ZUMA-7", "ORR", [("axicabtagene ciloleucel", 83, "%"), ("standard of care", 50, "%")])]
    assert sorted(r.n for r in recs if r.kind == "sample_size") == [179, 180, 439, 440, 879]


def test_definitions_pairs_that_reach_an_endpoint_and_three_arms_respectively():
    text = ("KEYNOTE-671 randomised patients to Keytruda or placebo. Median event-free survival, the time before the "
            "cancer grew, came back or the patient died, was 47.2 months with Keytruda against 18.3 months with placebo. "
            "In AEGEAN, 73.4% of patients given Imfinzi were alive without an event at 12 months, versus 64.5% of those "
            "given placebo.\n\nIn CheckMate 816, patients received Opdivo plus chemotherapy or chemotherapy alone; "
            "24.0% vs 2.2% of patients had a pathological complete response.\n\nCLEAR randomized 1,069 patients to one "
            "of three arms: lenvatinib plus pembrolizumab; lenvatinib plus everolimus; or sunitinib. Median PFS was 23.9 "
            "months with lenvatinib-pembrolizumab versus 9.2 months with sunitinib. The response rates were 71.0%, 53.5% "
            "and 36.1% in the three arms, respectively.")
    got = [(r.endpoint, [a[1] for a in arms(r)]) for r in records(text)]
    assert got == [("EFS", [47.2, 18.3]), ("EFS", [73.4, 64.5]), ("CR", [24.0, 2.2]), ("PFS", [23.9, 9.2]),
                   ("ORR", [71.0, 53.5, 36.1])]
    assert [a[0] for a in arms(records(text)[-1])] == ["lenvatinib and pembrolizumab", "lenvatinib and everolimus", "sunitinib"]


def test_arms_listed_with_or_after_the_values_and_a_choice_of_regimens():
    text = ("In CARTITUDE-4, 26.1% of patients treated with cilta-cel achieved a complete response or better, compared "
            "with 21.8% of those receiving PVd or DPd. The response rate was 85% vs 67% in patients receiving cilta-cel "
            "or standard care. Median PFS was 10.2 vs 5.6 months with lenalidomide and dexamethasone.")
    got = {r.endpoint: arms(r) for r in records(text)}
    assert got["CR"] == [("ciltacabtagene autoleucel", 26.1, "%"), ("PVd or DPd", 21.8, "%")]
    assert got["ORR"] == [("ciltacabtagene autoleucel", 85, "%"), ("standard of care", 67, "%")]
    assert [a[0] for a in got["PFS"]] != ["lenalidomide", "dexamethasone"]  # "with X and Y" is one arm


def test_an_arm_named_after_a_value_is_not_the_next_values_arm():
    text = ("POLLUX randomised 569 patients to daratumumab plus lenalidomide and dexamethasone (DRd; n=286) or lenalidomide "
            "and dexamethasone (Rd; n=283), given for up to 24 months. The overall response rate was 92.9% with DRd and 76.4% "
            "with Rd, the rate of complete response or better 43.1% versus 19.2%. In the dMMR group, 61.4% of those on "
            "DRd had not progressed at two years, compared with 15.7% on Rd.")
    got = [(r.endpoint, arms(r)) for r in records(text)]
    assert got == [("ORR", [("DRd", 92.9, "%"), ("Rd", 76.4, "%")]), ("CR", [("DRd", 43.1, "%"), ("Rd", 19.2, "%")]),
                   ("PFS", [("DRd", 61.4, "%"), ("Rd", 15.7, "%")])]


def test_the_figures_respectively_and_a_trial_named_for_contrast():
    text = ("In DESTINY-Breast04, patients were randomised to T-DXd or chemotherapy. In the HR-positive cohort, median PFS "
            "was 10.1 vs 5.4 months and median OS was 23.9 vs 17.5 months. Across all patients, the figures were 9.9 vs "
            "5.1 months and 23.4 vs 16.8 months, respectively.\n\nIn the phase 3 BEATcc trial, 410 patients were "
            "randomized to atezolizumab or placebo; unlike KEYNOTE-826, all patients received bevacizumab. Median PFS "
            "was 13.7 months vs 10.4 months.")
    got = [(r.trial, r.endpoint, [a[1] for a in arms(r)]) for r in records(text)]
    assert got == [("DESTINY-Breast04", "PFS", [10.1, 5.4]), ("DESTINY-Breast04", "OS", [23.9, 17.5]),
                   ("DESTINY-Breast04", "PFS", [9.9, 5.1]), ("DESTINY-Breast04", "OS", [23.4, 16.8]),
                   ("BEATcc", "PFS", [13.7, 10.4])]


def test_protocol_codes_group_codes_with_letters_and_arm_sizes_after_the_arm():
    text = ("This summary informs the review of protocols RRMM-04 to RRMM-11. PVd is on the protocol list (RRMM-06).\n\n"
            "NRG-GY018: pembrolizumab (Keytruda)\n\nCLEAR randomized 1,069 patients to one of three arms: lenvatinib "
            "plus pembrolizumab, 355 patients; lenvatinib plus everolimus, 357 patients; or sunitinib, 357 patients.")
    recs = records(text, kind=None)
    assert sorted(r.trial for r in recs if r.kind == "trial") == ["CLEAR", "NRG-GY018"]
    assert [(r.n, r.arm) for r in recs if r.kind == "sample_size"] == [
        (1069, None), (355, "lenvatinib and pembrolizumab"), (357, "lenvatinib and everolimus"), (357, "sunitinib")]


def test_well_known_trials_are_names_without_a_trial_word():
    recs = records("Daratumumab was added to bortezomib in CASTOR and to lenalidomide in POLLUX; CANDOR and IKEMA,13,14 "
                   "tested carfilzomib. The Boston team is not a trial.", kind="trial")
    assert sorted(r.trial for r in recs) == ["CANDOR", "CASTOR", "IKEMA", "POLLUX"]


def test_rules_that_carry_to_other_cancers():
    text = (
        "LATITUDE: a phase III randomized trial of abiraterone in prostate cancer\n\n"
        "Abiraterone acetate (AA) given with prednisone (P) prolongs survival. LATITUDE evaluated adding AA + P "
        "to androgen deprivation therapy (ADT). Men were randomized to ADT plus AA 1,000 mg once daily plus P 5 mg "
        "once daily or to ADT plus dual placebos. ADT + AA + P improved OS compared with ADT + placebos: median not "
        "reached versus 34.7 months (HR 0.62; P < 0.001). Grade 3 hypertension occurred in 20.3% and 10.0%, respectively.\n\n"
        "Another large study compared obinutuzumab with rituximab. After three years, 80.0% of people in the "
        "obinutuzumab group had lived without their lymphoma getting worse, compared with 73.3% in the rituximab group."
    )
    recs = records(text, kind=None)
    res = [r for r in recs if r.kind == "result"]
    assert [(r.trial, r.endpoint, arms(r)) for r in res] == [
        ("LATITUDE", "OS", [("ADT + AA + P", None, "months"), ("ADT + placebo", 34.7, "months")]),
        ("LATITUDE", "AE", [("ADT + AA + P", 20.3, "%"), ("ADT + placebo", 10.0, "%")]),
        (None, "PFS", [("obinutuzumab", 80.0, "%"), ("rituximab", 73.3, "%")]),
    ]
    assert [r.trial for r in recs if r.kind == "trial"] == ["LATITUDE"]


def test_trial_aliases_and_names_by_what_trials_do():
    text = (
        "The BMT CTN 0702 trial, also known as StaMINA, randomised 758 patients. In StaMINA, PFS was 58.5% with "
        "a second ASCT versus 53.9% with lenalidomide maintenance.\n\n"
        "The question is being addressed in trials such as DRAMMATIC (SWOG S1803).\n\n"
        "PRIMA enrolled 733 patients and randomized them to niraparib or placebo. In the HRD group the median PFS was "
        "21.9 months compared with 10.4 months.\n\nEV-302 (also known as KEYNOTE-A39) was run at 185 sites. "
        "Pembrolizumab gave a similar result in KEYNOTE-966[6]."
    )
    recs = records(text, kind=None)
    assert sorted(r.trial for r in recs if r.kind == "trial") == ["BMT CTN 0702", "DRAMMATIC", "EV-302", "KEYNOTE-966", "PRIMA"]
    res = [r for r in recs if r.kind == "result"]
    assert [(r.trial, arms(r)) for r in res] == [
        ("BMT CTN 0702", [("second ASCT", 58.5, "%"), ("lenalidomide", 53.9, "%")]),
        ("PRIMA", [("niraparib", 21.9, "months"), ("placebo", 10.4, "months")]),
    ]


def test_trial_names_by_their_shape_and_company():
    text = (
        "Episode 31: IMbrave150 and HIMALAYA\n\n"
        "Okay, HIMALAYA. Median overall survival was 16.4 months with STRIDE and 13.8 months with sorafenib.\n\n"
        "A SWOG study looked at this. COMBI-AD: dabrafenib plus trametinib vs placebo\n\n"
        "The 3-year relapse-free survival rate was 58% with dabrafenib plus trametinib and 39% with placebo.\n\n"
        "The QUAZAR AML-001 trial, monarchE and JAVELIN Bladder 100 reported. The largest contributing trial, "
        "SCOT, randomised 6,088 patients. Approval codes: DAUHIRB-21–243, CNUHH-2023–016."
    )
    recs = records(text, kind=None)
    assert sorted(r.trial for r in recs if r.kind == "trial") == [
        "COMBI-AD", "HIMALAYA", "IMbrave150", "JAVELIN Bladder 100", "QUAZAR AML-001", "SCOT", "monarchE"]
    res = [(r.trial, r.endpoint, arms(r)) for r in recs if r.kind == "result"]
    assert res == [
        ("HIMALAYA", "OS", [("STRIDE", 16.4, "months"), ("sorafenib", 13.8, "months")]),
        ("COMBI-AD", "DFS", [("dabrafenib and trametinib", 58, "%"), ("placebo", 39, "%")]),
    ]


def test_a_heading_returns_to_the_headline_trial_and_a_second_randomisation_keeps_it():
    text = (
        "ATLAS: should carfilzomib be part of maintenance?\n\n"
        "Ever since the CALGB 100104 study was published, lenalidomide alone has been the default after a "
        "transplant for most patients, and a friend sent me the paper that has just come out this month.\n\n"
        "The Italian FORTE trial had hinted at this, in 474 patients. After induction, 356 patients were randomised "
        "again, to carfilzomib plus lenalidomide (KR) or lenalidomide alone (R). Three-year PFS was 75% with KR and 65% with R.\n\n"
        "What did they find?\n\n"
        "180 people were randomly assigned to KRd or to lenalidomide alone. Median PFS was 59.1 vs 41.4 months."
    )
    res = records(text)
    assert [(r.trial, arms(r)) for r in res] == [
        ("FORTE", [("KR", 75, "%"), ("R", 65, "%")]),
        ("ATLAS", [("KRd", 59.1, "months"), ("lenalidomide", 41.4, "months")]),
    ]


def test_landmark_rates_carry_a_timepoint_and_effects_attach():
    res = records(
        "Three-year overall survival was 89% in the VMPT-VT group versus 87% in the VMP group "
        "(hazard ratio, 0.48; 95% CI, 0.36 to 0.63; P < .001)."
    )
    r = res[0]
    assert r.endpoint == "OS" and r.measure == "rate" and r.timepoint.months == 36
    assert arms(r) == [("VMPT-VT", 89, "%"), ("VMP", 87, "%")]
    assert r.effect.value == 0.48 and r.effect.ci == [0.36, 0.63] and r.effect.p == 0.001
    assert r.effect.p_bound == "less_than"
    # each arm's own confidence interval is not a value
    res = records("Efficacy: ORR 41% (95% CI: 35%, 47%) with Darzalex Faspro vs 37% (95% CI 31%-43%) with intravenous Darzalex.")
    assert [a[1] for a in arms(res[0])] == [41, 37] and len(res) == 1


def test_pairs_at_two_timepoints_and_named_toxicities_and_composite_remission():
    text = ("RATIONALE-306 randomised 649 patients to tislelizumab plus chemotherapy or placebo plus chemotherapy. "
            "The overall survival rate at 12 months were 65.0% and 44.9%, at 18 months were 48.6% and 34.5%, respectively. "
            "Kidney side effects were less frequent with denosumab (10% versus 17%), while jaw osteonecrosis was similar "
            "(4.1% and 2.8%). In VIALE-A, patients were randomised to venetoclax plus azacitidine or placebo plus "
            "azacitidine. Complete remission with or without full recovery of blood counts (CR + CRi) was reached by "
            "66.4% and 28.3%. Differentiation syndrome happened in 14% of people on ivosidenib and 8% on placebo.")
    got = [(r.endpoint, r.timepoint.months if r.timepoint else None, [a[1] for a in arms(r)]) for r in records(text)]
    assert got == [("OS", 12, [65.0, 44.9]), ("OS", 18, [48.6, 34.5]), ("AE", None, [10, 17]), ("AE", None, [4.1, 2.8]),
                   ("CR", None, [66.4, 28.3]), ("AE", None, [14, 8])]


def test_hashtags_and_biomarkers_that_name_patients_are_not_arms():
    text = ("Live from #ASH21: BELLINI randomised patients to venetoclax or placebo. In the t(11;14) subgroup median PFS "
            "was 36.8 vs 9.3 mo; in BCL2-high patients 30.1 vs 9.9 mo.")
    assert [arms(r) for r in records(text)] == [[("venetoclax", 36.8, "months"), ("placebo", 9.3, "months")],
                                                [("venetoclax", 30.1, "months"), ("placebo", 9.9, "months")]]


def test_an_endpoint_named_without_a_result_is_the_next_sentence_s():
    text = ("An earlier look at the results, after a median of 24.6 months, had measured how many people were alive and "
            "free of lymphoma growth at 2 years. This was 82.1% with A+AVD and 77.2% with ABVD.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [("PFS", [("A+AVD", 82.1, "%"), ("ABVD", 77.2, "%")])]


def test_typos_of_drug_names_are_matched():
    res = records("Median PFS was 50 months for patients given Revlimed versus 30 months for those on placebo.")
    assert arms(res[0]) == [("lenalidomide", 50, "months"), ("placebo", 30, "months")]
    # a generic name misspelt in lower case
    res = records("Median DFS was 65.8 months in the osimertinb group and 21.9 months in the placebo group.")
    assert arms(res[0]) == [("osimertinib", 65.8, "months"), ("placebo", 21.9, "months")]


def test_drugs_are_named_by_their_full_generic_name():
    res = records("In VISION, median OS was 15.3 months with Pluvicto and 11.3 months with standard care. In EV-302, "
                  "median PFS was 12.5 months with Padcev plus pembrolizumab. In Myeloma IX, median OS was 50.0 months "
                  "with Zometa versus 44.5 months with clodronate.")
    assert [a[0] for r in res for a in arms(r)] == [
        "lutetium Lu 177 vipivotide tetraxetan", "standard of care", "enfortumab vedotin and pembrolizumab",
        "zoledronic acid", "clodronate"]


@pytest.mark.parametrize(
    "text",
    [
        "The trial report, updated 2/2023, says the study enrolled patients under age 65 on 6/5/14.",
        "Patients received lenalidomide 10 mg daily on days 1 to 21 of each 28-day cycle.",
        "Tandem ASCTs are usually planned with an interval of 3 to 6 months between the two transplants.",
        "The drug improved survival.1-6,8 Results were presented in a phase III trial [76].",
        "The study did not show an improvement in overall survival with thalidomide maintenance.",
        "The study was conducted at 15 nationwide centers and approved under IRB 2021AN0410.",
        "Before immunotherapy, median overall survival with chemotherapy was generally 12 to 18 months.",
        "2. In KEYNOTE-355, median overall survival with pembrolizumab was: a) 16.1 months b) 17.2 months c) 23.0 months",
    ],
)
def test_distractors_yield_no_results(text):
    assert records(text) == []


def test_sample_sizes_follow_ups_and_bounds():
    recs = records(
        "A total of 512 patients were analyzed (no-maintenance group, n = 359, and maintenance group, n = 153). "
        "After a median follow-up of 45 months, the study was unblinded at 18 months median follow-up. "
        "The trial encompassed about 1,200 patients.",
        kind=None,
    )
    sizes = sorted((r.n, r.arm, r.bound) for r in recs if r.kind == "sample_size")
    assert sizes == [(153, "maintenance", "exact"), (359, "no maintenance", "exact"), (512, None, "exact"), (1200, None, "about")]
    assert [r.months for r in recs if r.kind == "follow_up"] == [45]


def test_sample_sizes_without_the_noun_elliptic_and_not_event_counts():
    recs = records(
        "Within 100 days, 231 patients were randomly assigned to lenalidomide and 229 to placebo. "
        "Patients aged 18 to 65 were randomly assigned to RVd or transplant; 545 were assigned to KRd and 542 to VRd. "
        "We randomly assigned (in a 2:1 ratio) 616 patients with untreated disease. "
        "In a second study, 460 patients up to the age of 70 who had had a stem cell transplant were randomly assigned. "
        "Second primary cancers were diagnosed in 18 patients (8%) assigned to lenalidomide and in 6 patients (3%) assigned to placebo. "
        "Myeloma is diagnosed in 1.2 million people worldwide each year, in 176 thousand people in 2020 alone.",
        kind=None,
    )
    assert sorted(r.n for r in recs if r.kind == "sample_size") == [229, 231, 460, 542, 545, 616]


def test_arm_sizes_listed_after_the_trials_size_or_per_arm():
    recs = records(
        "MARIPOSA randomized 1,074 patients 2:2:1 to amivantamab plus lazertinib, osimertinib, or lazertinib alone, "
        "so 429, 429 and 216 patients. KEYNOTE-177 enrolled 307 patients with colorectal cancer (153 pembrolizumab, "
        "154 chemotherapy)[7]. CROWN compared lorlatinib with crizotinib in 296 patients, 149 and 147 per arm. "
        "SUNLIGHT randomised 492 patients to trifluridine-tipiracil plus bevacizumab or trifluridine-tipiracil alone "
        "(246 per group). In TITAN, at random, 525 men also took apalutamide and 527 men took a dummy pill. "
        "Median PFS was 23.7, 16.6 and 18.5 months at 12, 24 and 36 months of follow-up. "
        "Of 30, 20 and 10 centres, 12 and 8 were in Europe.",
        kind="sample_size",
    )
    sizes = {}
    for r in recs:
        sizes.setdefault(r.trial, []).append(r.n)
    assert sizes == {"MARIPOSA": [1074, 429, 429, 216], "KEYNOTE-177": [307, 153, 154], "CROWN": [296, 149, 147],
                     "SUNLIGHT": [492, 246], "TITAN": [525, 527]}


def test_arm_sizes_name_the_arms_of_the_next_comparison():
    text = ("PALOMA-2 compared palbociclib with letrozole. Abemaciclib was tested in MONARCH 3, in 493 women, of whom 328 "
            "were given abemaciclib and 165 a placebo. Women lived longer without the cancer getting worse: a median "
            "of 28.2 months compared with 14.8 months.")
    recs = records(text, kind=None)
    assert [(r.n, r.arm) for r in recs if r.kind == "sample_size"] == [(493, None), (328, "abemaciclib"), (165, "placebo")]
    assert [(r.trial, arms(r)) for r in recs if r.kind == "result"] == [
        ("MONARCH 3", [("abemaciclib", 28.2, "months"), ("placebo", 14.8, "months")])]


def test_sample_sizes_before_an_arm_name_and_in_words():
    recs = records(
        "Four hundred and thirty-two people took part. They were put into two groups at random: 216 people had "
        "venetoclax with obinutuzumab and 216 people had chlorambucil. 238 people took oral azacitidine and 234 took "
        "a placebo. The three arms had 393 on STRIDE, 389 on durvalumab and 389 on sorafenib. "
        "Side effects: 32 people had neutropenia, and 20 to 25 on placebo stopped early.",
        kind=None,
    )
    sizes = [(r.n, r.arm) for r in recs if r.kind == "sample_size"]
    assert sizes == [(432, None), (216, "venetoclax and obinutuzumab"), (216, "chlorambucil"), (238, "azacitidine"),
                     (234, "placebo"), (393, "STRIDE"), (389, "durvalumab"), (389, "sorafenib")]


def test_follow_ups_followed_for_a_median_and_one_per_arm():
    recs = records(
        "The researchers followed patients for a median of 55 months. In the other study, median follow-up was "
        "19.6 and 19.2 months, respectively. Median follow-up was 12 months and PFS was 10 vs 8 months.",
        kind="follow_up",
    )
    assert [r.months for r in recs] == [55, 19.6, 19.2, 12]
    # the shorthand of posts and notes; "5-FU" is a drug
    recs = records("3/ Primary analysis (median f/u 18.7 mo): PFS 22.4 vs 11.5 mo. Median FU was 40 months. "
                   "5-FU was given for 6 months.", kind=None)
    assert [r.months for r in recs if r.kind == "follow_up"] == [18.7, 40]
    assert [a[1] for r in recs if r.kind == "result" for a in arms(r)] == [22.4, 11.5]


def test_follow_up_prefers_median_and_never_takes_an_endpoint_value():
    recs = records(
        "With longer follow-up, median progression-free survival was 25.3 months for ribociclib and 16.0 months for placebo. "
        "In the final analysis, after about 4 years of follow-up (median 49.6 months), PFS was 87.2% with D-RVd and 70.0% with RVd.",
        kind=None,
    )
    assert [r.months for r in recs if r.kind == "follow_up"] == [49.6]
    assert [arms(r) for r in recs if r.kind == "result"][0] == [("ribociclib", 25.3, "months"), ("placebo", 16.0, "months")]


def test_new_study_resets_the_trial_carried_forward():
    text = (
        "The Myeloma XI trial enrolled 1917 patients. Median PFS was 39 months with lenalidomide vs 20 months with observation.\n\n"
        "In a second study, 460 patients were randomly assigned to lenalidomide or placebo. "
        "Median time to progression was 46 vs 27 months."
    )
    res = records(text)
    assert [r.trial for r in res] == ["Myeloma XI", None]
    assert arms(res[1]) == [("lenalidomide", 46, "months"), ("placebo", 27, "months")]
    # pooled trials: no one trial, the same arms; items of a list each keep their own endpoint
    text = ("MM-010 randomised 351 patients to lenalidomide plus dexamethasone or placebo plus dexamethasone. "
            "When the two trials were pooled (704 patients), median time to progression was 13.4 months versus "
            "4.6 months, overall response 60.6% versus 21.9%, complete response 15.0% versus 2.0%.")
    got = [(r.trial, r.endpoint, [a[1] for a in arms(r)]) for r in records(text)]
    assert got == [(None, "TTP", [13.4, 4.6]), (None, "ORR", [60.6, 21.9]), (None, "CR", [15.0, 2.0])]
    assert arms(records(text)[0])[0][0] == "lenalidomide and dexamethasone"


def test_reference_lists_yield_nothing():
    text = (
        "Maintenance therapy\n\nLenalidomide is widely used.\n\nReferences:\n\n"
        "1. McCarthy PL, et al. Lenalidomide after stem-cell transplantation (CALGB 100104). "
        "N Engl J Med. 2012;366:1770-1781. Median PFS was 46 vs 27 months with lenalidomide vs placebo.\n"
    )
    assert records(text, kind=None) == []



def test_a_citation_glued_to_the_full_stop_ends_the_sentence():
    # the randomisation and the "X vs Y" are two sentences, so the arms come from the first
    for marker in ("[5]", "5", "[5,6]"):
        text = (
            "CALGB 100104 randomised 460 patients to lenalidomide or placebo after transplantation."
            f"{marker} Median PFS was 46 vs 27 months."
        )
        res = records(text)
        assert [arms(r) for r in res] == [[("lenalidomide", 46, "months"), ("placebo", 27, "months")]], marker
        assert not [a for r in res for a in r.arms if a.value in (5, 6)]


def test_a_citation_glued_after_a_regimen_that_ends_in_a_digit():
    # "FOLFOX4.10" at the end of a paragraph is FOLFOX4 and reference 10
    text = "Median overall survival was 26.0 months with panitumumab-FOLFOX4 v 20.2 months with FOLFOX4.10\n\nNext."
    assert [arms(r) for r in records(text)] == [[("panitumumab and FOLFOX4", 26.0, "months"), ("FOLFOX4", 20.2, "months")]]

def test_a_trial_introduced_by_its_treatment_in_a_placebo_controlled_summary():
    text = (
        "Two placebo-controlled phase 3 trials were identified.\n\n"
        "GOG-3012/PRISM (velmaparib 200 mg once daily)[4]\n"
        "- Median PFS: 14.2 vs 6.1 months (HR 0.41).\n\n"
        "Later in the same programme, the PRISM investigators reported a median OS of 30.2 vs 28.0 months."
    )
    res = records(text)
    assert [(r.trial, arms(r)) for r in res] == [
        ("PRISM", [("velmaparib", 14.2, "months"), ("placebo", 6.1, "months")]),
        ("PRISM", [("velmaparib", 30.2, "months"), ("placebo", 28.0, "months")]),
    ]
    assert {r.trial for r in records(text, "trial")} == {"PRISM"}
    # without the word "placebo-controlled" the other arm is not guessed
    assert [arms(r) for r in records(text.replace("placebo-controlled ", ""))] == [
        [(None, 14.2, "months"), (None, 6.1, "months")], [(None, 30.2, "months"), (None, 28.0, "months")]]


def test_a_second_transplant_is_its_own_arm_and_counts_in_words_after_and():
    text = (
        "At relapse, 180 patients were randomised to a second transplant or weekly cyclophosphamide. "
        "Median OS was 67 months with a second transplant, compared with 52 months with cyclophosphamide. "
        "Later, six people in the transplant group and four in the cyclophosphamide group developed a second cancer."
    )
    res = records(text)
    assert [arms(r) for r in res] == [
        [("second transplant", 67, "months"), ("cyclophosphamide", 52, "months")],
        [("second transplant", 6, "count"), ("cyclophosphamide", 4, "count")],
    ]


def test_respectively_after_named_values_takes_their_arms_in_order():
    res = records(
        "Grade 3 or 4 adverse events occurred in 21% of the zanubrutinib group and 11% of the placebo group, "
        "and such events led to discontinuation in 7% and 2% of patients, respectively."
    )
    assert [a[:2] for a in arms(res[0])] == [("zanubrutinib", 21), ("placebo", 11), ("zanubrutinib", 7), ("placebo", 2)]


def test_a_registration_line_names_the_trial_of_the_whole_abstract():
    text = (
        "Background\nAdjuvant options are limited.\n\n"
        "Results\nMedian disease-free survival was 20.1 months with tislelizumab and 12.3 months with placebo.\n\n"
        "Conclusions\nAdjuvant tislelizumab prolonged disease-free survival. "
        "(Funded by the sponsor; RATIONALE-315 ClinicalTrials.gov number, NCT03783442.)"
    )
    assert [r.trial for r in records(text)] == ["RATIONALE-315"]


def test_capitals_compared_with_a_known_regimen_are_an_arm():
    text = ("The older GEM trial compared VMP with VCP (cyclophosphamide instead of melphalan) in 240 patients. "
            "Median PFS was 30 months for VMP and 21 months for VCP, and median OS was 60 versus 47 months.")
    assert [arms(r) for r in records(text)] == [
        [("VMP", 30, "months"), ("VCP", 21, "months")], [("VMP", 60, "months"), ("VCP", 47, "months")]]
    # capitals that are compared with nothing known stay out
    assert records("The HRD test was positive in 51%, and PFS was 19 months with VCP.") == []


def test_arms_listed_with_their_sizes_and_an_abbreviation_with_slashes():
    text = ("The trial allocated 390 patients to VTD (131), thalidomide plus dexamethasone (TD; 128) or alternating chemotherapy followed by "
            "bortezomib (VBMCP/VBAD/B; 131). After transplant, complete response rates were 45%, 25% and 37%, "
            "respectively, and median PFS was 55.0 months with VTD and 34.9 months with VBMCP/VBAD/B.")
    assert [arms(r) for r in records(text)] == [
        [("VTD", 45, "%"), ("TD", 25, "%"), ("VBMCP/VBAD/B", 37, "%")],
        [("VTD", 55.0, "months"), ("VBMCP/VBAD/B", 34.9, "months")]]


def test_lay_radiotherapy_trial_with_a_group_code_holding_a_full_stop():
    text = (
        "A trial called CCTG CE.6, run with European partners, put 562 people at random into two groups: "
        "short-course radiotherapy alone, or short-course radiotherapy with temozolomide. People who had "
        "temozolomide lived longer, a median of 9.3 months against 7.6 months with radiotherapy alone, and the "
        "tumour took longer to grow again (5.3 months versus 3.9 months). In people with a methylated tumour the "
        "median survival was 13.5 months with temozolomide and 7.7 months without."
    )
    res = records(text)
    assert {r.trial for r in records(text, "trial")} == {"CCTG CE.6"}
    assert [(r.endpoint, arms(r)) for r in res] == [
        # (the radiotherapy arm as the randomisation names it)
        ("OS", [("temozolomide", 9.3, "months"), ("short-course radiotherapy", 7.6, "months")]),
        ("PFS", [("temozolomide", 5.3, "months"), ("short-course radiotherapy", 3.9, "months")]),
        ("OS", [("temozolomide", 13.5, "months"), ("short-course radiotherapy", 7.7, "months")]),
    ]
    assert [r.trial for r in res] == ["CCTG CE.6"] * 3


def test_took_months_to_happen_is_a_value_not_a_treatment_length():
    res = records("On average, the cancer took 14 months to start growing again with olaparib, compared with "
                  "6 months with placebo.")
    assert [arms(r) for r in res] == [[("olaparib", 14, "months"), ("placebo", 6, "months")]]


def test_arms_named_by_labels_and_by_their_first_word():
    text = (
        "The trial randomised 600 patients to observation (arm A), zoledronate (arm B) or zoledronate plus "
        "thalidomide (arm C).4 A very good partial response was reached by 50%, 52% and 64% of patients in arms A, "
        "B and C.4 The 3-year event-free survival was 30% in arm A, 33% in arm B and 49% in arm C, and the "
        "4-year probability of survival was 70%, 71% and 83%, respectively.\n\n"
        "A second study allocated 90 patients to tandem ASCT and 92 to single ASCT plus thalidomide. Overall "
        "survival at 3 years was 81% in the single arm compared with 62% in the tandem arm.5 Progression-free "
        "survival was 80% versus 55%.6"
    )
    got = [(r.endpoint, arms(r)) for r in records(text)]
    assert got == [
        ("VGPR", [("observation", 50, "%"), ("zoledronic acid", 52, "%"), ("zoledronic acid and thalidomide", 64, "%")]),
        ("EFS", [("observation", 30, "%"), ("zoledronic acid", 33, "%"), ("zoledronic acid and thalidomide", 49, "%")]),
        ("OS", [("observation", 70, "%"), ("zoledronic acid", 71, "%"), ("zoledronic acid and thalidomide", 83, "%")]),
        ("OS", [("single ASCT and thalidomide", 81, "%"), ("tandem ASCT", 62, "%")]),
        ("PFS", [("single ASCT and thalidomide", 80, "%"), ("tandem ASCT", 55, "%")]),
    ]


def test_lay_medians_new_study_by_country_and_document_reference():
    text = (
        "The Myeloma IX trial compared high-dose therapy with standard chemotherapy in 400 people. Among the 390 people "
        "analysed, complete remissions were seen in 40% after high-dose therapy and 9% with chemotherapy. Half of them "
        "were still alive after 50.2 months, compared with 40.1 months for the chemotherapy group. Five-year survival "
        "was 48% after a transplant and 15% with chemotherapy alone.\n\n"
        "A German study run by the DSMM group took another approach: 150 people were put at random into two groups: 75 had "
        "high-dose therapy and 75 carried on with chemotherapy. "
        "Complete remissions were more common after high-dose therapy (28% vs 10%).\n\n"
        "This page is part of our series (ref. MM-TR-09, version 2.0)."
    )
    got = [(r.trial, r.endpoint, arms(r)) for r in records(text)]
    assert got == [
        ("Myeloma IX", "CR", [("transplant", 40, "%"), ("chemotherapy", 9, "%")]),
        ("Myeloma IX", "OS", [("transplant", 50.2, "months"), ("chemotherapy", 40.1, "months")]),
        ("Myeloma IX", "OS", [("transplant", 48, "%"), ("chemotherapy", 15, "%")]),
        (None, "CR", [("transplant", 28, "%"), ("chemotherapy", 10, "%")]),
    ]
    assert {r.trial for r in records(text, "trial")} == {"Myeloma IX"}


def test_a_regimen_named_in_capitals_and_journal_v_for_versus():
    text = (
        "First-Line Pembrolizumab Versus TPEX Regimen: Final Results\n\n"
        "The trial compared first-line pembrolizumab with the TPEX regimen (cetuximab plus docetaxel and "
        "cisplatin, followed by cetuximab maintenance). OS did not differ between pembrolizumab and TPEX "
        "(median 14.1 v 13.0 months; HR, 0.93). The ORR was 31.2% with pembrolizumab versus 42.0% with TPEX."
    )
    assert [arms(r) for r in records(text)] == [
        [("pembrolizumab", 14.1, "months"), ("TPEX", 13.0, "months")],
        [("pembrolizumab", 31.2, "%"), ("TPEX", 42.0, "%")],
    ]


def test_blog_wording_half_had_survival_at_and_a_median_opening_a_clause():
    text = (
        "In RESONATE-9, 500 people were split into two groups. Half had Velcade alone and half had Velcade plus a "
        "dose of pegylated liposomal doxorubicin. Survival at two years was 91% with the combination and 80% with "
        "bortezomib alone. After a median of 60.5 months, 40% of the combination group were still alive and free "
        "of progression, against 12% of the bortezomib group. The safety profile was close to that of bortezomib: "
        "atrial fibrillation occurred in 6.1% versus 2.0%."
    )
    res = records(text)
    combo = "bortezomib and pegylated liposomal doxorubicin"
    assert [(r.endpoint, arms(r)) for r in res] == [
        ("OS", [(combo, 91, "%"), ("bortezomib", 80, "%")]),
        ("PFS", [(combo, 40, "%"), ("bortezomib", 12, "%")]),
        ("AE", [(combo, 6.1, "%"), ("bortezomib", 2.0, "%")]),
    ]
    assert [r.months for r in records(text, "follow_up")] == [60.5]


def test_kept_under_control_is_no_arm_and_without_it_is_the_other_arm():
    text = ("The cancer was kept under control for longer: the average (median) time before it grew was 20.1 months "
            "with abemaciclib, compared with 11.0 months with placebo. Response rates were 48% with abemaciclib "
            "versus 21% without it.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [("abemaciclib", 20.1, "months"), ("placebo", 11.0, "months")]),
        ("ORR", [("abemaciclib", 48, "%"), ("placebo", 21, "%")]),
    ]
    # with no randomisation to say what the other arm was, it is the arm not receiving the drug
    res = records("Response rates were 48% with abemaciclib versus 21% without it.")
    assert [arms(r) for r in res] == [[("abemaciclib", 48, "%"), ("not receiving abemaciclib", 21, "%")]]


def test_explain_lists_rules_per_sentence():
    doc = clean("Median PFS was 39 months with lenalidomide vs 20 months with observation.", source="x.txt",
                content_type="text/plain")
    traces = explain(doc)
    rules = [r for t in traces for r, _ in t.matches]
    assert "endpoint:phrase" in rules and "result" in rules


# Floors for the gold set (tests/gold), per part: raise them as the rules improve, never lower them.
# A held-out part added later gets its own floor, at what it reaches when added, so that adding harder
# articles never lowers the older parts' floors.
FLOORS = {
    (1, 70): {"results": 0.97, "trials": 0.99, "sample_sizes": 0.95, "follow_ups": 0.97},
    (71, 82): {"results": 0.96, "trials": 0.99, "sample_sizes": 0.88, "follow_ups": 0.95},
    (83, 94): {"results": 0.95, "trials": 0.98, "sample_sizes": 0.96, "follow_ups": 0.99},
    (95, 106): {"results": 0.94, "trials": 0.99, "sample_sizes": 0.89, "follow_ups": 0.99},
    (107, 118): {"results": 0.89, "trials": 0.97, "sample_sizes": 0.97, "follow_ups": 0.90},
    (119, 130): {"results": 0.83, "trials": 0.93, "sample_sizes": 0.89, "follow_ups": 0.95},
    (131, 142): {"results": 0.91, "trials": 0.95, "sample_sizes": 0.92, "follow_ups": 0.99},
    (143, 154): {"results": 0.91, "trials": 0.97, "sample_sizes": 0.87, "follow_ups": 0.99},
    (155, 166): {"results": 0.92, "trials": 0.99, "sample_sizes": 0.91, "follow_ups": 0.94},
    (167, 178): {"results": 0.88, "trials": 0.91, "sample_sizes": 0.85, "follow_ups": 0.96},
    (179, 190): {"results": 0.83, "trials": 0.94, "sample_sizes": 0.90, "follow_ups": 0.84},
    (191, 202): {"results": 0.86, "trials": 0.94, "sample_sizes": 0.92, "follow_ups": 0.86},
    (203, 214): {"results": 0.89, "trials": 0.99, "sample_sizes": 0.96, "follow_ups": 0.88},
    (215, 226): {"results": 0.88, "trials": 0.93, "sample_sizes": 0.91, "follow_ups": 0.90},
    (227, 238): {"results": 0.93, "trials": 0.99, "sample_sizes": 0.93, "follow_ups": 0.92},
    (239, 250): {"results": 0.95, "trials": 0.99, "sample_sizes": 0.92, "follow_ups": 0.90},
    (251, 262): {"results": 0.97, "trials": 0.97, "sample_sizes": 0.88, "follow_ups": 0.81},
    (263, 274): {"results": 0.82, "trials": 0.87, "sample_sizes": 0.87, "follow_ups": 0.99},
    (275, 286): {"results": 0.84, "trials": 0.94, "sample_sizes": 0.90, "follow_ups": 0.99},
    (287, 298): {"results": 0.91, "trials": 0.93, "sample_sizes": 0.92, "follow_ups": 0.99},
    (299, 310): {"results": 0.89, "trials": 0.94, "sample_sizes": 0.94, "follow_ups": 0.99},
    (311, 322): {"results": 0.91, "trials": 0.99, "sample_sizes": 0.94, "follow_ups": 0.99},
    (323, 334): {"results": 0.95, "trials": 0.92, "sample_sizes": 0.93, "follow_ups": 0.90},
    (335, 346): {"results": 0.84, "trials": 0.97, "sample_sizes": 0.85, "follow_ups": 0.87},
    (347, 358): {"results": 0.87, "trials": 0.97, "sample_sizes": 0.92, "follow_ups": 0.99},
    (359, 370): {"results": 0.90, "trials": 0.96, "sample_sizes": 0.88, "follow_ups": 0.94},
    (371, 382): {"results": 0.83, "trials": 0.89, "sample_sizes": 0.94, "follow_ups": 0.99},
    (383, 394): {"results": 0.87, "trials": 0.92, "sample_sizes": 0.91, "follow_ups": 0.99},
    (395, 406): {"results": 0.77, "trials": 0.99, "sample_sizes": 0.93, "follow_ups": 0.93},
    (407, 418): {"results": 0.84, "trials": 0.87, "sample_sizes": 0.82, "follow_ups": 0.99},
    (419, 430): {"results": 0.78, "trials": 0.94, "sample_sizes": 0.94, "follow_ups": 0.92},
}


def test_gold_set_scores_above_floor(tmp_path):
    paths = sorted((GOLD / "articles").glob("*.txt"))
    assert len(paths) >= 10
    number = {p.stem: int(re.match(r"g(\d+)", p.stem)[1]) for p in paths}
    assert all(any(lo <= n <= hi for lo, hi in FLOORS) for n in number.values()), "a gold article outside every floor's part"
    docs = [clean(p.read_bytes(), source=str(p), content_type="text/plain") for p in paths]
    recs = [r for rs in extract_many(docs) for r in rs]
    for (lo, hi), floors in FLOORS.items():
        part = tmp_path / f"g{lo}-{hi}"
        part.mkdir()
        for stem, n in number.items():
            if lo <= n <= hi:
                (part / f"{stem}.json").write_bytes((GOLD / f"{stem}.json").read_bytes())
        scores = score(recs, part)
        got = {k: getattr(scores, k).f1 for k in floors}
        assert all(got[k] >= floors[k] for k in floors), (lo, hi, got)


def test_extraction_is_safe_from_several_threads():
    """The ingest flow runs clean-extract tasks in a thread pool over one shared extractor."""
    from concurrent.futures import ThreadPoolExecutor

    paths = sorted((GOLD / "articles").glob("*.txt"))
    docs = [clean(p.read_bytes(), source=str(p), content_type="text/plain") for p in paths]
    alone = [[r.model_dump_json() for r in extract(d)] for d in docs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda d: [r.model_dump_json() for r in extract(d)], docs * 3))
    assert together == alone * 3


def test_a_pattern_file_that_does_not_parse_names_itself(tmp_path, monkeypatch):
    from extractors import lexicon

    (tmp_path / "drugs.toml").write_text('[drugs]\nlenalidomide = ["Revlimid"]\nlenalidomide = ["again"]\n')
    monkeypatch.setattr(lexicon, "PATTERNS_DIR", tmp_path)
    with pytest.raises(lexicon.PatternFileError, match="drugs.toml"):
        lexicon._read_toml("drugs.toml")


def test_an_endpoint_code_records_cannot_carry_is_refused_when_the_rules_load(tmp_path, monkeypatch):
    import shutil

    from extractors import lexicon

    for f in lexicon.PATTERNS_DIR.iterdir():
        shutil.copy(f, tmp_path / f.name)
    with open(tmp_path / "endpoints.toml", "a") as fh:
        fh.write('\n[XYZ]\nphrases = ["xyz survival"]\n')
    monkeypatch.setattr(lexicon, "PATTERNS_DIR", tmp_path)
    with pytest.raises(lexicon.PatternFileError, match="unknown endpoint code.*XYZ"):
        lexicon.load_lexicon.__wrapped__()  # past the cache of the real rules


def test_sample_sizes_put_at_random_and_lay_wording():
    recs = records(
        "A French group put 200 people under the age of 65 with newly diagnosed myeloma at random into two groups. "
        "Only people who had responded were included, and 164 of them were then put at random into two groups: "
        "81 had high-dose therapy and 83 carried on with the same chemotherapy. "
        "In another trial, 185 people aged up to 56 were put at random into an early or a late transplant group. "
        "Of the 297 people who took part, 174 went on to be randomised. "
        "The meta-analysis brought together data on 1680 patients from six randomised trials. "
        "Among the 401 people whose results could be analysed, 44 out of every 100 responded. "
        "The trial randomised 562 people, 281 to each group.",
        kind="sample_size",
    )
    assert [r.n for r in recs] == [200, 164, 81, 83, 185, 297, 174, 1680, 401, 562, 281]


def test_a_late_one_and_lay_event_free_survival():
    text = ("In a French trial, 185 people were put at random into an early transplant group or a late transplant group. "
            "People in the two groups lived for about the same length of time: a median of 64.6 months with an early "
            "transplant and 64 months with a late one. After five years, 28% of the early transplant group were alive "
            "without their myeloma having come back or any other major setback, against 10% of the late transplant group. "
            "An early response and a late one were both seen in 40% of patients.")
    res = records(text)
    assert [(r.endpoint, arms(r)) for r in res] == [
        ("OS", [("early transplant", 64.6, "months"), ("late transplant", 64, "months")]),
        ("EFS", [("early transplant", 28, "%"), ("late transplant", 10, "%")]),
    ]
    assert ("arm:one", "late one -> late transplant") in [m for t in explain(clean(
        text, source="t.txt", content_type="text/plain")) for m in t.matches]


def test_a_choice_inside_an_arm_and_a_drug_named_twice():
    def randomised(sentence):
        text = sentence + " Median overall survival was 13.0 vs 10.3 months."
        return [a[0] for r in records(text) for a in arms(r)]

    assert randomised("Patients were randomly assigned to durvalumab plus etoposide and either cisplatin or carboplatin "
                      "(268 patients), or to the chemotherapy alone (269 patients).") == [
        "durvalumab and etoposide and cisplatin or carboplatin", "chemotherapy"]
    assert randomised("Patients were randomly assigned to Imfinzi, also known as durvalumab, plus chemotherapy or "
                      "chemotherapy alone.") == ["durvalumab and chemotherapy", "chemotherapy"]
    # "either" that opens the list of arms
    assert randomised("Patients were randomly assigned to either lenalidomide or placebo.") == ["lenalidomide", "placebo"]
    assert randomised("Patients were randomly assigned to either lenalidomide plus dexamethasone or bortezomib plus "
                      "dexamethasone.") == ["lenalidomide and dexamethasone", "bortezomib and dexamethasone"]


def test_organ_failures_are_adverse_events_and_fatal_ones_treatment_related_deaths():
    res = records("Patients were randomly assigned to carfilzomib or bortezomib. Acute renal failure of any grade was "
                  "reported in 13.9% of the carfilzomib group versus 6.2% of the bortezomib group, and cardiac failure in "
                  "10.8% versus 4.3%. Fatal treatment-related adverse events were more frequent with carfilzomib (6.5%) "
                  "than with bortezomib (4.3%).")
    assert [(r.endpoint, [a[1] for a in arms(r)]) for r in res] == [
        ("AE", [13.9, 6.2]), ("AE", [10.8, 4.3]), ("TRM", [6.5, 4.3])]


def test_trials_called_known_as_by_their_patients_and_by_group_codes():
    text = ("A French study called GETUG-AFU 15, which included 385 men, found no difference. "
            "An Italian study, known as Bologna 96, asked the same question. The study, known as SELECT, included "
            "392 patients. In AXIS, 723 patients were randomised. The study is called ECOG E1A06. "
            "In all, 668 patients were enrolled in Total Therapy 2 (TT2). In Europe, 500 patients were treated. "
            "The drug, also known as durvalumab, was given. The regimen, known as FLOT, was given.")
    assert [r.trial for r in records(text, kind="trial")] == [
        "GETUG-AFU 15", "Bologna 96", "SELECT", "AXIS", "E1A06", "Total Therapy 2"]


def test_hormone_therapy_keeps_its_name_average_survival_and_one_event_per_value():
    res = records("In CHAARTED, men had hormone therapy plus docetaxel or hormone therapy alone. The average survival was "
                  "49.2 months with docetaxel compared with 32.2 months with hormone therapy alone. "
                  "In CHAARTED, 6.2% of men given docetaxel had febrile neutropenia, and 2.3% had a severe infection.")
    assert [(r.endpoint, arms(r)) for r in res] == [
        ("OS", [("docetaxel", 49.2, "months"), ("hormone therapy", 32.2, "months")]),
        ("AE", [("docetaxel", 6.2, "%")]), ("AE", [("docetaxel", 2.3, "%")])]


def test_chemotherapy_regimens_surgery_alone_both_groups_and_an_explained_endpoint():
    res = records(
        "The MAGIC trial randomised 503 people to surgery alone or to chemotherapy with ECF. Chemotherapy increased "
        "the share of people alive at five years to 36%, from 23% with surgery alone. "
        "The FLOT4 trial compared ECF with FLOT; 356 were assigned to FLOT and 360 to ECF/ECX. "
        "Median disease-free survival (time alive without the cancer coming back) was 30 months with FLOT and 18 months "
        "with ECF/ECX. A complete pathological regression was found in 16% of patients after FLOT and 6% after ECF/ECX. "
        "Serious adverse events occurred in 27% of patients in both groups, so FLOT was not more dangerous overall, "
        "with more diarrhoea with FLOT.")
    assert [(r.trial, r.endpoint, arms(r)) for r in res] == [
        ("MAGIC", "OS", [("chemotherapy", 36, "%"), ("surgery", 23, "%")]),
        ("FLOT4", "DFS", [("FLOT", 30, "months"), ("ECF and ECX", 18, "months")]),
        ("FLOT4", "CR", [("FLOT", 16, "%"), ("ECF and ECX", 6, "%")]),
        ("FLOT4", "AE", [("FLOT", 27, "%"), ("ECF and ECX", 27, "%")]),
    ]


def test_one_transplant_and_two():
    text = ("The group asked 399 people under 60 who had just been diagnosed to take part in a trial called IFM 94. "
            "Half were picked at random to have one transplant, and half to have two. The myeloma shrank by 90% (a very "
            "good partial response or better) in 42 out of "
            "every 100 people with one transplant, and in 50 out of every 100 with two. Seven years after diagnosis, "
            "10% of the single-transplant group were alive without their myeloma having returned, compared with 20% of "
            "the double-transplant group. In an early report on 228 people, 35% responded.")
    recs = records(text, kind=None)
    assert [r.n for r in recs if r.kind == "sample_size"] == [399, 228]
    assert [(r.endpoint, arms(r)) for r in recs if r.kind == "result"] == [
        ("VGPR", [("single transplant", 42, "%"), ("tandem transplant", 50, "%")]),
        ("EFS", [("single transplant", 10, "%"), ("tandem transplant", 20, "%")])]


def test_a_code_ending_in_a_capital_ends_its_sentence_and_events_that_turned_up():
    recs = records("They were randomly assigned to MPT-T or to MPR-R. Median PFS was 21.0 months with MPT-T and "
                   "18.7 months with MPR-R. Second cancers turned up in 18 patients in the MPT-T group and in 14 in the "
                   "MPR-R group. See John F. Kennedy.", kind=None)
    assert [(r.endpoint, arms(r)) for r in recs if r.kind == "result"] == [
        ("PFS", [("MPT-T", 21.0, "months"), ("MPR-R", 18.7, "months")]),
        ("SPM", [("MPT-T", 18, "count"), ("MPR-R", 14, "count")])]
    assert not [r for r in recs if r.kind == "sample_size"]


def test_favouring_names_no_value_a_drug_stands_for_its_randomised_arm_and_thromboembolic_events():
    res = records(
        "The trial S0232 randomised patients to lenalidomide plus dexamethasone (LEN-DEX; n=97) or placebo plus "
        "dexamethasone (PLC-DEX; n=95), with crossover to LEN-DEX encouraged.7 At 1 year, progression-free survival "
        "was 78% vs 52%, favouring LEN-DEX.7 Thromboembolic events occurred in 23.5% vs 5%.\n\n"
        "A second study randomised 470 patients to thalidomide-dexamethasone or placebo-dexamethasone. Grade 4 "
        "adverse events were more frequent with thalidomide (30.3% v 22.8%). Dexamethasone was given in both groups "
        "(40% v 20%).")
    assert [(r.endpoint, arms(r)) for r in res][:3] == [
        ("PFS", [("LEN-DEX", 78, "%"), ("PLC-DEX", 52, "%")]),
        ("AE", [("LEN-DEX", 23.5, "%"), ("PLC-DEX", 5, "%")]),
        ("AE", [("thalidomide", 30.3, "%"), ("placebo and dexamethasone", 22.8, "%")]),
    ]
    # a drug that is part of both arms stands for neither
    assert ("dexamethasone", 40, "%") not in [a for r in res for a in arms(r)]


def test_treatment_deaths_in_words_a_minimum_follow_up_and_events_named_aside():
    res = records(
        "CheckMate 025 randomised 821 patients to nivolumab or everolimus. With a minimum follow-up of 64 months "
        "(median 72 months), median overall survival was 25.8 vs 19.7 months. Three deaths in the nivolumab group "
        "(pneumonitis, encephalitis and heart failure) and one in the everolimus group (myelosuppression) were "
        "attributed to treatment. One patient in the everolimus group died of treatment toxicity.", kind=None)
    assert [(r.endpoint, arms(r)) for r in res if r.kind == "result"] == [
        ("OS", [("nivolumab", 25.8, "months"), ("everolimus", 19.7, "months")]),
        ("TRM", [("nivolumab", 3, "count"), ("everolimus", 1, "count")]),
        ("TRM", [("everolimus", 1, "count")])]
    assert [r.months for r in res if r.kind == "follow_up"] == [72]


def test_among_the_n_patients_keeps_the_trial():
    res = records("In CAPItello-291, 708 women were randomly assigned to capivasertib or placebo. Among the 289 patients "
                  "whose tumours had an alteration, median progression-free survival was 7.3 months with capivasertib "
                  "and 3.1 months with placebo.", kind=None)
    assert [(r.kind, r.trial) for r in res if r.kind in ("result", "sample_size")] == [
        ("sample_size", "CAPItello-291"), ("sample_size", "CAPItello-291"), ("result", "CAPItello-291")]


def test_still_relapse_free_years_later_and_those_who_did_not():
    recs = records("By randomisation, 323 patients received thalidomide and 345 did not. Among those who reached "
                   "complete remission, 45% of thalidomide-treated patients were still relapse-free 7 years later, "
                   "compared with 20% on the control arm.", kind=None)
    assert [r.n for r in recs if r.kind == "sample_size"] == [323, 345]
    assert [(r.endpoint, arms(r)) for r in recs if r.kind == "result"] == [
        ("DFS", [("thalidomide", 45, "%"), ("control", 20, "%")])]


def test_pooled_triplets_and_the_drug_added():
    res = records(
        "EMN01 randomised patients to MPR, CPR or Rd. The primary comparison pooled the two triplets against the "
        "doublet. Median progression-free survival was 22 months for the triplet combinations versus 21 months for "
        "Rd, and the 4-year overall survival rate was 67% for the triplets and 58% for the doublet. "
        "In ESPAC-4, adding capecitabine to gemcitabine raised median overall survival to 28.0 months, from 25.5 "
        "months with gemcitabine alone. In another trial, the VRd triplet gave a response rate of 80% vs 70% with Rd.")
    assert [arms(r) for r in res] == [
        [("MPR and CPR", 22, "months"), ("Rd", 21, "months")],  # the triplets pooled: the arms of three drugs
        [("MPR and CPR", 67, "%"), ("Rd", 58, "%")],  # the one arm of two drugs
        [("capecitabine", 28.0, "months"), ("gemcitabine", 25.5, "months")],
        [("VRd", 80, "%"), ("Rd", 70, "%")],
    ]


def test_the_drug_stands_for_the_active_arm_and_pooled_regimens_before_the_next_value():
    res = records(
        "SELECT randomised 392 patients to lenvatinib or placebo. The drug's side effects were hard going. "
        "High blood pressure was seen in 67.8% of patients taking the drug. "
        "In four people on the drug, the cancer disappeared completely on scans.\n\n"
        "EMN01 randomised patients to MPR, CPR or Rd. At least a partial response was seen in 75% of patients "
        "given MPR or CPR and 79% of those given Rd, with complete responses in 9% and 7%, respectively.\n\n"
        "CALGB 100104 randomised patients to lenalidomide or thalidomide. Grade 3 rash occurred in 12% of "
        "patients on the drug.")
    assert [(r.endpoint, arms(r)) for r in res] == [
        ("AE", [("lenvatinib", 67.8, "%")]),
        ("ORR", [("MPR or CPR", 75, "%"), ("Rd", 79, "%")]),
        ("CR", [("MPR or CPR", 9, "%"), ("Rd", 7, "%")]),
    ]


def test_lay_words_for_a_complete_response():
    res = records("KEYNOTE-189 randomised patients to pembrolizumab or placebo. The cancer disappeared completely "
                  "in 2.1% of patients on pembrolizumab and 0.5% of those on placebo.")
    assert [(r.endpoint, arms(r)) for r in res] == [("CR", [("pembrolizumab", 2.1, "%"), ("placebo", 0.5, "%")])]


def test_doses_compared_are_arms_and_a_semicolon_opens_a_new_endpoint():
    text = ("DREAMM-2 randomly assigned patients to receive 2.5 mg/kg or 3.4 mg/kg belantamab mafodotin. "
            "Overall, 30 (31%) of 97 patients in the 2.5 mg/kg cohort and 34 (34%) of 99 patients in the 3.4 mg/kg "
            "cohort achieved an overall response. Median follow-up was 6.3 months in the 2.5 mg/kg cohort and 6.9 "
            "months in the 3.4 mg/kg cohort. Grade 3-4 anaemia occurred in 20% of the 2.5 mg/kg cohort and 25% of "
            "the 3.4 mg/kg cohort; 38 (40%) of 95 patients in the 2.5 mg/kg cohort and 47 (47%) of 99 in the 3.4 "
            "mg/kg cohort reported serious adverse events.")
    res = records(text)
    assert [arms(r) for r in res] == [
        [("2.5 mg/kg", 31, "%"), ("3.4 mg/kg", 34, "%")],
        [("2.5 mg/kg", 20, "%"), ("3.4 mg/kg", 25, "%")],
        [("2.5 mg/kg", 40, "%"), ("3.4 mg/kg", 47, "%")],
    ]
    assert sorted(r.months for r in records(text, "follow_up")) == [6.3, 6.9]
    # a dose that no randomisation compares is no arm
    assert [arms(r) for r in records("Patients received 2.5 mg/kg belantamab mafodotin; 31% responded.")] == [
        [("belantamab mafodotin", 31, "%")]]


def test_lay_trial_naming_dose_words_inside_an_arm_and_a_value_in_brackets():
    text = ("The trial is called MM-002. They split 221 patients at random into two groups: 113 got pomalidomide "
            "plus low-dose dexamethasone, and 108 got pomalidomide on its own. We followed them for a median of "
            "14.2 months. The response lasted a median of 8.3 months on pom-dex and 10.7 months on pom alone. "
            "Overall survival: median 16.5 months versus 13.6 months, in favour of adding the dex. "
            "Infections were the most common side effect on Ven-dex (61%), neutropenia on Pom-dex.")
    assert [t.trial for t in records(text, "trial")] == ["MM-002"]
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("DOR", [("pomalidomide and dexamethasone", 8.3, "months"), ("pomalidomide", 10.7, "months")]),
        ("OS", [("pomalidomide and dexamethasone", 16.5, "months"), ("pomalidomide", 13.6, "months")]),
        ("AE", [("venetoclax and dexamethasone", 61, "%")]),
    ]
    assert [r.months for r in records(text, "follow_up")] == [14.2]
    assert records("The researchers kept following people up for around 9 years.", "follow_up") == []


def test_arms_named_by_the_article_without_a_randomisation():
    text = ("BMT CTN 0102 included 710 people. People with a matched sibling had one transplant of their own cells "
            "followed by a reduced-intensity donor transplant (auto-allo). Everyone else had two transplants of "
            "their own cells (auto-auto).\n\n"
            "At three years, 46% of people in the auto-auto group were alive with no sign of their myeloma getting "
            "worse, compared with 43% in the auto-allo group. After six years, 25% with auto-auto and 22% with "
            "auto-allo were alive without progression, and 60% and 59% were alive. Within three years, 13% of "
            "the donor transplant group had died of causes other than myeloma, compared with 3% in the "
            "autologous-only group.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [("auto-auto", 46, "%"), ("auto-allo", 43, "%")]),
        ("PFS", [("auto-auto", 25, "%"), ("auto-allo", 22, "%")]),
        ("OS", [("auto-auto", 60, "%"), ("auto-allo", 59, "%")]),
        ("TRM", [("donor transplant", 13, "%"), ("autologous-only", 3, "%")]),
    ]
    # where a randomisation gave the arms, "the tandem arm" is still the randomised arm
    res = records("Bologna 96 randomised patients to a single transplant or a tandem transplant. Overall survival "
                  "at six years was 44% in the single transplant arm and 63% in the tandem arm.")
    assert [arms(r) for r in res] == [[("single transplant", 44, "%"), ("tandem transplant", 63, "%")]]


def test_biomarker_cutoffs_minimum_follow_up_short_names_and_dose_levels():
    text = ("CheckMate 227 randomized patients to NIVO + IPI or chemotherapy. At a minimum follow-up of 61.3 months, "
            "5-year OS rates were 24% with NIVO + IPI vs 14% with chemotherapy in patients with PD-L1 >= 1%, and "
            "19% vs 7% in patients with PD-L1 < 1%. With a minimum follow-up of 64 months (median 72 months), "
            "median OS was 17.1 vs 14.9 months.\n\n"
            "In the large North American trial S9321, led by SWOG, 516 people were treated.\n\n"
            "An Italian trial compared melphalan 200 mg/m2 against a lower dose of 100 mg/m2. A complete response "
            "was seen in 15% of people with the higher dose and 8% with the lower dose.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("OS", [("nivolumab + ipilimumab", 24, "%"), ("chemotherapy", 14, "%")]),
        ("OS", [("nivolumab + ipilimumab", 19, "%"), ("chemotherapy", 7, "%")]),
        ("OS", [("nivolumab + ipilimumab", 17.1, "months"), ("chemotherapy", 14.9, "months")]),
        ("CR", [("higher dose", 15, "%"), ("lower dose", 8, "%")]),
    ]
    assert [r.months for r in records(text, "follow_up")] == [72]
    assert [r.trial for r in records(text, "trial")] == ["CheckMate 227", "S9321"]
    # alone, IPI is the lymphoma prognostic index
    assert records("In POLARIX, patients with IPI 2-5 had a 2-year PFS of 76.7% with pola-R-CHP.")[0].arms[0].name != "ipilimumab"


def test_arms_headed_by_their_labels_lay_disease_free_survival_and_years_on():
    text = ("TRIANGLE randomised 870 patients to three arms:\n"
            "- Arm A (control, n = 288): R-CHOP and R-DHAP followed by ASCT;\n"
            "- Arm A+I (n = 292): the same treatment with ibrutinib added;\n"
            "- Arm I (n = 290): ibrutinib without ASCT.\n\n"
            "The 3-year failure-free survival rate was 88% in arm A+I compared with 72% in arm A. Grade 3 or higher "
            "infections occurred in 25% of patients in arm A+I, 19% in arm I and 13% in arm A.\n\n"
            "RxPONDER randomised women to hormone therapy alone or chemotherapy plus hormone therapy. Five years on, "
            "91.9% of those who had hormone therapy alone were alive without the cancer coming back, compared with "
            "91.3% of those who also had chemotherapy.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("EFS", [("arm A+I", 88, "%"), ("arm A", 72, "%")]),
        ("AE", [("arm A+I", 25, "%"), ("arm I", 19, "%"), ("arm A", 13, "%")]),
        ("DFS", [("hormone therapy", 91.9, "%"), ("chemotherapy", 91.3, "%")]),
    ]


def test_single_arm_studies_protocol_codes_and_a_name_before_the_slash():
    text = ("The MMVAR/IFM 2005-04 trial randomised 269 patients to VTD or TD. The CR rate was 45% vs 25% (MMVAR).\n\n"
            "In the single-arm phase 2 study PX-171-003-A1, 266 patients were treated with carfilzomib. The overall "
            "response rate was 23.7%, and median overall survival was 15.6 months.")
    assert [(r.trial, r.endpoint, arms(r)) for r in records(text)] == [
        ("MMVAR/IFM 2005-04", "CR", [("VTD", 45, "%"), ("TD", 25, "%")]),
        ("PX-171-003-A1", "ORR", [("carfilzomib", 23.7, "%")]),
        ("PX-171-003-A1", "OS", [("carfilzomib", 15.6, "months")]),
    ]
    # a reference number is no trial
    assert records("Leaflet ES-2024-07, reviewed 2024.", "trial") == []


def test_recurrence_rates_codes_known_as_and_led_by_a_group():
    text = ("In the first trial, known as E1912, 529 patients were randomly assigned to ibrutinib or FCR. "
            "The second study, the Alliance-led A041202, enrolled 547 patients.\n\n"
            "De-ESCALaTE randomised 334 patients to radiotherapy with cisplatin or with cetuximab. Two-year overall "
            "survival was 97.5% with cisplatin versus 89.4% with cetuximab, and two-year recurrence was 6.0% vs "
            "16.1%. Median DFS was 22.4 months in the 532 patients assigned to cisplatin and 11.0 months in the 262 "
            "patients assigned to cetuximab (hazard ratio for recurrence or death, 0.69).")
    assert [r.trial for r in records(text, "trial")][:2] == ["E1912", "A041202"]
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("OS", [("cisplatin", 97.5, "%"), ("cetuximab", 89.4, "%")]),
        ("PROGRESSION", [("cisplatin", 6.0, "%"), ("cetuximab", 16.1, "%")]),
        ("DFS", [("cisplatin", 22.4, "months"), ("cetuximab", 11.0, "months")]),
    ]


def test_lay_relapse_and_survival_respectively_after_a_comparison():
    res = records("BMT CTN 0102 compared a donor transplant (auto-allo) with two own-cell transplants (auto-auto). The myeloma came back in 47% after auto-allo and 77% "
                  "after auto-auto. But survival was about the same, at 51% and 47% respectively.")
    assert [(r.endpoint, arms(r)) for r in res] == [
        ("PROGRESSION", [("auto-allo", 47, "%"), ("auto-auto", 77, "%")]),
        ("OS", [("auto-allo", 51, "%"), ("auto-auto", 47, "%")]),
    ]


def test_counts_of_people_things_happened_to_are_results_not_sample_sizes():
    text = ("The ALPHA trial randomised 400 people to drugamab or placebo. Four people on drugamab and one on placebo "
            "died of side effects. Twelve people taking drugamab had a complete response, against three on placebo.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("TRM", [("drugamab", 4, "count"), ("placebo", 1, "count")]),
        ("CR", [("drugamab", 12, "count"), ("placebo", 3, "count")]),
    ]
    assert [r.n for r in records(text, "sample_size")] == [400]
    # sizes stay sizes: "216 people had venetoclax"
    assert [r.n for r in records("MURANO randomised 389 people: 194 people had venetoclax and 195 took BR.", "sample_size")] == [389, 194, 195]


def test_per_hundred_proportions_differences_in_time_and_lay_cancer_free():
    text = ("The STAR trial involved 850 women. Half were given ribomab on top of their usual hormone therapy, and half "
            "had hormone therapy alone. After four years, 90 out of every 100 women taking ribomab were alive and free "
            "of breast cancer, compared with 86 out of every 100 women on hormone therapy alone. Women on ribomab "
            "lived a median of 28.1 months, about seven months longer than those given hormone therapy alone (21.0 "
            "months).")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("DFS", [("ribomab", 90, "%"), ("hormone therapy", 86, "%")]),
        ("OS", [("ribomab", 28.1, "months"), ("hormone therapy", 21.0, "months")]),
    ]
    assert [r.n for r in records(text, "sample_size")] == [850]


def test_adding_a_drug_from_one_value_to_another_and_month_landmarks():
    res = records("In the GEMINI-3 trial,14 adding venetoclax to azacitidine improved median overall survival from 9.6 "
                  "to 14.7 months (HR 0.66) in 431 patients.")
    assert [arms(r) for r in res] == [[("azacitidine", 9.6, "months"), ("venetoclax", 14.7, "months")]]


def test_prior_therapies_are_no_arms_phase_2_studies_of_one_drug_and_drug_stems():
    text = ("Selinexor was approved on the basis of part 2 of the STORM trial. Of 122 patients whose disease was "
            "refractory to bortezomib, carfilzomib, lenalidomide, pomalidomide and daratumumab, 26% responded.\n\n"
            "In the single-arm phase 2 HORIZON study, 157 patients refractory to pomalidomide were treated with "
            "melflufen 40 mg every 28 days plus weekly dexamethasone. The ORR was 29%.\n\n"
            "Elranatamab received accelerated approval based on cohort A of the phase 2 MagnetisMM-3 trial, which "
            "enrolled 123 patients. The objective response rate was 61.0%.\n\n"
            "INDIGO randomly assigned patients to vorasidenib or placebo. Median PFS was 27.7 months with "
            "vorasidenib vs 11.1 months with placebo.")
    res = records(text)
    assert [(r.trial, arms(r)) for r in res] == [
        ("STORM", [("selinexor", 26, "%")]),  # the trial's one treatment, not the ones patients were refractory to
        ("HORIZON", [("melflufen and dexamethasone", 29, "%")]),
        ("MagnetisMM-3", [("elranatamab", 61.0, "%")]),
        ("INDIGO", [("vorasidenib", 27.7, "months"), ("placebo", 11.1, "months")]),
    ]


def test_a_trial_named_after_its_results_datelines_and_known_names_after_a_slash():
    text = ("BOSTON - A new drug helped children with leukaemia.\n\n"
            "Children were randomly assigned to chemotherapy alone or chemotherapy plus blinatumomab. Three years on, "
            "96.0% of the children given blinatumomab were alive with no sign of leukaemia, compared with 87.9% of "
            "those given chemotherapy alone.\n\n"
            "The trial, known as AALL1731, followed the children for a median of 2.5 years.\n\n"
            "In ENGOT-OV16/NOVA, freedom from treatment failure at 2 years was 64% with niraparib and 30% with placebo.")
    assert [(r.trial, r.endpoint, arms(r)) for r in records(text)] == [
        ("AALL1731", "DFS", [("blinatumomab", 96.0, "%"), ("chemotherapy", 87.9, "%")]),
        ("NOVA", "EFS", [("niraparib", 64, "%"), ("placebo", 30, "%")]),
    ]
    assert [r.trial for r in records(text, "trial")] == ["AALL1731", "NOVA"]


def test_a_known_trial_in_title_case_and_lexicon_regimens():
    text = ("In the primary analysis of the phase 2 Cardamon trial, 281 patients received KCd induction. "
            "The Italian trial enrolled 300 patients.\n\n"
            "HD21 randomly assigned patients to BrECADD or eBEACOPP. PFS at four years was 94.3% with BrECADD and "
            "90.9% with eBEACOPP.")
    assert [r.trial for r in records(text, "trial")] == ["CARDAMON", "HD21"]
    assert [arms(r) for r in records(text)] == [[("BrECADD", 94.3, "%"), ("eBEACOPP", 90.9, "%")]]


def test_lay_words_of_explainers_the_treated_group_and_the_watched_group():
    text = ("QuiRedex randomly assigned people to lenalidomide and dexamethasone or observation. Three years after "
            "joining, 94% of the treated group were still alive, compared with 80% of the group who were watched.\n\n"
            "AQUILA randomly assigned people to daratumumab or active monitoring. After five years, 63.1% of people who "
            "had daratumumab were alive without active myeloma, compared with 40.8% of people who were monitored.\n\n"
            "POLO put 154 people at random into two groups: 92 took olaparib and 62 took placebo. The cancer was kept "
            "under control for a median of 7.4 months with olaparib compared with 3.8 months with placebo. Scans "
            "showed the cancer had shrunk in 23% of people having olaparib, against 12% of people having placebo. "
            "On average, people lived for 19.0 months with olaparib and 19.2 months with placebo.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("OS", [("lenalidomide and dexamethasone", 94, "%"), ("observation", 80, "%")]),
        ("PFS", [("daratumumab", 63.1, "%"), ("observation", 40.8, "%")]),
        ("PFS", [("olaparib", 7.4, "months"), ("placebo", 3.8, "months")]),
        ("ORR", [("olaparib", 23, "%"), ("placebo", 12, "%")]),
        ("OS", [("olaparib", 19.0, "months"), ("placebo", 19.2, "months")]),
    ]


def test_durations_compared_after_the_drug_and_lay_disease_in_check():
    text = ("SSG XVIII randomly assigned them to take imatinib for either one year or three years. Five-year overall "
            "survival was 92.0% in the three-year group and 81.7% in the one-year group.\n\n"
            "INVICTUS randomised 129 patients to ripretinib or placebo. Ripretinib kept the disease in check for a "
            "median of 6.3 months, compared with 1.0 month on placebo.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("OS", [("3 years", 92.0, "%"), ("1 year", 81.7, "%")]),
        ("PFS", [("ripretinib", 6.3, "months"), ("placebo", 1.0, "months")]),
    ]


def test_a_list_of_landmarks_gives_one_comparison_per_landmark_and_plural_abbreviations_are_no_arms():
    text = ("E3A06 randomly assigned patients to lenalidomide or observation. Progression-free survival at 1, 2 and 3 "
            "years was 98%, 93% and 91% in the lenalidomide arm, compared with 89%, 76% and 66% in the observation arm.\n\n"
            "RADIANT-4 showed a similar benefit in 302 patients with lung NETs (median PFS 11.0 vs 3.9 months).")
    res = records(text)
    assert [(r.timepoint.value if r.timepoint else None, arms(r)) for r in res] == [
        (1, [("lenalidomide", 98, "%"), ("observation", 89, "%")]),
        (2, [("lenalidomide", 93, "%"), ("observation", 76, "%")]),
        (3, [("lenalidomide", 91, "%"), ("observation", 66, "%")]),
        (None, [(None, 11.0, "months"), (None, 3.9, "months")]),  # "NETs" is no arm
    ]
    assert all("arm:landmark-list" in r.rules for r in res[:3])


def test_a_single_arm_study_takes_the_treatment_named_just_before_it():
    res = records("Daratumumab was itself first approved as a single agent. In the phase 2 SIRIUS study, 106 patients "
                  "were treated at 16 mg/kg; 29.2% responded. Median PFS was 3.7 months.")
    assert [(r.trial, r.endpoint, arms(r)) for r in res] == [
        ("SIRIUS", "ORR", [("daratumumab", 29.2, "%")]),
        ("SIRIUS", "PFS", [("daratumumab", 3.7, "months")]),
    ]


def test_half_had_lived_n_months_or_more_is_a_median():
    res = records("In the NAPOLI 3 study, 770 people were put into one of two groups at random: 383 had NALIRIFOX and 387 "
                  "had gemcitabine with nab-paclitaxel. Half of the people in the NALIRIFOX group had lived 11.1 months or "
                  "more, compared with 9.2 months in the gemcitabine and nab-paclitaxel group. A PD-L1 score of 50% or more "
                  "was needed.")
    assert [(r.endpoint, arms(r)) for r in res] == [
        ("OS", [("NALIRIFOX", 11.1, "months"), ("gemcitabine and nab-paclitaxel", 9.2, "months")])]


def test_group_codes_with_a_slash_no_consolidation_progressive_disease_and_from_to_in_context():
    text = ("ATLANTA - Results of the Nordic Myeloma Study Group (NMSG) 15/05 trial were presented by Ulf-Henrik "
            "Mellqvist. Patients were randomly assigned to bortezomib consolidation or to no consolidation. Median "
            "progression-free survival was 27 months for patients who received bortezomib and 20 months for those "
            "who did not.\n\n"
            "GMMG-MM5 randomly assigned patients to VCD or PAd. VGPR rates were 37.0% vs 34.3%. The overall response "
            "rates were 78.1% and 72.1%, respectively, and progressive disease occurred in 0.4% vs 4.8% of patients.\n\n"
            "INAVO120 randomly assigned patients to inavolisib or placebo. The median progression-free survival "
            "more than doubled, from 7.3 months to 15.0 months.")
    assert [r.trial for r in records(text, "trial")] == ["NMSG 15/05", "GMMG-MM5", "INAVO120"]
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [("bortezomib", 27, "months"), ("no consolidation", 20, "months")]),
        ("VGPR", [("VCD", 37.0, "%"), ("PAd", 34.3, "%")]),
        ("ORR", [("VCD", 78.1, "%"), ("PAd", 72.1, "%")]),
        ("PROGRESSION", [("VCD", 0.4, "%"), ("PAd", 4.8, "%")]),
        ("PFS", [("placebo", 7.3, "months"), ("inavolisib", 15.0, "months")]),
    ]


def test_the_one_treatment_named_with_a_trial_and_the_cohorts_of_a_single_arm_study():
    text = ("Selinexor was approved on the basis of part 2 of the STORM trial. Of 122 patients, 26% had a partial "
            "response or better. Median PFS was 3.7 months.\n\n"
            "The phase 2 MonumenTAL-1 study of talquetamab enrolled three cohorts. The overall response rate was 74% in "
            "the weekly cohort, 69% in the every-other-week cohort and 67% in the prior-TCR cohort. Median PFS was 7.5 "
            "months, 11.2 months and 7.7 months, respectively.\n\n"
            "Ibrutinib was studied in the RESONATE trial. Median PFS was 44.1 versus 8.1 months.")
    assert [(r.trial, r.endpoint, arms(r)) for r in records(text)] == [
        ("STORM", "ORR", [("selinexor", 26, "%")]),
        ("STORM", "PFS", [("selinexor", 3.7, "months")]),
        ("MonumenTAL-1", "ORR", [("weekly", 74, "%"), ("every-other-week", 69, "%"), ("prior-TCR", 67, "%")]),
        ("MonumenTAL-1", "PFS", [("weekly", 7.5, "months"), ("every-other-week", 11.2, "months"),
                                 ("prior-TCR", 7.7, "months")]),
        # two values and one treatment: the other arm is not known, so neither is named
        ("RESONATE", "PFS", [(None, 44.1, "months"), (None, 8.1, "months")]),
    ]
    # the same sentence naming the trial and a comparison is no sole treatment
    res = records("Ibrutinib was compared with ofatumumab in the RESONATE trial. Median PFS was 44.1 months.")
    assert res == []  # a value no arm claims is no result


def test_a_trial_that_tested_a_drug_added_to_a_backbone_against_a_placebo_with_it():
    text = ("INAVO120 tested inavolisib added to palbociclib and fulvestrant, against a placebo with palbociclib and "
            "fulvestrant, in 325 people. The median progression-free survival more than doubled, from 7.3 months to "
            "15.0 months.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [("placebo", 7.3, "months"), ("inavolisib", 15.0, "months")])]


def test_plain_words_for_surviving_free_of_the_disease_take_the_endpoint_the_article_names():
    text = ("The antibody study: ANBL0032\n\n"
            "In the ANBL0032 study, children were put into one of two groups at random. One group had isotretinoin alone. "
            "Two years after joining the study, 66 out of every 100 children who had immunotherapy were alive and free "
            "of neuroblastoma, compared with 46 out of every 100 children who had isotretinoin alone. 86 in every 100 "
            "children in the immunotherapy group were alive at two years.\n\n"
            "References\n1. Yu AL, et al. Anti-GD2 antibody with GM-CSF, interleukin-2, and isotretinoin for "
            "neuroblastoma: event-free survival. N Engl J Med 2010.")
    res = records(text)
    assert [(r.trial, r.endpoint, arms(r)) for r in res] == [
        ("ANBL0032", "EFS", [("immunotherapy", 66, "%"), ("isotretinoin", 46, "%")]),
        ("ANBL0032", "OS", [("immunotherapy", 86, "%")]),
    ]
    assert "endpoint:as-the-article-names-it" in res[0].rules
    # an article naming no such endpoint (or two of them) keeps the phrase's own reading
    res = records(text.replace("event-free survival", "outcomes"))
    assert res[0].endpoint == "DFS"
    res = records(text.replace("event-free survival", "event-free survival and progression-free survival"))
    assert res[0].endpoint == "DFS"
    # a Children's Oncology Group code is a trial
    assert [r.trial for r in records("ANBL0532 asked whether two rounds were better than one.", "trial")] == ["ANBL0532"]


def test_schedules_every_n_weeks_are_arms_and_a_target_is_no_regimen():
    text = ("KEYNOTE-006 compared pembrolizumab, one of the PD-1 drugs, with ipilimumab. 834 people were split into "
            "three groups: pembrolizumab every 2 weeks, pembrolizumab every 3 weeks, or ipilimumab. The proportion "
            "alive without their melanoma growing was 47.3%, 46.4% and 26.5% in the every-2-weeks, every-3-weeks and "
            "ipilimumab groups, respectively. The cancer shrank in 33.7% with pembrolizumab every 2 weeks and 32.9% "
            "with pembrolizumab every 3 weeks, against 11.9% with ipilimumab.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [("every 2 weeks", 47.3, "%"), ("every 3 weeks", 46.4, "%"), ("ipilimumab", 26.5, "%")]),
        ("ORR", [("pembrolizumab every 2 weeks", 33.7, "%"), ("pembrolizumab every 3 weeks", 32.9, "%"),
                 ("ipilimumab", 11.9, "%")]),
    ]


def test_lay_medians_restated_figures_and_how_long_so_far_is_no_median_follow_up():
    text = ("MAIA compared Dara-Rd with Rd. This page explains what it found after people in it had been followed for "
            "more than five years. The latest results came when people had been in the study for a median of 64.5 "
            "months. In the Dara-Rd group, half of the people had their myeloma kept under control for 61.9 months or "
            "more. In the Rd group, that figure was 34.4 months. For people who had Rd, 5-year PFS was about 30 out of "
            "every 100 (29.6%).\n\n"
            "iNNOVATE compared ibrutinib and rituximab with placebo and rituximab. A major response means the IgM level "
            "fell by at least half. This happened in 72% of people on ibrutinib and rituximab, compared with 32% on "
            "rituximab alone. By four and a half years, 68% of the ibrutinib group were still alive without their WM "
            "getting worse, compared with 25% of the rituximab-only group.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [("Dara-Rd", 61.9, "months")]),
        ("PFS", [("Rd", 34.4, "months")]),
        ("PFS", [("Rd", 29.6, "%")]),
        ("ORR", [("ibrutinib and rituximab", 72, "%"), ("rituximab", 32, "%")]),
        ("PFS", [("ibrutinib", 68, "%"), ("rituximab", 25, "%")]),
    ]
    assert [r.months for r in records(text, "follow_up")] == [64.5]


def test_a_single_arm_study_s_figures_by_subgroup_and_its_treatment_given_to_every_patient():
    text = ("The final report of the MASTER trial is out. MASTER (Minimal residual disease response-Adapted Sequential "
            "ThERapy) was a phase 2, single-arm study. "
            "Every patient received four cycles of daratumumab, carfilzomib, lenalidomide and dexamethasone (Dara-KRd). "
            "MRD negativity was reached by 81% of patients overall. By genetic risk, the rates were 78%, 86% and 79% "
            "for patients with zero, one, and two or more high-risk abnormalities, respectively.")
    res = records(text)
    assert [(r.trial, r.endpoint, arms(r)) for r in res] == [
        ("MASTER", "MRD", [("Dara-KRd", 81, "%")]),
        ("MASTER", "MRD", [("Dara-KRd", 78, "%")]),
        ("MASTER", "MRD", [("Dara-KRd", 86, "%")]),
        ("MASTER", "MRD", [("Dara-KRd", 79, "%")]),
    ]
    assert "arm:single-arm-subgroups" in res[1].rules


def test_among_the_first_patients_is_the_same_trial_and_the_combination_to_from():
    text = ("In INO-VATE, 326 patients were randomised to inotuzumab ozogamicin or standard intensive chemotherapy. "
            "Among the first 218 patients, complete remission was reached by 80.7% on inotuzumab against 29.4% on "
            "chemotherapy.\n\n"
            "RAINBOW randomly assigned 665 patients to ramucirumab plus paclitaxel or placebo plus paclitaxel. The "
            "combination improved median OS to 9.6 months from 7.4 months.")
    assert [(r.trial, r.endpoint, arms(r)) for r in records(text)] == [
        ("INO-VATE", "CR", [("inotuzumab ozogamicin", 80.7, "%"), ("chemotherapy", 29.4, "%")]),
        ("RAINBOW", "OS", [("ramucirumab and paclitaxel", 9.6, "months"), ("placebo and paclitaxel", 7.4, "months")]),
    ]


def test_two_comparisons_in_one_sentence_and_the_control_group_for_standard_care():
    text = ("In the trial, 714 patients were randomly assigned to Keytruda alongside standard care, or standard care "
            "alone. Three years on, 59.8% of those who received Keytruda were alive without their cancer progressing or "
            "recurring, compared with 45.9% of those who had standard care alone. In one subgroup the three-year "
            "event-free survival rates were 58.2% and 44.9%, respectively, and in the overall trial population they "
            "were 57.6% and 46.4%. In that group the median was 59.7 months, against 29.6 months for the control group.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("EFS", [("pembrolizumab", 59.8, "%"), ("standard of care", 45.9, "%")]),  # the article's formal endpoint
        ("EFS", [("pembrolizumab", 58.2, "%"), ("standard of care", 44.9, "%")]),
        ("EFS", [("pembrolizumab", 57.6, "%"), ("standard of care", 46.4, "%")]),
        ("EFS", [("pembrolizumab", 59.7, "months"), ("control", 29.6, "months")]),
    ]


def test_a_range_of_rates_is_no_comparison_and_an_arm_after_another_endpoint_s_value_is_its_own():
    text = ("Single-agent chemotherapy yields response rates of 4% to 13%. Doxorubicin produces responses in 10% to 25% "
            "of patients.\n\n"
            "MIRASOL randomly assigned 453 patients to mirvetuximab soravtansine (MIRV) or investigator's choice "
            "chemotherapy (IC). The ORR was 42.3% vs 15.9% (OR 3.81; P < .0001), including complete responses in 5.3% of "
            "patients in the MIRV arm and none in the IC arm.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("ORR", [("MIRV", 42.3, "%"), ("IC", 15.9, "%")]),
        ("CR", [("MIRV", 5.3, "%")]),
    ]


def test_trials_in_title_case_and_with_a_year_and_regimens_spelled_out_in_brackets():
    text = ("Isatuximab Subcutaneous Versus Isatuximab Intravenous: Phase III IRAKLIA Study\n\n"
            "The results of the Euro Ewing 2012 trial were published this autumn. 640 patients were randomly assigned "
            "to the European regimen, known as VIDE (vincristine, ifosfamide, doxorubicin and etoposide), or to a "
            "compressed course of VDC/IE (vincristine, doxorubicin and cyclophosphamide alternating with ifosfamide and "
            "etoposide). Three-year overall survival was 82% with VDC/IE and 74% with VIDE.\n\n"
            "The Children's Oncology Group trial AHOD1331 enrolled 600 patients. They were randomly assigned to standard "
            "chemotherapy (ABVE-PC, 289 patients) or to brentuximab vedotin with chemotherapy (Bv-AVE-PC, 298 patients). "
            "Three-year event-free survival was 92.1% with brentuximab vedotin and 82.5% with standard chemotherapy.")
    assert [r.trial for r in records(text, "trial")] == ["IRAKLIA", "Euro Ewing 2012", "AHOD1331"]
    assert [(r.trial, r.endpoint, arms(r)) for r in records(text)] == [
        ("Euro Ewing 2012", "OS", [("VDC/IE", 82, "%"), ("VIDE", 74, "%")]),
        ("AHOD1331", "EFS", [("brentuximab vedotin", 92.1, "%"), ("chemotherapy", 82.5, "%")]),
    ]
    # a phase is no trial
    assert records("A Phase IIIB Study of daratumumab.", "trial") == []


def test_a_list_a_colon_opens_and_a_respectively_list_of_group_names():
    text = ("CLL13 put people at random into one of four groups. Three years on, the proportion of people whose CLL had "
            "not got worse was 90.5%, 87.7%, 80.8% and 75.5% in the three-drug, venetoclax-obinutuzumab, "
            "venetoclax-rituximab and chemo-immunotherapy groups, respectively.\n\n"
            "At four years, the percentage of people still living without their CLL getting worse was:\n\n"
            "Venetoclax and obinutuzumab: 81.8%\n\nChemo-immunotherapy: 62.0%")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [("three-drug", 90.5, "%"), ("venetoclax and obinutuzumab", 87.7, "%"),
                 ("venetoclax and rituximab", 80.8, "%"), ("chemoimmunotherapy", 75.5, "%")]),
        ("PFS", [("venetoclax and obinutuzumab", 81.8, "%")]),
        ("PFS", [("chemoimmunotherapy", 62.0, "%")]),
    ]


def test_groups_the_article_names_itself_in_a_respectively_list_and_after_their_first_comparison():
    text = ("CENTAURUS gave everyone daratumumab. People were put at random into one of three groups. The complete "
            "response rates were 2.4%, 4.9% and 0% in the long intense, intermediate and short intense groups, "
            "respectively. Later, complete response had been reached by 4.9% of people in the long intense group and "
            "9.8% of people in the intermediate group. A response of any kind was more common: 58.5% of the long "
            "intense group had a response. The figure was 53.7% with the intermediate schedule and 37.5% with the "
            "short intense schedule.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("CR", [("long intense", 2.4, "%"), ("intermediate", 4.9, "%"), ("short intense", 0, "%")]),
        ("CR", [("long intense", 4.9, "%"), ("intermediate", 9.8, "%")]),
        ("ORR", [("long intense", 58.5, "%")]),
        ("ORR", [("intermediate", 53.7, "%"), ("short intense", 37.5, "%")]),
    ]
    # words the article never calls a group are no arms: "in the younger and older patients, respectively"
    res = records("PFS was 40% and 30% in the younger and older groups, respectively.")
    assert [arms(r) for r in res] == [[(None, 40, "%"), (None, 30, "%")]]


def test_a_pair_after_both_arms_named_together_and_transplant_ineligible_is_no_arm():
    text = ("OCTANS randomly assigned 220 transplant-ineligible patients to D-VMP or VMP. The most frequent grade 3/4 "
            "adverse events with D-VMP and VMP were thrombocytopenia (46.5% vs 45.1%) and neutropenia (39.6% vs 50.7%).")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("AE", [("D-VMP", 46.5, "%"), ("VMP", 45.1, "%")]),
        ("AE", [("D-VMP", 39.6, "%"), ("VMP", 50.7, "%")]),
    ]


def test_a_landmark_in_weeks_is_a_timepoint_not_a_value():
    res = records("GeDDiS randomly assigned 257 patients to doxorubicin or gemcitabine-docetaxel. OS at 24 weeks was "
                  "86.8% v 82.6%, with median OS 76.3 v 67.3 weeks.")
    assert [(r.endpoint, arms(r)) for r in res] == [
        ("OS", [("doxorubicin", 86.8, "%"), ("gemcitabine and docetaxel", 82.6, "%")]),
        ("OS", [("doxorubicin", 76.3, "weeks"), ("gemcitabine and docetaxel", 67.3, "weeks")]),
    ]
    assert res[0].timepoint.value == 5.5 and res[0].timepoint.unit == "months"


def test_tumour_infiltrating_lymphocytes_are_an_arm_and_melanoma_coming_back_or_getting_worse():
    text = ("In a Dutch-Danish trial, 168 people were randomised, 84 to TIL and 84 to ipilimumab. Median progression-free "
            "survival was 7.2 months with TIL versus 3.1 months with ipilimumab. After 12 months, 83.7% of the TIL group "
            "were alive without the melanoma coming back or getting worse, compared with 57.2% of the ipilimumab group.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [("TIL", 7.2, "months"), ("ipilimumab", 3.1, "months")]),
        ("PFS", [("TIL", 83.7, "%"), ("ipilimumab", 57.2, "%")]),
    ]


def test_two_adverse_events_for_the_same_two_arms_in_one_sentence():
    res = records("Denosumab was compared with zoledronic acid in 1,718 patients. Hypocalcaemia occurred in 17% of the "
                  "denosumab group and 12% of the zoledronic acid group, and ONJ rates were 4% and 3% (p=0.147).")
    assert [(r.endpoint, arms(r)) for r in res] == [
        ("AE", [("denosumab", 17, "%"), ("zoledronic acid", 12, "%")]),
        ("AE", [("denosumab", 4, "%"), ("zoledronic acid", 3, "%")]),
    ]


def test_a_gain_of_n_months_is_a_difference_not_an_arm_s_value():
    assert records("A phase 2 trial suggested an OS gain of almost 12 months when olaratumab was added to doxorubicin.") == []
    res = records("NETTER-1 randomly assigned 231 patients to lutetium Lu 177 dotatate or octreotide. Median OS was 48.0 "
                  "months vs 36.3 months, a clinically relevant improvement of 11.7 months.")
    assert [arms(r) for r in res] == [[("lutetium Lu 177 dotatate", 48.0, "months"), ("octreotide", 36.3, "months")]]


def test_a_clause_that_refers_back_after_a_semicolon_opens_the_next_comparison():
    res = records("ANNOUNCE randomised 509 patients to doxorubicin plus olaratumab or doxorubicin plus placebo. Median OS "
                  "was 20.4 months with olaratumab and 19.7 months with placebo (HR 1.05; p=0.69); in the "
                  "leiomyosarcoma population, it was 21.6 v 21.9 months.")
    assert [arms(r) for r in res] == [
        [("olaratumab", 20.4, "months"), ("placebo", 19.7, "months")],
        [("olaratumab", 21.6, "months"), ("placebo", 21.9, "months")],
    ]


def test_compared_with_an_arm_first_lay_time_to_next_treatment_and_medians_after_an_arm():
    text = ("CLL11 randomly assigned 781 people to obinutuzumab and chlorambucil, rituximab and chlorambucil, or "
            "chlorambucil alone.\n\n"
            "- compared with chlorambucil alone, obinutuzumab and chlorambucil gave a median progression-free survival "
            "of 31.1 months, against 11.1 months\n\n"
            "People on obinutuzumab also went much longer before they needed another treatment for their CLL: a median "
            "of 51.1 months, compared with 38.2 months after rituximab and chlorambucil and 15.1 months after "
            "chlorambucil alone.\n\n"
            "In CLL10, FCR kept CLL under control for longer than BR: a median of 55.2 months compared with 41.7 months.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [("obinutuzumab and chlorambucil", 31.1, "months"), ("chlorambucil", 11.1, "months")]),
        ("TTNT", [("obinutuzumab and chlorambucil", 51.1, "months"), ("rituximab and chlorambucil", 38.2, "months"),
                  ("chlorambucil", 15.1, "months")]),
        ("PFS", [("FCR", 55.2, "months"), ("BR", 41.7, "months")]),
    ]


def test_capitals_with_an_arm_size_after_them_are_arms():
    text = ("In EVOLUTION, 140 patients were assigned to VDCR (n = 48), VDR (n = 42) or VDC (n = 33). The complete "
            "response rates were 25%, 24% and 22% with VDCR, VDR and VDC, respectively.")
    assert [arms(r) for r in records(text)] == [[("VDCR", 25, "%"), ("VDR", 24, "%"), ("VDC", 22, "%")]]


def test_an_arm_abbreviated_with_its_cycle_count():
    text = ("HD15 randomised patients 1:1:1 to eight cycles of escalated BEACOPP (8xeBEACOPP), six cycles of escalated "
            "BEACOPP (6xeBEACOPP) or eight cycles of BEACOPP-14. Five-year overall survival was 91.9% with 8xeBEACOPP "
            "and 95.3% with 6xeBEACOPP.")
    assert [arms(r) for r in records(text)] == [[("8xeBEACOPP", 91.9, "%"), ("6xeBEACOPP", 95.3, "%")]]


def test_a_pair_after_the_drug_that_sets_one_regimen_apart():
    text = ("The NMSG trial randomised 363 patients to MPT or MP plus placebo. Partial responses were seen in 34% and 33% "
            "of patients in the MPT and MP arms, respectively, but very good partial response or better was three times "
            "as frequent with thalidomide (23% v 7%).")
    assert [arms(r) for r in records(text)] == [
        [("MPT", 34, "%"), ("MP", 33, "%")],
        [("thalidomide", 23, "%"), ("MP", 7, "%")],  # thalidomide: the drug MPT adds
    ]


def test_list_items_headed_by_an_arm_code_and_a_target_is_no_arm():
    text = ("GMMG-HD6 tested elotuzumab, an antibody against SLAMF7, using a two-by-two design with four arms:\n\n"
            "A1: RVd induction, then lenalidomide maintenance (RVd/R)\n\nA2: RVd induction, then elotuzumab plus "
            "lenalidomide maintenance (RVd/E-R)\n\n"
            "The rates of very good partial response or better were 78.9% and 78.2% in arms A1 and A2, respectively.")
    assert [arms(r) for r in records(text)] == [[("arm A1", 78.9, "%"), ("arm A2", 78.2, "%")]]


def test_values_then_the_endpoint_their_patients_reached_and_lay_progression_wording():
    text = ("GEM2010MAS65 compared the sequential and alternating schedules. 74 out of every 100 people on the "
            "sequential schedule had not seen their myeloma get worse at that point, compared with 80 out of every 100 "
            "on the alternating schedule. People lived without the myeloma getting worse for a median of 32 months on "
            "the sequential schedule and 34 months on the alternating schedule, and three years after starting "
            "treatment, 72% and 74% of them were alive.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [("sequential", 74, "%"), ("alternating", 80, "%")]),
        ("PFS", [("sequential", 32, "months"), ("alternating", 34, "months")]),
        ("OS", [("sequential", 72, "%"), ("alternating", 74, "%")]),
    ]


def test_smouldering_myeloma_becoming_active_in_plain_words():
    text = ("QuiRedex enrolled 119 people. At random, 57 of them were given lenalidomide (Revlimid) tablets with "
            "dexamethasone, and 62 had observation only. By then, active myeloma had developed in 39 out of every 100 "
            "treated people, compared with 86 out of every 100 people who were watched. On average (median), the time "
            "before the myeloma became active was 9.5 years with treatment compared with 2.1 years with observation.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PROGRESSION", [("lenalidomide", 39, "%"), ("observation", 86, "%")]),
        ("TTP", [("lenalidomide", 9.5, "years"), ("observation", 2.1, "years")]),
    ]


def test_the_dose_cohorts_of_a_study_and_a_drug_s_development_code():
    text = ("The bispecific antibody elranatamab (PF-06863135) was given at 76 mg to 120 patients and at 44 mg to 60 "
            "patients in the MagnetisMM-9 study. At a median follow-up of 11.2 months in the 76-mg cohort, the response "
            "rate was 61%, compared with 45% in the 44-mg cohort. Complete responses were seen in 35% at 76 mg and 18% "
            "at 44 mg. Grade 3 infections occurred in 30% of all patients.")
    assert [arms(r) for r in records(text)] == [
        [("76 mg", 61, "%"), ("44 mg", 45, "%")],
        [("76 mg", 35, "%"), ("44 mg", 18, "%")],
        [("elranatamab", 30, "%")],  # the drug, not its code
    ]
    # one dose is no cohort of its own: the drug stays the arm
    one = records("Patients in the STEP-2 study received drugamab (XY-1234) at 10 mg weekly. The response rate was 52%.")
    assert [arms(r) for r in one] == [[("drugamab", 52, "%")]]


def test_trials_by_a_name_in_brackets_after_study_a_name_that_was_a_trial_and_a_lower_case_first_letter():
    def trials(text):
        return [r.trial for r in records(text, kind="trial")]

    assert trials("Randomized phase III study (ADMYRE) of plitidepsin with dexamethasone.") == ["ADMYRE"]
    assert trials("BRAVADO was a randomized, open-label trial of two schedules.") == ["BRAVADO"]
    assert trials("Results of the iMMagine-1 study were presented today.") == ["iMMagine-1"]
    assert trials("The MAG 90 trial randomised 185 patients.") == ["MAG 90"]
    # a registration number in brackets is no name
    assert trials("The phase 2 trial (ACTRN12617000202369) enrolled 121 patients.") == []


def test_a_drug_known_by_the_dose_after_it_and_capitals_given_with_a_drug():
    text = ("In the ZEPHYR trial, 240 patients were randomized to zorbatidine 12 mg/m2 plus dexamethasone or to "
            "dexamethasone alone. Median PFS was 4.1 months with zorbatidine plus dexamethasone and 2.0 months with "
            "dexamethasone alone.")
    assert [arms(r) for r in records(text)] == [[("zorbatidine and dexamethasone", 4.1, "months"), ("dexamethasone", 2.0, "months")]]
    # "received 10 mg" names no drug
    assert [arms(r) for r in records("In the KAPPA study, all patients received 10 mg lenalidomide. The response rate was 40%.")] == [[("lenalidomide", 40, "%")]]
    text = ("The trial randomly assigned women to tamoxifen alone, tamoxifen plus ovarian function suppression (OFS), or "
            "letrozole plus OFS. Five-year disease-free survival was 84.7%, 86.6% and 89.0%, respectively.")
    assert [arms(r) for r in records(text)] == [[("tamoxifen", 84.7, "%"), ("tamoxifen and OFS", 86.6, "%"), ("letrozole and OFS", 89.0, "%")]]


def test_a_drug_given_with_or_without_another_and_survival_that_did_not_differ():
    text = ("The HELIOS trial randomised 900 women to carboplatin and paclitaxel with or without a lower dose of "
            "nintedanib. Median progression-free survival was 17.2 vs 16.6 months. In women at high risk, median PFS rose "
            "from 9.4 to 14.1 months. Survival did not differ (42.0 months with chemotherapy v 43.1 months with nintedanib).")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [("nintedanib", 17.2, "months"), ("carboplatin and paclitaxel", 16.6, "months")]),
        ("PFS", [("carboplatin and paclitaxel", 9.4, "months"), ("nintedanib", 14.1, "months")]),  # the later value is the drug's
        ("OS", [("chemotherapy", 42.0, "months"), ("nintedanib", 43.1, "months")]),
    ]


def test_a_study_s_one_treatment_after_a_hyphenated_or_and_after_prior_therapy_it_took():
    text = ("I was patient something-or-other in ZETA-1, the study of orva-cel (orvacabtagene autoleucel) for people "
            "whose myeloma had come back. The median progression-free survival was 14.2 months.")
    assert [arms(r) for r in records(text)] == [[("orva-cel", 14.2, "months")]]  # an unknown cell therapy, as first named
    text = ("In OMEGA-2, 55 patients, all refractory to bortezomib, took vorinostat 400 mg with bortezomib 1.3 mg/m2 "
            "and dexamethasone 20 mg. The overall response rate was 34.5%.")
    assert [arms(r) for r in records(text)] == [[("vorinostat and bortezomib and dexamethasone", 34.5, "%")]]


def test_arms_known_only_by_their_labels_and_doses_compared_with_their_sizes_between():
    text = ("PX-171-005 treated patients in two consecutive cohorts. Cohort 1 (n = 40) received 20 mg/m2; cohort 2 "
            "(n = 50) received 27 mg/m2. The response rate was 40.0% in cohort 1 and 50.0% in cohort 2.")
    recs = records(text)
    assert [(r.trial, arms(r)) for r in recs] == [("PX-171-005", [("cohort 1", 40.0, "%"), ("cohort 2", 50.0, "%")])]
    text = ("84 patients were randomly assigned to drug X on days 1 to 21 (arm 21/28, n = 43) or continuously (arm "
            "28/28, n = 41). The response rate was 35% in arm 21/28 and 34% in arm 28/28.")
    assert [arms(r) for r in records(text)] == [[("arm 21/28", 35, "%"), ("arm 28/28", 34, "%")]]
    text = ("The CRISP study randomly assigned 54 patients to bortezomib 1.0 mg/m2 (n = 28) or 1.3 mg/m2 (n = 26). "
            "The response rates were 30% and 38%, respectively.")
    assert [arms(r) for r in records(text)] == [[("bortezomib 1.0 mg/m2", 30, "%"), ("1.3 mg/m2", 38, "%")]]


def test_half_had_died_by_is_a_median_and_a_donor_transplant_is_an_arm():
    text = ("In the MYELO-7 trial, people with a donor had a donor transplant and the others a tandem transplant. Half "
            "of the people who had the donor transplant had died by 35 months, compared with 41 months for those who had the "
            "tandem transplant.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("OS", [("donor transplant", 35, "months"), ("tandem transplant", 41, "months")])]
    # a tracer's name is no trial
    assert [r.trial for r in records("Men in TheraP had PSMA-avid disease on 68Ga-PSMA-11 PET/CT.", kind="trial")] == ["TheraP"]


def test_the_cohorts_of_a_study_without_randomised_arms_each_in_turn():
    text = ("GEMINI-3 was a phase 1b study that tried isatuximab with several partner drugs, each in a separate group "
            "of patients. The isa-pom-dex group (Isa-Pd) had 45 patients. Sixty percent responded. The median "
            "progression-free survival was 8.8 months. The isa-carfilzomib-dex group (Isa-Kd) had 33 patients. The "
            "response rate was 84%.")
    recs = records(text, kind=None)
    assert [r.n for r in recs if r.kind == "sample_size"] == [45, 33]
    assert [arms(r) for r in recs if r.kind == "result"] == [
        [("Isa-Pd", 60, "%")], [("Isa-Pd", 8.8, "months")], [("Isa-Kd", 84, "%")]]


def test_cohorts_by_letter_and_a_rate_given_before_another_value_s_patients_reached_theirs():
    text = ("ZETA-2 is a multicohort phase 2 study of cilta-cel. Cohort A enrolled patients after one to three lines; "
            "cohort B enrolled patients with early relapse. In cohort A, the overall response rate (ORR) was 95% and "
            "90% of patients achieved a complete response or better. In cohort B, the ORR was 100%.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("ORR", [("cohort A", 95, "%")]), ("CR", [("cohort A", 90, "%")]), ("ORR", [("cohort B", 100, "%")])]


def test_arms_the_article_calls_the_triplet_and_the_doublet_and_a_sponsor_code_in_brackets():
    text = ("They were randomly assigned to drugamib, drugatinib and cetuximab (the triplet), to drugamib and "
            "cetuximab (the doublet), or to irinotecan with cetuximab (the control group). Median overall survival "
            "was 9.0 months with the triplet and 8.4 months with the doublet, compared with 5.4 months in the control group.")
    assert [arms(r) for r in records(text)] == [[("triplet", 9.0, "months"), ("doublet", 8.4, "months"), ("control", 5.4, "months")]]
    text = "In this phase 1-2 study (AB-12345-MM-001), patients received iberdomide. The response rate was 40.6%."
    assert [(r.trial, arms(r)) for r in records(text)] == [("AB-12345-MM-001", [("iberdomide", 40.6, "%")])]


def test_one_value_for_both_of_two_arms_among_three_and_with_a_drug_or_without_it():
    text = ("They were randomly assigned to drugamib, drugatinib and cetuximab (the triplet), to drugamib and "
            "cetuximab (the doublet), or to irinotecan with cetuximab (the control group). Median overall survival was "
            "9.3 months in both the triplet and the doublet groups, against 5.9 months for control.")
    assert [arms(r) for r in records(text)] == [[("triplet", 9.3, "months"), ("doublet", 9.3, "months"), ("control", 5.9, "months")]]
    text = ("In TORCH, 442 patients were assigned to docetaxel with cetuximab (n = 222) or without it (n = 220). Adding "
            "cetuximab prolonged median overall survival from 7.4 to 10.1 months.")
    assert [arms(r) for r in records(text)] == [[("docetaxel", 7.4, "months"), ("cetuximab", 10.1, "months")]]


def test_chemotherapy_named_by_its_base_drug_and_a_chemotherapy_free_regimen():
    text = ("KEYNOTE-999 randomised 1,274 patients to pembrolizumab or to carboplatin-based chemotherapy. Median overall "
            "survival was 16.7 vs 12.1 months. Severe neutropenia was less frequent with the chemotherapy-free regimen, at 32%.")
    assert [arms(r) for r in records(text)] == [
        [("pembrolizumab", 16.7, "months"), ("chemotherapy", 12.1, "months")], [("chemotherapy-free regimen", 32, "%")]]


def test_hipec_is_an_arm_and_a_protein_with_a_number_is_no_trial():
    text = ("OVHIPEC-9 randomly assigned women during surgery to surgery alone or surgery with HIPEC. Median overall "
            "survival was 45.7 months with HIPEC and 33.9 months with surgery alone.")
    assert [arms(r) for r in records(text)] == [[("HIPEC", 45.7, "months"), ("surgery", 33.9, "months")]]
    text = "Enfortumab vedotin targets Nectin-4; siltuximab blocks Interleukin-6. In EV-301, 608 patients took part."
    assert [r.trial for r in records(text, kind="trial")] == ["EV-301"]


def test_a_lay_median_with_its_endpoint_after_a_bound_and_the_arm_called_the_other_group():
    text = ("ZETA-3 included 646 people: 321 had drugamib, lenalidomide and dexamethasone, and 325 had lenalidomide and "
            "dexamethasone only. Half of the people in the drugamib group lived for 19.4 months or more without their "
            "myeloma getting worse. After one year, 68 out of every 100 people in the drugamib group were alive without "
            "their myeloma getting worse, compared with 57 out of every 100 in the other group. The myeloma responded "
            "in 79% of people who had drugamib and in 66% of those who did not.")
    rd, drd = "lenalidomide and dexamethasone", "drugamib and lenalidomide and dexamethasone"
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [(drd, 19.4, "months")]), ("PFS", [(drd, 68, "%"), (rd, 57, "%")]), ("ORR", [(drd, 79, "%"), (rd, 66, "%")])]


def test_the_cohort_named_last_holds_the_figures_that_follow_and_a_timepoint_one_year_in():
    text = ("ZETA-014 is a phase 2 study. Cohort A: 56 people had pomalidomide and low-dose dexamethasone. Cohort B: "
            "112 people had pomalidomide, low-dose dexamethasone and drugamib. In cohort A, the response rate was 32.1%. "
            "Only 10.7% reached a very good partial response or better. Adding drugamib in cohort B gave better numbers. "
            "77.7% of people responded. One year in, 75.1% of them were still progression-free.")
    got = [(r.endpoint, arms(r), r.timepoint.months if r.timepoint else None) for r in records(text)]
    assert got == [("ORR", [("cohort A", 32.1, "%")], None), ("VGPR", [("cohort A", 10.7, "%")], None),
                   ("ORR", [("cohort B", 77.7, "%")], None), ("PFS", [("cohort B", 75.1, "%")], 12)]
    text = ("E1900 randomised 657 people to the higher dose or the standard dose of daunorubicin. Complete remission "
            "happened in 71% of people who had the higher dose and 57% of people who had the standard dose.")
    assert [arms(r) for r in records(text)] == [[("higher dose", 71, "%"), ("standard dose", 57, "%")]]


def test_a_real_world_cohort_its_subgroups_and_a_trial_its_patients_were_not_in():
    text = ("The retrospective analysis covered 196 patients with relapsed myeloma who received standard-of-care ide-cel "
            "at 11 US academic centers between May 2021 and March 2022; 211 patients had undergone leukapheresis. "
            "75% would have been ineligible for KarMMa. The overall response rate was 84%. Patients who had received a "
            "BCMA-targeted therapy did worse: their overall response rate was 74%, versus 86% for BCMA-naive patients.")
    assert [(r.trial, arms(r)) for r in records(text)] == [
        (None, [("idecabtagene vicleucel", 84, "%")]), (None, [("idecabtagene vicleucel", 74, "%")]),
        (None, [("idecabtagene vicleucel", 86, "%")])]
    assert [r.n for r in records(text, kind="sample_size")] == [196]


def test_two_durations_of_one_treatment_are_arms_named_with_it():
    text = ("HERA randomly assigned 5,102 women to observation, to one year of trastuzumab given every three weeks, or to "
            "two years of trastuzumab. Ten-year disease-free survival was 63% in the observation group, 69% in the "
            "one-year group and 70% in the two-year group. The 12-year overall survival rates for observation, one year "
            "and two years of trastuzumab were 73%, 79% and 80%, respectively.")
    one, two = "one year of trastuzumab", "two years of trastuzumab"
    assert [arms(r) for r in records(text)] == [
        [("observation", 63, "%"), (one, 69, "%"), (two, 70, "%")], [("observation", 73, "%"), (one, 79, "%"), (two, 80, "%")]]


def test_trials_numbered_with_a_hash_or_named_in_brackets_and_a_bispecific_s_targets_are_no_trial():
    text = ("The Nordic Myeloma Study Group trial NMSG #12 randomised 363 patients to MPT or MP. The Turkish Myeloma Study "
            "Group (TMSG) trial randomised 122 patients. The German trial (StiL NHL 1) compared BR with R-CHOP. "
            "Elranatamab is a BCMA-CD3 bispecific.")
    assert [r.trial for r in records(text, kind="trial")] == ["NMSG #12", "TMSG", "StiL NHL1"]  # (the lexicon's name)


def test_pooled_individual_data_belong_to_no_one_trial_and_a_single_arm_s_figures_in_one_sentence():
    text = ("NMSG #12 randomised 363 patients to MPT or MP. Median overall survival was 29 vs 32 months. Fayers and "
            "colleagues pooled individual data from 1,685 patients in the six trials. Median overall survival was 39.3 "
            "months with MPT and 32.7 months with MP.")
    assert [r.trial for r in records(text)] == ["NMSG #12", None]
    text = ("MagnetisMM-3 enrolled 123 patients who received elranatamab. Cytokine release syndrome occurred in 57.7% of "
            "patients, none of it grade 3 or higher, but infections were common: 69.9% of patients had an infection.")
    assert [arms(r) for r in records(text)] == [[("elranatamab", 57.7, "%")], [("elranatamab", 69.9, "%")]]


def test_clots_and_bleeding_on_clot_prevention_drugs_a_bracket_before_a_glued_citation_and_median_observation():
    text = ("In the first, 667 people were randomly assigned to aspirin 100 mg, low-dose warfarin or enoxaparin 40 mg. "
            "Serious clots, heart attacks or strokes occurred in 6.4% of those on aspirin, 8.2% on warfarin and 5.0% on "
            "enoxaparin.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("AE", [("aspirin", 6.4, "%"), ("warfarin", 8.2, "%"), ("enoxaparin", 5.0, "%")])]
    text = ("ZETA-7 randomised 289 patients to thalidomide-dexamethasone (TD) or melphalan-prednisone (MP).7 TD produced "
            "more responses (68% vs 50%). After a median observation time of 5.9 years, median progression-free survival "
            "was 16.7 months with TD and 20.7 months with MP.")
    assert [arms(r) for r in records(text)] == [[("TD", 68, "%"), ("MP", 50, "%")], [("TD", 16.7, "months"), ("MP", 20.7, "months")]]
    assert [r.months for r in records(text, kind="follow_up")] == [70.8]


def test_the_control_group_is_the_arm_the_other_is_not_and_a_timepoint_at_about_six_months():
    text = ("MAIA randomly assigned 737 patients to D-Rd or Rd. Median progression-free survival reached 61.9 months in "
            "the daratumumab group compared with 34.4 months in the control group. The final overall-survival analysis "
            "showed 90.3 months with D-Rd vs 64.1 months with Rd; the curves crossed at about six months.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [("daratumumab", 61.9, "months"), ("Rd", 34.4, "months")]), ("OS", [("D-Rd", 90.3, "months"), ("Rd", 64.1, "months")])]


def test_an_abbreviation_for_drugs_given_together_a_lay_median_with_or_more_and_transplant_related_deaths():
    text = ("At the MD Anderson Cancer Center, 202 people were put at random into two groups. One group had melphalan "
            "alone; the other had busulfan and melphalan together (Bu-Mel). The people who had Bu-Mel lived without their "
            "myeloma getting worse for a median of 64.7 months, against 33.6 months for those who had melphalan alone.")
    assert [arms(r) for r in records(text)] == [[("Bu-Mel", 64.7, "months"), ("melphalan", 33.6, "months")]]
    text = ("KarMMa-2 treated 37 people with ide-cel. Half of them lived without their myeloma getting worse for 11.4 "
            "months or more. Transplant-related deaths were 3%.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [("idecabtagene vicleucel", 11.4, "months")]), ("TRM", [("idecabtagene vicleucel", 3, "%")])]


def test_values_listed_before_their_arms_and_the_next_comparison_of_the_same_arms():
    text = ("BCIRG 006 randomised 3,222 women to AC-T, AC-TH or TCH. The ten-year update told the same story: disease-free "
            "survival of 67.9%, 74.6% and 73.0% with AC-T, AC-TH and TCH, and overall survival of 78.7%, 85.9% and 83.3%. "
            "People who had isatuximab lived for a median of 24.6 months, compared with 17.7 months for those who had "
            "pomalidomide and dexamethasone.")
    assert [arms(r) for r in records(text)][:2] == [
        [("AC-T", 67.9, "%"), ("AC-TH", 74.6, "%"), ("TCH", 73.0, "%")], [("AC-T", 78.7, "%"), ("AC-TH", 85.9, "%"), ("TCH", 83.3, "%")]]
    assert arms(records(text)[2])[1] == ("pomalidomide and dexamethasone", 17.7, "months")


def test_a_from_to_comparison_leaves_the_order_of_the_arms_and_very_good_partial_responses():
    text = ("PAOLA-9 randomised 806 patients to olaparib plus bevacizumab or placebo plus bevacizumab. In HRD-positive "
            "patients, adding olaparib took median PFS from 17.7 months to 37.2 months. In HRD-positive tumors without a "
            "BRCA mutation it was 28.1 vs 16.6 months. Very good partial responses or better were seen in 23% and 7%, "
            "respectively.")
    ob, pb = "olaparib and bevacizumab", "placebo and bevacizumab"
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [(pb, 17.7, "months"), (ob, 37.2, "months")]), ("PFS", [(ob, 28.1, "months"), (pb, 16.6, "months")]),
        ("VGPR", [(ob, 23, "%"), (pb, 7, "%")])]


def test_a_group_code_in_brackets_after_trial_a_sponsor_study_number_and_events_listed_before_their_arm():
    text = ("The SHAPE trial (CCTG CX.5) randomly assigned 700 women to simple or radical hysterectomy. Within four weeks, "
            "urinary incontinence occurred in 2.4% of women in the simple hysterectomy group and in 5.5% of those in the "
            "radical hysterectomy group. The evidence also comes from a study known as Study 20090482, in which 1,718 "
            "people took part. The phase 1 study 124 patients were treated in was small.")
    recs = records(text)
    assert [r.trial for r in records(text, kind="trial")] == ["SHAPE", "20090482"]
    assert [(r.trial, r.endpoint) for r in recs] == [("SHAPE", "AE")]
    text = ("IPASS randomised 1,217 patients to gefitinib or carboplatin-paclitaxel. The most common adverse events were "
            "rash or acne (in 66.2% of patients) and diarrhea (46.6%) for gefitinib and neurotoxic effects (69.9%), "
            "neutropenia (67.1%), and alopecia (58.4%) for carboplatin-paclitaxel.")
    got = [a for r in records(text) for a in arms(r)]
    assert ("carboplatin and paclitaxel", 67.1, "%") in got and ("carboplatin and paclitaxel", 58.4, "%") in got


def test_the_two_targeted_regimens_and_an_endpoint_named_last_before_this_happened():
    text = ("BEACON-9 randomly assigned patients to encorafenib, binimetinib and cetuximab (the triplet), to encorafenib "
            "and cetuximab (the doublet), or to irinotecan with cetuximab (the control group). Confirmed responses were "
            "seen in 26.8% and 19.5% of patients given the two targeted regimens and in 1.8% of those given the control "
            "group's regimen.")
    assert [arms(r) for r in records(text)] == [[("encorafenib and binimetinib and cetuximab", 26.8, "%"),
                                                 ("encorafenib and cetuximab", 19.5, "%"), ("control", 1.8, "%")]]
    text = ("ALCYONE randomised 706 people to D-VMP or VMP. Some people got an even deeper response, called MRD-negative. "
            "This happened in 22.3% of people who had D-VMP, compared with 6.2% of those who had VMP.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [("MRD", [("D-VMP", 22.3, "%"), ("VMP", 6.2, "%")])]


def test_a_value_s_patients_who_responded_and_event_free_survival_in_lay_words():
    text = ("CheckMate 9LA randomised 719 patients to nivolumab plus ipilimumab with chemotherapy or chemotherapy alone. "
            "Median progression-free survival was 6.7 months for the combination and 5.0 months for chemotherapy, and 38% "
            "of patients responded to the combination, compared with 25% on chemotherapy alone.")
    assert [r.endpoint for r in records(text)] == ["PFS", "ORR"]
    text = ("APL0406 randomised 276 people to ATRA and arsenic trioxide or ATRA and chemotherapy. After two years, 97 out of "
            "every 100 people on ATRA and arsenic trioxide were alive without their leukaemia coming back or another "
            "event, compared with 86 out of every 100 people on ATRA and chemotherapy. Only 1% of people on ATRA and "
            "arsenic trioxide had their leukaemia come back, compared with 18% of people on ATRA and chemotherapy.")
    assert [r.endpoint for r in records(text)] == ["EFS", "PROGRESSION"]


def test_a_pulsed_drug_joins_its_arm_and_very_good_partial_remissions():
    text = ("A total of 289 patients were randomised to thalidomide 200 mg daily with pulsed dexamethasone 40 mg, in 28-day "
            "cycles, or to MP. On response, TD won comfortably: complete plus very good partial remissions were seen in "
            "26% vs 13% of patients.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("VGPR", [("thalidomide and dexamethasone", 26, "%"), ("MP", 13, "%")])]


def test_the_one_treatment_a_title_names_holds_figures_no_arm_claims_and_years_ago_are_no_value():
    text = ("The once-every-three-weeks bispecific: what I learned reading about etentamig\n\n"
            "It was a phase 1 study (NCT03933735) that started with dose escalation. Across all 124 patients, 57% "
            "responded. \"Four years ago, median survival was about a year and a half,\" said an investigator.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [("ORR", [("etentamig", 57, "%")])]
    assert [r.n for r in records(text, kind="sample_size")] == [124]


def test_an_mrd_negative_complete_remission_rate_is_an_mrd_rate():
    text = ("PhALLCON randomised 245 adults to ponatinib or imatinib. The rate of MRD-negative complete remission at the "
            "end of induction was 34.4% with ponatinib vs 16.7% with imatinib. Minimal residual disease-negative complete "
            "response was seen in 25% vs 10%.")
    assert [r.endpoint for r in records(text)] == ["MRD", "MRD"]


def test_one_drug_at_two_doses_is_two_arms_and_the_lower_dose_is_the_smaller():
    text = ("ENESTnd put 846 adults into three groups at random: nilotinib 300 mg twice a day, nilotinib 400 mg twice a "
            "day, or imatinib 400 mg once a day. After one year, 44 out of every 100 people on the lower dose of "
            "nilotinib had a major molecular response, 43 out of every 100 on the higher dose, and 22 out of every 100 "
            "on imatinib. After five years, these figures had risen to 77%, 77% and 60%.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("MRD", [("nilotinib 300 mg", 44, "%"), ("nilotinib 400 mg", 43, "%"), ("imatinib", 22, "%")]),
        ("MRD", [("nilotinib 300 mg", 77, "%"), ("nilotinib 400 mg", 77, "%"), ("imatinib", 60, "%")])]
    text = ("Patients were randomised 1:1:1 to pembrolizumab 2 mg/kg, pembrolizumab 10 mg/kg or docetaxel 75 mg/m2. "
            "In patients whose tumours expressed PD-L1 on at least 50% of cells, the survival benefit was larger: 14.9 "
            "months with 2 mg/kg, 17.3 months with 10 mg/kg and 8.2 months with docetaxel.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("OS", [("pembrolizumab 2 mg/kg", 14.9, "months"), ("pembrolizumab 10 mg/kg", 17.3, "months"),
                ("docetaxel", 8.2, "months")])]
    # a drug of a combination keeps its dose to itself: "doxorubicin 60 mg/m2 plus trabectedin" is one arm
    text = ("LMS-04 randomised 150 patients to doxorubicin 60 mg/m2 plus trabectedin or doxorubicin 75 mg/m2 alone. "
            "Median PFS was 12.2 months with the combination and 6.2 months with doxorubicin alone.")
    assert all("mg" not in a for r in records(text) for a, _, _ in arms(r))


def test_a_heading_opening_with_another_drug_starts_its_own_study():
    text = ("The other bispecifics I read about this month\n\n1. Elranatamab (MagnetisMM-1)\nThe overall response rate "
            "was 63.6%. Among people who had already had a BCMA-targeted drug or CAR-T, the response rate was lower at "
            "53.8%.\n\n2. ABBV-383 (now called etentamig)\nIn the phase 1 study 124 patients were treated. Across all "
            "doses the response rate was 57%.")
    assert [(r.trial, arms(r)) for r in records(text)] == [
        ("MagnetisMM-1", [("elranatamab", 63.6, "%")]), ("MagnetisMM-1", [("elranatamab", 53.8, "%")]),
        (None, [("etentamig", 57, "%")])]
    # a heading asking about a drug of the same trial leaves the trial alone
    text = ("GOG-240 randomised 452 women to chemotherapy with or without bevacizumab.\n\nDid adding bevacizumab help?\n\n"
            "Women who had chemotherapy with bevacizumab lived for 17.0 months on average, compared with 13.3 months for "
            "women who had chemotherapy alone.")
    assert [r.trial for r in records(text)] == ["GOG-240"]


def test_an_unnamed_single_arm_study_keeps_its_regimen_through_a_drug_s_dosing():
    text = ("It was a single-arm study - everyone got KRd, there was no comparison group. 53 patients took part, and "
            "carfilzomib was escalated up to 36 mg/m2. After 12 cycles, 81% had at least a very good partial response, "
            "62% had a near-complete response or better, and 42% had a stringent complete response.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("VGPR", [("KRd", 81, "%")]), ("CR", [("KRd", 62, "%")]), ("CR", [("KRd", 42, "%")])]
    # "grabs BCMA with one arm": no single-arm study
    text = "Like teclistamab and elranatamab, etentamig grabs BCMA with one arm and CD3 with the other. 57% responded."
    assert all(a != "teclistamab and elranatamab and etentamig" for r in records(text) for a, _, _ in arms(r))


def test_named_side_effects_survival_after_and_reached_it():
    text = ("DASISION split 519 people at random between dasatinib and imatinib. After one year, 46% of people taking "
            "dasatinib had a major molecular response, against 28% of those taking imatinib. By five years, 76% of "
            "people on dasatinib and 64% of people on imatinib had reached it. Survival after five years was almost the "
            "same: 91% with dasatinib and 90% with imatinib. Fluid around the lungs (pleural effusion) happened in 28% "
            "of people on dasatinib.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("MRD", [("dasatinib", 46, "%"), ("imatinib", 28, "%")]), ("MRD", [("dasatinib", 76, "%"), ("imatinib", 64, "%")]),
        ("OS", [("dasatinib", 91, "%"), ("imatinib", 90, "%")]), ("AE", [("dasatinib", 28, "%")])]
    # PD-L1 scoring categories are no arms
    text = ("OAK randomised 1,225 patients to atezolizumab or docetaxel. The benefit was greatest in tumours with the "
            "highest PD-L1 expression (TC3 or IC3): overall survival was 20.5 versus 8.9 months.")
    assert [arms(r) for r in records(text)] == [[("atezolizumab", 20.5, "months"), ("docetaxel", 8.9, "months")]]


def test_sponsor_codes_study_numbers_and_a_known_name_before_a_slash():
    def trials(text):
        return [r.trial for r in records(text, kind="trial")]
    assert trials("Study 309 randomised 452 patients to eribulin or dacarbazine.") == ["Study 309"]
    assert trials("It was a randomised phase 2 study, which the sponsor ran as study CA204-009.") == ["CA204-009"]
    assert trials("In part B of the study (TED10893), patients were randomly assigned to isatuximab alone or with "
                  "dexamethasone.") == ["TED10893"]
    assert trials("A newer French study, Myelaxat, looked at the tablet apixaban.") == ["Myelaxat"]
    assert trials("In this open-label phase 3 trial (IMCgp100-202), 378 patients were randomised.") == ["IMCgp100-202"]
    assert trials("The German DSMM XIII trial asked whether a transplant still adds anything.") == ["DSMM XIII"]
    assert trials("Glioblastoma: CeTeG/NOA-09\n\nThe German CeTeG/NOA-09 trial included 141 people.") == ["CeTeG/NOA-09"]
    # "the phase 1 study 124 patients": no name
    assert trials("In the phase 1 study 124 patients were treated.") == []


def test_an_abstract_s_real_world_methods_are_not_the_background_s_trial():
    text = ("Background: Idecabtagene vicleucel (ide-cel) was approved on the basis of the single-arm KarMMa study. "
            "Methods: We retrospectively collected data from 11 US academic centers on all patients who received "
            "standard-of-care ide-cel. Results: The best overall response rate was 84%.")
    assert [(r.trial, arms(r)) for r in records(text)] == [(None, [("idecabtagene vicleucel", 84, "%")])]
    text = ("Background: Lenalidomide maintenance was tested in the IFM 2005-02 trial. Methods: We randomly assigned 614 "
            "patients to lenalidomide or placebo. Results: Median PFS was 41 vs 23 months.")
    assert [r.trial for r in records(text)] == ["IFM 05-02"]


def test_one_group_and_the_other_name_the_arms_and_counts_an_event_affected_are_no_sample():
    text = ("ABC put 448 children into two groups by chance. One group had the standard combination VAC (vincristine, "
            "actinomycin D and cyclophosphamide). The other had irinotecan. Four-year survival was almost the same: 73% and 72%.")
    assert [arms(r) for r in records(text)] == [[("VAC", 73, "%"), ("irinotecan", 72, "%")]]
    text = ("A study from the Nordic countries compared two doses of pamidronate, 30 mg and 90 mg a month, in 504 people. "
            "Osteonecrosis of the jaw affected 2 people on 30 mg and 8 people on 90 mg.")
    assert [arms(r) for r in records(text)] == [[("30 mg", 2, "count"), ("90 mg", 8, "count")]]
    assert [r.n for r in records(text, kind="sample_size")] == [504]


def test_the_triplet_and_the_doublet_are_the_randomised_arms_of_three_and_two_drugs():
    text = ("Patients were randomly assigned to elotuzumab plus bortezomib and dexamethasone (EBd) or bortezomib and "
            "dexamethasone (Bd). The overall response rate was 66% with the triplet and 63% with the doublet.")
    assert [arms(r) for r in records(text)] == [[("EBd", 66, "%"), ("Bd", 63, "%")]]
    # two arms of three drugs, or an arm of drugs the lexicon does not know: "the triplet" names no arm
    text = ("BEACON randomised patients to encorafenib, binimetinib and cetuximab, to encorafenib and cetuximab, or to "
            "cetuximab, fluorouracil and irinotecan. The response rate was 26% with the triplet.")
    assert [arms(r) for r in records(text)] == [[("triplet", 26, "%")]]
    text = "Patients were randomly assigned to SVd or drugamib. The response rate was 76% with the triplet."
    assert [arms(r) for r in records(text)] == [[("triplet", 76, "%")]]


def test_alive_and_not_progressed_is_pfs_and_radiotherapy_courses_named_by_length():
    text = ("E3A06 randomised people to lenalidomide or observation. One year in, 98% of people taking lenalidomide were "
            "alive and had not progressed to active myeloma, compared with 89% of those being watched.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [("PFS", [("lenalidomide", 98, "%"), ("observation", 89, "%")])]
    text = ("The Nordic study compared short-course radiotherapy with standard radiotherapy in older people. Median "
            "survival was 7.5 months for short-course radiotherapy and 6.0 months for standard radiotherapy.")
    assert [arms(r) for r in records(text)] == [[("short-course radiotherapy", 7.5, "months"), ("standard radiotherapy", 6.0, "months")]]


def test_a_citation_glued_after_capitals_ends_its_sentence_and_more_trial_name_shapes():
    text = ("The trial E2479 compared the five-drug VBMCP regimen with MP.7 The response rate was 72% with VBMCP "
            "compared with 51% with MP.")
    assert [(r.trial, arms(r)) for r in records(text)] == [("E2479", [("VBMCP", 72, "%"), ("MP", 51, "%")])]
    # a code's full stop before a lower-case word ends nothing
    assert [r.trial for r in records("In CCTG CE.6 the response rate was 5%.", kind="trial")] == ["CCTG CE.6"]

    def trials(text):
        return [r.trial for r in records(text, kind="trial")]
    assert trials("LUX-Lung 7 was the first head-to-head comparison of two EGFR TKIs.") == ["LUX-Lung 7"]
    assert trials("The Canadian LY.12 trial randomised 619 patients to GDP or DHAP.") == ["LY.12"]
    # a name right before the brackets holding its registration number is the trial, the number an alias
    assert trials("CAMMA 1 (GO39775; NCT03275103) is an ongoing phase I study of cevostamab.") == ["CAMMA 1"]


def test_lay_words_for_a_pathological_complete_response_remission_and_an_event_and_raised_it_from():
    text = ("BrighTNess put 634 people into three groups at random: paclitaxel plus carboplatin plus veliparib, "
            "paclitaxel plus carboplatin, or paclitaxel alone. The cancer had completely gone at surgery in 53 out of "
            "every 100 people in the veliparib group and 58 out of every 100 in the carboplatin group. Four years on, 79 "
            "out of every 100 people who had carboplatin with paclitaxel were alive and free of cancer coming back or "
            "another event, compared with 69 out of every 100 who had paclitaxel alone.")
    assert [r.endpoint for r in records(text)] == ["CR", "EFS"]
    text = ("Adding carboplatin raised the pCR rate from 41% to 54%. Bevacizumab raised it from 44% to 52%. In AALL0434, "
            "88.2% of patients who had nelarabine were alive and still in remission.")
    assert [(r.endpoint, arms(r)[-1]) for r in records(text)] == [
        ("CR", ("carboplatin", 54, "%")), ("CR", ("bevacizumab", 52, "%")), ("DFS", ("nelarabine", 88.2, "%"))]


def test_named_infections_start_their_own_adverse_event_record():
    text = ("VISTA randomised 682 patients to VMP or MP. Grade 3 or worse neuropathy occurred in 13% of the VMP arm and "
            "in 1% of the MP arm, and herpes zoster was reported in 13% and 4%.")
    assert [arms(r) for r in records(text)] == [[("VMP", 13, "%"), ("MP", 1, "%")], [("VMP", 13, "%"), ("MP", 4, "%")]]


def test_an_abbreviation_defined_after_a_combination_even_a_word_never_a_name_elsewhere():
    text = ("Patients were randomly assigned to MP (n = 122), melphalan-dexamethasone (MD; n = 127) or "
            "dexamethasone-interferon alfa (DI; n = 117). Response rates were 42% with MP, 61% with MD and 44% with DI.")
    assert [arms(r) for r in records(text)] == [[("MP", 42, "%"), ("MD", 61, "%"), ("DI", 44, "%")]]
    # "MD" after a name is still no arm
    assert records("Dr Jane Roe, MD (Boston), said 40% of patients responded.", kind="trial") == []


def test_arms_by_their_number_of_drugs_and_a_value_set_against_another_is_the_other_arm_s():
    text = ("Seventy patients were randomly assigned to pomalidomide and dexamethasone (Pd) or the same two drugs plus "
            "cyclophosphamide (PCd). The cancer responded in 64.7% of people given the three drugs and in 38.9% of "
            "those given the two. The median PFS was 9.5 months with PCd against 4.4 months.")
    assert [arms(r) for r in records(text)] == [[("PCd", 64.7, "%"), ("Pd", 38.9, "%")],
                                                [("PCd", 9.5, "months"), ("Pd", 4.4, "months")]]


def test_values_in_brackets_after_their_arms_one_arm_of_two_drugs_and_more_durable_responses():
    text = ("CheckMate 143 randomly assigned 369 patients to nivolumab or bevacizumab. The objective response rate was "
            "lower with nivolumab (7.8%) than with bevacizumab (23.1%), although responses to nivolumab were more "
            "durable (median 11.1 vs 5.3 months).")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("ORR", [("nivolumab", 7.8, "%"), ("bevacizumab", 23.1, "%")]),
        ("DOR", [("nivolumab", 11.1, "months"), ("bevacizumab", 5.3, "months")])]
    text = ("CheckMate 9DW randomised 668 people to nivolumab plus ipilimumab or lenvatinib or sorafenib. Tumors shrank "
            "in 36% of patients treated with nivolumab plus ipilimumab and in 13% of those on lenvatinib or sorafenib, "
            "and complete responses were seen in 7% and 2%.")
    assert [arms(r) for r in records(text)][-1] == [("nivolumab and ipilimumab", 7, "%"), ("lenvatinib or sorafenib", 2, "%")]


def test_skeletal_events_are_adverse_events():
    text = ("The first trial randomly assigned 90 patients to pamidronate or to observation. Progression was less often "
            "accompanied by skeletal events, which were seen in 39% of pamidronate-treated patients and in 73% of "
            "observed patients.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [("AE", [("pamidronate", 39, "%"), ("observation", 73, "%")])]


def test_half_put_at_random_into_a_group_and_the_benefit_was_seen_takes_the_endpoint_before():
    text = ("The trial included 608 women. Half were put at random into a group who had cemiplimab every three weeks. "
            "The other half had chemotherapy chosen by their doctor. Women who had cemiplimab lived for a median of 12.0 "
            "months. The benefit was seen in women with squamous cell cancer (11.1 months compared with 8.8 months).")
    assert [(r.endpoint, arms(r)) for r in records(text)][-1] == (
        "OS", [("cemiplimab", 11.1, "months"), ("chemotherapy", 8.8, "months")])


def test_two_doses_each_combined_with_a_drug_against_the_investigator_s_choice_of_two():
    text = ("Patients were randomly assigned to sotorasib 960 mg once daily plus panitumumab (53 patients), sotorasib "
            "240 mg once daily plus panitumumab (53 patients), or the investigator's choice of trifluridine-tipiracil or "
            "regorafenib (54 patients). Median PFS was 5.6 months, 3.9 months and 2.2 months in the three groups, "
            "respectively. Tumours shrank in 26.4% of patients given the higher dose and in 5.7% of those given the lower dose.")
    assert [arms(r) for r in records(text)] == [
        [("sotorasib 960 mg and panitumumab", 5.6, "months"), ("sotorasib 240 mg and panitumumab", 3.9, "months"),
         ("trifluridine-tipiracil or regorafenib", 2.2, "months")],
        [("sotorasib 960 mg and panitumumab", 26.4, "%"), ("sotorasib 240 mg and panitumumab", 5.7, "%")]]


def test_a_complete_response_and_mrd_negative_results_is_mrd_and_the_figure_for_an_arm():
    text = ("IKEMA randomised 302 people to Isa-Kd or Kd. 26 out of every 100 people on Isa-Kd had both a complete "
            "response and MRD-negative results. The figure for Kd was 12 out of every 100.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [("MRD", [("Isa-Kd", 26, "%")]), ("MRD", [("Kd", 12, "%")])]


def test_a_dose_escalation_study_of_a_product_known_by_its_code_is_single_arm():
    text = ("In this phase 1, dose-escalation study, we administered a GPRC5D-targeted CAR T-cell therapy (MCARH109) at "
            "four dose levels. A total of 17 patients were enrolled and received MCARH109. A response was reported in 71% "
            "of the patients.")
    assert [arms(r) for r in records(text)] == [[("mcarh109", 71, "%")]]


def test_the_people_a_rate_is_out_of_and_a_subgroup_s_size_are_no_event_counts():
    text = ("Selpercatinib won approval on the basis of the single-arm LIBRETTO-001 study, in which 64% of 105 patients "
            "previously treated with platinum chemotherapy had responses.")
    assert [arms(r) for r in records(text)] == [[("selpercatinib", 64, "%")]]
    text = "Across all 124 patients given etentamig, 57% responded. In the 79 people given 40 mg or more, the response rate was 68%."
    assert [arms(r) for r in records(text)] == [[("etentamig", 57, "%")], [("etentamig", 68, "%")]]


def test_a_regimen_with_its_number_of_cycles_and_a_range_of_stages_is_no_regimen():
    text = ("The German FLYER trial randomised 592 patients with stage I-II DLBCL to six cycles of R-CHOP-21 or four "
            "cycles of R-CHOP-21 followed by two doses of rituximab (4xR-CHOP+2R). Three-year PFS was 96% with "
            "4xR-CHOP+2R and 94% with 6xR-CHOP.")
    assert [arms(r) for r in records(text)] == [[("4xR-CHOP+2R", 96, "%"), ("6xR-CHOP", 94, "%")]]


def test_a_name_in_capitals_opening_a_randomisation_and_cancer_that_had_not_come_back():
    text = ("FIRSTANA: first line\n\nIn FIRSTANA, 1,168 chemotherapy-naive men with mCRPC were randomized 1:1:1 to "
            "cabazitaxel 20 mg/m2, cabazitaxel 25 mg/m2 or docetaxel 75 mg/m2.")
    assert [r.trial for r in records(text, kind="trial")] == ["FIRSTANA"]
    text = ("ExteNET randomised 2,840 women to neratinib or placebo. Two years after starting, 93.9% of women who had "
            "neratinib had not had invasive cancer come back, compared with 91.6% of women who had placebo.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [("DFS", [("neratinib", 93.9, "%"), ("placebo", 91.6, "%")])]


def test_all_three_drugs_the_two_drug_treatment_and_a_very_good_response():
    text = ("559 people were put at random into two groups: 281 had pomalidomide, bortezomib and dexamethasone, and 278 "
            "had bortezomib and dexamethasone only. People who had all three drugs lived without their myeloma getting "
            "worse for a median of 11.2 months. The myeloma responded in 82 out of every 100 people who had PVd, compared "
            "with 50 out of every 100 who had the two-drug treatment. A very good response or better was seen in 53% of "
            "the PVd group and 18% of the other group.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("PFS", [("pomalidomide and bortezomib and dexamethasone", 11.2, "months")]),
        ("ORR", [("PVd", 82, "%"), ("bortezomib and dexamethasone", 50, "%")]),
        ("VGPR", [("PVd", 53, "%"), ("bortezomib and dexamethasone", 18, "%")])]


def test_a_product_introduced_by_its_code_is_that_product_under_its_heading():
    text = ("ARI0002h\n\nARI0002h is an academic BCMA CAR T-cell product. In the phase 2 CARTBCMA-HCB-01 study, 30 "
            "patients were treated. The overall response rate was 100%.\n\nGC012F\n\nGC012F is a dual BCMA/CD19 CAR T-cell "
            "product made in about 22 hours. In a phase 1 study of 29 patients, the overall response rate was 93.1%.")
    assert [(r.trial, arms(r)) for r in records(text)] == [("CARTBCMA-HCB-01", [("ari0002h", 100, "%")]), (None, [("gc012f", 93.1, "%")])]


def test_two_chemotherapy_drugs_named_after_their_count_are_one_arm_and_lived_before_it_came_back():
    text = ("APACT took 866 people. Half were given two chemotherapy drugs, nab-paclitaxel (Abraxane) and gemcitabine, and "
            "half were given gemcitabine on its own. The main question was how long people lived before the cancer came "
            "back. It was 19.4 months with the two drugs and 18.8 months with gemcitabine alone.")
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("DFS", [("nab-paclitaxel and gemcitabine", 19.4, "months"), ("gemcitabine", 18.8, "months")])]


def test_a_complete_cytogenetic_response_is_a_complete_response():
    text = ("The IRIS trial randomised 1,106 patients to imatinib or interferon alfa plus cytarabine. Complete cytogenetic "
            "responses were seen in 76.2% versus 14.5%.")
    assert [r.endpoint for r in records(text)] == ["CR"]


def test_the_myeloma_stayed_under_control_is_the_article_s_formal_endpoint():
    text = ("The trial randomised 289 people to TD or MP. The myeloma stayed under control for a median of 16.7 months "
            "on TD and 20.7 months on MP.")
    assert [r.endpoint for r in records(text)] == ["PFS"]
    text = ("THAL-MM-003 randomised 470 people to thal-dex or dexamethasone.\n\n- Time to progression: the myeloma stayed "
            "under control for a median of 22.6 months on thal-dex, compared with 6.5 months on dexamethasone.")
    assert [r.endpoint for r in records(text)] == ["TTP"]


def test_a_group_s_name_of_two_words_before_a_generic_arm_word_is_that_group():
    text = ("Median overall survival was 80 months in the auto-allo group compared with 54 months in the double "
            "autologous group. Complete remission rates were 55% after auto-allo and 26% after double autologous "
            "transplantation.")
    assert [arms(r) for r in records(text)][-1] == [("auto-allo", 55, "%"), ("double autologous", 26, "%")]


def test_an_arm_without_maintenance_is_that_arm():
    text = ("195 patients were randomised to a single ASCT followed by thalidomide maintenance or to a tandem ASCT without "
            "maintenance. The 3-year PFS was 85% with single ASCT plus thalidomide and 57% with tandem ASCT without maintenance.")
    assert [arms(r)[1][0] for r in records(text)] == ["tandem ASCT"]


def test_the_share_of_patients_who_responded_after_another_endpoint_is_a_response_rate():
    text = ("KEYNOTE-859 randomised 1,579 people to pembrolizumab or placebo. Median progression-free survival was 6.9 "
            "months with pembrolizumab and 5.6 months with placebo, and 51% of patients on pembrolizumab responded to "
            "treatment compared with 42% on placebo.")
    assert [(r.endpoint, arms(r)) for r in records(text)][-1] == ("ORR", [("pembrolizumab", 51, "%"), ("placebo", 42, "%")])


def test_a_drug_tested_with_its_backbone_is_one_arm():
    text = ("Roche's Tecentriq was tested with carboplatin and nab-paclitaxel in the IMpower130 trial, where median overall "
            "survival was 18.6 months compared with 13.9 months for chemotherapy alone.")
    assert [arms(r) for r in records(text)] == [[("atezolizumab and carboplatin and nab-paclitaxel", 18.6, "months"),
                                                 ("chemotherapy", 13.9, "months")]]


def test_respectively_and_a_semicolon_close_a_comparison():
    text = ("IFM 2009 randomised 700 patients to RVD plus transplant or RVD alone. Median PFS was 44.4 months with "
            "transplant and 26.1 months with RVD alone. Second primary malignancies were reported in 10.8% and 7.0% of "
            "patients, respectively; the cumulative incidence of acute myeloid leukemia or MDS was 1.1% after transplant "
            "and 0.3% with RVD alone.")
    assert [arms(r) for r in records(text)][1:] == [[("transplant", 10.8, "%"), ("RVD", 7.0, "%")],
                                                    [("transplant", 1.1, "%"), ("RVD", 0.3, "%")]]


def test_a_single_arm_study_is_the_treatment_it_tested_or_the_one_it_added_to():
    text = (
        "The IFM 2008 phase II study evaluated VRD as induction and consolidation around autologous stem-cell "
        "transplantation (ASCT), followed by 1 year of lenalidomide maintenance. The 3-year progression-free survival "
        "was 77%.\n\nThe LYRA study, a single-arm phase 2, added daratumumab to cyclophosphamide, bortezomib and "
        "dexamethasone (CyBorD). After four cycles, 81% had responded."
    )
    assert [(r.trial, r.endpoint, arms(r)) for r in records(text)] == [
        ("IFM 2008", "PFS", [("VRD", 77, "%")]),
        ("LYRA", "ORR", [("daratumumab and CyBorD", 81, "%")]),
    ]


def test_a_study_heading_names_its_regimen_and_a_regimen_named_gentler():
    text = (
        "The VRD-lite study\n\nFifty people who could not have a transplant were given a reduced schedule.\n\n"
        "- Overall response: 86% of people responded.\n- Complete response or better: 44%."
    )
    assert [(r.endpoint, arms(r)) for r in records(text)] == [("ORR", [("VRD-lite", 86, "%")]), ("CR", [("VRD-lite", 44, "%")])]


def test_conditioning_regimens_their_sizes_in_brackets_and_a_dateline_year():
    text = (
        "HOUSTON, March 20, 2019 - Patients with newly diagnosed myeloma lived longer without progression. "
        "A total of 202 patients were randomly assigned to intravenous busulfan plus melphalan 140 mg/m2 "
        "(Bu-Mel; 104 patients) or to melphalan 200 mg/m2 alone (98 patients). At 90 days after transplant, 20% of "
        "Bu-Mel patients and 12% of melphalan patients were in complete response."
    )
    assert [arms(r) for r in records(text)] == [[("Bu-Mel", 20, "%"), ("melphalan", 12, "%")]]
    assert sorted(r.n for r in records(text, kind="sample_size")) == [98, 104, 202]


def test_two_randomised_arms_named_together_before_their_two_values():
    text = (
        "For conditioning, patients were randomized to intravenous busulfan plus melphalan 140 mg/m2 (BUMEL; n = 230) "
        "or melphalan 200 mg/m2 (MEL200; n = 228). Conditioning with BUMEL and MEL200 gave similar complete response "
        "rates after transplant, 46.5% and 41.7%."
    )
    assert [arms(r) for r in records(text)] == [[("BUMEL", 46.5, "%"), ("MEL200", 41.7, "%")]]


def test_the_pooled_triplets_a_part_of_the_trial_and_a_time_after_transplant():
    text = (
        "Myeloma XI (ISRCTN49407852) enrolled 4,420 patients. In the transplant-eligible pathway, 1,056 patients were "
        "randomly assigned to KRdc (n = 526) or to the control triplets, cyclophosphamide-thalidomide-dexamethasone "
        "(CTD) or cyclophosphamide-lenalidomide-dexamethasone (CRD) (n = 530). At the end of induction, 82.3% of "
        "patients in the KRdc arm had a very good partial response or better, compared with 58.9% of those given "
        "CTD/CRD. After transplant, the figures were 91.9% and 80.2%. Median PFS was not reached with KRdc vs "
        "36.2 months with the triplets."
    )
    assert [(r.trial, arms(r)) for r in records(text)] == [
        ("Myeloma XI", [("KRdc", 82.3, "%"), ("CTD and CRD", 58.9, "%")]),
        ("Myeloma XI", [("KRdc", 91.9, "%"), ("CTD and CRD", 80.2, "%")]),
        ("Myeloma XI", [("KRdc", None, "months"), ("CTD and CRD", 36.2, "months")]),
    ]


def test_a_drug_named_again_starts_the_next_arm_and_the_three_drugs_of_a_lay_explainer():
    text = (
        "The iLLUMINATE study\n\nThis study was for people aged 65 or over. The treatment worked (the CLL shrank) in "
        "88 out of every 100 people having ibrutinib and 73 out of every 100 having chlorambucil.\n\n"
        "The AMPLIFY study\n\n867 people were put into three groups at random: acalabrutinib (Calquence) with "
        "venetoclax, acalabrutinib with venetoclax and obinutuzumab, or standard chemotherapy with an antibody "
        "(FCR or BR). After three years, 77 out of every 100 people having acalabrutinib with venetoclax (76.5%) were "
        "alive without their CLL getting worse. The figure was 83.1% with the three drugs."
    )
    assert [(r.trial, r.endpoint, arms(r)) for r in records(text)] == [
        ("iLLUMINATE", "ORR", [("ibrutinib", 88, "%"), ("chlorambucil", 73, "%")]),
        ("AMPLIFY", "PFS", [("acalabrutinib and venetoclax", 76.5, "%")]),
        ("AMPLIFY", "PFS", [("acalabrutinib and venetoclax and obinutuzumab", 83.1, "%")]),
    ]


def test_a_citation_glued_to_a_known_trial_and_a_landmark_restated_in_months():
    text = "Randomised trials such as IFM 20094 and DETERMINATION10 showed that transplant prolongs PFS."
    assert [r.trial for r in records(text, kind="trial")] == ["IFM 2009", "DETERMINATION"]
    text = ("iLLUMINATE randomised people to ibrutinib or chlorambucil. After two and a half years (30 months), "
            "79 out of every 100 people in the ibrutinib group were alive without their CLL getting worse.")
    res = records(text)
    assert [arms(r) for r in res] == [[("ibrutinib", 79, "%")]] and res[0].timepoint.value == 30


def test_durations_as_arms_in_their_own_units_and_stopped_or_continued():
    text = (
        "PHARE (France). 3,384 women who had already had 6 months of trastuzumab were randomly assigned to stop at "
        "6 months or continue to 12 months. At 2 years, 91.1% of the 6-month group were alive and free of disease, "
        "compared with 93.8% of the 12-month group.\n\n"
        "SOLD (Finland). This trial enrolled 2,174 women and compared 9 weeks of trastuzumab given with docetaxel with "
        "the standard 1 year. Five-year disease-free survival was 88.0% with 9 weeks and 90.5% with 1 year."
    )
    assert [arms(r) for r in records(text)] == [
        [("6 months", 91.1, "%"), ("12 months", 93.8, "%")],
        [("9 weeks", 88.0, "%"), ("1 year", 90.5, "%")],
    ]


def test_one_arm_twice_is_no_comparison_and_groups_split_by_the_trial():
    text = (
        "878 patients were then assigned to VRd consolidation (n = 451) or no consolidation (n = 427). Very good "
        "partial response or better before maintenance was reached in 87% of the consolidated patients compared with "
        "78% of those who went straight to maintenance. In high-risk patients, median PFS was 42.3 months versus "
        "26.3 months.\n\n"
        "In its POSEIDON trial, 1,013 patients were split into three groups: tremelimumab plus durvalumab with "
        "chemotherapy, durvalumab with chemotherapy, or chemotherapy alone. Overall survival was 14.0 months with the "
        "three-part combination and 11.7 months with chemotherapy alone."
    )
    assert [arms(r) for r in records(text)][1:] == [
        [("VRd", 42.3, "months"), ("no consolidation", 26.3, "months")],
        [("tremelimumab and durvalumab and chemotherapy", 14.0, "months"), ("chemotherapy", 11.7, "months")],
    ]


def test_trial_names_in_mixed_case_with_a_number_and_after_in_with_patients_treated():
    text = ("IPATential150 enrolled 1,101 men and randomly assigned them to ipatasertib plus abiraterone or placebo "
            "plus abiraterone.\n\nIn ACIS, 982 chemotherapy-naive men received abiraterone plus prednisone with either "
            "apalutamide or placebo.")
    assert [r.trial for r in records(text, kind="trial")] == ["IPATential150", "ACIS"]


def test_a_drug_first_in_human_study_after_another_trial_and_a_grade_inside_brackets():
    text = (
        "MajesTEC-1 is a single-arm phase 1/2 study of teclistamab. The overall response rate was 63.0%.\n\n"
        "In the same session, updated results were presented from the first-in-human phase 1 study of ABBV-383 "
        "(now etentamig). Across all doses, the overall response rate was 57%.\n\n"
        "CARTITUDE-4 randomised patients to cilta-cel or standard of care. Cytokine release syndrome occurred in "
        "76.1% of cilta-cel-treated patients (grade 3-4, 1.1%)."
    )
    assert [(r.trial, arms(r)) for r in records(text)] == [
        ("MajesTEC-1", [("teclistamab", 63.0, "%")]),
        (None, [("etentamig", 57, "%")]),
        ("CARTITUDE-4", [("ciltacabtagene autoleucel", 76.1, "%"), ("ciltacabtagene autoleucel", 1.1, "%")]),
    ]


def test_an_unnamed_real_world_cohort_its_treatment_and_size_and_a_schedule_of_days():
    text = (
        "KarMMa got ide-cel approved. So I was very interested in the big US real-world paper that came out last year. "
        "The paper pulled together 196 patients who were infused with standard-of-care ide-cel at eleven US centres. "
        "42% had a complete response or better.\n\n"
        "Pomalidomide, cyclophosphamide and dexamethasone\n\nBaz and colleagues randomised 80 patients to pomalidomide 4 mg on days 1-21 of a 28-day cycle with weekly "
        "dexamethasone 40 mg, with or without oral cyclophosphamide 400 mg on days 1, 8 and 15.6 The overall response "
        "rate was 65% with the triplet compared with 39% with pomalidomide and dexamethasone."
    )
    res = records(text)
    assert [(r.trial, arms(r)) for r in res][0] == (None, [("idecabtagene vicleucel", 42, "%")])
    assert [a.value for a in res[1].arms] == [65, 39]  # not day 8 of the schedule
    assert 196 in [r.n for r in records(text, kind="sample_size")]


def test_three_arms_one_together_with_the_others_and_the_combination_that_holds_them():
    text = (
        "NAPOLI-1 included 417 people. They were put at random into one of three groups: liposomal irinotecan on its "
        "own, 5-FU with folinic acid, or liposomal irinotecan together with 5-FU and folinic acid. People in the "
        "three-drug group lived for a median of 6.1 months, compared with 4.2 months for those who had 5-FU and "
        "folinic acid alone. The cancer shrank in 16% of people on the combination and 1% of people on 5-FU and "
        "folinic acid."
    )
    both = "irinotecan liposome and fluorouracil and leucovorin"
    assert [arms(r) for r in records(text)] == [
        [(both, 6.1, "months"), ("fluorouracil and leucovorin", 4.2, "months")],
        [(both, 16, "%"), ("fluorouracil and leucovorin", 1, "%")],
    ]


def test_a_trial_named_in_passing_keeps_the_study_reported_and_sites_and_proportions_count_no_patients():
    text = (
        "A CAR T-cell therapy produced responses in nine out of ten patients. The therapy, arlocabtagene autoleucel "
        "(arlo-cel), was tested in the multicenter CC-95266-MM-001 study in adults who had received at least three "
        "prior lines of therapy. At the data cut-off, 84 patients had received arlo-cel; 62 were treated at or near the "
        "dose now used in the pivotal QUINTESSENTIAL trial. Among all 84 treated patients, 91% responded. "
        "Lakeshore is one of 22 sites enrolling patients in QUINTESSENTIAL."
    )
    assert [(r.trial, arms(r)) for r in records(text)] == [("CC-95266-MM-001", [("arlo-cel", 91, "%")])]  # its short name
    assert sorted({r.n for r in records(text, kind="sample_size")}) == [84]
    text = "JUPITER-02 sits alongside CAPTAIN-1st (camrelizumab) and RATIONALE-309 (tislelizumab)."
    assert [r.trial for r in records(text, kind="trial")] == ["JUPITER-02", "CAPTAIN-1st", "RATIONALE-309"]


def test_two_trial_codes_joined_by_a_slash_and_what_patients_stopped_is_no_arm():
    text = (
        "The HOVON-126/NMSG 21.13 trial randomised 143 patients to ixazomib or placebo maintenance. Peripheral "
        "neuropathy of grade 2 or higher occurred in 20% and 15%, respectively, and 13% and 8% stopped maintenance "
        "because of toxicity."
    )
    assert [(r.trial, arms(r)) for r in records(text)] == [
        ("HOVON-126/NMSG 21.13", [("ixazomib", 20, "%"), ("placebo", 15, "%")]),
        ("HOVON-126/NMSG 21.13", [("ixazomib", 13, "%"), ("placebo", 8, "%")]),
    ]
    assert [r.trial for r in records(text, kind="trial")] == ["HOVON-126/NMSG 21.13"]


def test_lay_explainer_endpoints_the_controls_of_pooled_trials_and_people_who_did_not_have_the_drug():
    text = (
        "The AIEOP-BFM ALL 2000 trial randomised children to dexamethasone or prednisone. Five years later, 83.9% of the "
        "children given dexamethasone were alive and free of their leukaemia coming back or another major event, "
        "compared with 80.8% of children given prednisone. But the chance of surviving overall was the same: 90.3% with "
        "dexamethasone and 90.5% with prednisone.\n\n"
        "AAML1031 randomised children to chemotherapy with bortezomib or chemotherapy alone. Deaths from treatment were "
        "a little more common with bortezomib: 6.8% compared with 4.5%.\n\n"
        "Five years after starting treatment, 6.9 in every 100 people who had lenalidomide had developed a second "
        "cancer. Among people who did not have lenalidomide the figure was 4.8 in every 100. People on lenalidomide "
        "maintenance lived a median of 52.8 months without their myeloma getting worse, against 23.5 months for "
        "people on placebo or no maintenance."
    )
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("EFS", [("dexamethasone", 83.9, "%"), ("prednisone", 80.8, "%")]),
        ("OS", [("dexamethasone", 90.3, "%"), ("prednisone", 90.5, "%")]),
        ("TRM", [("chemotherapy and bortezomib", 6.8, "%"), ("chemotherapy", 4.5, "%")]),
        ("SPM", [("lenalidomide", 6.9, "%")]),
        ("SPM", [("not receiving lenalidomide", 4.8, "%")]),
        ("PFS", [("lenalidomide", 52.8, "months"), ("placebo or no maintenance", 23.5, "months")]),
    ]


def test_trials_listed_alongside_the_one_reported_do_not_take_its_results():
    text = (
        "JUPITER-02 randomised patients to toripalimab or placebo. JUPITER-02 sits alongside "
        "CAPTAIN-1st (camrelizumab) and RATIONALE-309 (tislelizumab) in showing a consistent benefit. The earlier "
        "interim report gave a median PFS of 11.7 months versus 8.0 months."
    )
    assert [(r.trial, arms(r)) for r in records(text)] == [("JUPITER-02", [("toripalimab", 11.7, "months"), ("placebo", 8.0, "months")])]


def test_the_second_arm_size_with_its_verb_left_out():
    text = "JUPITER-02 randomised patients to toripalimab or placebo. Of 289 patients, 146 received toripalimab and 143 placebo."
    assert sorted(r.n for r in records(text, kind="sample_size")) == [143, 146, 289]


def test_schedules_named_as_doses():
    text = (
        "The researchers picked two doses to take forward: 405 micrograms per kilo once a week and 800 micrograms per "
        "kilo every other week. The headline: 70% of people on the weekly dose responded, and 64% on the "
        "every-other-week dose."
    )
    assert [arms(r) for r in records(text)] == [[("weekly", 70, "%"), ("every-other-week", 64, "%")]]


def test_lay_and_abbreviated_endpoints_after_their_values():
    text = (
        "IFM 2009 randomised patients to transplant or RVD alone. A complete response was seen in 59% of the "
        "transplant group against 48% of the RVD-alone group, and among patients tested, 79% versus 65% had no "
        "detectable disease (MRD negative).\n\n"
        "PERSEUS randomised people to D-VRd or VRd. The myeloma stayed undetectable for at least a year in 65% of "
        "people on D-VRd and 30% on VRd. Serious AEs occurred in 57% vs 49%."
    )
    assert [(r.endpoint, arms(r)) for r in records(text)] == [
        ("CR", [("transplant", 59, "%"), ("RVD", 48, "%")]),
        ("MRD", [("transplant", 79, "%"), ("RVD", 65, "%")]),
        ("MRD", [("D-VRd", 65, "%"), ("VRd", 30, "%")]),
        ("AE", [("D-VRd", 57, "%"), ("VRd", 49, "%")]),
    ]


def test_a_change_from_the_control_to_the_new_arm_leaves_the_order_of_the_next_pair():
    text = ("REVEL randomised 1,253 patients to docetaxel plus ramucirumab 10 mg/kg or docetaxel plus placebo. Median "
            "overall survival was 10.5 months with ramucirumab and 9.1 months with placebo. Progression-free survival "
            "improved from 3.0 to 4.5 months (HR 0.76), and the objective response rate was 23% v 14%.")
    assert [arms(r) for r in records(text)][1:] == [
        [("placebo", 3.0, "months"), ("ramucirumab", 4.5, "months")],
        [("ramucirumab", 23, "%"), ("placebo", 14, "%")],
    ]


def test_doses_compared_in_words_without_a_randomisation():
    text = ("An American trial, E1609, compared ipilimumab at 3 mg/kg or 10 mg/kg with high-dose interferon in 1,670 "
            "patients. Serious (grade 3 or worse) side effects were seen in 37% with 3 mg/kg, 58% with 10 mg/kg and 79% "
            "with interferon.")
    assert [arms(r) for r in records(text)] == [[("3 mg/kg", 37, "%"), ("10 mg/kg", 58, "%"), ("interferon", 79, "%")]]


def test_a_clot_that_happened_is_an_event_of_its_own_pair():
    text = ("AVERT tested apixaban against placebo. In AVERT (563 people), a clot happened in 4.2% of people taking "
            "apixaban compared with 10.2% of people taking the placebo, but major bleeding was a little more common "
            "with apixaban: 3.5% against 1.8%.")
    assert [arms(r) for r in records(text)] == [[("apixaban", 4.2, "%"), ("placebo", 10.2, "%")], [("apixaban", 3.5, "%"), ("placebo", 1.8, "%")]]


def test_a_change_from_the_named_control_leaves_the_randomised_order_for_the_next_pair():
    text = ("TOURMALINE-MM1 randomised patients to ixazomib, lenalidomide and dexamethasone (IRd) versus placebo, "
            "lenalidomide and dexamethasone. Median progression-free survival improved from 4.0 months with placebo-Rd "
            "to 6.7 months with IRd (HR 0.598; p = 0.035), and median overall survival was 25.8 versus 15.8 months.")
    res = records(text)
    assert [a.name for a in res[1].arms] == ["IRd", "placebo and lenalidomide and dexamethasone"]
    assert "value:from-to" in res[0].rules
