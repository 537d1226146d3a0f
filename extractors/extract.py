"""Clean document -> draft records, with evidence and the rules that produced each value.

    extract(doc)          records for one CleanDocument
    extract_many(docs)    the same over many documents (spaCy's nlp.pipe)
    explain(doc)          per sentence, what each rule matched (for `curate extract --explain`)

The spaCy pipeline (extractors/pipeline.py) tags lexicon entities; this module reads each
sentence in document order, keeps the state an attentive reader keeps (the trial being
discussed, the arms of the last randomisation) and turns numbers into records:

  values   numbers with units, bare numbers tied to them ("46 vs 27 months"), "not reached"
  groups   values about one endpoint compared in one breath ("X vs Y", "from X to Y",
           "X for A, compared with Y for B", "X and Y ..., respectively", three arms)
  arms     the arm named after a value ("41 months in the Revlimid group"), else before it
           ("the MPR-R group had ... 31 months"), "respectively" lists, the randomisation
           context ("randomized to lenalidomide or placebo"), or the subject of "improved ... from X to Y"
  trial    "... in CALGB study" right after the values, else the last trial named in the
           sentence, else the trial carried forward (reset by headings and by "In a second study")
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable, Iterable, Iterator

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.tokens import Doc

from extractors.clean_text import CELL_SEP_RE, cell_spans
from extractors.lexicon import Lexicon, alternation, expand_alternatives, load_lexicon
from extractors.numbers import DOSE_AMOUNT, PAREN_RE, RANDOMISED_RE, REACHED_VERBS, Found, NumberGrammar, Value, in_months
from extractors.pipeline import build_nlp
from trial_curate.models import Arm, CleanDocument, DraftRecord, Effect, Evidence, Timepoint

ARM_LABELS = ("DRUG", "REGIMEN", "ARM")
NEGATION_RE = re.compile(r"\b(?:not\s+(?:receiving|treated\s+with|given|on|taking)|did\s+not\s+(?:receive|have|get|take)|had\s+not\s+had|no)\s+$", re.I)
WITHOUT_RE = re.compile(r"\bwithout\s+$", re.I)
# "ADT plus AA 1,000 mg once daily plus P 5 mg": a dose between the drugs of one arm
DOSE = rf"{DOSE_AMOUNT}(?:\s+(?:once|twice|daily|weekly|a day|a week|orally|intravenously|subcutaneously|every\s+\d+\s+(?:days|weeks)))*"
# "pomalidomide plus low-dose dexamethasone": a dose level between the drugs of one arm
DOSE_ADJECTIVE = r"(?:(?:low|lower|high|higher|standard|reduced|intermediate|full)[- ]dose|weekly|daily|pulsed?)\b"
JOIN_RE = re.compile(rf"^(?:\s|and\b|plus\b|\+|,|-|–|/|with\b|together\b|followed by\b|either\b|(?:a\s+)?doses?\s+of\b|{DOSE}|{DOSE_ADJECTIVE}|(?:once|twice)\b"
                     r"|(?:was|were)\s+(?:tested|given|combined)\s+(?=with\b))*$", re.I)  # "Tecentriq was tested with carboplatin and nab-paclitaxel"
TIGHT_JOIN_RE = re.compile(r"^(?:\s|plus\b|\+|-|–|/|with\b)*$", re.I)
# "plus etoposide and either cisplatin or carboplatin": a choice inside one arm
EITHER_RE = re.compile(r"\beither\s*$", re.I)
COUNTED_DRUGS_BEFORE_RE = re.compile(r"\b(?:two|three|four|2|3|4)\s+$", re.I)  # "two chemotherapy drugs": a kind of drug counted
DRUGS_AFTER_RE = re.compile(r"\s+drugs\b")
CHOICE_OF_RE = re.compile(r"\b(?:investigator|physician|doctor)['’]?s['’]?\s+choice\s+of\s+(?:either\s+)?$", re.I)
# "compared VMP with VTP", "nivolumab versus EXTREME", "tamoxifen plus OFS", "the EXTREME regimen": capitals compared
# or given with a known regimen or drug, or called a regimen, are a regimen too
_REGIMENS_GAP = r"\s+(?:with|plus|\+|versus|vs\.?|or|against)\s+(?:the\s+)?"
REGIMEN_WORD_AFTER_RE = re.compile(r"\s+regimen\b", re.I)  # "the EXTREME regimen"
REGIMENS_COMPARED_BEFORE_RE = re.compile(rf"{_REGIMENS_GAP}$")
REGIMENS_COMPARED_AFTER_RE = re.compile(_REGIMENS_GAP)
WITHOUT_IT_RE = re.compile(r"(?:\s*\([^()]*\))?\s*,?\s+or\s+without\s+(?:it|them)\b", re.I)
WITH_GAP_RE = re.compile(r"\s+(?:with|plus)\s+")
WITH_OR_WITHOUT_RE = re.compile(r",?\s+(?:(?:with|plus)\s+or\s+without|with/without|\+/-|±)\s+", re.I)
EXPANSION_WORD_RE = re.compile(r"[A-Za-z][\w-]*")  # the words an abbreviation in brackets may stand for
COMPARED_WITH_RE = re.compile(r"compared\s+[^.;,]{1,80}?\s(?P<with>with|to|against)\s+", re.I)  # "compared VMP with VTP"
# "INAVO120 tested inavolisib added to palbociclib and fulvestrant, against a placebo with ...": the first
# treatment on each side of "against" is an arm
TESTED_AGAINST_RE = re.compile(r"\b(?:tested|testing|tests|pitted|pitting|pits)\s+[^.;]{1,100}?[\s,]+(?P<with>against)\s+", re.I)
# "no maintenance (arm A)": a label the article gives an arm, then uses alone ("36% in arm A", "in arms A, B and C")
_ARM_LABEL = r"(?:(?-i:[A-Z])(?![\w+-])|\d{1,2}/\d{1,2}(?![\w/%-]|\.\d)|\d{1,2}(?![\w/%+-]|\.\d))"  # "arm A", "cohort 2", "arm 21/28"
# an arm's size or label in a parenthesis: "(130)", "(n = 130)", "(arm A)"
SIZE_PAREN_RE = re.compile(rf"\s*\(\s*(?:(?:n\s*=\s*)?\d[\d,]*(?:\s+(?:patients|people))?|(?:arm|group|cohort)\s+{_ARM_LABEL})\s*\)", re.I)
# an arm introduced by its label at the head of a list item ("- Arm A+I (n = 292): the same treatment with
# ibrutinib ..."), then used by it ("88% in arm A+I")
_HEADED_LABEL = r"[A-Z][A-Za-z0-9]{0,3}(?:\s?\+\s?[A-Z][A-Za-z0-9]{0,3})?"
ARM_HEADING_RE = re.compile(rf"(?m)^[ \t]*(?:[-•*][ \t]+)?(?:Arm\s+(?P<label>{_HEADED_LABEL})(?=\s*[(:])|(?P<code>[A-Z]\d)(?=:\s))")
ARM_LABEL_DEF_RE = re.compile(rf"\s*\(\s*(?P<kind>arm|group|cohort)\s+(?P<label>{_ARM_LABEL})\s*\)", re.I)
ARM_LABEL_USE_RE = re.compile(rf"\b(?P<kind>arm|group|cohort)s?\s+(?P<labels>{_ARM_LABEL}(?:\s*(?:,|and|or|&)\s*{_ARM_LABEL})*)", re.I)
ARM_LABEL_ITEM_RE = re.compile(_ARM_LABEL)
WITHOUT_AFTER_RE = re.compile(r"\s*(?:months?|years?|%|percent)?\s+without\b(?=\s*[,.;)]|\s*$|\s+(?:it|them|the\s+drug|the\s+device)\b)", re.I)
# "68 out of every 100 in the elotuzumab group, compared with 57 out of every 100 in the other group", "79% of people
# who had elotuzumab and 66% of those who did not": the arm other than the one just named
OTHER_ARM_AFTER_RE = re.compile(r"\s*(?:months?|years?|%|percent)?\s+(?:(?:of|in|among|for|with)\s+)?(?:the\s+other\s+(?:group|arm|cohort)"
                                r"|the\s+others\b|the\s+rest\b|(?:those|people|patients)\s+who\s+did\s+not\b)", re.I)
FIRST_WORD_ARM_RE = re.compile(r"\bthe\s+(?P<w>[A-Za-z][\w-]{2,})\s+(?:arm|group|cohort)\b")
# "with an early transplant and 64 months with a late one": "one" stands for the head of an arm named before
ONE_ARM_RE = re.compile(r"\b(?:a|an|the)\s+(?P<w>[a-z][\w-]{2,})\s+one\b")
# "42% with one transplant and 50% with two": a count that stands for "two transplants"
COUNT_ARM_RE = re.compile(r"\b(?:with|have|had|given|after)\s+(?P<w>two|three)\b(?=\s*(?:[,.;:)]|$|and\b|or\b))")
BETWEEN_RE = re.compile(r"\bbetween\s+(?:the\s+)?$", re.I)
UNDER_CONTROL_RE = re.compile(r"\bunder\s+$", re.I)
OR_GAP_RE = re.compile(r"\s+or\s+")
ARM_ALTERNATIVE_GAP_RE = re.compile(r"\s*(?:,\s*)?(?:or|vs\.?|versus)\s+|\s*,\s*", re.I)  # "A or B", "A, B or C", "A vs B"
# "Every patient received four cycles of Dara-KRd": a study of one treatment
EVERY_PATIENT_RE = re.compile(r"\b(?:every|each|all)\s+(?:the\s+)?(?:patients?|participants?|people|person|children|child|women|men)\s+(?:\w+\s+)?(?:received|got|had|were\s+given|was\s+given|were\s+treated|was\s+treated)\b", re.I)
COHORT_TREATED_RE = re.compile(r"\b\d[\d,]*\s+(?:patients|people|participants|adults|children|women|men)\s+who\s+(?:were\s+(?:infused|treated|given)|received|had\s+received)\b", re.I)
CLAUSE_TURN_RE = re.compile(r"\b(?:respectively|but|whereas|while)\b", re.I)
ARM_SIZE_AFTER_RE = re.compile(r"\s*\(\s*[nN]\s*=\s*\d")
SLASHED_CAPITALS_BEFORE_RE = re.compile(r"(?<![\w/-])(?:[A-Z]{2,}/)+$")  # "VDC/" of "VDC/IE"
LABEL_LINE_RE = re.compile(r"[^:.;]{1,80}:\s*[^:;]{1,40}")  # "Chemo-immunotherapy: 62.0%"
COMPARED_OPENING_RE = re.compile(r"\s*(?:[-•*]\s*)?(?:when\s+)?compared\s+(?:with|to)\s+", re.I)  # "compared with X, Y gave ..."
# what names a treatment for sure (a comparator word may be part of a name: "Blood and Marrow Transplant Network")
FROM_TO_RULES = {"arm:from-to-subject", "arm:from-to-backbone", "arm:from-to-context", "value:from-to"}  # "improved PFS from 13 to 30 months": the control's value first
EVENT_LIST_TAIL_RE = re.compile(r"\s*\)(?:,?\s*(?:and\s+)?[A-Za-z][\w\s/-]{0,40}?\s*\((?:in\s+)?\d[\d.]*\s*%(?:\s+of\s+patients)?\))*,?\s+(?:for|with|in|on)\s+(?:the\s+)?")
THE_TWO_ARMS_RE = re.compile(r"\s*(?:%|percent)?\s*(?:of\s+(?:the\s+)?(?:patients|people|participants)\s+)?(?:given|receiving|on|in|with)\s+"
                             r"the\s+two\s+(?:[a-z-]+\s+)?(?:regimens|arms|groups|combinations|treatments)\b", re.I)
SEVERAL_ARMS_RE = re.compile(r"\b(?:arms|groups|cohorts)\b")  # "ranged from 48.0% to 56.3% across the four arms"
GENERIC_CONTROL_NAMES = ("control", "comparator")  # arm names that say only that the arm is the control
SOLE_TREATMENT_RULES = ("arm:drug", "arm:regimen", "arm:abbreviation", "arm:drug-near-miss", "arm:drug-name-stem", "arm:drug-short-name",
                        "arm:drug-before-dose", "arm:same-drug", "arm:development-code")
# words that set one value against another ("44.1 versus 8.1 months"), and with them those that set one treatment
# against another in a sentence ("compared with placebo", "X alone or with Y")
_COMPARING = r"compared|versus|vs\.?|against|than"
COMPARISON_LINK_RE = re.compile(rf"\b(?:{_COMPARING}|v)\b", re.I)
COMPARISON_WORD_RE = re.compile(rf"(?<![\w-])(?:{_COMPARING}|placebo|control|standard|alone|or)(?![\w-])", re.I)  # (not "something-or-other")
COMPARE_RE = re.compile(r"\b(?:compared|against|versus|vs\.?|v(?=\s+\d)|while|whereas|but|and|than)\b|,\s*$", re.I)
TRIAL_SUFFIX_RE = re.compile(r"(?:\s+clinical)?(?:\s+(?:trial|study))?\s*\(?$", re.I)
CITATION_START_RE = re.compile(r"(?:\[[\d,\-–\s]+\]|[\d,\-–]+)\s+")
SUBGROUP_RE = re.compile(r"^\s*(?:In|Among)\s+(?:the\s+)?(?P<sub>[^,;]{5,90}?),", re.I)
DIGIT_RE = re.compile(r"\d")
TREATED_FOR_RE = re.compile(r"\s+(?:maintenance\s+)?for\s+(?:up\s+to\s+|at\s+least\s+)?\d+(?:\.\d+)?\s+(?:months?|years?|weeks?)\b", re.I)
# (and "75% would have been ineligible for KarMMa": a trial the patients were not in)
# "62 were treated at the dose now used in the pivotal QUINTESSENTIAL trial": a trial named in passing, not the one reported
PASSING_TRIAL_BEFORE_RE = re.compile(r"\b(?:now|currently|being)\s+(?:used|tested|studied|given)\s+in\s+(?:the\s+)?(?:(?:pivotal|ongoing|confirmatory|planned|upcoming|larger|phase\s+(?:2|3|II|III))\s+)*$", re.I)
LISTED_AFTER_RE = re.compile(r"\s*(?:\([^()]{0,60}\))?\s*(?:,|and|or|, and)\s*")  # the next trial of a list: "(camrelizumab) and "
CONTRAST_BEFORE_RE = re.compile(r"\b(?:unlike|like|alongside|as in|similar to|than(?: in)?|(?:in)?eligible for|excluded from|qualified for)\s+(?:the\s+)?$", re.I)
PROTOCOL_BEFORE_RE = re.compile(r"\bprotocols?\s+(?:\w+\s+){0,2}?$|\bprotocols?\s+\S+\s+to\s+$"
                                # "Leaflet number: PIL-HAEM-0412", "Document ref. QA-12": a document's own code
                                r"|\b(?:leaflet|document|doc|reference|ref|form|policy|version|item|product|code)\.?\s*(?:number|no\.?|code|ref\.?|id)?\s*[:#]\s*$"
                                r"|\(ref\.\s*$", re.I)  # "(ref. MM-TR-11, version 4.0)"
CLAUSE_SEP_RE = re.compile(r"[,;]")
SENTENCE_BREAK_RE = re.compile(r"[;.]\s")
SIZE_WORD_ARMS = ("maintenance", "triplets", "triplet", "doublet", "quadruplet", "combination")  # words that name an arm only when no drug does
ADDING_RE = re.compile(r"\b(?:adding|the\s+addition\s+of)\s+$", re.I)
AMONG_THE_RE = re.compile(r"\b(?:among|of)\s+(?:the\s+)?(?:first\s+|last\s+|initial\s+|remaining\s+)?$", re.I)
PAREN_OPENS_RE = re.compile(r"\s*\(\s*")  # "disease-free survival (time ...)", "on Ven-dex (61%)"
DEFINITION_GAP_RE = re.compile(r"\s*[,(:—–]\s*(?:the|a|an|i\.e\.,?|which is|defined as|meaning|time|how long)\b[^,;.()\d]*", re.I)
ENDPOINT_WAS_RE = re.compile(r"\s*(?:\([^()]*\)\s*)?(?:was|were|is|of)\s*")  # "the overall response rate (ORR) was "
AND_NEXT_RE = re.compile(r"\s+and\s+\d")  # "95% and 90% of patients achieved ..."
# "lived for 19.4 months or more without their myeloma getting worse": an endpoint right after the value
RIGHT_AFTER_RE = re.compile(r"\s*(?:or\s+(?:more|longer|so)\s*)?")
# "51% of patients on Keytruda responded to treatment": the people of the value, then what they did
VALUE_OF_PEOPLE_RE = re.compile(r"^\s+of\s+(?:all\s+)?(?:the\s+)?(?:patients|people|participants|women|men|children)\b(?:(?![\d;,])[^.]){0,40}?\s+$", re.I)
VALUE_REACHED_RE = re.compile(rf"^(?:\s*(?:vs\.?|versus|and|,)\s*\d+(?:\.\d+)?\s*(?:%|percent)?)*(?:\s+of\s+(?:all\s+)?(?:the\s+)?(?:patients|people|participants)(?=\s+$)|(?:(?![\d;])[^.])*?\b(?:had|got|developed|went\s+into|were\s+still|was\s+still|remained|{REACHED_VERBS})|(?:\s+of\s+(?:them|those|these|patients|people|participants|women|men|children))?\s+(?:were|was))\s+(?:at\s+least\s+)?(?:a\s+|an\s+|the\s+)?(?:(?:severe|serious|mild|major|life-threatening)\s+)?(?:near-|near\s+)?$", re.I)
OR_ARMS_RE = re.compile(r"\b(?:or|versus|vs\.?)\b")
LABEL_GAP_RE = re.compile(r"\s*:?\s*")  # "RVd 8%", "RVd: 8%"
LABEL_END_RE = re.compile(r"\s*(?:[,;)]|$)")
RESPECTIVELY_RE = re.compile(r"\brespectively\b", re.I)
# ("55%, 57% and 67% of patients in arms A, B and C": the arms by their labels)
IMPLIED_RESPECTIVELY_RE = re.compile(
    r"\s*(?:of\s+(?:the\s+)?(?:patients|people|participants)\s+)?(?:in|with|on)\s+(?:the\s+)?"
    r"(?:(?P<arms>[^.;()]{1,80}?)\s+(?:groups|arms|cohorts)\b|(?:groups|arms|cohorts)\s+(?P<labels>[^.;()]{1,40}))", re.I)
IMPLIED_LIST_RE = re.compile(r"\s*(?:with|on|for)\s+(?P<arms>[^.;()]{1,80})(?=\s*(?:[.;)]|,\s+(?:and|but|while|whereas)\b|$))", re.I)
# what joins two "X vs Y" pairs: "... (HR 0.62) and 5.7 vs 2.1 months", "...; 41 vs 23 months"
PAIR_JOIN_RE = re.compile(r"^(?:[^.]|\.(?=\d))*?(?:\band\b|;)")
CLAUSE_AFTER_VALUE_RE = re.compile(r"[,;(]|\band\b")  # "72% had grade 3 or higher adverse events, and ... infections"
# "13.9 v 13.5 months": journals' "v" is "versus"
VS_NEXT_RE = re.compile(r"\s*(?:months?|years?|%|percent)?\s*(?:vs\.?|versus|v\.?)\s", re.I)
VS_RE = re.compile(r"\b(?:vs\.?|versus|v\.?)\s*$", re.I)
BARE_LINK_RE = re.compile(r"^\s*(?:(?:vs\.?|versus|v\.?(?!\w)|and|to|or|,|/|compared\s+(?:to|with))\s*)+$", re.I)
# "the EXTREME regimen (cetuximab plus platinum ... followed by cetuximab maintenance)": a parenthesis explains the arm
PAREN_AFTER_RE = re.compile(rf"\s*(?:{DOSE}\s*)?(?:(?:regimen|group|cohort|arm)\s*)?\((?![^()]*\b(?:vs\.?|versus|compared)\b)[^()]{{1,160}}\)")
# "lenalidomide alone (R)": an abbreviation defined for the arm just named
# "(KR)", "(VBMCP/VBAD/B; 129)", "(8xeBEACOPP)": the abbreviation an arm is given
DEVELOPMENT_CODE_RE = re.compile(r"[A-Za-z]{2,5}-?\d{3,8}")
ABBREVIATION_DEF_RE = re.compile(r"(?:\s+(?:alone|only|together|combined|monotherapy|maintenance|therapy|acetate|hydrochloride|mesylate|citrate|sodium|malate|tosylate))*\s*\((?P<abbr>(?:\d{1,2}x)?(?:[A-Z]|[a-z]{1,3}(?=[A-Z]))[A-Za-z0-9]{0,7}(?:-[A-Za-z0-9]{1,8}){0,2}(?:/[A-Z][A-Za-z0-9]{0,5}){0,3})(?:[;,][^()]{0,30})?\)")
CLAUSE_BREAK_RE = re.compile(r"\b(?:even though|although|though|despite|even if)\b", re.I)
ROUTE_GAP_RE = re.compile(r"\s*(?:\([^()]*\)\s*)?")  # "intravenous (n = 74) bortezomib": one arm
BOTH_RE = re.compile(r"\bboth\b", re.I)
COMBINATION_OF_RE = re.compile(r"\s*(?:\([^()]*\)\s*)?(?:of|with|of\s+the\s+drugs?)\s+", re.I)  # "the combination of nivolumab and ipilimumab"
COMBINED_RE = re.compile(r" and | \+ ")  # how arm_phrases joins the treatments of one arm
COMBINATION_AFTER_RE = re.compile(r"[\s-]*(?:\([^()]*\)\s*)?$")  # "the nivolumab-ipilimumab combination"
BOTH_GROUPS_RE = re.compile(r"\s+(?:(?:of\s+)?(?:the\s+)?(?:patients|people)\s+)?in\s+both\s+(?:treatment\s+)?(?:groups|arms)\b", re.I)
# the other name of a trial or a drug: "BMT CTN 0702 trial, also known as StaMINA", "DRAMMATIC (SWOG S1803)",
# "Imfinzi, also known as durvalumab, plus ..."
_ALSO_CALLED = r"(?:also\s+)?(?:known\s+as|called|named|sold\s+as|marketed\s+as|a\.k\.a\.|aka)\s+"
ALIAS_GAP_RE = re.compile(rf"(?:\s+(?:trial|study))?\s*\(\s*(?:{_ALSO_CALLED})?|(?:\s+(?:trial|study))?,?\s+{_ALSO_CALLED}", re.I)
# a name in capitals (five or more) listed right after or before a trial's name
_CAPITALS_NAME, _LIST_JOIN = r"(?P<name>[A-Z][A-Z0-9]{4,}(?:-[A-Z0-9]+)?)", r"(?:\s+(?:and|or|vs\.?|versus)\s+|,\s+)"
COORDINATED_AFTER_RE = re.compile(rf"{_LIST_JOIN}{_CAPITALS_NAME}\b(?![-/])")
# "ENGOT-OV16/NOVA": a trial's code, then the name it goes by after a slash
SLASH_NAME_RE = re.compile(r"/(?P<name>[A-Z][A-Za-z]*[A-Z][A-Za-z]*\d{0,2})\b(?![-/])")
GLUED_CITATION_END_RE = re.compile(r"(?P<name>.*(?:[A-Za-z]|\b(?:19|20)\d\d))\d{1,2}")  # a name, then a reference number
GRADE_PAREN_BEFORE_RE = re.compile(r"\(\s*(?:grades?\s+[\d≥><=–-]+(?:\s*(?:-|–|to|or)\s*\d)?(?:\s+or\s+(?:higher|worse|above))?|severe)\s*[,:]?\s*$", re.I)
ADDED_BEFORE_RE = re.compile(r"\b(?:added|adds|adding)\s+$", re.I)
ADDED_TO_RE = re.compile(r"\s+to\s+(?:the\s+)?")  # "adding venetoclax to azacitidine"
PRIOR_THERAPY_RE = re.compile(r"\b(?:refractory|resistant|exposed|intolerant|naive|naïve)\s+(?:to|of)\b"
                              r"|\b(?:already|previously)\s+(?:had|received|taken|been\s+(?:given|treated\s+with))\b"
                              r"|\b(?:previously|pre-?)\s*treated\s+with\b", re.I)  # "people who had already had a BCMA drug"
PRIOR_LIST_BREAK_RE = re.compile(r"[;:.()]|\b(?:were|was|received|receiving|treated|given|had|got|randomi[sz]ed|assigned|who|then|took|takes?|taking|started)\b", re.I)
DATELINE_RE = re.compile(r"(?<![^\n])[A-Z]{3,}(?:,\s+[A-Z][A-Za-z.]+)*\s+[-–—]\s")  # "BOSTON - A stem cell transplant ...": a news dateline
LANDMARK_LIST_RE = re.compile(r"\b(?:at|after)\s+(?P<list>\d{1,2}(?:\s*,\s*\d{1,2})*,?\s+and\s+\d{1,2})[- ](?P<unit>years?|months?)\b", re.I)
THE_TRIAL_CALLED_RE = re.compile(r"\bThe\s+(?:trial|study)(?:,\s*|\s+(?:is|was)\s+)(?:called|named|known\s+as)\s+$")
HAZARD_OF_RE = re.compile(r"\b(?:hazard\s+ratio|HR)\s+(?:for|of)\s+$", re.I)
# a study of one treatment: "single-arm", "single-group", or a phase 2 study that randomised nobody
# a study that gives every patient the one treatment, at rising doses; a drug's first study in people
DOSE_ESCALATION = r"\bdose[- ]escalation\s+(?:study|trial)\b|\bfirst[- ]in[- ]human\b"
SINGLE_ARM_RE = re.compile(rf"\b(?:single|one)[- ](?:arm|group)\b(?!\s+(?:of|from))|{DOSE_ESCALATION}|\bphase\s+(?:1b?/2|I/II|2|II)\b(?![-/]\s*(?:3|III))", re.I)
# "One group had VAC", "Half were put at random into a group who had cemiplimab"
ONE_GROUP_RE = re.compile(r"\b(?:(?:One|The\s+first)\s+group\s+(?:had|got|received|took|was\s+given)"
                          r"|Half\s+(?:of\s+them\s+)?were\s+(?:put|placed)\s+(?:at\s+random|by\s+chance)\s+into\s+a\s+group\s+(?:who|that)\s+(?:had|got|received))\b", re.I)
# "The other had VAC/VI", "The other half had chemotherapy"
OTHER_GROUP_RE = re.compile(r"\b(?:the\s+other|the\s+second)(?:\s+group|\s+half)?\s+(?:had|got|received|took|was\s+given)\b", re.I)
STUDY_OBJECT_RE = re.compile(r"\b(?:evaluated|tested|assessed|studied|investigated|explored|examined|(?:study|trial)\s+of)\s+(?:the\s+)?$", re.I)
SINGLE_ARM_WORDS_RE = re.compile(rf"\bsingle[- ](?:arm|group)\b|\bone-(?:arm|group)\b|{DOSE_ESCALATION}", re.I)  # (not "with one arm")
NAME_SLASH_RE = re.compile(r"(?<![\w/-])(?P<name>[A-Z]{4,}\d{0,2}|[A-Z][a-z]+[A-Z][A-Za-z]*|[A-Z]{3,}-\d{2,4})/$")  # "MMVAR/IFM 2005-04", "CeTeG/NOA-09", "HOVON-126/NMSG 21.13": a name before the code
# what introduces a trial's own treatment right after its name: "NOVA (niraparib 300 mg ...)",
# "the NOVA trial of niraparib", "NOVA, a phase 3 trial of niraparib maintenance"
TRIAL_TREATMENT_RE = re.compile(
    r"\s*(?:\[[^\]]*\]\s*)?(?:\(|\s(?:trial|study)\s+(?:of|testing)\s+|,\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,4}?(?:trial|study)\s+(?:of|testing)\s+)", re.I)
TRIAL_TREATMENT_END_RE = re.compile(r"[);,.]")
PLACEBO_CONTROLLED_RE = re.compile(r"\bplacebo[- ]controlled\b", re.I)
REGISTRATION_RE = re.compile(r"ClinicalTrials\.gov|\bregistered\s+with\b|\bregistration\s+number\b", re.I)
COORDINATED_BEFORE_RE = re.compile(rf"(?<![\w-]){_CAPITALS_NAME}{_LIST_JOIN}$")
# a trial's name as a table's first cell: capitals or digits in it ("BOSTON", "KarMMa-3", "Myeloma XI")
TABLE_NAME_RE = re.compile(r"(?=(?:\S*[A-Z0-9]){2})[A-Z][\w]*(?:[- /][\w]+){0,3}")
COUNT_AND_PERCENT_RE = re.compile(r"\b(?:n|no\.?|number)\s*\(\s*%\s*\)", re.I)
# the unit a table heading gives its figures: "Median PFS (months)", "ORR, %", "Median OS, monthsb"
UNIT_HEAD_RE = re.compile(r"(?:\(\s*(?:in\s+)?|,\s*)(?P<u>months?|mo|years?|%|percent)(?:\s*\)|[a-z]?$)|(?P<pct>%)", re.I)
NUMBER_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")
LINE_RE = re.compile(r"[^\n]*")
HEADING_NUMBERS_RE = re.compile(r"\d+(?:-\d+)?-(?:month|year)|grade \d(?:-\d)?")  # "18-month OS", "grade 3-4" in a heading
# "After transplant, the figures were ...", "100 days after transplant": a point in time, not an arm
# ("13% and 8% stopped maintenance because of toxicity": what they stopped, not their arm)
TIME_ANCHOR_BEFORE_RE = re.compile(r"\b(?:after|before|following|(?:days?|weeks?|months?|years?)\s+(?:post|from)|stopped|stopping|discontinued|discontinuing|completed|completing)\s+(?:the\s+|an?\s+|their\s+)?$", re.I)
TIME_ANCHORS = ("transplant", "surgery", "maintenance")  # generic arms.toml names that also mark a point in time
ALONE_AFTER_RE = re.compile(r"\s+(?:alone|only)\b")  # "after surgery alone": the arm of surgery without more
ELIGIBLE_AFTER_RE = re.compile(r"-(?:in)?eligible\b", re.I)
ELIGIBLE_FOR_RE = re.compile(r"\b(?:eligible|ineligible|fit|fit\s+enough|unfit|well\s+enough|suitable|unsuitable|candidates?|too\s+frail)\s+for\s+(?:a\s+|an\s+|intensive\s+|high-dose\s+)*$", re.I)
# dosing schedules a trial compares: "once a week" vs "twice a week", "once-weekly" vs "twice-weekly", "every 2 weeks"
# vs "every-3-weeks"
SCHEDULE = r"(?:(?:once|twice|three\s+times)(?:-weekly|\s+weekly|\s+(?:a|per)\s+week)|every[- ](?:\d|two|three|four|six|other)[- ]weeks?)"
SCHEDULE_RE = re.compile(rf"\b{SCHEDULE}\b(?:\s+schedule)?", re.I)
SCHEDULES_COMPARED_RE = re.compile(rf"\b{SCHEDULE}\b[^.;]{{0,80}}?(?:\b(?:and|or|versus|vs\.?|compared\s+with|with)\b|,)[^.;]{{0,40}}?\b{SCHEDULE}\b", re.I)
# doses a trial compares ("randomly assigned to receive 2.5 mg/kg or 3.4 mg/kg belantamab mafodotin", "60 Gy
# versus 74 Gy"): each dose is an arm
DOSE_UNITS = r"mg/kg|mg/m2|mg/m²|mg|mcg/kg|µg/kg"
DOSE_LEVEL = rf"(?<![\d.,])\d+(?:\.\d+)?\s*(?:{DOSE_UNITS}|Gy)(?![\w/])"
DOSE_LEVEL_RE = re.compile(DOSE_LEVEL, re.I)
DOSES_COMPARED_RE = re.compile(rf"{DOSE_LEVEL}\s+(?:\([^()]{{1,30}}\)\s+)?(?:or|versus|vs\.?)\s+{DOSE_LEVEL}"  # "1.0 mg/m2 (n = 28) or 1.3 mg/m2"
                                rf"|\b(?:compared|tested)\s+(?:two|three)\s+doses\s+of\s+[\w-]+,?\s+{DOSE_LEVEL}\s+(?:and|or)\s+{DOSE_LEVEL}", re.I)  # "compared two doses of pamidronate, 30 mg and 90 mg"
COMPARED_IN_WORDS_RE = re.compile(r"(?:compared|tested)\b", re.I)  # the comparison says itself what it compares, no randomisation needed
DOSE_IN_NAME_RE = re.compile(rf"(?:^|\s)(?P<n>\d+(?:\.\d+)?)\s*(?P<u>{DOSE_UNITS}|Gy)(?:$|\s)", re.I)  # "nilotinib 300 mg", "sotorasib 960 mg and panitumumab"
DOSE_RANKS = {"lower dose": 0, "higher dose": -1}  # arms.toml names of the doses by rank
SIZE_WORDS = {"doublet": 2, "triplet": 3, "quadruplet": 4}  # arms.toml names of a regimen by its number of drugs
STAND_IN_NAMES = {*DOSE_RANKS, *SIZE_WORDS, "triplets"}  # the arms.toml names _stand_in_arms resolves
REGIMEN_HYPHEN_RE = re.compile(r"[-/]")  # "D-VMP", "carboplatin-pemetrexed" (after the whole name is looked up: "nab-paclitaxel")
LETTER_PER_DRUG_RE = re.compile(r"[A-Z]{1,4}(?:dc?)?")  # a regimen's initials, one per drug: "SVd", "VMP", "Rd", "KRdc"
COMBINED_WITH_RE = re.compile(r"\s*(?:plus|and|with|\+|/|-)\s*", re.I)
METHODS_RE = re.compile(r"(?:Methods|Patients\s+and\s+methods|Study\s+design)\s*[:.]\s", re.I)  # an abstract's methods section
REAL_WORLD_RE = re.compile(r"\b(?:retrospective(?:ly)?|real-world|registry|chart\s+review|we\s+(?:collected|reviewed))\b", re.I)  # a study of routine care, no trial
STUDY_HEADING_RE = re.compile(r"(?:\d{1,2}[.)]\s+)?(?:The\s+)?\S+(?:\s\S+)?\s+(?:study|trial)", re.I)  # "The VRD-lite study"
HEADING_ENUMERATOR_RE = re.compile(r"(?:\d{1,2}[.)]\s+|[-•*]\s+)?")  # "2. " before a numbered heading


def _dose(tag: str) -> str:
    """A dose level ("200 mg", "200-mg", "0.4 mg/kg"), its groups named n<tag> and u<tag>."""
    return rf"(?<![\d.,])(?P<n{tag}>\d+(?:\.\d+)?)[\s-]*(?P<u{tag}>{DOSE_UNITS})(?![\w/])"


DRUG_DOSE_RE = re.compile(r"\s+" + _dose(""), re.I)  # "nilotinib| 300 mg"
# "14.9 months with 2 mg/kg": a dose alone, naming the arm of that dose
DOSE_ALONE_RE = re.compile(r"(?:(?<=\bwith )|(?<=\bat )|(?<=\bon )|(?<=\bthe ))" + _dose(""), re.I)


# the dose cohorts of a study ("in the 200-mg cohort", "treated at 50 mg", "at the 0.4 mg/kg dose level")
DOSE_COHORT_RE = re.compile(rf"\b(?:the\s+)?{_dose('')}[\s-]+(?:cohort|group|arm|dose\s+level|dose|level)s?\b"
                            rf"|\bat\s+(?:the\s+)?{_dose('_at')}(?:[\s-]+(?:dose\s+level|dose|level)\b)?", re.I)
# "in the auto-auto group", "of the donor transplant group": an arm named by the words before "group"
GROUP_NAME_RE = re.compile(r"\bthe\s+(?P<name>[a-z][a-zA-Z/-]*(?:\s+[a-z][a-zA-Z/-]*)?)\s+(?:group|arm|cohort|schedule)\b")
# "70% of people on the weekly dose responded, and 64% on the every-other-week dose": schedules named as doses
SCHEDULE_DOSE_RE = re.compile(r"\bthe\s+(?P<name>weekly|once-weekly|twice-weekly|biweekly|fortnightly|monthly|every-other-week|every-(?:two|three|four|2|3|4)-weeks?)\s+(?:dose|dosing)\b")
# "(auto-allo)": a hyphenated lower-case label in brackets
BRACKET_LABEL_RE = re.compile(r"\((?P<label>[a-z]+(?:-[a-z]+)+)\)")
# "If a trial says men lived for a median of four years, ...": an example, not a result
HYPOTHETICAL_RE = re.compile(r"\s*(?:(?:for example|for instance|say|so),?\s+)?(?:if|imagine|suppose|let's say)\b", re.I)
LIST_OR_RE = re.compile(r",\s+or\s+(?!to\b)")  # "A, B, or C": the comma before the last "or"
LIST_SEP_RE = re.compile(r",\s+(?:or\s+)?")
# "in the three-drug, venetoclax-obinutuzumab and chemo-immunotherapy groups": the list, and what separates its parts
LISTED_GROUPS_RE = re.compile(r"\bthe\s+(?P<list>[^.;()]+?)\s+(?:groups|arms|cohorts)\b")
PART_SEP_RE = re.compile(r",\s+(?:and\s+)?|\s+and\s+")
FAVOUR_BEFORE_RE = re.compile(r"\b(?:in\s+favou?r\s+of|favou?ring)\s+(?:adding\s+|the\s+addition\s+of\s+)?(?:the\s+)?$", re.I)
COMPARED_AFTER_RE = re.compile(r"\s*,?\s*(?:(?:when|as)\s+)?(?:compared\s+(?:with|to)|versus|vs\.?|against)\s+", re.I)
COMPARED_END_RE = re.compile(r"(?:compared\s+(?:to|with)|vs\.?|versus|and|to|or|,)\s*$", re.I)


def heading_unit(cell: str) -> str | None:
    """The unit a table heading gives the bare figures under or beside it, if one."""
    m = UNIT_HEAD_RE.search(cell)
    if not m or COUNT_AND_PERCENT_RE.search(cell):
        return None  # "n (%)": each cell gives its own units, "318 (90.9%)"
    u = (m["u"] or m["pct"]).lower()
    return "%" if u in ("%", "percent") else "years" if u.startswith("year") else "months"


@dataclass
class Mention:
    """A lexicon entity with its canonical value."""

    label: str  # DRUG, REGIMEN, ARM, ENDPOINT, TRIAL, TRIAL_REF
    start: int
    end: int
    text: str
    canon: str
    rule: str


@dataclass
class Group:
    """Values compared in one breath, about one endpoint."""

    endpoint: Mention
    values: list[Value] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # connector text between consecutive values
    arms: list[tuple[str | None, str | None]] = field(default_factory=list)  # (name, rule) per value, when known
    timepoint: Found | None = None  # when known: one landmark of a list ("at 1, 2 and 3 years")


@dataclass
class Column:
    """One column of a table with a trial per row ("Trial | Comparison | Patients randomised |
    Median follow-up (months) | Median PFS (months) | ORR (%)")."""

    kind: str  # trial, arms, sample, follow_up, endpoint or other
    endpoint: str | None = None
    unit: str | None = None  # the unit its header gives: "(months)", "(%)"


def unclaimed_uses(text: str, names, spans: list[tuple[int, int]], flags: int = 0) -> list[re.Match]:
    """Every whole-word use of one of names in text that overlaps none of spans (start, end): the
    other uses of a name once it is known to be a trial, regimen or drug."""
    return [u for u in re.finditer(rf"(?<![\w-])(?:{alternation(names)})(?![\w-])", text, flags)
            if not any(a < u.end() and u.start() < b for a, b in spans)]


def clause_end_after(s: str, pos: int) -> int:
    """Where the clause going on at pos ends: the next semicolon, else the end of the sentence s."""
    end = s.find(";", pos)
    return len(s) if end < 0 else end


def list_parts(text: str, sep: re.Pattern, lo: int, sep_until: int, hi: int) -> list[tuple[int, int]]:
    """The (start, end) of each part of a list in text[lo:hi], cut where sep matches before sep_until."""
    cuts = [lo] + [x for m in sep.finditer(text, lo, sep_until) for x in m.span()] + [hi]
    return list(zip(cuts[::2], cuts[1::2]))


@dataclass
class ReaderState:
    """What an attentive reader remembers while reading the document in order."""

    trial: str | None = None
    randomised_arms: list[str] = field(default_factory=list)
    randomisation: list[str] = field(default_factory=list)  # the arms as randomised, kept through comparisons of two
    sample_sizes: dict[str | None, set[int]] = field(default_factory=dict)  # per trial, the n's seen
    seen_trials: list[str] = field(default_factory=list)
    trial_aliases: dict[str, str] = field(default_factory=dict)  # "StaMINA" -> "BMT CTN 0702"
    last_endpoint: str | None = None  # the endpoint of the last sentence's results ("it was 11.2 vs 5.3 months")
    last_endpoints: list[str] = field(default_factory=list)  # all of them, in order ("the figures were A and B, respectively")
    asked: bool = False  # the last sentence was a question ("Response rate?"): its answer needs no "it was"
    columns: list[Column] = field(default_factory=list)  # the header of the table being read, one per cell
    trial_arms: dict[str, list[str]] = field(default_factory=dict)  # the arms a table row gave each trial
    combinations: dict[str | None, str] = field(default_factory=dict)  # per trial, the arm "the combination" means
    arms_of: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)  # per trial left, its (randomised_arms, randomisation)
    unit_hint: str | None = None  # a table column's unit ("Median PFS (months)") for its bare numbers
    placebo_controlled: bool = False  # the article said its trials were placebo-controlled
    last_sentence_arms: list[str] = field(default_factory=list)  # the arms the last sentence named
    single_arm: str | None = None  # the treatment of a study said to be single-arm (or given to every patient)
    backbone: str | None = None  # the arm without the drug of a randomisation "X with or without Y" (its control)
    group_names: set[str] = field(default_factory=set)  # the arms the article names "the X group" anywhere
    one_group: str | None = None  # the arm "One group had X" named, waiting for "The other had Y"
    title_treatment: str | None = None  # the one treatment the article's title names ("what I learned about etentamig")


@dataclass
class Trace:
    """What the rules matched in one sentence (for --explain)."""

    start: int
    end: int
    text: str
    matches: list[tuple[str, str]] = field(default_factory=list)  # (rule, matched text)
    enabled: bool = True  # off outside --explain: nothing is recorded

    def add(self, rule: str, text) -> None:
        """Record a match; `text` may be a callable so nothing is formatted when disabled."""
        if self.enabled:
            self.matches.append((rule, text() if callable(text) else text))


class Extractor:
    def __init__(self, lexicon: Lexicon | None = None):
        self.lexicon = lexicon or load_lexicon()
        self.nlp = build_nlp()
        self.numbers = NumberGrammar(self.lexicon)
        lx = self.lexicon
        # "two transplants" -> "tandem transplant": the arm a generic phrase names
        self.arm_of_phrase = {p.lower(): name for name, phrases in (lx.generic_arms | lx.controls).items() for p in phrases}
        # "the drug" -> the one active arm of a placebo-controlled trial (not "the drug's side effects")
        self.active_arm_re = re.compile(rf"\b(?:{alternation(lx.active_arm_phrases)})\b(?!['’]s)", re.I)
        self.alias_index = {}
        self.group_of = {}
        for t in lx.trials:
            for a in [t.name, *t.aliases]:
                self.alias_index[self._norm(a)] = t.name
            if t.group:
                self.group_of[t.name] = t.group
        # name patterns for drugs and endpoints: rule id -> canonical value (None: the text, lower-cased)
        self.pattern_canon = {p["id"]: p.get("canon") for p in lx.name_patterns if p["label"] in ("DRUG", "ENDPOINT")}
        # a regimen or drug name next to "study" ("the KRd study") is not a trial name either
        self.regimens_in_capitals = {r.upper() for r in lx.regimens if len(r) >= 3}
        self.not_trials = lx.excluded_names | {r.upper() for r in lx.regimens}
        for names in lx.drugs.values():
            self.not_trials |= {n.upper() for n in names}
        at = lx.grammar["attribution"]

        def words_re(words) -> re.Pattern:
            return re.compile(rf"\b(?:{alternation(words)})\b", re.I)

        self.randomisation_re = words_re(lx.grammar["randomisation"]["cues"])
        lay = lx.grammar["lay_endpoints"]
        self.lay_words, self.lay_kept = tuple(lay["lay"]), tuple(lay["kept"])
        self.formal_endpoint_res = {code: words_re(names) for code, names in lay["formal"].items()}
        td, nw = lx.grammar["treatment_duration"], lx.grammar["number_words"]
        num = rf"(?:\d{{1,2}}|{alternation(nw)})"
        self.duration_num = num
        self.number_words = {w: int(v) for w, v in nw.items()}
        self.durations_compared_re = re.compile(
            rf"\b(?:{alternation(td['compared'])})(?:\s+\w+){{0,3}}?(?:\s+for)?\s+(?:either\s+)?(?P<a>{num})(?:[- ](?P<u1>month|year|week)s?)?"
            # "to stop at 6 months or continue to 12 months", "9 weeks (short) or 1 year (long)", "9 weeks of trastuzumab
            # given with docetaxel with the standard 1 year"
            rf"(?:\s*\([a-z]+\))?(?:\s+of\s+[\w-]+(?:\s+[\w-]+){{0,3}}?)?\s+(?:or|versus|vs\.?|and|to|with)(?:\s+(?:continue\s+to|stop\s+at|the\s+standard|the\s+usual))?"
            rf"\s+(?P<b>{num})[- ](?P<u>month|year|week)s?\b", re.I)
        # "to observation, to one year of trastuzumab given every three weeks, or to two years of trastuzumab": two
        # durations of one treatment, each named with it
        self.durations_of_re = re.compile(
            rf"\b(?P<a>{num})[- ](?P<u1>month|year|week)s?\s+of\s+(?P<t1>[A-Za-z][\w-]+)\b[^.;]{{0,80}}?\s(?:or|versus|vs\.?|and)\s+"
            rf"(?:to\s+)?(?P<b>{num})[- ](?P<u>month|year|week)s?\s+of\s+(?P=t1)\b", re.I)
        self.duration_arm_re = re.compile(
            rf"\b(?:{alternation(td['arm_before'])})\s+(?P<arm>(?P<n>{num})[- ](?P<u>month|year|week)s?)"
            rf"(?:\s+(?:group|arm|cohort))?(?!\s*(?:of\s+follow|later|after|from|since))\b", re.I)
        routes = lx.grammar["routes"]
        self.route_of = {w.lower(): route for route, words in routes.items() for w in words}
        self.route_names = set(routes)
        route = alternation(self.route_of)
        self.route_re = re.compile(rf"\b(?:{route})\b", re.I)
        self.routes_compared_re = re.compile(
            rf"\b(?:{route})\b[^.;]{{0,80}}?\b(?:and|or|versus|vs\.?|compared\s+with)\b[^.;]{{0,40}}?\b(?:{route})\b", re.I)
        self.same_study_re = words_re(at["same_study"])
        self.anaphora_re = words_re([v for p in at["anaphora"] for v in expand_alternatives(p)])
        self.subgroup_cues_re = re.compile(rf"{alternation(lx.grammar['subgroup']['cues'])}|with\s+\w+\s+\w+", re.I)
        openers, nouns = alternation(at["new_study_openers"]), alternation(at["new_study_nouns"])
        self.pooled_re = words_re(at["pooled"])
        self.new_study_re = re.compile(
            rf"\b(?:{alternation(at['new_study'])}|(?:{openers})(?:\s+[\w-]+){{0,3}}?\s+(?:{nouns}))\b", re.I)
        # cheap pre-check: words one of which every new-study cue holds
        words = (*at["new_study_nouns"], "phase")
        self.study_nouns = words + tuple(p.lower() for p in at["new_study"] if not any(w in p.lower() for w in words))
        tb = lx.grammar["table"]
        self.column_res = {kind: re.compile(rf"^(?:{alternation(tb[kind])})$", re.I) for kind in ("trial", "arms")}
        self.column_res |= {kind: words_re(tb[kind]) for kind in ("sample", "follow_up")}
        self.table_trial_head_re = re.compile(rf"(?m)^[ \t]*(?:{alternation(tb['trial'])})(?:{CELL_SEP_RE.pattern})", re.I)

    # ------------------------------------------------------------------ entities
    @staticmethod
    def _norm(s: str) -> str:
        return re.sub(r"[^a-z0-9]", "", s.lower())

    def _known_trial(self, name: str) -> str | None:
        """The lexicon's name for a known trial, also with a citation number glued on ("DETERMINATION10",
        "IFM 20094"; not "KEYNOTE-426" for KEYNOTE-42)."""
        canon = self.alias_index.get(self._norm(name))
        if canon is None and (glued := GLUED_CITATION_END_RE.fullmatch(name)):
            canon = self.alias_index.get(self._norm(glued["name"]))
        return canon

    def _trial_name(self, ent, text: str) -> tuple[str, str] | None:
        """Canonical name and label (TRIAL or TRIAL_REF) of a TRIAL entity, or None if it is not one."""
        rule = ent.ent_id_ if ent.ent_id_.startswith("trial:") else "trial:lexicon"
        if rule == "trial:lexicon":
            return ent.ent_id_, "TRIAL"
        name = TRIAL_SUFFIX_RE.sub("", text.rstrip(").,;:")).strip()
        name = re.sub(r"\)?\s+", " ", name)  # "Nordic Myeloma Study Group (NMSG) 15/05": NMSG 15/05
        first = name.split()[0].upper()
        if name.upper() in self.regimens_in_capitals:
            return name, "REGIMEN"  # "The VRD-lite study": a study called by its regimen
        if first in self.not_trials or name.upper() in self.not_trials:
            return None
        if rule == "trial:name-number" and re.search(r"\b(?:19|20)\d\d$", name):
            return None
        if re.sub(r"[-\d]+$", "", name) in self.lexicon.regimens or name.split("-")[0] in self.lexicon.regimens:
            return name, "REGIMEN"  # "KRd12": a regimen with its cycle count; "CAPOX-B": one with a drug added
        if rule == "trial:nct":
            return name, "TRIAL_NCT"
        canon = self._known_trial(name)
        if canon:
            return canon, "TRIAL"
        if rule == "trial:known-title-case":
            return None  # "the Italian trial": only a known trial's name in title case ("the Cardamon trial")
        if name.upper() in self.lexicon.cooperative_groups or (
                re.fullmatch(r"[A-Z]+", name) and any(g == name for g in self.group_of.values())):
            return name, "TRIAL_REF"  # "in CALGB study", "a SWOG study": the group's trial named before
        return name, "TRIAL"

    def mentions(self, sdoc: Doc, text: str) -> list[Mention]:
        """The pipeline's entities as mentions (text is sdoc's text: Span.text would join tokens)."""
        out = []
        capitals = []
        for ent in sdoc.ents:
            start, end = ent.start_char, ent.end_char
            ent_text = text[start:end]
            if ent.label_ == "TRIAL":
                named = self._trial_name(ent, ent_text)
                if not named:
                    continue
                canon, label = named
                rule = ent.ent_id_ if ent.ent_id_.startswith("trial:") else "trial:lexicon"
                if label == "REGIMEN":  # "KRd12" with its cycles; "VRD-lite" named as a study
                    rule = "arm:regimen" if canon.upper() in self.regimens_in_capitals else "arm:regimen-cycles"
                out.append(Mention(label, start, end, ent_text, canon, rule))
            elif ent.label_ == "REGIMEN" and ent.ent_id_.startswith("arm:"):
                # a regimen found by its shape ("D-Rd"); name_patterns already dropped common abbreviations
                # a known regimen in capitals is as known ("VTD" for VTd), and stays as written
                known = ent_text in self.lexicon.regimens or ent_text in self.regimens_in_capitals
                if not known and ent_text.isalpha() and ent_text.isupper():
                    # capitals alone (HRD, PARP, a speaker's name) are a regimen only if defined: "(ABCP)",
                    # or compared with a known regimen or drug ("compared VMP with VTP"), or called a regimen
                    capitals.append((start, end, ent_text))
                    continue
                out.append(Mention("REGIMEN", start, end, ent_text, ent_text,
                                   "arm:regimen" if known else ent.ent_id_))
            elif ent.ent_id_ in self.pattern_canon:
                # a drug by its name stem ("obinutuzumab"), a graded adverse event ("grade 3 hypertension")
                canon = self.pattern_canon[ent.ent_id_] or ent_text.lower()
                out.append(Mention(ent.label_, start, end, ent_text, canon, ent.ent_id_))
            else:
                if ent.label_ == "ARM" and UNDER_CONTROL_RE.search(text, max(0, start - 8), start):
                    continue  # "kept under control": no arm
                rule = {"DRUG": "arm:drug", "REGIMEN": "arm:regimen", "ARM": "arm:comparator", "ENDPOINT": "endpoint:phrase"}[ent.label_]
                if ent.label_ == "DRUG" and ent.ent_id_ and ent_text.lower() not in self.lexicon.brand_names:
                    rule = "arm:drug-near-miss"
                out.append(Mention(ent.label_, start, end, ent_text, ent.ent_id_ or ent_text, rule))
        known_ends = {m.end for m in out if m.rule in ("arm:regimen", "arm:drug")}
        known_starts = {m.start for m in out if m.rule in ("arm:regimen", "arm:drug")}
        compared = set()
        drug_starts = sorted(m.start for m in out if m.label == "DRUG")
        for start, end, name in capitals:
            before = REGIMENS_COMPARED_BEFORE_RE.search(text, max(0, start - 16), start)
            after = REGIMENS_COMPARED_AFTER_RE.match(text, end)
            # "VIDE (vincristine, ifosfamide, doxorubicin and etoposide)": spelled out with its drugs
            spelled = text.startswith(" (", end) and (close := text.find(")", end, end + 200)) > 0 and sum(
                1 for d in drug_starts if end < d < close) >= 2
            spelled = spelled or ARM_SIZE_AFTER_RE.match(text, end) is not None  # "assigned to VDCR (n = 48), VDR (n = 42)"
            if spelled and (parts := SLASHED_CAPITALS_BEFORE_RE.search(text, max(0, start - 24), start)):
                name = parts.group(0) + name  # "VDC/IE (vincristine, doxorubicin and cyclophosphamide alternating ...)"
            if (before and before.start() in known_ends) or (after and after.end() in known_starts) or REGIMEN_WORD_AFTER_RE.match(text, end) or spelled:
                compared.add(name)
        if not compared:
            return out
        out += [Mention("REGIMEN", u.start(), u.end(), u.group(0), u.group(0), "arm:regimen-compared")  # every use of the name
                for u in unclaimed_uses(text, compared, [(m.start, m.end) for m in out])]
        return sorted(out, key=lambda m: m.start)

    @staticmethod
    def not_protocols(text: str, mentions: list[Mention]) -> list[Mention]:
        """"protocols RRMM-04 to RRMM-11", "protocol RRMM-09", "Leaflet number: PIL-HAEM-0412": codes of a
        local protocol list or a document are not trials, nor is any other name with the same prefix ("(RRMM-06)");
        nor is a news dateline ("BOSTON - A stem cell transplant ...")."""
        def prefix(m: Mention) -> str | None:  # "RRMM" of "RRMM-04"; None for other mentions
            return re.split(r"[-\s]?\d", m.text)[0] if m.label == "TRIAL" and m.rule == "trial:name-number" else None

        protocols = {prefix(m) for m in mentions if prefix(m) and PROTOCOL_BEFORE_RE.search(text, max(0, m.start - 40), m.start)}
        return [m for m in mentions if not (protocols and prefix(m) in protocols)
                and not (m.label == "TRIAL" and DATELINE_RE.match(text, m.start))]

    def abbreviations(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Arm abbreviations the article defines ("lenalidomide alone (R)"): the definition and
        every later use of the abbreviation become REGIMEN mentions (rule arm:abbreviation)."""
        taken = {(m.start, m.end) for m in mentions}
        arm_ends = {m.end: m for m in mentions if m.label in ARM_LABELS}
        out: list[Mention] = []
        for end, named in sorted(arm_ends.items()):
            d = ABBREVIATION_DEF_RE.match(text, end)
            if not d:
                continue
            abbr = d["abbr"]
            if named.label == "DRUG" and DEVELOPMENT_CODE_RE.fullmatch(abbr):
                # a drug's development code ("linvoseltamab (REGN5458)") is another name of the drug, wherever used
                for m in mentions:
                    if m.text == abbr and m.label == "REGIMEN":
                        m.canon = named.canon
                canon = named.canon
            elif (d.start("abbr"), d.end("abbr")) in taken:
                continue
            else:
                canon = abbr
            # (a known regimen's name in other capitals is an arm of its own: "(RD, n = 223)" beside "(Rd)"; a word
            # never a name elsewhere, "MD", is one right after a combination: "melphalan-dexamethasone (MD)")
            combination = named.start > 0 and text[named.start - 1] in "-/"
            if abbr.lower() in self.lexicon.brand_names or abbr.upper() in self.lexicon.excluded_names \
                    and not (combination and abbr.upper() in self.lexicon.not_names):
                continue
            # every later use, except a P that is a p-value ("P < 0.001")
            for u in re.finditer(rf"(?<![\w-]){re.escape(abbr)}(?![\w-])(?!\s*(?:[<>=≤≥]|value))", text[d.start("abbr") :]):
                a, b = d.start("abbr") + u.start(), d.start("abbr") + u.end()
                if not any(m.start < b and a < m.end for m in mentions):
                    out.append(Mention("REGIMEN", a, b, abbr, canon, "arm:abbreviation"))
        return out

    def arm_labels(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Labels the article gives its arms ("no maintenance (arm A), pamidronate (arm B) or ..."): each
        later use ("36% in arm A", "in arms A, B and C") becomes an ARM mention named like the arm, or by
        the label when the article never names the arm otherwise ("cohort 1") (rule arm:label)."""
        names: dict[tuple[str, str], str] = {}
        defs = []
        for d in ARM_LABEL_DEF_RE.finditer(text):
            before = self.arm_phrases(text, mentions, max(0, d.start() - 150), d.start())
            if before and not text[before[-1][2] : d.start()].strip():
                names[(d["kind"].lower(), d["label"].upper())] = before[-1][0]
                defs.append(d.span())
        # "Cohort 1 (n = 59) received 20 mg/m2; cohort 2 (n = 70) ...": labels of two or more arms the article
        # never ties to a treatment name themselves ("cohort 1")
        used: dict[str, set[str]] = {}
        for u in ARM_LABEL_USE_RE.finditer(text):  # (each label used on its own: not "in arm I and 21%")
            if ARM_LABEL_ITEM_RE.fullmatch(u["labels"]):
                used.setdefault(u["kind"].lower(), set()).add(u["labels"].upper())
        for kind, labels in used.items():  # (all letters or all numbers)
            if len(labels) >= 2 and len({label[0].isdigit() for label in labels}) == 1 and not any(k == kind for k, _ in names):
                names.update({(kind, label): f"{kind} {label}" for label in labels})
        if not names:
            return []
        taken = [(m.start, m.end) for m in mentions] + defs
        out = []
        for u in ARM_LABEL_USE_RE.finditer(text):
            items = list(ARM_LABEL_ITEM_RE.finditer(text, u.start("labels"), u.end("labels")))
            for item in items:
                name = names.get((u["kind"].lower(), item.group(0).upper()))
                a, b = (u.start(), item.end()) if len(items) == 1 else item.span()  # "arm A"; "A" of "arms A, B and C"
                if name and not any(x < b and a < y for x, y in taken):
                    out.append(Mention("ARM", a, b, text[a:b], name, "arm:label"))
        return out

    def headed_arms(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Arms a list introduces by label ("- Arm A (control, n = 288): R-CHOP/R-DHAP followed by ASCT"):
        each use ("in arm A+I", "Arm A was not superior to arm I") becomes an ARM mention named "arm A+I",
        the name the article itself uses (rule arm:headed-label)."""
        labels = {re.sub(r"\s", "", h["label"] or h["code"]) for h in ARM_HEADING_RE.finditer(text)}
        if not labels:
            return []
        alt = "|".join(sorted((re.escape(x).replace(r"\+", r"\s?\+\s?") for x in labels), key=len, reverse=True))
        taken = [(m.start, m.end) for m in mentions]
        out = [Mention("ARM", u.start(), u.end(), u.group(0), "arm " + re.sub(r"\s", "", u["label"]), "arm:headed-label")
               for u in re.finditer(rf"\b[Aa]rm\s+(?P<label>{alt})(?![\w+])", text)
               if not any(x < u.end() and u.start() < y for x, y in taken)]
        # "in arms A1, A2, B1 and B2, respectively" (list items headed "A1: RVd induction ...")
        for u in re.finditer(rf"\b[Aa]rms\s+(?:{alt})(?:\s*(?:,|and|or|&)\s*(?:{alt}))+(?![\w+])", text):
            for x in re.finditer(alt, u.group(0)):
                a, b = u.start() + x.start(), u.start() + x.end()
                if not any(p < b and a < q for p, q in taken):
                    out.append(Mention("ARM", a, b, x.group(0), "arm " + re.sub(r"\s", "", x.group(0)), "arm:headed-label"))
        return out

    def named_groups(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Arms the lexicon does not know, named by the article: "the donor transplant group" (rule
        arm:named-group; arms.toml [named_groups]) and a hyphenated label in brackets used again later
        ("... a reduced-intensity donor transplant (auto-allo)", then "77% with auto-allo"; rule
        arm:bracket-label)."""
        taken = [(m.start, m.end) for m in mentions]
        out: list[Mention] = []

        def add(a: int, b: int, name: str, rule: str) -> None:
            if not any(x < b and a < y for x, y in taken):
                out.append(Mention("ARM", a, b, text[a:b], name, rule))
                taken.append((a, b))

        for label in {m["label"] for m in BRACKET_LABEL_RE.finditer(text)}:
            for u in re.finditer(rf"(?<![\w(-]){re.escape(label)}(?![\w)-])", text):  # its uses, not its definition
                add(u.start(), u.end(), label, "arm:bracket-label")
        names = set()
        for g in itertools.chain(GROUP_NAME_RE.finditer(text), SCHEDULE_DOSE_RE.finditer(text)):
            name = g["name"]
            words = name.split()
            if any(w in self.lexicon.not_group_names for w in words) or self.subgroup_cues_re.search(name):
                continue
            a, b = g.span("name")
            names.add(name)
            name = self.arm_of_phrase.get(name.replace("-", " "), name)  # "the standard-treatment group"
            inside = [m for m in mentions if m.start < b and a < m.end]
            if inside and all(a <= m.start and m.end <= b and m.end - m.start < b - a and m.canon in self.lexicon.generic_arms
                              for m in inside):
                # "the donor transplant group": more words than the generic arm inside it (read_sentence drops that one)
                out.append(Mention("ARM", a, b, name, name, "arm:named-group"))
            else:
                add(a, b, name, "arm:named-group")
        # "26% after double autologous transplantation" after "the double autologous group": the group's name before a
        # generic arm word is that group (read_sentence drops the generic one inside it)
        generic_at = {m.start: m for m in mentions if m.label == "ARM" and m.canon in self.lexicon.generic_arms}
        for name in (n for n in names if " " in n):  # (not one word: "induction chemotherapy" stays as it is)
            for u in re.finditer(rf"\b{re.escape(name)}\s+", text):
                if (g := generic_at.get(u.end())) and not any(x < u.end() and u.start() < y for x, y in taken):
                    out.append(Mention("ARM", u.start(), g.end, text[u.start() : g.end], name, "arm:named-group"))
        # "66 out of every 100 children who had immunotherapy": a group's name used after a treatment verb
        for name in names:
            for u in re.finditer(rf"\b(?:had|given|received|receiving|getting|got)\s+(?P<name>{re.escape(name)})\b(?!\s+(?:group|arm|cohort))", text):
                add(*u.span("name"), self.arm_of_phrase.get(name.replace("-", " "), name), "arm:named-group")
        return out

    def lay_endpoints(self, text: str, mentions: list[Mention]) -> None:
        """Plain words for surviving free of the disease ("alive and free of neuroblastoma") mean the one
        survival endpoint of that kind the article names formally (grammar.toml [lay_endpoints]; rule
        endpoint:as-the-article-names-it)."""
        lay = [m for m in mentions if m.label == "ENDPOINT" and m.canon in self.formal_endpoint_res
               and any(w in m.text.lower() for w in self.lay_words) and not any(w in m.text.lower() for w in self.lay_kept)]
        if not lay:
            return
        named = [code for code, rx in self.formal_endpoint_res.items() if rx.search(text)]
        if len(named) == 1:
            for m in lay:
                if m.canon != named[0]:
                    m.canon, m.rule = named[0], "endpoint:as-the-article-names-it"

    def duration_arms(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """In an article about a trial of treatment durations ("randomised to 3 or 6 months of
        FOLFOX"), the durations used as arms ("75.5% with 6 months", "the 3-month group") become
        ARM mentions named "3 months" (rule arm:treatment-duration), or "one year of trastuzumab" when
        each duration was named with its treatment. Returns the mentions with them added."""
        def count(word: str) -> int:
            return int(word) if word.isdigit() else self.number_words.get(word.lower(), -1)

        def plural(n: int, unit: str) -> str:
            return f"{unit}{'s' if n != 1 else ''}"

        compared: dict[tuple[int, str], str] = {}  # (number, unit) -> the arm's name
        for m in self.durations_compared_re.finditer(text):
            unit = m["u"].lower()
            unit1 = (m["u1"] or unit).lower()  # "9 weeks ... or 1 year": each in its own unit
            compared.update({(n, u): f"{n} {plural(n, u)}" for n, u in ((count(m["a"]), unit1), (count(m["b"]), unit))})
        # ("one year of trastuzumab" and "two years of trastuzumab": the arm named with its treatment, as written)
        treatment: dict[tuple[int, str], str] = {}  # (number, unit) -> the treatment named after it
        for m in self.durations_of_re.finditer(text):
            unit = m["u"].lower()
            if m["u1"].lower() == unit:
                for g in ("a", "b"):
                    n = count(m[g])
                    compared[(n, unit)] = f"{m[g].lower()} {plural(n, unit)} of {m['t1']}"
                    treatment[(n, unit)] = m["t1"]
        if not compared:
            return mentions
        taken = [(m.start, m.end) for m in mentions]
        out = []
        covered = set()  # the treatment's own mention after its duration ("one year of trastuzumab")
        found = list(self.duration_arm_re.finditer(text))
        if treatment:  # "for observation, one year and two years of trastuzumab": a list of the durations before it
            t = alternation(set(treatment.values()))
            found += re.finditer(rf"\b(?P<arm>(?P<n>{self.duration_num})[- ](?P<u>month|year|week)s?)(?=(?:\s*(?:,|and|or)\s*"
                                 rf"{self.duration_num}[- ](?:month|year|week)s?)*\s+of\s+(?:{t})\b)", text, re.I)
        for m in found:
            n, unit = count(m["n"]), m["u"].lower()
            a, b = m.span("arm")
            if (n, unit) in compared and not any(x < b and a < y for x, y in taken):
                if (n, unit) in treatment and (of := re.match(rf"\s+of\s+{re.escape(treatment[(n, unit)])}\b", text[b:], re.I)):
                    covered |= {id(m) for m in mentions if b <= m.start < b + of.end()}
                    b += of.end()
                taken.append((a, b))
                out.append(Mention("ARM", a, b, text[a:b], compared[(n, unit)], "arm:treatment-duration"))
        return [m for m in mentions if id(m) not in covered] + out

    @staticmethod
    def _ways_compared(text: str, mentions: list[Mention], compared_re: re.Pattern, way_re: re.Pattern,
                       name: Callable[[str], str], rule: str) -> list[Mention]:
        """In an article about a trial of ways to give a treatment (compared_re matches near a
        randomisation), each way way_re finds becomes an ARM mention named name(words)."""
        # (or said just before: "E1609 compared ipilimumab at 3 mg/kg or 10 mg/kg with high-dose interferon")
        if not any((RANDOMISED_RE.search(text, max(0, m.start() - 200), m.end() + 200) or COMPARED_IN_WORDS_RE.match(m.group(0))
                    or COMPARED_IN_WORDS_RE.search(text, max(0, m.start() - 40), m.start()))
                   and len({name(w.group(0)) for w in way_re.finditer(m.group(0))}) >= 2  # two different ways
                   for m in compared_re.finditer(text)):
            return []
        taken = [(m.start, m.end) for m in mentions]
        return [Mention("ARM", m.start(), m.end(), m.group(0), name(m.group(0)), rule)
                for m in way_re.finditer(text) if not any(x < m.end() and m.start() < y for x, y in taken)]

    def schedule_arms(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """In an article about a trial of dosing schedules ("At random, 240 people had carfilzomib once
        a week and 238 people had it twice a week"), the schedules become ARM mentions, named as
        written ("once a week", "the once-weekly schedule"): rule arm:schedule."""
        return self._ways_compared(text, mentions, SCHEDULES_COMPARED_RE, SCHEDULE_RE,
                                   lambda w: w.lower().replace("-", " ") if w.lower().startswith("every") else w.lower(), "arm:schedule")

    def dose_arms(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """In an article about a trial of doses ("randomly assigned to receive 2.5 mg/kg or 3.4 mg/kg"), the
        doses become ARM mentions named by the dose ("in the 2.5 mg/kg cohort" -> 2.5 mg/kg): rule arm:dose."""
        return self._ways_compared(text, mentions, DOSES_COMPARED_RE, DOSE_LEVEL_RE,
                                   lambda words: re.sub(r"\s*(?=[^\d\s.])", " ", words, count=1), "arm:dose")

    @staticmethod
    def drug_dose_arms(text: str, mentions: list[Mention]) -> list[Mention]:
        """A randomisation between one drug at two doses ("nilotinib 300 mg twice a day, nilotinib 400 mg twice
        a day, or imatinib 400 mg"): each "drug dose" of that drug is an arm named so ("nilotinib 300 mg"),
        the drug mention taking its dose in: rule arm:drug-dose."""
        arms = [m for m in mentions if m.label in ARM_LABELS]
        # a drug of a combination is not an arm alone: "doxorubicin 60 mg/m2 plus trabectedin", "TBI with melphalan 140 mg/m2"
        dosed = [(m, d) for i, m in enumerate(arms) if m.label == "DRUG" and (d := DRUG_DOSE_RE.match(text, m.end))
                 and not (i and COMBINED_WITH_RE.fullmatch(text, arms[i - 1].end, m.start))
                 and not (i + 1 < len(arms) and COMBINED_WITH_RE.fullmatch(text, d.end(), arms[i + 1].start))]

        def name(m: Mention, d: re.Match) -> str:
            return f"{m.canon} {d['n']} {d['u'].lower()}"

        twice = {m.canon for i, (m, d) in enumerate(dosed) for m2, d2 in dosed[i + 1:]
                 if m2.canon == m.canon and name(m, d) != name(m2, d2) and m2.start - m.end < 120 and "." not in text[d.end():m2.start]
                 and RANDOMISED_RE.search(text, max(0, m.start - 200), m.start)}
        if not twice:
            return mentions
        as_dose = {id(m): replace(m, end=d.end(), text=text[m.start:d.end()], canon=name(m, d), label="ARM", rule="arm:drug-dose")
                   for m, d in dosed if m.canon in twice}
        out = [as_dose.get(id(m), m) for m in mentions]
        # the dose alone names its arm: "14.9 months with 2 mg/kg, 17.3 months with 10 mg/kg"
        by_dose: dict[str, list[str]] = {}
        for x in dict.fromkeys(x.canon for x in as_dose.values()):
            by_dose.setdefault(x.split(" ", 1)[1], []).append(x)
        taken = [(m.start, m.end) for m in out]
        alone = [Mention("ARM", d.start(), d.end(), d.group(0), named[0], "arm:drug-dose")
                 for d in DOSE_ALONE_RE.finditer(text) if len(named := by_dose.get(f"{d['n']} {d['u'].lower()}", [])) == 1
                 and not any(x < d.end() and d.start() < y for x, y in taken)]
        return sorted(out + alone, key=lambda m: m.start) if alone else out

    @staticmethod
    def dose_cohort_arms(text: str, mentions: list[Mention]) -> list[Mention]:
        """In a study that gives its drug at two or more doses, one of them named as a cohort ("71% in the
        200-mg cohort, compared with 48% in the 50-mg cohort", "50% at 200 mg and 21% at 50 mg"), each
        dose cohort becomes an ARM mention named by the dose ("200 mg"): rule arm:dose-cohort."""
        uses = list(DOSE_COHORT_RE.finditer(text))

        def dose(m: re.Match) -> str:
            n, u = (m["n"], m["u"]) if m["n"] else (m["n_at"], m["u_at"])
            return f"{n} {u.lower()}"

        as_cohort = {dose(m) for m in uses if m["n"]}
        if not as_cohort or len({dose(m) for m in uses}) < 2:
            return []
        taken = [(m.start, m.end) for m in mentions]
        return [Mention("ARM", m.start(), m.end(), m.group(0), dose(m), "arm:dose-cohort")
                for m in uses if not any(x < m.end() and m.start() < y for x, y in taken)]

    def route_arms(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """In an article about a trial of routes ("assigned to subcutaneous or intravenous bortezomib"),
        the routes become ARM mentions named by the route ("given the drug subcutaneously" ->
        subcutaneous): rule arm:route (grammar.toml [routes])."""
        return self._ways_compared(text, mentions, self.routes_compared_re, self.route_re,
                                   lambda words: self.route_of[words.lower()], "arm:route")

    def coordinated_trials(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """A name in capitals listed with a trial is a trial too: "IMbrave150 and HIMALAYA",
        "HIMALAYA, IMbrave150": rule trial:coordinated (trial_repeats then finds its other uses)."""
        trials = [m for m in mentions if m.label == "TRIAL"]
        if not trials:
            return mentions
        taken = [(m.start, m.end) for m in mentions]
        out = list(mentions)
        for m in trials:
            for hit in (COORDINATED_AFTER_RE.match(text, m.end), COORDINATED_BEFORE_RE.search(text, max(0, m.start - 40), m.start)):
                if not hit:
                    continue
                a, b = hit.span("name")
                name = hit["name"]
                if name.upper() in self.not_trials or any(x < b and a < y for x, y in taken):
                    continue
                out.append(Mention("TRIAL", a, b, name, self._known_trial(name) or name, "trial:coordinated"))
                taken.append((a, b))
        return out

    def slash_names(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """A trial code found by its shape with a name after a slash ("ENGOT-OV16/NOVA"): the trial goes
        by that name, and the code is an alias of it (rule trial:slash-name; trial_repeats then finds the
        name's other uses)."""
        out = list(mentions)
        for m in mentions:
            if m.label != "TRIAL" or m.rule not in ("trial:name-number", "trial:cooperative-group"):
                continue
            hit = SLASH_NAME_RE.match(text, m.end)
            if not hit or hit["name"].upper() in self.not_trials:
                continue
            a, b = hit.span("name")
            if known := next((x for x in mentions if x.start == a and x.end == b and x.label == "TRIAL"), None):
                m.canon, m.rule = known.canon, "trial:slash-name"  # "ENGOT-OV16/NOVA" with NOVA a known trial
                continue
            if any(x.start < b and a < x.end for x in mentions):
                continue
            name = hit["name"]
            canon = self.alias_index.get(self._norm(name), name)
            m.canon, m.rule = canon, "trial:slash-name"
            out.append(Mention("TRIAL", a, b, name, canon, "trial:slash-name"))
        both: dict[tuple[str, str], str] = {}  # (known name, code) -> the two as one name
        for m in [m for m in mentions if m.label == "TRIAL" and m.rule in ("trial:name-number", "trial:cooperative-group")]:
            # "the MMVAR/IFM 2005-04 trial": the trial goes by both, and the name alone ("(MMVAR)") means it too
            hit = NAME_SLASH_RE.search(text, max(0, m.start - 20), m.start)
            if not hit or hit["name"].upper() in self.not_trials | self.lexicon.cooperative_groups:
                continue
            a, b = hit.span("name")
            known = next((x for x in mentions if x.start == a and x.end == b and x.label == "TRIAL"), None)
            if known is None and any(x.start < b and a < x.end for x in mentions):
                continue
            m.canon, m.rule = f"{known.canon if known else hit['name']}/{m.canon}", "trial:slash-name"
            if known:  # "CeTeG/NOA-09" with CeTeG a known trial: one trial by both names
                both[known.canon, m.text] = m.canon
                known.canon, known.rule = m.canon, "trial:slash-name"
            else:
                out.append(Mention("TRIAL", a, b, hit["name"], m.canon, "trial:slash-name"))
        # the pair written again where the code was not taken for a trial ("Glioblastoma: CeTeG/NOA-09" in a heading)
        for (name, code), canon in both.items():
            for m in [m for m in out if m.label == "TRIAL" and m.canon == name and text.startswith("/" + code, m.end)]:
                m.canon, m.rule = canon, "trial:slash-name"
                out = [x for x in out if x.start != m.end + 1]
        return out

    def table_trials(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Under a table header whose first cell is "Trial" or "Study", the first cell of each row
        names a trial, known or not ("BOSTON | SVd vs Vd | 402 (195 vs 207) | ..."): rule
        trial:table-column (trial_repeats then finds its other uses)."""
        out = list(mentions)
        for head in self.table_trial_head_re.finditer(text):
            header_end = text.find("\n", head.end())
            for line in LINE_RE.finditer(text, header_end + 1) if header_end >= 0 else ():
                if not line.group(0).strip():
                    continue  # rows may stand apart
                cells = cell_spans(text, *line.span())
                if len(cells) < 2:
                    break  # the table ends with the first line that is not a row
                a, b = cells[0]
                name = text[a:b]
                if (TABLE_NAME_RE.fullmatch(name) and name.upper() not in self.not_trials
                        and not any(m.start < b and a < m.end for m in out)):
                    out.append(Mention("TRIAL", a, b, name, self.alias_index.get(self._norm(name), name), "trial:table-column"))
        return out

    def trial_repeats(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """A name the article uses for a trial ("a study called PRIMA", "LATITUDE: a phase III trial")
        is that trial wherever else it appears ("LATITUDE evaluated ..."): rule trial:same-name.
        Returns the mentions with those added (and regimen-shaped uses of the name turned into trials)."""
        # "S1211 enrolled 103 patients" after "SWOG S1211": a group's trial code without the group
        by_code = {c.rsplit(" ", 1)[1]: c for c in {m.canon for m in mentions if m.label == "TRIAL" and m.canon and " " in m.canon}}
        for m in mentions:
            if m.label == "TRIAL" and m.canon in by_code and any(ch.isdigit() for ch in m.canon):
                m.canon, m.rule = by_code[m.canon], "trial:code-of-named-trial"
        names = {m.text: m.canon for m in mentions if m.label == "TRIAL" and m.rule.startswith("trial:")
                 and (m.text == m.canon or m.rule == "trial:code-of-named-trial")}
        if not names:
            return mentions
        out = []
        for m in mentions:
            if m.label == "REGIMEN" and m.text in names:  # "PRIMA" taken for a regimen by its shape
                m = Mention("TRIAL", m.start, m.end, m.text, names[m.text], "trial:same-name")
            out.append(m)
        out += [Mention("TRIAL", u.start(), u.end(), u.group(0), names[u.group(0)], "trial:same-name")
                for u in unclaimed_uses(text, names, [(m.start, m.end) for m in mentions])]
        return out

    # ------------------------------------------------------------------ arms
    @staticmethod
    def with_expansion(text: str, mentions: list[Mention]) -> list[Mention]:
        """An abbreviation in brackets after the words it abbreviates ("tamoxifen plus ovarian function
        suppression (OFS)") stands for those words too: its mention spans them, so that the drug before
        them joins it ("tamoxifen and OFS")."""
        out = []
        for m in mentions:
            bracketed = m.label == "REGIMEN" and m.text.isupper() and text[m.start - 1 : m.start] == "(" and text[m.end : m.end + 1] == ")"
            words = EXPANSION_WORD_RE.findall(text, max(0, m.start - 80), m.start - 1) if bracketed else []
            n = len(m.text)
            if bracketed and len(words) >= n and "".join(w[0] for w in words[-n:]).upper() == m.text:
                a = text.rfind(words[-n], 0, m.start)
                if not any(x is not m and x.start < m.start and a < x.end for x in mentions):
                    m = Mention(m.label, a, m.end + 1, text[a : m.end + 1], m.canon, m.rule)
            out.append(m)
        return out

    @staticmethod
    def drug_repeats(text: str, mentions: list[Mention]) -> list[Mention]:
        """A drug found only by the dose after it ("plitidepsin 5 mg/m2") or by the development code it is introduced
        with ("GC012F is a dual BCMA/CD19 CAR T-cell product") is that drug wherever else the article names it
        ("2.6 months with plitidepsin plus dexamethasone", the heading "GC012F"): rule arm:same-drug. Returns the
        mentions with those uses added (a use taken for another kind of name turned into the drug)."""
        names = {m.text.lower(): m.canon for m in mentions if m.rule in ("arm:drug-before-dose", "arm:development-code")}
        if not names:
            return mentions
        out = [Mention("DRUG", m.start, m.end, m.text, names[m.text.lower()], "arm:same-drug")
               if m.label != "DRUG" and m.text.lower() in names else m for m in mentions]
        return out + [Mention("DRUG", u.start(), u.end(), u.group(0), names[u.group(0).lower()], "arm:same-drug")
                      for u in unclaimed_uses(text, names, [(m.start, m.end) for m in mentions], re.I)]

    def _named_treatments(self, text: str, ms: list[Mention], lo: int, hi: int) -> list[str]:
        """The arm phrases in [lo, hi) that name a treatment for sure (SOLE_TREATMENT_RULES), each once."""
        return list(dict.fromkeys(p[0] for p in self.arm_phrases(text, ms, lo, hi) if p[3] in SOLE_TREATMENT_RULES))

    def _new_treatment(self, text: str, ms: list[Mention], a: int, b: int, state: ReaderState) -> bool:
        """A heading opening with the one treatment it names, which no arm of the current trial holds: a new
        section on another drug ("2. ABBV-383 (now called etentamig)", not "Did adding bevacizumab help?")."""
        named = self._named_treatments(text, ms, a, b)
        if len(named) != 1:
            return False
        lead = HEADING_ENUMERATOR_RE.match(text, a).end()  # "2. ABBV-383 ...": the heading opens with the treatment
        lead = lead if lead < b else a
        lead += 4 if text.startswith("The ", lead) else 0  # "The VRD-lite study"
        drug = named[0].lower()

        def within(x: str, y: str) -> bool:  # "bevacizumab" is in "bevacizumab and chemotherapy", "VRD" not in "VRD-lite"
            return re.search(rf"(?<![\w-]){re.escape(x)}(?![\w-])", y) is not None
        return any(m.start == lead and m.label in ARM_LABELS for m in ms) and not any(
            within(drug, x.lower()) or within(x.lower(), drug) for x in state.randomised_arms + state.randomisation)

    @staticmethod
    def _prior_therapy(text: str, m: Mention) -> bool:
        """"patients refractory to bortezomib, carfilzomib, lenalidomide and daratumumab", "exposed to an anti-CD38
        antibody": treatments the patients had before the trial, not its arms."""
        cues = list(PRIOR_THERAPY_RE.finditer(text, max(0, m.start - 120), m.start))
        return bool(cues) and not PRIOR_LIST_BREAK_RE.search(text, cues[-1].end(), m.start)

    def arm_phrases(self, text: str, mentions: list[Mention], lo: int, hi: int, join: bool = True) -> list[tuple[str, int, int, str]]:
        """Arm phrases inside [lo, hi): adjacent mentions joined ("Revlimid and dexamethasone"),
        negated drugs as "not receiving X", "without X" dropped.  (name, start, end, rule).

        A parenthesis right after a phrase explains it and is part of it: "osimertinib (Tagrisso)",
        "KRd (Kyprolis, Revlimid and dexamethasone)"; when it holds just an abbreviation, that is
        the arm's name ("carfilzomib plus lenalidomide (KR)" -> KR)."""
        arms = [m for m in mentions if m.label in ARM_LABELS and m.start >= lo and m.end <= hi
                # "people who were not fit enough for a transplant": who the patients are, not their arm
                and not (m.label == "ARM" and (ELIGIBLE_FOR_RE.search(text, max(0, m.start - 40), m.start)
                                               or ELIGIBLE_AFTER_RE.match(text, m.end)))  # "transplant-ineligible"
                # "Half were given two chemotherapy drugs, nab-paclitaxel and gemcitabine": the drugs are the arm
                and not (m.label == "ARM" and COUNTED_DRUGS_BEFORE_RE.search(text, max(0, m.start - 8), m.start) and DRUGS_AFTER_RE.match(text, m.end))
                and not self._prior_therapy(text, m)]
        phrases: list[list[Mention]] = []
        short_name: dict[int, Mention] = {}  # phrase index -> the abbreviation defined for it
        absorbed_from, absorbed_until = -1, -1  # the parenthesis that explains the last phrase
        for m in arms:
            if phrases and absorbed_from <= m.start < absorbed_until:
                # "(KR)", "(VBMCP/VBAD/B; 129)": the parenthesis opens with the abbreviation alone
                if text[m.start - 1 : m.start] == "(" and text[m.end : m.end + 1] in (")", ";", ",") and m.label == "REGIMEN":
                    short_name[len(phrases) - 1] = m
                continue
            gap_from = max(phrases[-1][-1].end, absorbed_until) if phrases else 0
            # "to VTD (130), TD (127) or ...": after an arm's size, a comma lists the next arm
            sized = absorbed_until > 0 and SIZE_PAREN_RE.fullmatch(text, phrases[-1][-1].end, absorbed_until)
            gap = text[gap_from : m.start]
            if phrases and not gap.strip() and m.canon in self.lexicon.controls and m.text.lower().startswith("without "):
                continue  # "a tandem ASCT without maintenance": the arm says what it leaves out
            # one drug at two doses is two arms, never one combination: "pembrolizumab 2 mg/kg, pembrolizumab 10 mg/kg"
            two_doses = m.rule == phrases[-1][-1].rule == "arm:drug-dose" if phrases else False
            # a drug named again after a comma starts the next arm: "acalabrutinib with venetoclax, acalabrutinib with
            # venetoclax and obinutuzumab, or ..."
            again = "," in gap and any(x.canon == m.canon for x in phrases[-1]) if phrases else False
            if phrases and not (sized and "," in gap) and not two_doses and not again and (JOIN_RE if join else TIGHT_JOIN_RE).match(gap):
                phrases[-1].append(m)
            elif phrases and (
                (m.canon == phrases[-1][-1].canon and ALIAS_GAP_RE.fullmatch(gap))
                # (not "to either lenalidomide or placebo": there "either" opens the list of arms)
                or (OR_GAP_RE.fullmatch(gap) and len(phrases[-1]) >= 2 and m.canon not in self.lexicon.controls
                    and EITHER_RE.search(text, phrases[-1][-1].start - 12, phrases[-1][-1].start))
                # "the investigator's choice of trifluridine-tipiracil or regorafenib": one arm
                or (OR_GAP_RE.fullmatch(gap) and CHOICE_OF_RE.search(text, max(0, phrases[-1][0].start - 30), phrases[-1][0].start))
                # "people on placebo or no maintenance": the controls of pooled trials, one arm
                or (OR_GAP_RE.fullmatch(gap) and len(phrases[-1]) == 1 and phrases[-1][0].canon in self.lexicon.controls
                    and m.canon in self.lexicon.controls and m.canon != phrases[-1][0].canon)
            ):
                phrases[-1].append(m)
            else:
                phrases.append([m])
            paren = PAREN_AFTER_RE.match(text, m.end, hi)  # (after a dose that is no mention of its own: "melphalan 140 mg/m2 (BUMEL)")
            absorbed_from, absorbed_until = (text.index("(", paren.start()), paren.end()) if paren else (-1, -1)
        out = []
        for i, ph in enumerate(phrases):
            names, rules = [], []
            plus = "+" in text[ph[0].end : ph[-1].start]  # "ADT + AA + P", "avelumab + BSC": a name as written
            for j, m in enumerate(ph):
                before = text[max(lo, m.start - 25) : m.start]
                if WITHOUT_RE.search(before) and len(ph) > 1:
                    continue
                if m.label == "ARM" and m.canon in SIZE_WORD_ARMS and any(x.label != "ARM" or x.canon in self.lexicon.controls for x in ph):
                    continue  # "Revlimid maintenance" is the lenalidomide arm, "the VRd triplet" the VRd arm, "placebo maintenance" placebo
                # an abbreviation in a name written with "+" stays as written; drugs by their generic name
                name = m.text if plus and m.label == "ARM" and m.text.isupper() else m.canon
                if NEGATION_RE.search(before) and (m.label in ("DRUG", "REGIMEN") or m.canon == "maintenance"):
                    name = f"not receiving {m.canon}"
                prev = ph[j - 1] if j else None
                if prev and {"arm:route", "arm:schedule", "arm:dose"} & {m.rule, prev.rule} and names and ROUTE_GAP_RE.fullmatch(text, prev.end, m.start):
                    names[-1] = f"{names[-1]} {name}"  # "subcutaneous daratumumab", "pembrolizumab every 3 weeks"
                elif prev and names and OR_GAP_RE.fullmatch(text, prev.end, m.start):
                    names[-1] = f"{names[-1]} or {name}"  # "either cisplatin or carboplatin"
                elif name not in names:
                    names.append(name)
                    rules.append(m.rule)
            if i in short_name:
                names, rules = [short_name[i].canon], ["arm:abbreviation"]
            if names:
                out.append((" + ".join(names) if plus else " and ".join(names), ph[0].start, ph[-1].end, rules[0]))
        return out

    # ------------------------------------------------------------------ sentences
    def read_sentence(self, text: str, s_start: int, s_end: int, mentions: list[Mention],
                      state: ReaderState, source: str, trace: Trace) -> list[DraftRecord]:
        s = text[s_start:s_end]
        # an arm named by the words before "group" is for trials whose arms no randomisation gave
        # (a single-arm study's cohorts are its arms: "74% in the weekly cohort")
        ms = [m for m in mentions if m.start >= s_start and m.end <= s_end and not (m.rule == "arm:named-group" and (
            len(state.randomisation) > 1 or self._randomised_by_first_word(m.canon.split()[0], state) not in ([], [m.canon])))]  # "the tandem arm": by part
        if groups := [m for m in ms if m.rule == "arm:named-group"]:
            ms = [m for m in ms if not any(g is not m and g.start <= m.start and m.end <= g.end for g in groups)]
        # "complete response rates after transplant", "100 days after ASCT": a point in time, unless it is an arm
        # ("25 months after a donor transplant and 30 months after two of their own")
        arms_now = set(state.randomised_arms + state.randomisation)
        ms = [m for m in ms if not (m.canon in TIME_ANCHORS and m.canon not in arms_now and not ALONE_AFTER_RE.match(text, m.end)
                                    and TIME_ANCHOR_BEFORE_RE.search(text, max(s_start, m.start - 30), m.start))]
        trials = [m for m in ms if m.label in ("TRIAL", "TRIAL_REF", "TRIAL_NCT")]
        for m in ms:
            trace.add(m.rule, lambda: f"{m.text} -> {m.canon}" if m.canon != m.text else m.text)

        # A registry number next to a named trial is that trial's id, not another trial.
        for m in trials:
            if m.label == "TRIAL_NCT":
                others = [t for t in trials if t.label == "TRIAL"]
                if others or state.trial:
                    m.canon, m.label, m.rule = (others[-1].canon if others else state.trial), "TRIAL", "trial:registry-id"
                else:
                    m.label = "TRIAL"
        # A second name right after a trial's name is its alias: "BMT CTN 0702 (StaMINA)", "the BMT CTN
        # 0702 trial, also known as StaMINA", "DRAMMATIC (SWOG S1803)"; the reader remembers it.
        for m in trials:
            if m.text in state.trial_aliases:
                m.canon, m.rule = state.trial_aliases[m.text], "trial:alias"
        for prev, m in zip(trials, trials[1:]):
            if m.label != "TRIAL_REF" and ALIAS_GAP_RE.fullmatch(text, prev.end, m.start) and prev.canon != m.canon:
                state.trial_aliases[m.text] = prev.canon
                m.canon, m.label, m.rule = prev.canon, "TRIAL", "trial:alias"
        # Trial references ("CALGB study") resolve to the last trial of that group.
        for m in trials:
            if m.label == "TRIAL_REF":
                hit = next((t for t in reversed(state.seen_trials) if self.group_of.get(t) == m.canon or t.startswith(m.canon + " ")), None)
                # no trial of that group named before: a group, not a trial (the mention names nothing)
                m.canon, m.rule = hit, "trial:group-reference"
        named = [m for m in trials if m.canon]
        aside: list[Mention] = []  # trials named to compare with ("alongside CAPTAIN-1st (...) and RATIONALE-309")
        for m in named:
            if CONTRAST_BEFORE_RE.search(text, max(0, m.start - 15), m.start) or PASSING_TRIAL_BEFORE_RE.search(text, max(0, m.start - 45), m.start) \
                    or (aside and LISTED_AFTER_RE.fullmatch(text, aside[-1].end, m.start)):
                aside.append(m)
        current = [m for m in named if m not in aside]
        low = s.lower()
        if "placebo" in low and PLACEBO_CONTROLLED_RE.search(s):
            state.placebo_controlled = True
        if current:
            self._arms_follow_trial(state, current[-1].canon, trace)
            if not state.randomised_arms and (arms := self._trial_treatment_arms(text, current[-1], ms, s_end, state)):
                state.randomised_arms = state.randomisation = arms
                trace.add("arm:trial-treatment", lambda: " / ".join(arms))
        if not named and self.pooled_re.search(s):
            state.trial = None  # the arms stay: pooled trials compare the same ones
            trace.add("trial:pooled-reset", lambda: self.pooled_re.search(s).group(0))
        elif not named and any(w in low for w in self.study_nouns) and self.new_study_re.search(s):
            state.trial = None
            state.randomised_arms, state.randomisation = [], []
            trace.add("trial:new-study-reset", lambda: self.new_study_re.search(s).group(0))

        # A study of one treatment: its results are that treatment's, until a randomisation says otherwise.
        one, rule = [], None
        # (an unnamed study too, when it says so in words: "It was a single-arm study - everyone got KRd")
        if (current or not state.trial and SINGLE_ARM_WORDS_RE.search(s)) and SINGLE_ARM_RE.search(s) and not self.randomisation_re.search(s):
            # "In the single-arm study PX-171-003-A1, 266 patients ... were treated with carfilzomib" ("Daratumumab was
            # first approved as a single agent. In the phase 2 SIRIUS study, ...": the one named the sentence before)
            phrases = self.arm_phrases(text, ms, s_start, s_end)
            one = list(dict.fromkeys([p[0] for p in phrases] or state.last_sentence_arms))
            # "The IFM 2008 phase II study evaluated VRD as induction ..., followed by lenalidomide maintenance": the
            # treatment the study tested is its arm, the rest of the sentence its schedule
            tested = {p[0] for p in phrases if STUDY_OBJECT_RE.search(text, max(s_start, p[1] - 30), p[1])}
            one = list(tested) if len(one) > 1 and len(tested) == 1 else one
            # "The LYRA study, a single-arm phase 2, added daratumumab to CyBorD": the one arm is both
            if len(phrases) == 2 and ADDED_BEFORE_RE.search(text, max(s_start, phrases[0][1] - 12), phrases[0][1]) \
                    and ADDED_TO_RE.fullmatch(text, phrases[0][2], phrases[1][1]):
                one = [f"{phrases[0][0]} and {phrases[1][0]}"]
            rule = "arm:single-arm"
        every = EVERY_PATIENT_RE.search(s) is not None
        # "The paper pulled together 196 patients who were infused with ide-cel": an unnamed study's one treatment
        cohort = not state.trial and not state.randomised_arms and COHORT_TREATED_RE.search(s) is not None
        if len(one) != 1 and (current or state.trial and every or cohort) and not state.randomised_arms \
                and not self.randomisation_re.search(s) and not COMPARISON_WORD_RE.search(s):
            # "Selinexor was approved on the basis of part 2 of the STORM trial.", "Every patient received four cycles
            # of Dara-KRd": the one treatment named with a trial no randomisation gave arms
            one = self._named_treatments(text, ms, s_start, s_end)
            rule = "arm:sole-treatment"
        if len(one) == 1:
            state.randomised_arms = state.randomisation = one
            state.single_arm = one[0] if rule == "arm:single-arm" or every else None
            trace.add(rule, one[0])

        # arms named by part of their name: "the tandem arm", "a late one"
        by_part = self._arms_by_first_word(s, s_start, ms, state) if state.randomised_arms else []
        by_part += self._arms_by_one(s, s_start, ms) if " one" in s else []
        by_part += self._active_arm(s, s_start, ms, state) if state.randomised_arms else []
        if state.randomised_arms and any(m.canon in STAND_IN_NAMES for m in ms):
            stand_ins = self._stand_in_arms(state)
            by_part += [replace(m, canon=stand_ins[m.canon][0], rule=stand_ins[m.canon][1]) for m in ms if m.canon in stand_ins]
            ms = [m for m in ms if m.canon not in stand_ins]
        for m in by_part:
            trace.add(m.rule, lambda: f"{m.text} -> {m.canon}")
        ms = sorted(ms + by_part, key=lambda m: m.start) if by_part else ms
        N = self.numbers
        # Most sentences hold no digit: they only update what the reader remembers.
        has_numbers = bool(DIGIT_RE.search(s)) or bool(N.word_number_re.search(s))
        if not ms and not has_numbers:
            state.last_endpoint, state.asked = None, False
            return []
        records: list[DraftRecord] = []
        sentence_ev = Evidence(text=s, start=s_start, end=s_end)

        def trial_at(pos: int) -> str | None:
            return self._trial_before(s_start + pos, named, state)

        for m in [m for m in ms if m.label in ARM_LABELS and m.canon == "combination"]:
            if combo := self._combination_spelled_out(text, m, ms, s_start, s_end):
                state.combinations[trial_at(m.start - s_start)] = combo
                trace.add("arm:the-combination", lambda: f"{m.text} = {combo}")
        effects = N.effects(s) if has_numbers else []
        endpoint_spans = [(m.start - s_start, m.end - s_start) for m in ms if m.label == "ENDPOINT"]
        follow_ups = N.follow_ups(s, endpoint_spans) if has_numbers else []
        arm_ms = [m for m in ms if m.label in ARM_LABELS]
        samples = N.sample_sizes(s, [m.start - s_start for m in arm_ms], [m.end - s_start for m in arm_ms]) if has_numbers else []
        timepoints = N.timepoints(s) if has_numbers else []
        masked = N.masks(s) + [(f.start, f.end) for f in effects + follow_ups + samples + timepoints] if has_numbers else []
        landmarks = LANDMARK_LIST_RE.search(s) if has_numbers else None  # "at 1, 2 and 3 years"
        if landmarks:
            masked.append(landmarks.span())
        masked += [(m.start - s_start, m.end - s_start) for m in trials]
        masked += [(m.start - s_start, m.end - s_start) for m in ms if m.rule in ("arm:treatment-duration", "arm:label")]  # "with 3 months", "in cohort 1"
        masked += [(d.start() - s_start, d.end() - s_start) for m in arm_ms
                   for d in [TREATED_FOR_RE.match(text, m.end, s_end)] if d]  # "lenalidomide for 12 months"

        # "Researchers assigned 614 patients to ..." after a trial of another size: a new, unnamed study.
        if not named and state.trial and not self.same_study_re.search(s) and any(
            f.rule not in ("sample_size:n-equals", "sample_size:arm-after") and int(f.number) not in state.sample_sizes.get(state.trial, {int(f.number)})
            for f in samples
            # a whole trial's size comes with its arms: "assigned 614 patients to Revlimid or placebo"
            # (not "231 patients to lenalidomide and 229 to placebo", "(231 patients)")
            # (nor "Among the 289 patients whose tumours ...": part of the trial's patients)
            if not s[: f.start].rstrip().endswith("(") and not AMONG_THE_RE.search(s, 0, f.start) and OR_ARMS_RE.search(s, f.end)
            and sum(1 for m in ms if m.label in ARM_LABELS and m.start >= s_start + f.end) >= 2
        ):
            state.trial, state.randomised_arms, state.randomisation = None, [], []
            trace.add("trial:new-sample-reset", lambda: s[samples[0].start : samples[0].end])
        for f in follow_ups:
            trace.add(f.rule, lambda: s[f.start : f.end])
            records.append(DraftRecord(
                source=source, kind="follow_up", trial=trial_at(f.start), months=round(f.number, 3),
                evidence=sentence_ev, rules=[f.rule]))
        sized_arms = []  # "of whom 328 were given abemaciclib and 165 a placebo": the arms of the trial
        for f in samples:
            trace.add(f.rule, lambda: s[f.start : f.end])
            arm = self._sample_arm(s, s_start, f, ms)
            if arm and arm not in sized_arms:
                sized_arms.append(arm)
            if f.bound == "exact":  # "nearly 1,000 patients" and then "994 patients": the same trial
                state.sample_sizes.setdefault(trial_at(f.start), set()).add(int(f.number))
            records.append(DraftRecord(
                source=source, kind="sample_size", trial=trial_at(f.start), n=int(f.number), arm=arm,
                bound=f.bound, evidence=sentence_ev, rules=[f.rule]))

        # "The dara-pom-dex group (D-Pd) had 103 patients", "In CHAMPION-1, 116 patients had once-weekly Kd": a cohort
        # of a study no randomisation gave arms, with its size; the figures that follow are its own
        # ("Cohort B: 112 people had pomalidomide, low-dose dexamethasone and daratumumab": the cohort by its label)
        labels = list(dict.fromkeys(m.canon for m in arm_ms if m.rule == "arm:label"))
        # ("196 patients with relapsed/refractory multiple myeloma who received standard-of-care ide-cel at 11 US
        # academic centers ...; 211 patients had undergone leukapheresis": the treatment of the sample's clause)
        clause_end = min(clause_end_after(s, samples[0].end), samples[0].end + 120) if samples else 0
        if samples and len(state.randomisation) <= 1 and not self.randomisation_re.search(s) \
                and not COMPARISON_WORD_RE.search(s, 0, clause_end):
            cohort = labels if len(labels) == 1 else self._named_treatments(text, ms, s_start, s_start + clause_end)
            if len(cohort) == 1 and cohort != state.randomisation and not self._part_of_single_arm(cohort[0], state):
                state.randomised_arms = state.randomisation = cohort
                state.single_arm = cohort[0]
                trace.add("arm:cohort-in-focus", cohort[0])
        elif len(labels) == 1 and state.single_arm and state.randomisation == [state.single_arm] and \
                state.single_arm != labels[0] and state.single_arm.split()[0] == labels[0].split()[0]:
            # "Adding daratumumab in cohort B gave better numbers. 77.7% of people responded": the cohort named last
            state.randomised_arms = state.randomisation = labels
            state.single_arm = labels[0]
            trace.add("arm:cohort-in-focus", labels[0])

        # "Median event-free survival, the time before the cancer grew, came back or ...", "disease-free
        # survival (time alive without the cancer coming back)": a definition right after an endpoint
        # names no endpoint of its own
        endpoints: list[Mention] = []
        explained_until = -1
        for e in (m for m in ms if m.label == "ENDPOINT"):
            if e.start < explained_until or (endpoints and DEFINITION_GAP_RE.fullmatch(text, endpoints[-1].end, e.start)):
                continue
            if HAZARD_OF_RE.search(text, max(s_start, e.start - 30), e.start):
                continue  # "hazard ratio for recurrence or death, 0.69": what the effect counts, not a result's endpoint
            endpoints.append(e)
            close = text.find(")", e.end, s_end) if PAREN_OPENS_RE.match(text, e.end) else -1
            if close > 0 and not DIGIT_RE.search(text, e.end, close):  # (not "response (complete response 15%)")
                explained_until = close
        if not endpoints and state.last_endpoint and has_numbers and (state.asked or self.anaphora_re.search(s)):
            # "In patients with PD-L1-negative tumours, however, it was 11.2 months with the combination ...",
            # "Response rate?" - "By RECIST, 27.3% versus 11.9%."
            endpoints = [Mention("ENDPOINT", s_start, s_start, "", state.last_endpoint, "endpoint:carried-forward")]
            trace.add("endpoint:carried-forward", state.last_endpoint)
        values = N.values(s, masked) if endpoints and (has_numbers or "reached" in s) and not HYPOTHETICAL_RE.match(s) else []
        # a cell under "Median PFS (months)": "4.0 vs 1.9"; a row "Median PFS (months) | 11.99 | 8.08"
        hint = state.unit_hint
        if values and not hint and CELL_SEP_RE.search(s):
            cells = cell_spans(text, s_start, s_end)
            hint = heading_unit(text[slice(*cells[0])]) if len(cells) >= 3 else None
        if hint:
            for v in values:
                if v.unit is None and v.number is not None:
                    v.unit, v.rule = hint, "value:unit-from-heading"
        if values and endpoints:
            groups = self._groups(s, s_start, values, endpoints, ms, timepoints)
            if landmarks:
                groups = [sub for g in groups for sub in self._landmark_groups(g, landmarks, text, s_start, s_end, ms, state)]
            if endpoints[0].rule == "endpoint:carried-forward" and len(groups) == len(state.last_endpoints) >= 2:
                # "median PFS was 10.1 vs 5.4 months and median OS 23.9 vs 17.5 months. Across all patients,
                # the figures were 9.9 vs 5.1 months and 23.4 vs 16.8 months": one endpoint per comparison
                for g, ep in zip(groups, state.last_endpoints):
                    g.endpoint = replace(g.endpoint, canon=ep)
            # follow-ups given per arm count too: "after a median follow-up of 22.1 months in the X group and 14.9
            # months in the placebo group, 90% ...": the arms after them are their own (but "At a median follow-up
            # of 14.3 months in the 200-mg cohort, the response rate was 71%": one follow-up, the cohort is 71%'s)
            value_ends = sorted({v.end for v in values} | {f.end for f in follow_ups})
            if len(follow_ups) == 1:
                value_ends = [e for e in value_ends if not follow_ups[0].start < e <= follow_ups[0].end]
            for g in groups:
                rec = self._result(g, text, s_start, s_end, value_ends, ms, named, state, timepoints, effects, source,
                                   sentence_ev, trace)
                if rec and {"arm:single-arm-subgroups", "arm:randomisation-context-repeated"} & set(rec.rules):
                    n = len({a.name for a in rec.arms})  # one record per comparison
                    records.extend(rec.model_copy(update={"arms": rec.arms[i : i + n]}) for i in range(0, len(rec.arms), n))
                elif rec:
                    records.append(rec)
                    named_arms = [a.name for a in rec.arms if a.name and not a.name.startswith("not receiving")]
                    if len(set(named_arms)) >= 2 and not FROM_TO_RULES & set(rec.rules):  # "(50.0% with D-Rd vs 35.3% with Rd) and pneumonia (13.7% vs 7.9%)"
                        state.randomised_arms = list(dict.fromkeys(named_arms))[:4]

        # The reader remembers the randomisation, the endpoint and the trial for the sentences that follow.
        results = [r for r in records if r.kind == "result"]
        named_endpoints = [m.canon for m in ms if m.label == "ENDPOINT"]
        # "The researchers also looked at event-free survival: ..." then "This was a median of 8.2 months ..." ("an even
        # deeper response, called MRD-negative, ..." then "This happened in 22.3% ...": the endpoint named last)
        state.last_endpoint = results[-1].endpoint if results else (named_endpoints[-1] if named_endpoints else None)
        state.last_endpoints = list(dict.fromkeys(r.endpoint for r in results))
        # a question's answer, and the items of a list a colon opens ("... was:" then "Venetoclax and rituximab: 70.1%"),
        # need no "it was" to take the endpoint
        state.asked = s.rstrip().endswith(("?", ":")) or (state.asked and LABEL_LINE_RE.fullmatch(s) is not None)
        state.last_sentence_arms = [p[0] for p in self.arm_phrases(text, ms, s_start, s_end)]
        # (not "from 17.7 to 37.2 months", which names the control first whatever order the article keeps)
        compared = [r for r in records if r.kind == "result" and sum(1 for a in r.arms if a.name) >= 2 and not FROM_TO_RULES & set(r.rules)]
        cue = self.randomisation_re.search(s)
        # "randomised to X or Y"; "X (n = 180) vs standard care (n = 179)": the arms on both sides of "vs"
        cue_from = None if not cue else s_start if cue.group(0).lower().startswith(("vs", "versus")) else s_start + cue.start()
        if cue is None and (tested := TESTED_AGAINST_RE.search(s)):
            cue_from = s_start + tested.start()
        if compared:  # the arms just compared are the ones a later "X vs Y" means
            arms = [a.name for a in compared[0].arms if a.name and not a.name.startswith("not receiving")]
            if len(set(arms)) >= 2:  # (one arm's values side by side compare no arms)
                state.randomised_arms = list(dict.fromkeys(arms))[:4]
        elif cue_from is not None and len(arms := (added_and_backbone := self._added_and_backbone(text, ms, cue_from, s_end))
                                          or self._randomised_arms(text, ms, cue_from, s_end)) >= 2:
            state.randomised_arms = state.randomisation = arms[:3]
            state.backbone = added_and_backbone[1] if added_and_backbone else None
            trace.add("arm:randomisation-context", lambda: " / ".join(state.randomised_arms))
        elif (one := ONE_GROUP_RE.search(s)) or (state.one_group and OTHER_GROUP_RE.match(s)):
            # "They were put into two groups by chance. One group had VAC (...). The other had VAC alternating with VI."
            other = OTHER_GROUP_RE.search(s, one.end() if one else 0)
            first = self.arm_phrases(text, ms, s_start + one.end(), s_start + (other.start() if other else len(s))) if one else []
            second = self.arm_phrases(text, ms, s_start + other.end(), s_end) if other else []
            if one:  # a new "One group had X" replaces any earlier one
                state.one_group = first[0][0] if first else None
            if state.one_group and second and second[0][0] != state.one_group:
                state.randomised_arms = state.randomisation = [state.one_group, second[0][0]]
                state.one_group = None
                trace.add("arm:one-group-the-other", lambda: " / ".join(state.randomised_arms))
        elif len(sized_arms) >= 2:  # "of whom 328 were given abemaciclib and 165 a placebo"
            state.randomised_arms = state.randomisation = sized_arms[:3]
            trace.add("arm:randomisation-context", lambda: " / ".join(state.randomised_arms))
        elif not values and CELL_SEP_RE.search(s) and (columns := self._table_header(text, s_start, s_end, ms)):
            state.randomised_arms = columns
            trace.add("arm:table-header", lambda: " / ".join(columns))
        # "In the BEATcc trial, ... unlike KEYNOTE-826, all patients received bevacizumab": a trial named
        # for contrast is not the one the sentence goes on about
        if current:
            state.trial = current[-1].canon
        for m in named:
            if m.canon not in state.seen_trials:
                state.seen_trials.append(m.canon)
        return records

    @staticmethod
    def _trial_named_later_in_paragraph(doc: CleanDocument, mentions: list[Mention], records: list[DraftRecord]) -> None:
        """A structured abstract names its trial at its end ("... CheckMate 577 ClinicalTrials.gov number,
        NCT02743494"): records before the document's first trial name, in the paragraph that names it,
        are that trial's (rule trial:named-later-in-paragraph); when that paragraph is a registration line
        ("ClinicalTrials.gov number"), so are the trial-less records before it from the document's start."""
        first = next((m for m in mentions if m.label == "TRIAL" and m.canon), None)
        block = next((b for b in doc.blocks if first and b.start <= first.start < b.end), None)
        if block is None:
            return
        # "... CheckMate 577 ClinicalTrials.gov number, NCT02743494": a registration closes the whole abstract
        line_start = doc.text.rfind("\n", 0, first.start) + 1
        line_end = doc.text.find("\n", first.start)
        start = 0 if REGISTRATION_RE.search(doc.text, line_start, line_end if line_end >= 0 else len(doc.text)) else block.start
        Extractor._name_unnamed(records, first.canon, start, first.start, "trial:named-later-in-paragraph")

    @staticmethod
    def _name_unnamed(records: list[DraftRecord], trial: str, start: int, end: int, rule: str) -> None:
        """The trial-less records whose evidence starts in [start, end) are the trial named after them."""
        for r in records:
            if r.trial is None and start <= r.evidence.start < end:
                r.trial = trial
                r.rules.append(rule)

    @staticmethod
    def _arms_follow_trial(state: ReaderState, trial: str, trace: Trace) -> None:
        """Going from one trial to another: the arms randomised so far were the last trial's, and the new
        trial's are the ones remembered for it (none yet for a trial met for the first time)."""
        if state.trial and trial != state.trial:
            state.arms_of[state.trial] = (state.randomised_arms, state.randomisation)
            state.randomised_arms, state.randomisation = state.arms_of.get(trial, ([], []))
            trace.add("arm:trial-changed", lambda: f"{state.trial} -> {trial}: " + " / ".join(state.randomised_arms))

    def _arms_by_first_word(self, s: str, s_start: int, ms: list[Mention], state: ReaderState) -> list[Mention]:
        """"65% in the tandem arm" after "allocated to tandem ASCT or ...": a word that starts exactly one
        randomised arm's name, before "arm" or "group", is that arm (rule arm:first-word)."""
        out = []
        for w in FIRST_WORD_ARM_RE.finditer(s):
            a, b = s_start + w.start("w"), s_start + w.end("w")
            if any(m.start < b and a < m.end for m in ms):
                continue
            arms = self._randomised_by_first_word(w["w"], state)
            if len(arms) == 1:
                out.append(Mention("ARM", a, b, w["w"], arms[0], "arm:first-word"))
        return out

    def _part_of_single_arm(self, drug: str, state: ReaderState) -> bool:
        """A drug of the single-arm study's regimen ("KRd ... carfilzomib was escalated up to 36 mg/m2") is not a new cohort."""
        one = state.single_arm or ""
        return drug in self.lexicon.regimens.get(one, []) or drug in one.split(" and ")

    def _stand_in_arms(self, state: ReaderState) -> dict[str, tuple[str, str]]:
        """arms.toml names that stand for one randomised arm -> (that arm, rule): "the lower dose" is the arm of the
        smallest dose (rule arm:dose-rank), "the triplet" the one arm of three drugs ("SVd" against "Vd", rule arm:size)
        when every arm but placebo or observation is known drug by drug."""
        out = {}
        if ranked := self._doses_ranked(state):
            out |= {word: (ranked[rank], "arm:dose-rank") for word, rank in DOSE_RANKS.items()}
        arms = list(dict.fromkeys(state.randomised_arms))
        if len(arms) < 2 and len(set(state.randomisation)) >= 2:  # (the last comparison was one arm's: the arms as randomised)
            arms = list(dict.fromkeys(state.randomisation))
        # (a control, or a generic arm such as "chemotherapy", is never "the three drugs")
        sizes = [0 if a in self.lexicon.controls or a in self.lexicon.generic_arms else self._regimen_size(a) for a in arms]
        for word, n in SIZE_WORDS.items():
            if sizes.count(n) == 1 and None not in sizes:
                out[word] = (arms[sizes.index(n)], "arm:size")
        # "the triplets": the arms of three drugs each, or the one arm that pools them ("KRdc" against "CTD and CRD")
        pooled = [a for a in arms if len(parts := COMBINED_RE.split(a)) > 1 and all(self._regimen_size(p) == 3 for p in parts)]
        if sizes.count(3) >= 2 and None not in sizes and not pooled:
            out["triplets"] = (" and ".join(a for a, k in zip(arms, sizes) if k == 3), "arm:size")
        elif len(pooled) == 1:
            out["triplets"] = (pooled[0], "arm:size")
        return out

    def _regimen_size(self, name: str) -> int | None:
        """How many drugs an arm's name holds ("SVd" 3, "nab-paclitaxel and gemcitabine" 2, "D-VMP" 4), None when unknown."""
        if name.lower() in self.lexicon.brand_names or name in self.lexicon.generic_arms:
            return 1  # (a generic part, "chemotherapy", is one part of a "three-part combination")
        if name in self.lexicon.regimens:
            return len(self.lexicon.regimens[name])
        if LETTER_PER_DRUG_RE.fullmatch(name):
            return len(name)
        parts = [p for p in COMBINED_RE.split(name) if p]  # the treatments arm_phrases joined
        parts = parts if len(parts) > 1 else [p for p in REGIMEN_HYPHEN_RE.split(name) if p]
        sizes = [self._regimen_size(p) for p in parts] if len(parts) > 1 else [None]
        return None if None in sizes else sum(sizes)

    @staticmethod
    def _doses_ranked(state: ReaderState) -> list[str]:
        """The randomised arms that name a dose ("nilotinib 300 mg", "30 mg", "sotorasib 960 mg and panitumumab"), lowest
        dose first, when two or more do in one unit: "the lower dose" and "the higher dose" are the first and the last."""
        dosed = [(float(d["n"]), d["u"].lower(), x) for x in dict.fromkeys(state.randomised_arms) if (d := DOSE_IN_NAME_RE.search(x))]
        if len(dosed) < 2 or len({u for _, u, _ in dosed}) > 1:
            return []
        return [x for _, _, x in sorted(dosed)]

    @staticmethod
    def _randomised_by_first_word(word: str, state: ReaderState) -> list[str]:
        """The randomised arms of two or more words whose name starts with word ("tandem" -> "tandem ASCT")."""
        return [x for x in dict.fromkeys(state.randomised_arms) if x.split()[0].lower() == word.lower() and " " in x]

    @staticmethod
    def _added_or_all(text: str, phrases: list[tuple[str, int, int, str]], lo: int) -> list[tuple[str, int, int, str]]:
        """"adding capecitabine to gemcitabine raised median survival to 28.0 months": of the arm phrases
        before a value, the drug added is the value's arm; without one, all of them."""
        return [p for p in phrases if ADDING_RE.search(text, max(lo, p[1] - 25), p[1])] or phrases

    def _arms_by_one(self, s: str, s_start: int, ms: list[Mention]) -> list[Mention]:
        """"64.6 months with an early transplant and 64 months with a late one": "a <word> one" after an arm
        "<other word> <head>" is the arm the arm lexicon calls "<word> <head>", if any (rule arm:one)."""
        out = []
        for w in ONE_ARM_RE.finditer(s):
            a, b = s_start + w.start("w"), s_start + w.end()
            before = [m for m in ms if m.label in ARM_LABELS and m.end <= a and " " in m.canon]
            if not before or any(m.start < b and a < m.end for m in ms):
                continue
            name = self.arm_of_phrase.get(f"{w['w'].lower()} {before[-1].canon.split(' ', 1)[1]}")
            if name and name != before[-1].canon:
                out.append(Mention("ARM", a, b, s[w.start("w") : w.end()], name, "arm:one"))
        for w in COUNT_ARM_RE.finditer(s):
            a, b = s_start + w.start("w"), s_start + w.end("w")
            before = [m for m in ms if m.label in ARM_LABELS and m.end <= a and m.text.lower().startswith("one ")]
            if before and (name := self.arm_of_phrase.get(f"{w['w']} {before[-1].text[4:].lower()}s")):
                out.append(Mention("ARM", a, b, w["w"], name, "arm:one"))
        return out

    def _active_arm(self, s: str, s_start: int, ms: list[Mention], state: ReaderState) -> list[Mention]:
        """"67.8% of patients taking the drug" after "randomised to lenvatinib or placebo": words that stand for
        the one arm of the randomisation that is not a placebo or observation (rule arm:the-drug)."""
        active = [a for a in state.randomised_arms if a not in self.lexicon.controls]
        if len(active) != 1 or len(active) == len(state.randomised_arms):
            return []
        return [Mention("ARM", s_start + w.start(), s_start + w.end(), w.group(0), active[0], "arm:the-drug")
                for w in self.active_arm_re.finditer(s)
                if not any(m.start < s_start + w.end() and s_start + w.start() < m.end for m in ms)]

    def _trial_treatment_arms(self, text: str, trial: Mention, ms: list[Mention], hi: int, state: ReaderState) -> list[str]:
        """The arms of a trial introduced by its treatment rather than by a randomisation: "ENGOT-OV16/NOVA
        (niraparib 300 mg once daily; ...)", "the NOVA trial of niraparib" in an article that calls its
        trials placebo-controlled: niraparib vs placebo (rule arm:trial-treatment)."""
        intro = TRIAL_TREATMENT_RE.match(text, trial.end, hi)
        if not intro:
            return []
        end = TRIAL_TREATMENT_END_RE.search(text, intro.end(), hi)
        phrases = [p[0] for p in self.arm_phrases(text, ms, intro.end(), end.start() if end else hi)]
        if len(phrases) == 1 and phrases[0] not in self.lexicon.controls and state.placebo_controlled:
            return [phrases[0], "placebo"]
        return []

    def _combination_spelled_out(self, text: str, m: Mention, ms: list[Mention], lo: int, hi: int) -> str | None:
        """The arm "the combination" (mention m) names where the sentence spells it out: "the combination
        of nivolumab (Opdivo) and ipilimumab (Yervoy)", "the nivolumab-ipilimumab combination"."""
        of = COMBINATION_OF_RE.match(text, m.end, hi)
        after = self.arm_phrases(text, ms, of.end(), hi) if of else []
        if after and after[0][1] == of.end() and self.is_combination(after[0][0]):
            return after[0][0]
        before = self.arm_phrases(text, ms, lo, m.start)
        if before and self.is_combination(before[-1][0]) and COMBINATION_AFTER_RE.match(text[before[-1][2] : m.start]):
            return before[-1][0]
        return None

    def is_combination(self, arm: str) -> bool:
        """An arm of several treatments as arm_phrases names it ("nivolumab and ipilimumab", "ADT + AA"),
        none of them a control ("placebo and azacitidine" is the control arm)."""
        parts = COMBINED_RE.split(arm)
        return len(parts) >= 2 and not arm.startswith("not receiving") and not any(p in self.lexicon.controls for p in parts)

    def _full_arm_name(self, name: str, trial: str | None, state: ReaderState) -> tuple[str, str] | None:
        """(name, rule) for an arm the sentence names by a word that stands for a fuller name:
        "the combination" -> the combination the article spelled out for this trial, else the only arm
        of several drugs in the randomisation; "the subcutaneous arm" -> the drug the randomisation
        gives that way ("assigned to subcutaneous or intravenous bortezomib")."""
        generic = name in self.lexicon.generic_arms and name != "combination"
        if name != "combination" and name not in self.route_names and not generic:
            return None
        randomised = list(dict.fromkeys(state.randomisation + state.randomised_arms))
        if generic:
            # "the transplant group" after "randomised to a second transplant or cyclophosphamide"
            longer = [a for a in randomised if a.endswith(" " + name) and len(a.split()) == 2
                      and a not in self.lexicon.controls and not a.startswith(("no ", "not "))]
            return (longer[0], "arm:short-for-randomised") if len(longer) == 1 and name not in randomised else None
        if name == "combination":
            multi = [a for a in randomised if self.is_combination(a)]
            # (of several, the one that holds all the others' drugs: "liposomal irinotecan with 5-FU and folinic acid"
            # against "5-FU with folinic acid")
            parts = {a: set(COMBINED_RE.split(a)) for a in multi}
            widest = [a for a in multi if all(parts[b] < parts[a] for b in multi if b != a)]
            combo = state.combinations.get(trial) or (multi[0] if len(multi) == 1 else widest[0] if len(widest) == 1 else None)
            return (combo, "arm:the-combination") if combo else None
        drugs = {rest for a in randomised for first, _, rest in [a.partition(" ")] if first in self.route_names and rest}
        return (f"{name} {drugs.pop()}", "arm:route-drug") if len(drugs) == 1 else None

    def _added_and_backbone(self, text: str, ms: list[Mention], lo: int, hi: int) -> list[str]:
        """[the drug added, the backbone alone] of a randomisation "to carboplatin and paclitaxel with or without
        bevacizumab" or "to docetaxel with cetuximab (n = 222) or without it"; [] for any other."""
        if (either := WITH_OR_WITHOUT_RE.search(text, lo, hi)) and (backbone := self.arm_phrases(text, ms, lo, either.start())):
            added = self.arm_phrases(text, ms, either.end(), hi)
            added = [a for a in added if a[3] != "arm:comparator"] or added  # "a lower dose of bevacizumab"
            if added and added[0][1] - either.end() <= 30:
                return [added[0][0], backbone[-1][0]]
        if (without := WITHOUT_IT_RE.search(text, lo, hi)) and (
                given := [m for m in ms if m.label in ARM_LABELS and lo <= m.start < without.start()]) and len(given) >= 2 \
                and WITH_GAP_RE.fullmatch(text, given[-2].end, given[-1].start):
            return [given[-1].canon, " and ".join(dict.fromkeys(m.canon for m in given[:-1] if m.canon != given[-1].canon))]
        return []

    def _randomised_arms(self, text: str, ms: list[Mention], lo: int, hi: int) -> list[str]:
        """The arms a randomisation lists from lo: "A, B, or C", else each arm phrase once; "compared A
        with B" splits at its "with" (which elsewhere joins the drugs of one arm)."""
        split = COMPARED_WITH_RE.match(text, lo, hi) or TESTED_AGAINST_RE.match(text, lo, hi)
        if split:
            first = [a[0] for a in self.arm_phrases(text, ms, lo, split.start("with"))]
            second = [a[0] for a in self.arm_phrases(text, ms, split.end(), hi)]
            if split["with"].lower() == "against" and first and second:
                # "... added to palbociclib and fulvestrant, against a placebo with palbociclib and fulvestrant":
                # the treatments both sides share are the backbone, not the arm
                one = self.arm_phrases(text, ms, lo, split.start("with"))[0]
                shared = {m.canon for m in ms if m.label in ARM_LABELS and one[2] <= m.start < split.start("with")}
                end = self.arm_phrases(text, ms, split.end(), hi)[0][2]
                own = [m.canon for m in ms if m.label in ARM_LABELS and split.end() <= m.start < end and m.canon not in shared]
                return list(dict.fromkeys(first[:1] + (own if len(own) == 1 else second[:1])))
            if len(first) == 1 and second:
                return list(dict.fromkeys(first + second[:1]))
        arms = self._listed_arms(text, ms, lo, hi) or [
            a[0] for a in self.arm_phrases(text, ms, lo, hi)
            if not WITHOUT_RE.search(text, max(lo, a[1] - 10), a[1])]  # "Pd without isatuximab": not an arm
        return list(dict.fromkeys(a for a in arms if a != "maintenance"))

    def _listed_parts(self, text: str, ms: list[Mention], lo: int, hi: int, k: int, state: ReaderState) -> list[str]:
        """The k arms of a list before "respectively", one per part between commas and "and": "in the three-drug,
        venetoclax-obinutuzumab, venetoclax-rituximab and chemo-immunotherapy groups" (a part naming no known
        treatment is named by its own word or two, when another part names one or the article calls it a group
        elsewhere: "the long intense, intermediate and short intense groups"); [] when the list has not k such parts."""
        span = LISTED_GROUPS_RE.search(text, lo, hi)
        if not span:
            return []
        parts, known = [], 0
        for a, b in list_parts(text, PART_SEP_RE, span.start("list"), span.end("list"), span.end("list")):
            names = [p[0] for p in self.arm_phrases(text, ms, a, b)]
            words = text[a:b].split()
            if len(names) == 1:
                parts.append(names[0])
                known += 1
            elif not names and 1 <= len(words) <= 2 and all(w[0].islower() for w in words):
                parts.append(text[a:b])
            else:
                return []
        named = known >= 1 or all(p in state.group_names for p in parts)
        return parts if len(parts) == k and named and len(set(parts)) == k else []

    def _listed_arms(self, text: str, ms: list[Mention], lo: int, hi: int) -> list[str]:
        """Arms listed with a comma before the last "or": "to amivantamab plus lazertinib, osimertinib, or
        lazertinib alone" (three arms, though a comma may also join the drugs of one arm)."""
        clause_end = text.find(";", lo, hi)
        hi = hi if clause_end < 0 else clause_end
        last_or = LIST_OR_RE.search(text, lo, hi)
        if not last_or:
            return []
        arms = []
        for a, b in list_parts(text, LIST_SEP_RE, lo, last_or.end(), hi):
            names = [p[0] for p in self.arm_phrases(text, ms, a, b)]
            if len(names) > 1:
                return []  # "to A, B and C, or D": one part holds several arms or drugs
            arms += names
        # "to osimertinib, the drug sold as Tagrisso, or a placebo": an apposition names an arm again
        return arms if len(arms) >= 3 and len(set(arms)) == len(arms) else []

    def _table_header(self, text: str, s_start: int, s_end: int, ms: list[Mention]) -> list[str]:
        """The arms a table's header row names, column by column ("Endpoint | VMPT-VT | VMP | HR",
        "\tD-VMP (N=350)\tVMP (N=356)"): the rows below give their figures in that order."""
        cells = cell_spans(text, s_start, s_end)
        if len(cells) < 2:
            return []
        columns = []
        for a, b in cells:
            phrases = self.arm_phrases(text, ms, a, b)
            if len(phrases) == 1:
                columns.append(phrases[0][0])
            elif phrases:
                return []  # a cell naming several arms is prose, not a column heading
        columns = list(dict.fromkeys(columns))
        return columns[:4] if len(columns) >= 2 else []

    def _column_header(self, text: str, s_start: int, s_end: int, ms: list[Mention]) -> list[Column]:
        """The columns of a table with one trial per row ("Trial | Comparison | Patients randomised |
        Median follow-up (months) | Median PFS (months) | ORR (%)"); [] when the row is no such header."""
        columns = []
        for a, b in cell_spans(text, s_start, s_end):
            cell = text[a:b]
            endpoints = [m for m in ms if m.label == "ENDPOINT" and a <= m.start and m.end <= b]
            if any(m.label in ARM_LABELS for m in ms if a <= m.start and m.end <= b) or DIGIT_RE.search(HEADING_NUMBERS_RE.sub("", cell)):
                return []  # a header names no arm and holds no figure
            unit = heading_unit(cell)
            if self.column_res["follow_up"].search(cell):
                columns.append(Column("follow_up", unit=unit))
            elif endpoints:
                columns.append(Column("endpoint", endpoint=endpoints[0].canon, unit=unit))
            else:
                kind = next((k for k in ("trial", "arms") if self.column_res[k].fullmatch(cell.strip(" :*"))), None)
                if kind is None:
                    kind = "sample" if self.column_res["sample"].search(cell) else "other"
                columns.append(Column(kind))
        kinds = {c.kind for c in columns}
        if len(columns) < 3 or not kinds & {"trial", "arms"} or not kinds & {"endpoint", "sample", "follow_up"}:
            return []
        return columns

    def read_table_row(self, text: str, a: int, b: int, ms: list[Mention], state: ReaderState,
                       source: str, trace: Trace) -> list[DraftRecord] | None:
        """A row under a _column_header: the trial from its trial cell, the arms from its comparison
        cell (or the ones an earlier table gave the trial), and each figure cell read as a sentence
        about its column's endpoint. None when the row does not fit the header."""
        cells = cell_spans(text, a, b)
        if len(cells) != len(state.columns):
            return None
        columns = state.columns
        row_ev = Evidence(text=text[a:b], start=a, end=b)

        def in_cell(x: int, y: int) -> list[Mention]:
            return [m for m in ms if x <= m.start and m.end <= y]

        row = replace(state, columns=[], asked=False, last_endpoint=None, last_endpoints=[])
        trial_at = next((i for i, c in enumerate(columns) if c.kind == "trial"), 0)
        records = self.read_sentence(text, *cells[trial_at], in_cell(*cells[trial_at]), row, source, trace)
        trial = row.trial
        arms = []
        for c, (x, y) in zip(columns, cells):
            if c.kind == "arms":
                arms = list(dict.fromkeys(p[0] for p in self.arm_phrases(text, ms, x, y)))
        if len(arms) >= 2 and trial:
            state.trial_arms[trial] = arms
        if not any(c.kind == "arms" for c in columns):  # a second table about the same trials
            arms = state.trial_arms.get(trial) or state.randomised_arms
        row.randomised_arms = row.randomisation = arms
        for c, (x, y) in zip(columns, cells):
            if c.kind == "endpoint":
                cell = replace(row, last_endpoint=c.endpoint, asked=True, unit_hint=c.unit)
                for r in self.read_sentence(text, x, y, in_cell(x, y), cell, source, trace):
                    r.evidence = row_ev
                    records.append(r)
                continue
            numbers = [(m, self.numbers.to_number(m.group(0))) for m in NUMBER_RE.finditer(text, x, y)]
            if c.kind == "sample" and numbers:
                # "455 (302 vs 153)": the trial's size, then its arms' in order
                inner = [(m, n) for m, n in numbers[1:] if "(" in text[x : m.start()]]
                named = arms if len(inner) == len(arms) else [None] * len(inner)
                for (m, n), arm in zip(numbers[:1] + inner, [None, *named]):
                    trace.add("sample_size:table-column", m.group(0))
                    records.append(DraftRecord(source=source, kind="sample_size", trial=trial, n=int(n), arm=arm,
                                               evidence=row_ev, rules=["sample_size:table-column"]))
            elif c.kind == "follow_up":
                for m, n in numbers:  # "13.2 vs 16.5": one per arm
                    trace.add("follow_up:table-column", m.group(0))
                    records.append(DraftRecord(source=source, kind="follow_up", trial=trial,
                                               months=round(in_months(n, c.unit or "months"), 3),
                                               evidence=row_ev, rules=["follow_up:table-column"]))
        if trial:
            state.trial = trial
        state.randomised_arms = arms
        return records

    def _sample_arm(self, s: str, s_start: int, f: Found, ms: list[Mention]) -> str | None:
        """The arm a sample size belongs to: "no-maintenance group, n = 359" or "152 patients ... (MPR-R)"."""
        if f.rule in ("sample_size:arm-before", "sample_size:arm-after", "sample_size:arm-paren", "sample_size:elliptic"):
            local = [replace(m, start=m.start - s_start, end=m.end - s_start) for m in ms]  # offsets into s
            if f.rule not in ("sample_size:arm-after", "sample_size:elliptic"):  # "lenvatinib plus everolimus, 357 patients", "T-DXd (373)"
                before = self.arm_phrases(s, local, 0, f.start)
                return before[-1][0] if before else None
            after = self.arm_phrases(s, local, f.end, len(s))  # "216 people had venetoclax with obinutuzumab", "and 165 a placebo"
            return after[0][0] if after and after[0][1] - f.end <= 30 else None
        if f.rule == "sample_size:n-equals":
            clause_start = max(s.rfind("(", 0, f.start), s.rfind(";", 0, f.start), s.rfind(",", 0, max(0, f.start - 2)))
            cands = [m for m in ms if m.label in ARM_LABELS and clause_start + s_start <= m.start < f.start + s_start]
            return cands[-1].canon if cands else None
        m = re.search(r"\(([^()]{1,20})\)", s[f.end : clause_end_after(s, f.end)])
        if m:
            inside = [x for x in ms if x.label == "REGIMEN" and x.start >= s_start + f.end + m.start(1) and x.end <= s_start + f.end + m.end(1)]
            if inside:
                return inside[0].canon
        return None

    def _groups(self, s: str, s_start: int, values: list[Value], endpoints: list[Mention], ms: list[Mention],
                timepoints: list[Found] = ()) -> list[Group]:
        """Attach values to endpoints and split them into comparison groups.

        Bare numbers first take the unit of the value they are compared with ("46 vs 27 months");
        then values are grouped by (endpoint, unit) in sentence order, and a group is split where
        a trial is named between two values or a second "X vs Y" pair starts.
        """
        for i, v in enumerate(values):
            if v.unit is not None:
                continue
            if i + 1 < len(values) and BARE_LINK_RE.match(s[v.end : values[i + 1].start]):
                nxt = next((x.unit for x in values[i + 1 :] if x.unit), None)
                if nxt:
                    v.unit, v.rule = nxt, "value:unit-from-partner"
            elif v.rule == "value:elliptic" and i and values[i - 1].unit and not SENTENCE_BREAK_RE.search(s, values[i - 1].end, v.start):
                # "seven people in the transplant group and five in the cyclophosphamide group"
                v.unit, v.rule = values[i - 1].unit, "value:unit-from-partner"
            elif v.rule == "value:not-reached":
                # "not reached with X versus 11.8 months with Y": compared in its partner's unit
                partners = [x for x in values[i + 1 : i + 2] if x.unit and not SENTENCE_BREAK_RE.search(s, v.end, x.start)]
                partners += [x for x in values[max(0, i - 1) : i] if x.unit and not SENTENCE_BREAK_RE.search(s, x.end, v.start)]
                if partners:
                    v.unit = partners[0].unit
        trial_spans = [(m.start - s_start, m.end - s_start) for m in ms if m.label in ("TRIAL", "TRIAL_REF")]

        parens = [p.span() for p in PAREN_RE.finditer(s)]

        def aside(e: Mention, v: Value) -> bool:
            """"Three deaths in the X group (pneumonitis, encephalitis and heart failure) ... were attributed to
            treatment": an event named in a parenthesis the value is not in explains the value's event."""
            a, b = e.start - s_start, e.end - s_start
            return any(p <= a and b <= q and not p <= v.start < q for p, q in parens)

        def endpoint_for(v: Value) -> Mention | None:
            eps = [(e.start - s_start, e.end - s_start, e) for e in endpoints if self._unit_fits(e.canon, v.unit)]
            # (an event named aside is the value's only when it is all there is)
            set_aside = [(a, b, e) for a, b, e in eps if aside(e, v)]
            if set_aside and len(set_aside) < len(eps):
                eps = [x for x in eps if x not in set_aside]
            # "... were alive at 5 years, even though 66% of chemotherapy patients crossed over": a
            # concessive clause is about something else
            eps = [(a, b, e) for a, b, e in eps if not (b <= v.start and CLAUSE_BREAK_RE.search(s, b, v.start))]
            if not eps:
                return None
            # ("60.6% versus 21.9%, complete response 15.0%": after a comma, the next item's endpoint)
            right_after = [e for a, b, e in eps if a >= v.end and (a - v.end <= 3 and not re.search(r"[;:.,]", s[v.end : a])
                                                                   or RIGHT_AFTER_RE.fullmatch(s, v.end, a))]
            if right_after:
                return right_after[0]
            # "73.1 percent of patients treated with X achieved a complete response": the endpoint the
            # value's patients reached
            reached = [e for a, b, e in eps if a >= v.end and (VALUE_REACHED_RE.match(s[v.end : a]) or
                                                               VALUE_OF_PEOPLE_RE.match(s[v.end : a]) and e.text.lower().startswith("respond"))]
            # (but "the overall response rate (ORR) was 95% and 90% of patients achieved a complete response": the
            # value the endpoint before was given, then a new value of its own)
            given = [e for a, b, e in eps if b <= v.start and ENDPOINT_WAS_RE.fullmatch(s, b, v.start)]
            if reached and not (given and AND_NEXT_RE.match(s, v.end)):
                return reached[0]
            # "X and Y ..., respectively, and A vs B became ...": a "respectively" closes its endpoint
            closed = max((m.end() for m in RESPECTIVELY_RE.finditer(s, 0, v.start)), default=0)
            before = [e for a, b, e in eps if closed <= a and b <= v.start]
            after = [e for a, b, e in eps if a >= v.end]
            # "anaemia (19 [20%] and 25 [25%]); 38 (40%) of 95 patients ... reported serious adverse events": a
            # semicolon after the endpoint before starts a clause that names its own endpoint
            if before and after and s.rfind(";", 0, v.start) >= before[-1].end - s_start and ";" not in s[v.end : after[0].start - s_start]:
                return after[0]
            if before:
                return before[-1]
            return after[0] if after else eps[-1][2]

        open_groups: dict[tuple, Group] = {}
        groups: list[Group] = []
        for v in values:
            ep = endpoint_for(v)
            if ep is None:
                continue
            unit_class = "time" if v.unit in ("months", "years", "weeks") else v.unit
            key = (ep.canon, unit_class)
            g = open_groups.get(key)
            if g is not None:
                prev = g.values[-1]
                link = s[prev.end : v.start]
                has_trial = any(prev.end <= a < v.start for a, b in trial_spans)
                starts_pair = len(g.values) >= 2 and any(VS_RE.search(x) for x in g.links) and (
                    bool(PAIR_JOIN_RE.match(link))
                    # "16.6 vs 5.4 months in BRCA-mutated patients, 13.6 vs 5.4 months in the HRD population"
                    or "," in link and bool(VS_NEXT_RE.match(s, v.end)))
                other_ep = any(e.canon != ep.canon and prev.end <= e.start - s_start < v.start and not aside(e, v) for e in endpoints)
                # "98.0% and 77.7% ..., and grade >=3 adverse events in 47.4% and 25.2%": the endpoint
                # named again after a pair opens the next comparison
                other_ep = other_ep or (len(g.values) >= 2 and ep is not g.endpoint and ep.start - s_start >= prev.end)
                # "CRS occurred in 76.1 percent; CRS was grade 3 or 4 in 1.1 percent": named again in a new clause
                other_ep = other_ep or (ep is not g.endpoint and ep.start - s_start >= prev.end and ";" in link)
                # "72% had grade 3 or higher adverse events, ... grade 3 or higher infections (8% vs 16%)": a
                # differently worded endpoint of the same code between two values is another comparison
                other_ep = other_ep or (ep is not g.endpoint and prev.end <= ep.start - s_start < v.start
                                        and ep.text.lower() != g.endpoint.text.lower()
                                        and bool(CLAUSE_AFTER_VALUE_RE.search(s, prev.end, ep.start - s_start)))
                # "6.2% of men given docetaxel had febrile neutropenia, and 2.3% had a severe infection": each
                # value followed by an event of its own
                other_ep = other_ep or (ep is not g.endpoint and g.endpoint.start - s_start >= prev.end
                                        and ep.start - s_start >= v.end and ep.text.lower() != g.endpoint.text.lower())
                pair_done = len(g.values) >= 2 and any(VS_RE.search(x) for x in g.links) and bool(CLAUSE_BREAK_RE.search(link))
                # "at 12 months were 65.0% and 44.9%, at 18 months were 48.6% and 34.5%": a new timepoint, a new pair
                pair_done = pair_done or (len(g.values) >= 2 and any(prev.end <= t.start < v.start for t in timepoints))
                # "20.4 months with olaratumab and 19.7 months with placebo; in the leiomyosarcoma population ... it was
                # 21.6 v 21.9 months": a new clause that refers back opens the next comparison
                pair_done = pair_done or (len(g.values) >= 2 and ";" in link and self.anaphora_re.search(link) is not None)
                # "... in 10.8% and 7.0% of patients, respectively; the incidence of AML was 1.1% after transplant": a
                # "respectively" closes its comparison
                pair_done = pair_done or (len(g.values) >= 2 and RESPECTIVELY_RE.search(link) is not None and ";" in link)
                if has_trial or starts_pair or pair_done or len(link) > 160 or (other_ep and ep.start - s_start > prev.end):
                    g = None
            if g is None:
                g = Group(endpoint=ep, values=[v])
                open_groups[key] = g
                groups.append(g)
            else:
                g.links.append(s[g.values[-1].end : v.start])
                g.values.append(v)
        return groups

    def _unit_fits(self, endpoint: str, unit: str | None) -> bool:
        allowed = self.lexicon.endpoint_allowed_units.get(endpoint)
        if unit is None or not allowed:
            return True
        return unit in allowed

    def _landmark_groups(self, g: Group, landmarks: re.Match, text: str, s_start: int, s_end: int, ms: list[Mention],
                         state: ReaderState) -> list[Group]:
        """"PFS at 1, 2 and 3 years was 98%, 93% and 91% in the lenalidomide arm, compared with 89%, 76% and 66% in
        the observation arm": one comparison per landmark, each arm's rates in the order of the landmarks, the
        arm named after its run of rates (rule arm:landmark-list)."""
        times = [int(x) for x in re.findall(r"\d+", landmarks["list"])]
        n, vals = len(times), g.values
        if any(v.unit != "%" for v in vals) or len(vals) % n or len(vals) // n < 2:
            return [g]
        s = text[s_start:s_end]
        runs = [vals[i : i + n] for i in range(0, len(vals), n)]
        if not all(BARE_LINK_RE.match(s[a.end : b.start]) for run in runs for a, b in zip(run, run[1:])):
            return [g]
        arms = []
        for r, run in enumerate(runs):
            until = s_start + (runs[r + 1][0].start if r + 1 < len(runs) else len(s))
            after = self.arm_phrases(text, ms, s_start + run[-1].end, until)
            arms.append(after[0][0] if after else None)
        if None in arms:
            arms = state.randomised_arms if len(state.randomised_arms) == len(runs) else []
        if not arms:
            return [g]
        unit = "years" if landmarks["unit"].lower().startswith("year") else "months"
        return [Group(g.endpoint, [run[i] for run in runs], [" vs "] * (len(runs) - 1),
                      [(a, "arm:landmark-list") for a in arms],
                      Found(landmarks.start(), landmarks.end(), "timepoint", t, "timepoint:landmark-list", unit=unit))
                for i, t in enumerate(times)]

    def _result(self, g: Group, text: str, s_start: int, s_end: int, value_ends: list[int], ms: list[Mention],
                named: list[Mention], state: ReaderState, timepoints: list[Found], effects: list[Found], source: str,
                sentence_ev: Evidence, trace: Trace) -> DraftRecord | None:
        """One comparison group -> a result record (None when it has no usable values or arms).

        `text` is the document text; `s_start:s_end` the sentence; `value_ends` the ends of every
        value in the sentence (relative to it), which bound the windows arms are looked for in.
        """
        s = text[s_start:s_end]
        rules = [g.endpoint.rule if g.endpoint.rule.startswith("endpoint:") else "endpoint:phrase"]
        # Units: bare numbers take the unit of the values they are compared with.
        count_hint = self.lexicon.endpoint_units.get(g.endpoint.canon) == "count"
        vals = list(g.values)
        keep = []
        for i, v in enumerate(vals):
            if v.unit is None and v.number is not None:
                ep_right = g.endpoint.start - s_start - v.end
                linked_prev = i > 0 and COMPARED_END_RE.search(g.links[i - 1]) is not None
                if not (count_hint and (0 <= ep_right <= 3 or linked_prev)):
                    continue
            keep.append(v)
        vals = keep
        if not vals:
            return None
        units = [v.unit for v in vals if v.unit]
        if units:
            unit = units[-1]
            for i, v in enumerate(vals):
                if v.unit is None:
                    later = [x.unit for x in vals[i + 1 :] if x.unit]
                    v.unit = later[0] if later else units[0]
        elif count_hint:
            unit = "count"
            for v in vals:
                v.unit = "count"
            rules.append("value:count")
        else:
            return None
        numeric = [v for v in vals if v.number is not None]
        if not numeric:
            return None

        # Arms.
        if len(g.arms) == len(vals):  # arms the grouping already knew
            arms = list(g.arms)
            rules += list(dict.fromkeys(r for _, r in arms if r))
        else:
            arms = self._arms_for(g, vals, text, s_start, s_end, value_ends, ms, state, rules)
        # "14.0 months in both the combination group and the nivolumab group", "9.3 months in both the triplet and
        # the doublet groups, against 5.9 months for control": one value, two arms
        for i in reversed(range(len(vals))):
            end = vals[i + 1].start if i + 1 < len(vals) else len(s)
            if not (both := BOTH_RE.search(s, vals[i].end, min(end, vals[i].end + 40))):
                continue
            if BOTH_GROUPS_RE.match(s, vals[i].end):  # "42% in both groups": the two arms of the randomisation
                pair = state.randomised_arms if len(state.randomised_arms) == 2 and len(vals) == 1 else []
            else:
                pair = list(dict.fromkeys(p[0] for p in self.arm_phrases(text, ms, s_start + both.end(), s_start + end, join=False)))[:2]
            if len(pair) == 2:
                vals = vals[:i] + [vals[i], vals[i]] + vals[i + 1 :]
                arms = arms[:i] + [(pair[0], "arm:both"), (pair[1], "arm:both")] + arms[i + 1 :]
                rules.append("arm:both")
        if len(vals) == 1 and arms[0][0] is None:
            return None

        trial, trial_rule = self._trial_for(vals, text, s_start, named, state)
        if trial:
            rules.append(trial_rule)
        for i, (name, _) in enumerate(arms):
            if name and (full := self._full_arm_name(name, trial, state)):
                arms[i] = full
                rules.append(full[1])

        measure = {"months": "median", "years": "median", "weeks": "median", "%": "rate", "count": "count"}[unit]
        timepoint = None
        if unit == "%":
            first = vals[0].start
            tps = [g.timepoint] if g.timepoint else [t for t in timepoints if t.end <= first]
            if tps:
                t = tps[-1]
                timepoint = Timepoint(value=t.number, unit=t.unit)
                rules.append(t.rule)
        effect = None
        after = [e for e in effects if e.start >= vals[-1].end]
        if after:
            e = after[0]
            effect = Effect(kind=e.extra["kind"], value=e.number, ci=e.extra.get("ci"), p=e.extra.get("p"),
                            p_bound=e.extra.get("p_bound", "exact"))
            rules.append(e.rule)
        sub = SUBGROUP_RE.match(s)
        subgroup = sub["sub"].strip() if sub and self.subgroup_cues_re.search(sub["sub"]) else None
        if subgroup:
            rules.append("subgroup:sentence-opening")

        arm_models = []
        for v, (name, rule) in zip(vals, arms):
            ev = Evidence(text=s[v.start : v.end], start=s_start + v.start, end=s_start + v.end, rule=rule or v.rule)
            arm_models.append(Arm(name=name, value=v.number, unit=v.unit, bound=v.bound,
                                  not_reached=v.number is None, evidence=ev))
            trace.add(v.rule, lambda: f"{ev.text} [{name or '?'}]")
        rules = list(dict.fromkeys(rules))
        trace.add("result", lambda: f"{g.endpoint.canon} {measure}: " + ", ".join(f"{a.name}={a.value}{a.unit}" for a in arm_models) + f" [{trial}]")
        return DraftRecord(source=source, kind="result", trial=trial, endpoint=g.endpoint.canon, measure=measure,
                           arms=arm_models, timepoint=timepoint, subgroup=subgroup, effect=effect,
                           evidence=sentence_ev, rules=rules)

    def _arms_for(self, g: Group, vals: list[Value], text: str, s_start: int, s_end: int, value_ends: list[int],
                  ms: list[Mention], state: ReaderState, rules: list[str]) -> list[tuple[str | None, str | None]]:
        s = text[s_start:s_end]
        k = len(vals)
        context = state.randomised_arms
        # "X and Y months in the A and B groups, respectively"
        resp = RESPECTIVELY_RE.search(s, vals[-1].end)
        if resp and k >= 2:
            lst = self.arm_phrases(text, ms, s_start + vals[-1].end, s_start + resp.start(), join=False)
            if len(lst) != k and (parts := self._listed_parts(text, ms, s_start + vals[-1].end, s_start + resp.start(), k, state)):
                rules.append("arm:respectively")  # "in the three-drug, venetoclax-obinutuzumab, ... groups, respectively"
                return [(a, "arm:respectively") for a in parts]
            if len(lst) != k:
                lst = self.arm_phrases(text, ms, s_start, s_start + vals[0].start, join=False)[-k:]
                # "... in 75% of patients given MPR or CPR and 79% of those given Rd, with complete responses in
                # 9% and 7%, respectively": the arms just compared, of which the last phrases are parts
                if len(context) == k and any(" or " in c for c in context) and all(
                        a[0] in OR_GAP_RE.split(c) for a, c in zip(lst, context)):
                    rules.append("arm:respectively-earlier")
                    return [(c, "arm:respectively-earlier") for c in context]
            if len(lst) == k:
                rules.append("arm:respectively")
                return [(a[0], "arm:respectively") for a in lst]
            named = [a[0] for a in self.arm_phrases(text, ms, s_start, s_start + resp.end())]
            if len(named) < k and not any(a in context or a in state.randomisation for a in named):
                # "... in 89%, 87% and 76% of patients respectively": the arms of the last sentence, or
                # "71.0%, 53.5% and 36.1% in the three arms, respectively": the arms as randomised
                # ("After transplant, ... 46%, 24% and 38%, respectively": a treatment that is no arm)
                for arms in (context, state.randomisation):
                    if len(arms) == k:
                        rules.append("arm:respectively")
                        return [(a, "arm:respectively") for a in arms]
        # "8.8% and 21.3% of patients in the D-VRd and VRd arms": "respectively" left unsaid
        listed = IMPLIED_RESPECTIVELY_RE.match(s, vals[-1].end) if k >= 2 and not resp else None
        # ("disease-free survival of 67.9%, 74.6% and 73.0% with AC-T, AC-TH and TCH": the arms listed alone)
        listed = listed or (IMPLIED_LIST_RE.match(s, vals[-1].end) if k >= 3 and not resp else None)
        if listed and all(BARE_LINK_RE.match(s[a.end : b.start]) for a, b in zip(vals, vals[1:])):
            group = "arms" if listed["arms"] else "labels"
            lst = self.arm_phrases(text, ms, s_start + listed.start(group), s_start + listed.end(group), join=False)
            if len(lst) == k and all(BARE_LINK_RE.match(text[a[2] : b[1]]) for a, b in zip(lst, lst[1:])):
                rules.append("arm:respectively-implied")
                return [(a[0], "arm:respectively-implied") for a in lst]
        # "Conditioning with BUMEL and MEL200 gave similar complete response rates, 46.5% and 41.7%": two randomised arms
        # named together before their two values, one each
        if k == 2 and not resp and BARE_LINK_RE.match(s[vals[0].end : vals[1].start]) and context:
            joined = self.arm_phrases(text, ms, s_start, s_start + vals[0].start)
            apart = self.arm_phrases(text, ms, joined[-1][1], joined[-1][2], join=False) if joined else []
            if len(apart) == 2 and apart[0][0] != apart[1][0] and all(a[0] in context for a in apart) \
                    and not self.arm_phrases(text, ms, s_start + vals[0].end, s_start + vals[1].end):
                rules.append("arm:respectively-implied")
                return [(a[0], "arm:respectively-implied") for a in apart]
        # "compared with chlorambucil alone, obinutuzumab and chlorambucil gave a median PFS of 31.1 months, against 11.1
        # months": the subject's value first, the arm compared with second
        if k == 2 and (opening := COMPARED_OPENING_RE.match(s)) and not resp:
            first = self.arm_phrases(text, ms, s_start + opening.end(), s_start + vals[0].start)
            if len(first) >= 2 and "," in text[first[0][2] : first[1][1]] and not self.arm_phrases(text, ms, s_start + vals[0].end, s_end):
                rules.append("arm:compared-opening")
                return [(first[1][0], "arm:compared-opening"), (first[0][0], "arm:compared-opening")]
        # "improved PFS from 13 months to 30 months": the later value is the subject's
        from_to = k == 2 and bool(re.search(r"\bfrom\b", s[max(0, vals[0].start - 30) : vals[0].start])) and bool(
            re.match(r"^\s*(?:[\w-]+\s+){0,6}?to\b", s[vals[0].end : vals[1].start]))  # ("from 4.0 months with placebo-Rd to")
        if from_to:
            rules.append("value:from-to")  # (the control's value first: no order for the pairs that follow)
        before_bare = None if from_to else self._arms_before_bare_values(vals, text, s_start, s, value_ends, ms)
        after_bare = None if resp or from_to else self._arms_after_bare_values(vals, text, s_start, s, ms)
        out: list[tuple[str | None, str | None]] = []
        for i, v in enumerate(vals):
            nxt = s_start + (vals[i + 1].start if i + 1 < k else len(s))
            if i + 1 == k and (later := [e for e in value_ends if e > v.end]) and any(
                    m.label == "ENDPOINT" and s_start + v.end <= m.start < s_start + later[0] for m in ms):
                # "42.3% vs 15.9% (...), including complete responses in 5.3% of patients in the MIRV arm": an arm
                # after another endpoint's value is that value's
                nxt = min(nxt, s_start + later[0])
            window_after = self.arm_phrases(text, ms, s_start + v.end, nxt)
            # stop at the first comparison word: what follows belongs to the next value
            cmp_m = COMPARE_RE.search(s, v.end, nxt - s_start)
            limit = s_start + cmp_m.start() if cmp_m else nxt
            if from_to and i == 0:
                limit = s_start + vals[1].start
            close = s.find(")", v.end, limit - s_start)
            opened = s.rfind("(", 0, v.start)
            if close >= 0 and opened > s.rfind(")", 0, v.start) and any(opened < x.start < close for x in vals if x is not v):
                limit = s_start + close  # "(39.7% vs 27.6%) were higher with Isa-Kd": the parenthesis holds the comparison
            # "... 32.1 vs 22.8 months, in favor of the atezolizumab arm", "78% vs 52%, favouring LEN-DEX": the
            # arm the comparison favours
            window_after = [a for a in window_after if a[1] < limit and not FAVOUR_BEFORE_RE.search(text, max(0, a[1] - 25), a[1])]
            if i and out and GRADE_PAREN_BEFORE_RE.search(s, vals[i - 1].end, v.start):
                out.append((out[-1][0], "arm:graded-part"))  # "in 76.1% of cilta-cel-treated patients (grade 3-4, 1.1%)"
                continue
            if after_bare:
                out.append((after_bare[i], "arm:after-values"))
                continue
            # "(RVd 8%, RVd-Elo 16%)": each value labelled by the arm right before it
            label = self.arm_phrases(text, ms, s_start + max(0, v.start - 60), s_start + v.start) if k >= 2 and LABEL_END_RE.match(s, v.end) else []
            if label and LABEL_GAP_RE.fullmatch(text, label[-1][2], s_start + v.start):
                out.append((label[-1][0], "arm:label-value"))
                continue
            # "infections were the most common AE on Ven-dex (61%), neutropenia on Pom-dex", "lower with nivolumab
            # (7.8%) than with bevacizumab (23.1%)": a value alone in brackets right after an arm is that arm's
            if s.startswith(")", v.end) and (bracketed := self.arm_phrases(text, ms, s_start + max(0, v.start - 60), s_start + v.start)) \
                    and PAREN_OPENS_RE.fullmatch(text, bracketed[-1][2], s_start + v.start):
                out.append((bracketed[-1][0], "arm:bracketed-value"))
                continue
            if window_after:
                name = window_after[0][0]
                # "56.1% with cilta-cel, compared with 21.8% of those receiving PVd or DPd": after the other
                # arm's value, regimens joined by "or" are one arm (a physician's choice); so are they before
                # the next value ("75% of patients given MPR or CPR and 79% of those given Rd": pooled arms)
                if (i < k - 1 or i and out[0][0]) and len(window_after) >= 2 and OR_GAP_RE.fullmatch(text, window_after[0][2], window_after[1][1]):
                    name = f"{name} or {window_after[1][0]}"
                out.append((name, "arm:after-value"))
                continue
            if before_bare:
                out.append((before_bare[i], "arm:before-values"))
                continue
            window_before = self.arm_phrases(text, ms, s_start + self._before_window_start(s, v, value_ends), s_start + v.start)
            name = self._added_or_all(text, window_before, s_start)[-1][0] if window_before and not from_to else None
            # ("9.5 months with PCd against 4.4 months": the value compared with the first is another arm's)
            if name and not (k == 2 and i == 1 and name == out[0][0] and COMPARE_RE.search(s, vals[0].end, v.start)):
                out.append((name, "arm:before-value"))
                continue
            out.append((None, None))
        if k == 2 == len(context) and out[0][0] and out[1][0] is None and (both := out[0][0].split(" and ")) and \
                len(both) == 2 and set(both) == set(context):
            # "adverse events with D-VMP and VMP were thrombocytopenia (46.5% vs 45.1%)": the arms in the order named
            out = [(both[0], "arm:pair-named-before"), (both[1], "arm:pair-named-before")]
        # ("... 73.0% with AC-T, AC-TH and TCH, and overall survival of 78.7%, 85.9% and 83.3%": the arms listed before
        # are the list of the comparison just made, not the next value's arm)
        out = [(None, None) if k >= 2 and r == "arm:before-value" and len(parts := n.split(" and ")) >= 2 and set(parts) <= set(context)
               else (n, r) for n, r in out]
        unnamed = [i for i, (n, _) in enumerate(out) if n is None]
        earlier = list(dict.fromkeys(n for n, _ in out if n))
        if resp and unnamed and unnamed == list(range(k - len(unnamed), k)) and len(unnamed) == len(earlier) >= 2:
            # "13% of the nivolumab group and 6% of the placebo group, and such events led to discontinuation
            # in 9% and 3% of patients, respectively": the arms in the order just given
            for i, a in zip(unnamed, earlier):
                out[i] = (a, "arm:respectively-earlier")
        if 3 <= k <= len(state.randomisation) and len(context) < k:
            context = state.randomisation  # three values after a comparison of two of the three arms
        # a named arm stands for the randomised arm it is part of: "thalidomide" after "thalidomide-dexamethasone
        # or placebo-dexamethasone"
        def randomised_as(n: str) -> str:
            if n == "combination" and (full := self._full_arm_name(n, state.trial, state)):
                return full[0]  # "The combination improved median OS to 9.6 months from 7.4 months"
            controls = [a for a in context if a in self.lexicon.controls]
            if n in self.lexicon.controls and n not in context and len(controls) == 1:
                return controls[0]  # "29.6 months for the control group" after "with standard care"
            holding = [a for a in context if n in COMBINED_RE.split(a)]
            # "with thalidomide (23% v 7%)" after "randomised to MPT or MP plus placebo": the regimen holding the drug
            holding = holding or [a for a in context if n in self.lexicon.regimens.get(a, ())]
            return holding[0] if n not in context and len(holding) == 1 else n

        if k == 2 and len(context) == 2 and (generic := [i for i, (n, _) in enumerate(out) if n in GENERIC_CONTROL_NAMES]) and \
                len(generic) == 1 and not any(a in self.lexicon.controls for a in context) and \
                (other := out[1 - generic[0]][0]) and randomised_as(other) in context:
            # "61.9 months in the daratumumab group compared with 34.4 months in the control group" after "D-Rd versus
            # Rd": the control group is the arm the other is not
            out[generic[0]] = (next(a for a in context if a != randomised_as(other)), "arm:the-control")
        # "26.8% and 19.5% of patients given the two targeted regimens and 1.8% of those given chemotherapy": the
        # randomised arms other than the control, in order
        if k >= 3 and THE_TWO_ARMS_RE.match(s, vals[1].end) and out[0][0] is None and out[1][0] is None and len(context) == k:
            named_later = {n for n, _ in out[2:]}
            active = [a for a in context if a not in self.lexicon.controls and a not in named_later
                      and not self._is_backbone(a, context, state)][:2]
            if len(active) == 2:
                out[0], out[1] = (active[0], "arm:the-two-arms"), (active[1], "arm:the-two-arms")
        named = [randomised_as(n) for n, _ in out if n]
        if k >= 2 and not from_to and len(context) >= k and len(named) < k and all(n in context for n in named):
            # "41 vs 23 months" after "randomized to lenalidomide or placebo"; "less frequent with
            # osimertinib (34% vs 45%)": the arms not named are the other arms of the randomisation
            rest = iter(a for a in context if a not in named)
            out = [(n, r) if n else (next(rest), "arm:randomisation-context") for n, r in out]
        elif k > len(context) >= 2 and k % len(context) == 0 and not named and not from_to:
            # "the rates were 58.2% and 44.9%, respectively, and in the overall population they were 57.6% and
            # 46.4%": the randomised arms once per comparison (read_sentence gives each comparison its record)
            out = [(context[i % len(context)], "arm:randomisation-context-repeated") for i in range(k)]
            rules.append("arm:randomisation-context-repeated")
        if from_to and out[1][0] is None:
            subj = self.arm_phrases(text, ms, s_start, s_start + vals[0].start)
            if subj:
                added = self._added_or_all(text, subj, s_start)
                out[1] = (added[-1][0], "arm:from-to-subject")
                # "adding venetoclax to azacitidine improved median OS from 9.6 to 14.7 months": the first is the backbone's
                backbone = [p for p in subj if p[1] > added[-1][2]] if added != subj else []
                if out[0][0] is None and backbone and ADDED_TO_RE.fullmatch(text, added[-1][2], backbone[0][1]):
                    out[0] = (backbone[0][0], "arm:from-to-backbone")
        if from_to and k == 2 and out[0][0] is None and out[1][0] is None and len(context) == 2 and (
                controls := [a for a in context if a in self.lexicon.controls or self._is_backbone(a, context, state)]) and len(controls) == 1:
            # "median PFS more than doubled, from 7.3 months to 15.0 months" after "inavolisib or placebo"
            out = [(controls[0], "arm:from-to-context"), (next(a for a in context if a != controls[0]), "arm:from-to-context")]
        if from_to and k == 2 and out[0][0] is None and out[1][0] and randomised_as(out[1][0]) in context and len(context) == 2:
            # "Adding midostaurin raised median OS from 25.6 to 74.7 months" after "midostaurin or placebo" (or
            # "Adding thalidomide increased median OS from 32.7 to 39.3 months" after "MPT or MP")
            out[1] = (randomised_as(out[1][0]), out[1][1])
            out[0] = (next(a for a in context if a != out[1][0]), "arm:from-to-context")
        if k == 2 and out[0][0] and out[1][0] is None and (c := COMPARED_AFTER_RE.match(s, vals[1].end)):
            # "X roughly tripled median PFS, 5.6 vs 1.7 months, compared with chemotherapy": the other arm
            after = self.arm_phrases(text, ms, s_start + c.end(), s_start + min(len(s), c.end() + 60))
            if after and after[0][1] - s_start - c.end() <= 25 and after[0][0] != out[0][0]:
                out[1] = (after[0][0], "arm:compared-after")
        if k == 2 and out[0][0] and out[1][0] is None and (without := WITHOUT_AFTER_RE.match(s, vals[1].end)
                                                           or OTHER_ARM_AFTER_RE.match(s, vals[1].end)):
            # "6.7 months with Optune and 4.0 months without": the randomised arm without it, else "not receiving" it;
            # "57 out of every 100 in the other group": the randomised arm other than the one named
            others = [a for a in dict.fromkeys(context + state.randomisation) if randomised_as(out[0][0]) != a and out[0][0] not in a]
            if len(others) == 1:
                out[1] = (others[0], "arm:without-it" if without.re is WITHOUT_AFTER_RE else "arm:the-other")
            elif without.re is WITHOUT_AFTER_RE:
                out[1] = (f"not receiving {out[0][0]}", "arm:without-it")
        if k == 1 and out[0][0] is None:
            # "Among the 176 patients who received X, CRS occurred in 76.1%; CRS was grade 3 or 4 in
            # 1.1%": the one arm the sentence is about
            arms = {a[0] for a in self.arm_phrases(text, ms, s_start, s_end)}
            first = self.arm_phrases(text, ms, s_start, s_start + vals[0].start)
            if len(arms) == 1 and first:
                out[0] = (first[0][0], "arm:sentence-subject")
        if k == 1 and out[0][0] is None and (tail := EVENT_LIST_TAIL_RE.match(s, vals[0].end)) and \
                (arm := self.arm_phrases(text, ms, s_start + tail.end(), s_end)) and arm[0][1] == s_start + tail.end():
            # "neurotoxic effects (69.9%), neutropenia (67.1%), and alopecia (58.4%) for carboplatin-paclitaxel": the
            # arm after the list of events the value is one of
            out[0] = (arm[0][0], "arm:after-event-list")
        if k == 1 and out[0][0] is None and len(state.randomisation) == 1:  # the one arm of a single-arm study
            out[0] = (state.randomisation[0], "arm:single-arm")
        elif k == 1 and out[0][0] is None and not state.randomisation and state.title_treatment:
            # "The once-every-three-weeks bispecific: what I learned reading about etentamig": no arm known, the treatment
            # the title names
            out[0] = (state.title_treatment, "arm:title-treatment")
        elif k >= 2 and not any(n for n, _ in out) and len(state.randomisation) == 1 and not SEVERAL_ARMS_RE.search(s) and (
                state.single_arm == state.randomisation[0]
                or not any(COMPARISON_LINK_RE.search(s, a.end, b.start) for a, b in zip(vals, vals[1:]))):
            # "their overall response rate was 74%, versus 86% for BCMA-naive patients": subgroups of the one cohort;
            # "CRS occurred in 57.7% of patients, ... but infections were common: 69.9%": the one arm's figures
            out = [(state.randomisation[0], "arm:single-arm-subgroups")] * k
        for n, r in out:
            if r:
                rules.append(r)
        return out

    @staticmethod
    def _is_backbone(arm: str, context: list[str], state: ReaderState) -> bool:
        """The arm without the added drug of "X with or without Y", also when the arms were last named
        otherwise ("with bevacizumab v with chemotherapy alone" after "carboplatin and paclitaxel with or without
        bevacizumab")."""
        if not state.backbone or state.backbone not in state.randomisation:  # (not that of an earlier randomisation)
            return False
        added = state.randomisation[0]
        return arm == state.backbone or (added in context and arm != added)

    @staticmethod
    def _before_window_start(s: str, v: Value, value_ends: list[int]) -> int:
        """Where the arms that may name a value from before it start: after the previous value of
        the sentence (whichever group it is in), after the arms that follow that value ("72.4% in
        the chemotherapy group, and the response rate was 44.8%"), after a "respectively", after a colon."""
        prv = max((e for e in value_ends if e <= v.start), default=0)
        if prv:
            # "92.9% with DRd and 76.4% with Rd, the rate of CR 43.1% versus 19.2%": "with Rd" is 76.4's
            ends = [m.start() for m in [COMPARE_RE.search(s, prv, v.start)] if m]
            ends += [m.end() for m in [CLAUSE_SEP_RE.search(s, prv, v.start)] if m]
            # "(10.4 months subcutaneous vs 9.4 months intravenous) or in one-year OS (72.6% vs 76.7%)"
            ends += [s.index(")", prv, v.start) + 1] if ")" in s[prv : v.start] else []
            if ends:
                prv = min(ends)
        closed = max((m.end() for m in RESPECTIVELY_RE.finditer(s, 0, v.start)), default=0)
        # "The safety profile was close to that of placebo: grade 3 or higher adverse events occurred in
        # 24.7% versus 19.5%": what comes before a colon is no value's arm
        colon = s.rfind(": ", 0, v.start) + 1
        return max(prv, closed, colon)

    def _arms_before_bare_values(self, vals: list[Value], text: str, s_start: int, s: str, value_ends: list[int],
                                 ms: list[Mention]) -> list[str] | None:
        """Values with no arm of their own take the arms named, in order, in the clause before
        them: "less common with pembrolizumab than with chemotherapy (26.6% vs. 53.3%)", "ADT + AA + P
        improved OS compared with ADT + placebos: median not reached versus 34.7 months"."""
        k = len(vals)
        if k < 2:
            return None
        tail = re.search(r"[.;)]|,\s", s[vals[-1].end :])
        run_end = vals[-1].end + (tail.start() if tail else len(s) - vals[-1].end)
        if self.arm_phrases(text, ms, s_start + vals[0].start, s_start + run_end):
            return None
        clause = max([e for e in value_ends if e <= vals[0].start] + [s.rfind(";", 0, vals[0].start) + 1]
                     # "... in the MPT and MP arms, respectively, but VGPR was three times as frequent with thalidomide"
                     + [m.end() for m in CLAUSE_TURN_RE.finditer(s, 0, vals[0].start)])
        phrases = self.arm_phrases(text, ms, s_start + clause, s_start + vals[0].start)
        if len(phrases) == 1 and k == 2 and BETWEEN_RE.search(text, max(0, phrases[0][1] - 12), phrases[0][1]):
            # "did not differ between nivolumab plus ipilimumab and EXTREME (median 13.9 v 13.5 months)"
            phrases = self.arm_phrases(text, ms, phrases[0][1], phrases[0][2] + 1, join=False)
        if clause in value_ends and any(OR_GAP_RE.fullmatch(text, a[2], b[1]) for a, b in zip(phrases, phrases[1:])):
            return None  # "13% of those on lenvatinib or sorafenib, and complete responses in 7% and 2%": one arm, the last value's
        return [p[0] for p in phrases] if len(phrases) == k else None

    def _arms_after_bare_values(self, vals: list[Value], text: str, s_start: int, s: str, ms: list[Mention]) -> list[str] | None:
        """Values with no arm of their own take the arms listed, in order, with "or" or "vs" right after
        them: "85% vs 67% in patients receiving cilta-cel or standard care" (not "with X and Y", one arm)."""
        k = len(vals)
        if k < 2 or self.arm_phrases(text, ms, s_start + vals[0].start, s_start + vals[-1].end):
            return None
        tail = re.search(r"[.;]|,\s", s[vals[-1].end :])
        clause_end = vals[-1].end + (tail.start() if tail else len(s) - vals[-1].end)
        phrases = self.arm_phrases(text, ms, s_start + vals[-1].end, s_start + clause_end)
        if len(phrases) != k or len(text[s_start + vals[-1].end : phrases[0][1]]) > 45:
            return None
        if all(ARM_ALTERNATIVE_GAP_RE.fullmatch(text, a[2], b[1]) for a, b in zip(phrases, phrases[1:])):
            return [p[0] for p in phrases]
        return None

    def _trial_for(self, vals: list[Value], text: str, s_start: int, named: list[Mention],
                   state: ReaderState) -> tuple[str | None, str]:
        """The trial of a result and the rule that decided it."""
        end = s_start + vals[-1].end
        for m in named:  # "46 vs 27 months in CALGB study"
            if 0 <= m.start - end <= 30 and re.fullmatch(r"[\s\w%)]*?\b(?:in|for|from)\s+(?:the\s+)?", text[end : m.start]):
                return m.canon, "trial:in-window"
        trial = self._trial_before(s_start + vals[0].start, named, state)
        return trial, "trial:sentence" if named else "trial:carried-forward"

    @staticmethod
    def _trial_before(offset: int, named: list[Mention], state: ReaderState) -> str | None:
        """The last trial named before an offset in the sentence, else the sentence's trial,
        else the one carried forward."""
        before = [m for m in named if m.end <= offset]
        if before:
            return before[-1].canon
        return named[0].canon if named else state.trial

    # ------------------------------------------------------------------ documents
    def read(self, doc: CleanDocument, sdoc: Doc, explain: bool = False) -> tuple[list[DraftRecord], list[Trace]]:
        mentions = self.not_protocols(doc.text, self.mentions(sdoc, doc.text))
        mentions = self.trial_repeats(doc.text, self.table_trials(doc.text, self.coordinated_trials(doc.text, self.slash_names(doc.text, mentions))))
        mentions = self.with_expansion(doc.text, self.drug_repeats(doc.text, mentions))
        mentions = mentions + self.abbreviations(doc.text, mentions)
        mentions = mentions + self.arm_labels(doc.text, mentions)
        mentions = mentions + self.headed_arms(doc.text, mentions)
        mentions = self.duration_arms(doc.text, mentions)
        mentions = mentions + self.schedule_arms(doc.text, mentions)
        mentions = self.drug_dose_arms(doc.text, mentions) + self.dose_arms(doc.text, mentions)
        mentions = mentions + self.dose_cohort_arms(doc.text, mentions)
        mentions = mentions + self.route_arms(doc.text, mentions)
        mentions = sorted(mentions + self.named_groups(doc.text, mentions), key=lambda m: m.start)  # what nothing else named
        self.lay_endpoints(doc.text, mentions)
        nxt = 0  # mentions before this index ended before the current sentence
        skip = [(b.start, b.end) for b in doc.blocks if b.kind == "reference"]
        # A section heading that names no trial brings the reader back to the article's own trial
        # (the one its title names) after a digression about another trial.
        headings = {b.start for b in doc.blocks if b.kind == "heading"}
        # "2. ABBV-383 (now called etentamig)" over a paragraph: a numbered item standing as a section's heading
        item_headings = {HEADING_ENUMERATOR_RE.match(doc.text, b.start).end() for b, nxt_b in zip(doc.blocks, doc.blocks[1:]) if b.kind == "list_item"
                         and nxt_b.kind == "paragraph" and b.end - b.start <= 80 and doc.text[b.end - 1] not in ".:;"}
        first_prose = next((b.start for b in doc.blocks if b.end - b.start >= 200), len(doc.text))
        headline = [(b.start, b.end) for b in doc.blocks if b.kind in ("title", "heading") and b.start < first_prose]
        in_headline = {m.canon for m in mentions if m.label == "TRIAL" and any(a <= m.start < e for a, e in headline)}
        main_trial = in_headline.pop() if len(in_headline) == 1 else None  # a title naming several trials has no one trial
        state = ReaderState(group_names={m.canon for m in mentions if m.rule == "arm:named-group"})
        in_title = list(dict.fromkeys(n for a, e in headline for n in self._named_treatments(doc.text, mentions, a, e)))
        state.title_treatment = in_title[0] if len(in_title) == 1 else None
        records: list[DraftRecord] = []
        traces: list[Trace] = []
        trial_first: dict[str, Evidence] = {}
        unnamed_from = 0  # where the stretch of text about a not yet named trial starts
        for a, b in sentence_spans(sdoc, len(doc.text)):
            while a < b and doc.text[a].isspace():
                a += 1
            while b > a and doc.text[b - 1].isspace():
                b -= 1
            if a >= 2 and doc.text[a - 1] == "." and doc.text[a - 2].isalpha():
                m = CITATION_START_RE.match(doc.text, a, b)  # "transplantation.1 Maintenance", "chemotherapy.[5] Median": skip the marker
                a = m.end() if m else a
            if a >= b or any(st <= a < e for st, e in skip):
                continue
            while nxt < len(mentions) and mentions[nxt].start < a:
                nxt += 1
            end = nxt
            while end < len(mentions) and mentions[end].start < b:
                end += 1
            ms = mentions[nxt:end]
            trace = Trace(a, b, doc.text[a:b], enabled=explain)
            if main_trial and a in headings and not any(m.label == "TRIAL" for m in ms):
                self._arms_follow_trial(state, main_trial, trace)
                state.trial = main_trial
                trace.add("trial:heading-returns-to-title", main_trial)
            elif (a in headings or a in item_headings) and (state.trial or state.randomised_arms or STUDY_HEADING_RE.fullmatch(doc.text, a, b)) \
                    and not any(m.label == "TRIAL" for m in ms) \
                    and self._new_treatment(doc.text, ms, a, b, state):
                # "2. ABBV-383 (now called etentamig)" after a section on MagnetisMM-1: the next drug's own study
                state.trial, state.single_arm, state.backbone = None, None, None
                state.randomised_arms = state.randomisation = self._named_treatments(doc.text, ms, a, b)
                trace.add("trial:heading-names-new-treatment", lambda: state.randomised_arms[0])
            elif main_trial is None and state.trial and METHODS_RE.match(doc.text, a, b) and REAL_WORLD_RE.search(doc.text, a, b) \
                    and not any(m.label == "TRIAL" for m in ms):
                # "Background: ... on the basis of the single-arm KarMMa study. Methods: We retrospectively collected
                # data from 11 US centers": an abstract's methods describe its own study, not the trial of its background
                state.trial = None
                trace.add("trial:methods-own-study", lambda: doc.text[a:b][:8])
            elif (a in headings or a in item_headings) and state.trial is None and state.randomisation and any(m.label == "TRIAL" for m in ms):
                # "Curative-intent therapy: GEM-CESAR" after an unnamed study's figures: its arms are not the new trial's
                state.randomised_arms, state.randomisation, state.single_arm, state.backbone = [], [], None, None
                trace.add("arm:heading-names-new-trial", lambda: doc.text[a:b])
            row = CELL_SEP_RE.search(doc.text, a, b) is not None
            if not row:
                state.columns = []  # prose after a table ends it
            trial_before = state.trial
            recs = self.read_table_row(doc.text, a, b, ms, state, doc.source, trace) if row and state.columns else None
            if recs is None:
                recs = self.read_sentence(doc.text, a, b, ms, state, doc.source, trace)
                if row and not recs and (columns := self._column_header(doc.text, a, b, ms)):
                    state.columns = columns
                    trace.add("table:columns", lambda: " | ".join(c.endpoint or c.kind for c in columns))
            for m in ms:
                if m.label in ("TRIAL", "TRIAL_REF") and m.canon and a <= m.start < b and m.canon not in trial_first:
                    if m.rule != "trial:registry-id" and (m.label == "TRIAL" or m.rule == "trial:group-reference"):
                        trial_first[m.canon] = Evidence(text=doc.text[a:b], start=a, end=b, rule=m.rule)
            records.extend(recs)
            if trial_before is not None and state.trial is None:
                unnamed_from = a  # a new, unnamed study starts here
            elif trial_before is None and (called := next((m for m in ms if m.label == "TRIAL" and m.canon and THE_TRIAL_CALLED_RE.search(
                    doc.text, max(a, m.start - 40), m.start)), None)):
                # "The trial, known as AALL1731, followed the children ...": the unnamed trial whose results came before
                self._name_unnamed(records, called.canon, unnamed_from, b, "trial:named-after-its-results")
            if trace.matches:
                traces.append(trace)
        self._trial_named_later_in_paragraph(doc, mentions, records)
        for name, ev in trial_first.items():
            records.append(DraftRecord(source=doc.source, kind="trial", trial=name, evidence=ev, rules=[ev.rule or "trial"]))
        for r in records:
            r.snapshot_sha256 = doc.snapshot_sha256
        return records, traces


def sentence_spans(sdoc: Doc, text_length: int) -> Iterator[tuple[int, int]]:
    """(start, end) characters of each sentence, read from the token arrays (no Span objects)."""
    if not len(sdoc):
        return
    arr = sdoc.to_array([SENT_START, IDX])
    starts = [int(i) for i in numpy.flatnonzero(arr[:, 0] == 1)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    idx = arr[:, 1]
    bounds = [int(idx[i]) for i in starts] + [text_length]
    for a, b in zip(bounds, bounds[1:]):
        yield a, b


@lru_cache(maxsize=1)
def get_extractor() -> Extractor:
    return Extractor()


def extract_many(docs: Iterable[CleanDocument], batch_size: int = 32) -> Iterator[list[DraftRecord]]:
    """Draft records per document, in order (spaCy's nlp.pipe under the hood)."""
    ex = get_extractor()
    docs = list(docs)
    for doc, sdoc in zip(docs, ex.nlp.pipe((d.text for d in docs), batch_size=batch_size)):
        yield ex.read(doc, sdoc)[0]


def extract(doc: CleanDocument) -> list[DraftRecord]:
    """Draft records for one clean document."""
    ex = get_extractor()
    return ex.read(doc, ex.nlp(doc.text))[0]


def explain(doc: CleanDocument) -> list[Trace]:
    """Per sentence, every rule that matched and what it matched."""
    ex = get_extractor()
    return ex.read(doc, ex.nlp(doc.text), explain=True)[1]
