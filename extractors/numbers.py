"""Numbers in a sentence: values with units, sample sizes, follow-ups, effects, timepoints.

Everything here works on one sentence's text and returns spans relative to it; the caller
adds the sentence offset.  Word lists come from patterns/grammar.toml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from extractors.lexicon import Lexicon, alternation

EVENT_RATE_AFTER_RE = re.compile(r"\s*\(\s*\d+(?:\.\d+)?\s*%\s*\)")
AND_AGAIN_RE = re.compile(r"[^.;]*?\band\s+(?:in\s+)?(?:about\s+|only\s+)?$")
NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|\.\d+)"
ARM_COMMA_RE = re.compile(r"\s*,\s*$")
REACHED_VERBS = "reached|achieved|attained|obtained|experienced"  # "reached by 60.6%", "60.6% ... achieved a CR"
REACHED_BY_RE = re.compile(rf"\b(?:{REACHED_VERBS}|seen|observed|reported)\s+by\s*$", re.I)
ELIDED_REACHED_RE = re.compile(rf"\b(?:{REACHED_VERBS})\s+by\b", re.I)
BY_END_RE = re.compile(r"\bby\s*$")
MILLIONS_RE = re.compile(r"\s+(?:thousand|million|billion|bn)\b", re.I)  # "660 million people": a population
# the end of a range or pair just before a count: "aged 18 to 65 were assigned", "20 to 25 on placebo"
RANGE_END_RE = re.compile(r"\d\s*(?:%|percent)?\s*(?:to|-|–|and|vs\.?|versus)\s*$")
# "aged 65", "aged up to 56 were randomised": an age, not a count
AGE_BEFORE_RE = re.compile(r"\bage[sd]?(?:\s+(?:up\s+to|under|over|below|above|from|of))?\s*$", re.I)
# "patients with PD-L1 >= 1%", "CPS ≥10": a biomarker's cut-off (a subgroup), not a result
BIOMARKER_CUTOFF_RE = re.compile(r"(?:\b(?:[A-Z][A-Za-z]*[A-Z0-9][\w-]*|score|expression|level)\s*(?:of\s+)?)(?:>=|<=|≥|≤|<|>)\s*$")
# what happened to the people just counted, perhaps after a second count ("Four people on X and one on placebo died")
EVENT_AFTER_ARM_RE = re.compile(r"(?:\s+and\s+\w+\s+(?:on|in|taking|given|receiving)\s+[^,;.]{1,30}?)?"
                                r"\s+(?:had|died|developed|experienced|suffered|achieved|responded|relapsed|went\s+into)\b", re.I)
COMPARED_COUNT_BEFORE_RE = re.compile(r"\b(?:against|versus|vs\.?|compared\s+(?:with|to))\s+$", re.I)
TIME_DIFFERENCE_RE = re.compile(r"\s+(?:longer|shorter|more|less)\b", re.I)  # "about seven months longer than": a difference
# "an OS gain of almost 12 months", "a median improvement of 4.9 months": a difference, not an arm's value
GAIN_BEFORE_RE = re.compile(r"\b(?:gain|improvement|benefit|extension|increase|difference|advantage|prolongation)\s+(?:in\s+\w+\s+)?(?:of\s+)?(?:almost|about|nearly|more\s+than|over|around|approximately|roughly|some|just\s+over|just\s+under)?\s*$", re.I)
# "about 1 in 3 people", "86 out of every 100 women on X": a proportion, not a sample size
PROPORTION_BEFORE_RE = re.compile(r"\b(?:(?:\d+|one|two|three|four|five|six|seven|eight|nine)\s+(?:in|out\s+of)|(?:in|out\s+of)\s+every)\s*$", re.I)  # "nine out of ten patients"
TIME_ON_RE = re.compile(r"\s+on\s*,")  # "five years on, 91.9% ...": when, not a result
MINIMUM_BEFORE_RE = re.compile(r"\b(?:minimum|maximum|shortest|longest)\s+$", re.I)
FIRST_OF_PAIR_RE = re.compile(rf"(?<![\d.])(?P<num>{NUM})\s*(?:and|vs\.?|versus)\s*$")
# a sentence about a randomisation: "randomised 2:1 to ...", "At random, 240 people had ..."
AFTER_WORD_RE = re.compile(r"\s+after\b", re.I)
MEDIAN_RE = re.compile(r"\bmedian\b", re.I)
DAY_LIST_RE = re.compile(r"\bdays?\s+\d{1,2}(?:\s*(?:,|and|to|-|–)\s*\d{1,2}(?![.\d%]))+", re.I)
# "After two and a half years (30 months), 79 out of every 100 ...": the time in months, restated in brackets
TIMEPOINT_IN_MONTHS_RE = re.compile(r"\b(?:at|after)\s+(?:[a-z-]+\s+){1,4}years?\s*\(\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>months)\s*\)", re.I)
# "30 out of every 100 (29.6%)", "77 out of every 100 people having X with Y (76.5%)": the bracket restates it
RESTATED_IN_BRACKETS_RE = re.compile(r"(?:\s+(?:people|patients|women|men|children)(?:\s+[A-Za-z-]+){0,6})?\s*\(\s*")
RANDOMISED_RE = re.compile(r"\b(?:at\s+random|randomi[sz](?:ed|ation)|randomly|assigned|allocated|(?:split|divided)\s+into\s+(?:two|three|four|\d)\s+(?:\w+\s+){0,4}?groups)\b", re.I)
DOSE_AMOUNT = r"\d[\d,.]*\s*(?:mg|g|mcg|µg|IU)(?:/(?:m2|m²|kg))?"  # "140 mg/m2", "10 mg"
DOSE_TAIL_RE = re.compile(rf"\s+{DOSE_AMOUNT}$")  # an arm's dose after its name
# "T-DXd (373)", "melphalan 140 mg/m2 (Bu-Mel; 104 patients)"
ARM_PAREN_COUNT_RE = re.compile(r"\(\s*(?:[A-Z][\w-]{1,15};\s*)?(?P<num>\d{2,3}(?:,\d{3})*|\d{4,})(?:\s+(?:patients|people))?\s*\)")
# "429, 429 and 216", "149 and 147": a list of whole numbers with no unit after it
NUMBER_LIST_RE = re.compile(r"(?<![\w.,%$-])\d[\d,]*(?:\s*,\s*\d[\d,]*)*\s*,?\s+(?:and|&)\s+\d[\d,]*(?![\w.%,-]|\s*(?:%|percent|per cent|months?|years?|weeks?|days?|mg)\b)")
PER_ARM_RE = re.compile(r"\s+(?:patients\s+)?(?:per|in each)\s+(?:arm|group)\b", re.I)
RANGE_RE = re.compile(r"(?<![\w.,])\d+(?:\.\d+)?\s*(?:%|percent|months?|years?|weeks?)?\s*(?:to|–)\s*(?:about\s+)?\d+(?:\.\d+)?\s*(?:months?|years?|weeks?|%|percent)")
FROM_BEFORE_RE = re.compile(r"\bfrom\b[^.;]*$", re.I)
DENOMINATOR_RE = re.compile(r"(?<=\d)\s+(?:of|out\s+of)\s+(?:the\s+)?(?P<total>\d[\d,]*)(?!\s*(?:%|percent|months?|years?))")  # "49 of 355 patients"
OPTION_RE = re.compile(rf"(?:^|(?<=\s))\(?[a-eA-E]\)\s*{NUM}\s*(?:months?|years?|%|percent)?")
PAREN_RE = re.compile(r"\([^()]{3,80}\)")
NUMBER_BEFORE_ARM_RE = re.compile(r"(?<![\w.])(?P<num>\d[\d,]*)\s+(?:to\s+(?:the\s+)?)?")  # "387 panobinostat", "355 to the D-VRd group"


def in_months(n: float, unit: str) -> float:
    return n * 12 if unit == "years" else n


def is_count(n: float | None, least: int = 2) -> bool:
    """A whole number of at least `least` (a count of patients)."""
    return n is not None and n >= least and n == int(n)


# "March 20, ", "20 March ": a date's month and day before its year
DATE_BEFORE_RE = re.compile(r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?\s*$")


def is_year(n: float) -> bool:
    return 1900 <= n <= 2100


def reached_by(s: str, start: int) -> bool:
    """A value that patients reached: "reached by 60.6%", or the verb left out of a repeat ("VGPR
    was achieved by 59.2% and 29.1%, and CR or better by 19.2% and 9.0%")."""
    before = lead(s, start)
    return bool(REACHED_BY_RE.search(before) or BY_END_RE.search(before) and ELIDED_REACHED_RE.search(s, 0, start))


# The cue patterns that end in "$" look at the words just before a number; searching the whole
# prefix would try every position of it (quadratic in the sentence), so they get its last characters.
LEAD = 120


def lead(s: str, i: int) -> str:
    """The text just before position i (at most LEAD characters), for patterns ending in "$"."""
    return s[max(0, i - LEAD) : i]


@dataclass
class Value:
    """A number that may be an arm's value."""

    start: int
    end: int  # end of the number and its unit
    number: float | None  # None: not reached
    unit: str | None  # months, years, weeks, %, count, or None (bare)
    bound: str = "exact"
    rule: str = "value:number-unit"
    hyphen_adjective: bool = False  # "three-year", "18-month"


@dataclass
class Found:
    """A sample size, follow-up, timepoint or effect, with its span."""

    start: int
    end: int
    kind: str
    number: float
    rule: str
    unit: str | None = None
    bound: str = "exact"
    extra: dict | None = None


# "Half of them were still alive after 54.1 months", "half of the people who had X were alive at 14.6 months"
# (before "at/after" for the timepoint that is not one, before the number for the value that is)
# (and "Half of them lived without their myeloma getting worse for 11.4 months or more")
HALF_ALIVE_BEFORE_RE = re.compile(r"\bhalf\b[^.;]{0,100}?\b(?:alive\s+(?:(?:at|after)\s+)?|(?:had\s+)?(?:lived|survived)\s+(?:for\s+)?|under\s+control\s+(?:for\s+)?|had\s+died\s+(?:by|within|after)\s+"
                                  r"|(?:lived|survived)\s+without\b[^.;\d]{0,60}?\s+for\s+)$", re.I)
# "the myeloma took 19 months to start growing again": how long until something happened, not a treatment's length
TOOK_TO_HAPPEN_RE = re.compile(r"\s+(?:for\s+\w+\s+)?to\s+(?:start|begin|grow|get|come|progress|relapse|return|spread)\b", re.I)
# "seven people in the transplant group and five in the cyclophosphamide group": a count with its noun left out
# "and five in the X group", "and in 14 in the X group", "against three on placebo"
# the people a rate is out of, or a subgroup: "64% of 105 patients", "In the 79 people given 40 mg or more"
COUNTED_BEFORE_RE = re.compile(r"(?:(?:%|percent|per\s+cent)\s+of|\b(?:in|among)\s+(?:the|all|these|those)|\bof\s+(?:the|all)?)\s*$", re.I)
ELLIPTIC_BEFORE_RE = re.compile(r"\b(?:and|against|versus|vs\.?|compared\s+with)\s+(?:in\s+)?$", re.I)
IN_GROUP_AFTER_RE = re.compile(r"\s+(?:(?:in|on)\s+(?:the\s+)?(?:[\w-]+\s+){1,4}?(?:group|arm|cohort)s?\b|(?:on|taking|given|receiving)\s+\w)", re.I)


class NumberGrammar:
    """Compiled regular expressions built from grammar.toml."""

    def __init__(self, lexicon: Lexicon):
        g = lexicon.grammar
        self.words = {k: float(v) for k, v in g["number_words"].items()}
        tens = [w for w, v in self.words.items() if v >= 20]
        units_words = [w for w, v in self.words.items() if v < 10]
        below_100 = rf"(?:(?:{alternation(tens)})(?:[- ](?:{alternation(units_words)}))?|{alternation(self.words)})"
        # "four hundred and thirty-two"
        word_num = rf"(?:{below_100}(?:\s+hundred(?:\s+(?:and\s+)?{below_100}(?![\w-]))?)?)"
        self.num = rf"(?:{NUM}|{word_num})"
        self.word_number_re = re.compile(rf"\b{word_num}\b", re.I)
        self.unit_of = {}
        for unit, forms in g["units"].items():
            for f in forms:
                self.unit_of[f.lower()] = unit
        unit_alt = alternation(self.unit_of)
        self.bound_of = {}
        for bound, forms in g["bounds"].items():
            for f in forms:
                self.bound_of[f.lower()] = bound
        bound_alt = alternation(self.bound_of)
        self.value_re = re.compile(
            rf"(?<![\w.,/-])(?:(?P<bound>{bound_alt})\s*)?(?P<num>{self.num})"
            rf"(?:(?P<hy>-)(?P<hyunit>year|month|week)s?\b|\s?(?P<unit>{unit_alt})(?![\w-]))?",
            re.I,
        )
        self.not_reached_re = re.compile(r"\bnot\s+(?:yet\s+)?(?:been\s+)?reached\b|\bNR\b", re.I)
        na = g["not_values"]
        self.not_after_re = re.compile(rf"^(?:\s*|-)(?:{alternation(na['units_after'])})(?![\w])", re.I)
        self.not_before_re = re.compile(rf"(?:^|\W)(?:{alternation(na['words_before'])})\s*$", re.I)
        self.duration_after_re = re.compile(rf"^\s+(?:{alternation(na['duration_after'])})\b", re.I)
        self.duration_before_re = re.compile(rf"\b(?:{alternation(na['duration_before'])})\s+$", re.I)
        self.effect_after_re = re.compile(rf"^\s*(?:{alternation(na['effect_words_after'])})\b", re.I)
        self.threshold_after_re = re.compile(rf"^\s*(?:{alternation(na['threshold_after'])})\b", re.I)
        ss = g["sample_size"]
        nouns = alternation(ss["nouns"])
        self.sample_re = re.compile(
            rf"(?<![\w.,/-])(?:(?P<bound>{bound_alt})\s+)?(?P<num>{NUM}|{word_num})"
            rf"(?P<mods>(?:\s+(?!(?:for|of|in|with|at|and|or|sites?|centres?|centers?|hospitals?|countries|clinics|practices|{unit_alt})\b)[A-Za-z-]+){{0,4}}?)\s+(?P<noun>{nouns})\b",
            re.I,
        )
        # cheap pre-checks: a sentence without these words holds no sample size / timepoint / effect
        self.sample_hint_re = re.compile(rf"\b(?:{nouns}|{alternation(ss['bare_cues_after'])})\b|\b[nN]\s*=", re.I)
        self.timepoint_hint_re = re.compile(r"year|month|week", re.I)
        self.effect_hint_re = re.compile(r"ratio|\b(?:HR|OR|RR)\b|relative risk", re.I)
        self.n_equals_re = re.compile(rf"\b[nN]\s*=\s*(?P<num>{NUM})")
        # "randomly assigned (in a 2:1 ratio) 616 patients": a parenthesis may stand between
        self.cue_before_re = re.compile(
            rf"(?:^|\W)(?:{alternation(ss['cues_before'])})\s*(?:\([^()]{{0,40}}\)\s*)?(?:the\s+(?:first|last|initial|remaining)\s+)?$", re.I)
        self.cue_after_re = re.compile(rf"^(?:\s+[\w,-]+){{0,14}}?\s+(?:{alternation(ss['cues_after'])})\b", re.I)
        self.bare_sample_re = re.compile(rf"(?<![\w.,/%-])(?P<num>{NUM})(?:\s+of\s+(?:them|these))?\s+(?:{alternation(ss['bare_cues_after'])})\b", re.I)
        # "216 people had venetoclax ...", "238 people took oral azacitidine and 234 took a placebo",
        # "393 on STRIDE", "525 men also took apalutamide": a count right before an arm's name (sample_sizes checks the arm is there)
        self.arm_sample_re = re.compile(
            rf"(?<![\w.,/%$:-])(?P<num>{NUM}|{word_num})(?:\s+(?P<noun>{nouns}))?(?:\s+(?:also|all|instead))?\s+(?:{alternation(ss['arm_cues_after'])})\s+(?:(?:the|a|an)\s+)?", re.I)
        # "Randomised: 768 (387 panobinostat, 381 placebo)": a labelled size, then its arms' in a parenthesis
        self.label_sample_re = re.compile(rf"\b(?:{alternation(ss['labels'])})\s*:\s*(?P<num>{NUM})(?:\s*\((?P<arms>[^()]*)\))?", re.I)
        self.elliptic_sample_re = re.compile(
            rf"\band\s+(?P<num>{NUM})\s+(?P<verb>(?:to|were|in|on|received|got|had|took|carried\s+on|continued|stayed|did\s+not|a|an)\b)?", re.I)
        self.event_before_re = re.compile(rf"\b(?:{alternation(ss['event_before'])})\s*$", re.I)
        # (but "84 patients had received arlo-cel", "had been treated": the patients of the study)
        self.not_after_ss_re = re.compile(rf"^\s+(?!had\s+(?:received|been\s+(?:treated|enrolled|infused|randomi[sz]ed))(?![^.;]{{0,60}}\b(?:before|previously|prior)\b))(?:{alternation(ss['not_after'])})\b", re.I)
        # "median follow-up", "followed patients for a median of 55 months"
        # (and the shorthand of notes and posts: "median f/u 18.7 mo", "mFU 42 months")
        # "after a median of 82.7 months, 59% ... were still alive": a median that opens a clause of results
        self.follow_up_re = re.compile(r"\bfollow[- ]?ups?\b|\bmedian\s+observation(?:\s+(?:time|period))?\b|\bfollowed(?:\s+up)?(?:\s+[a-z]+){0,2}?\s+for\b|\bfollowing(?:\s+[a-z]+){0,2}?\s+for\s+(?=a\s+median)|\bin\s+the\s+(?:study|trial)\s+for\s+(?=a\s+median)|\bf/u\b|(?-i:(?<![\w-])m?FU\b)"
                                       r"|(?:^|:\s+|,\s+)after\s+a\s+median\b(?=\s+(?:of\s+)?[\d.]+\s+(?:months|years),)", re.I)
        self.follow_up_pair_re = re.compile(rf"(?:\s+(?:for|in|with)\b|\s*\()(?:[^,;.]|(?<=\d)\.(?=\d)){{0,60}}?\band\s+(?P<num>{NUM})\s*(?P<unit>months|month|years|year)\b", re.I)
        stop = alternation(g["attribution"]["stop_events"])
        self.stop_event_re = re.compile(rf"\b(?:{stop})\s+at\s+(?:a\s+)?$", re.I)
        self.effect_re = re.compile(
            rf"\b(?P<kind>hazard ratio|HR|odds ratio|OR|relative risk|RR)\b[\s,:=]*(?:of|was|is|for [\w\s]+?)?\s*[=:,]?\s*"
            rf"(?P<value>{NUM})"
            rf"(?:[\s,;(]*(?:95\s?(?:%|percent|per cent)\s*(?:CI|confidence interval)|CI)[\s,:=]*(?P<lo>{NUM})\s*(?:to|-|–|—|,)\s*(?P<hi>{NUM}))?"
            rf"(?:[\s,;)]*\b[Pp]\s*(?:value)?\s*(?P<pop>=|<|>|≤|less than)\s*(?P<p>{NUM}))?",
        )
        # "95% CI, 0.36 to 0.63", "(95% CI: 35%, 47%)", "95% CI 31%-43%"
        self.ci_re = re.compile(rf"\d\d(?:\.\d+)?\s?(?:%|percent|per cent)\s*(?:CI|confidence interval)[\s,:]*{NUM}\s*%?\s*(?:to|-|–|—|,)\s*{NUM}\s*%?", re.I)
        # "grade 3, 4, or 5", "grades 3 to 5", "grade 3-4": every number of the list is a grade
        self.grade_list_re = re.compile(r"\bgrades?\s+\d(?:\s*(?:,|or|and|to|-|–)\s*(?:or\s+)?\d(?![.\d]))*\b", re.I)  # (not "grade 3-4, 1.1%")
        self.p_re = re.compile(rf"\b[Pp]\s*(?:value)?\s*(?:=|<|>|≤)\s*{NUM}")
        # ("3-year OS", "12 month survival"; not a value in the singular: "1.0 month on placebo")
        self.timepoint_adj_re = re.compile(rf"\b(?P<num>{self.num})(?:-(?P<unit>year|month)|\s(?P<unit2>year|month)(?=\s+[A-Za-z])"
                                           rf"(?!\s+(?:on|with|in|for|vs|versus|compared|and|or|of|after|later|from|than)\b))(?!s)\b"
                                           rf"(?!\s+(?:group|arm|cohort)s?\b)", re.I)  # (not "the two-year group")
        # "Two years after joining the trial, 88.2% ...": a duration after which a rate is read
        # "3 years after randomisation" (not "to 19.3 months from 12.1 months": a value and the one before it)
        # ("alive two years later", "One year in, 75.1% ...", "Five years on, ...")
        self.timepoint_after_re = re.compile(rf"\b(?P<num>{self.num})\s+(?P<unit>years?|months?)\s+(?:after|from|since|following|later|(?:in|on)(?=\s*,))\b"
                                             rf"(?!\s+(?:a\s+)?(?:median\s+of\s+)?\d)", re.I)
        # "76.2 months (over six years)", "57.2 months, or nearly five years": the same value restated
        self.restated_re = re.compile(rf"\d\s*(?:{unit_alt})\s*(?:\(|,?\s+or\s+)\s*(?:(?:{bound_alt})\s*)?$", re.I)
        self.timepoint_at_re = re.compile(rf"\b(?:at|after)\s+(?:(?:about|around|approximately|roughly|nearly)\s+)?(?P<num>{self.num})\s+(?P<unit>years?|months?|weeks?)\b(?!\s+(?:of\s+)?median)", re.I)
        self.date_re = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}/\d{4}\b|\b(?:19|20)\d{2}\b")

    # ------------------------------------------------------------------ helpers
    def to_number(self, text: str) -> float | None:
        t = text.lower().replace(",", "")
        try:
            return float(t)
        except ValueError:
            pass
        parts = [p for p in re.split(r"[- ]+", t) if p != "and"]
        if not parts or not all(p in self.words or p == "hundred" for p in parts) or parts[0] == "hundred":
            return None
        total = 0.0
        for p in parts:
            total = total * 100 if p == "hundred" else total + self.words[p]
        return total

    # ------------------------------------------------------------------ finders
    def effects(self, s: str) -> list[Found]:
        out = []
        if not self.effect_hint_re.search(s):
            return out
        for m in self.effect_re.finditer(s):
            kind = {"hazard ratio": "HR", "odds ratio": "OR", "relative risk": "RR"}.get(m["kind"].lower(), m["kind"].upper())
            extra = {"kind": kind}
            if m["lo"] and m["hi"]:
                extra["ci"] = [float(m["lo"].replace(",", "")), float(m["hi"].replace(",", ""))]
            if m["p"]:
                extra["p"] = float(m["p"])
                extra["p_bound"] = {"<": "less_than", "less than": "less_than", ">": "more_than"}.get(m["pop"], "exact")
            out.append(Found(m.start(), m.end(), "effect", float(m["value"].replace(",", "")), "effect:hazard-ratio", extra=extra))
        return out

    def masks(self, s: str) -> list[tuple[int, int]]:
        """Spans that never hold arm values: CIs, p-values, dates, grade lists."""
        spans = [m.span() for m in self.ci_re.finditer(s)]
        spans += [m.span() for m in self.p_re.finditer(s)]
        spans += [m.span() for m in self.date_re.finditer(s)]
        spans += [m.span() for m in self.grade_list_re.finditer(s)]
        spans += [m.span() for m in DAY_LIST_RE.finditer(s)]  # "on days 1, 8 and 15": a schedule
        # "was generally 12 to 18 months", "response rates of 4% to 13%": a range (not "from 13 to 30 months", a change)
        spans += [m.span() for m in RANGE_RE.finditer(s) if not FROM_BEFORE_RE.search(s, max(0, m.start() - 40), m.start())]
        # "in 49 of 355 patients (13.8%)": the total the count is out of
        spans += [m.span("total") for m in DENOMINATOR_RE.finditer(s)]
        # "a) 16.1 months b) 17.2 months c) 23.0 months": the options of a quiz question
        options = list(OPTION_RE.finditer(s))
        if len(options) >= 2:
            spans += [(m.start(), m.end()) for m in options]
        return spans

    def follow_ups(self, s: str, endpoints: list[tuple[int, int]] = ()) -> list[Found]:
        """The median follow-up: the duration nearest a "follow-up" mention, a "median" right before
        a value first ("after about 4 years of follow-up (median 49.6 months)"), never a value that an
        endpoint introduces ("With longer follow-up, median PFS was 25.3 months")."""
        out = []
        for fm in self.follow_up_re.finditer(s):
            # "at a minimum follow-up of 61.3 months" is not the median a curator records ("(median 72 months)" after it is)
            minimum = bool(MINIMUM_BEFORE_RE.search(s, max(0, fm.start() - 20), fm.start()))
            best = None
            for m in self.value_re.finditer(s):
                unit = self.unit_of.get((m["unit"] or "").lower())
                if unit not in ("months", "years") or m["hy"]:
                    continue
                first = None
                if m.start() >= fm.end():
                    # "Median follow-up was 19.6 and 19.2 months, respectively": one per arm
                    first = FIRST_OF_PAIR_RE.search(s, fm.end(), m.start())
                    gap = s[fm.end() : first.start() if first else m.start()]
                    if len(gap) > 70 or re.search(r"[.;]|\b(?:and|but|whereas)\b", gap):
                        continue
                    # "With longer follow-up, half of the people ... had gone 53.6 months": the follow-up opens
                    # the sentence, the clause after its comma has values of its own ("follow-up, 29.4 months" is one)
                    if re.match(r"\s*,", gap) and len(gap) > 12 and not re.search(r"\bmedian(?: of)?\s*$", gap):
                        continue
                    # an endpoint between introduces its own value, unless the follow-up is "for" it
                    # ("a median follow-up for progression-free survival of 60.2 and 55.1 months")
                    if any(fm.end() <= a < m.start() for a, _ in endpoints) and not re.match(r"\s+for\b", gap):
                        continue
                    dist = 0 if re.search(r"\bmedian(?: of)?\s*$", gap) else len(gap)
                    if minimum and dist:
                        continue
                elif m.end() <= fm.start() and not minimum:
                    gap = s[m.end() : fm.start()]
                    if len(gap) > 12 or self.stop_event_re.search(lead(s, m.start())):
                        continue
                    dist = len(gap)
                else:
                    continue
                if best is None or dist < best[0]:
                    best = (dist, m, unit, first)
            if best:
                _, m, unit, first = best
                # "88.9 months for patients receiving Lynparza and 87.4 months for the placebo group"
                second = self.follow_up_pair_re.match(s, m.end())
                if second:
                    n2 = self.to_number(second["num"])
                    unit2 = self.unit_of.get(second["unit"].lower())
                    out.append(Found(second.start("num"), second.end(), "follow_up", in_months(n2, unit2),
                                     "follow_up:median-follow-up", unit="months"))
                if first:
                    out.append(Found(first.start("num"), first.end("num"), "follow_up", in_months(self.to_number(first["num"]), unit),
                                     "follow_up:median-follow-up", unit="months"))
                months = in_months(self.to_number(m["num"]), unit)
                bound = self.bound_of.get((m["bound"] or "").lower(), "exact")
                if bound != "exact" and not MEDIAN_RE.search(s):
                    continue  # "after more than 12 years of follow-up": how long so far, not the median follow-up
                out.append(Found(m.start(), m.end(), "follow_up", months, "follow_up:median-follow-up", unit="months", bound=bound))
        return out

    def _arm_sizes_listed(self, s: str, lo: int, hi: int, arm_starts: set[int]) -> list[Found]:
        """"387 panobinostat, 381 placebo" inside [lo, hi): each number right before an arm's name."""
        out = []
        for part in NUMBER_BEFORE_ARM_RE.finditer(s, lo, hi):
            n = self.to_number(part["num"])
            if part.end() in arm_starts and is_count(n, 1):
                out.append(Found(part.start("num"), part.end("num"), "sample_size", n, "sample_size:arm-after"))
        return out

    def sample_sizes(self, s: str, arm_starts: Iterable[int] = (), arm_ends: Iterable[int] = ()) -> list[Found]:
        """Numbers of patients: "n = 359", "<cue> 614 patients", "614 patients ... were enrolled",
        "545 were assigned to KRd" and the elliptic "... and 229 to placebo" that follows one.
        With the offsets where arm names start and end: "216 people had venetoclax", "393 on STRIDE",
        "lenvatinib plus everolimus, 357 patients"."""
        out = []
        arm_starts, arm_ends = set(arm_starts), set(arm_ends)

        def event_follows(pos: int) -> bool:
            """An arm's name within a few words after pos, then what happened to them ("... on drugamab died")."""
            end = min((e for e in arm_ends if pos < e <= pos + 40 and not re.search(r"[,;.()]", s[pos:e])), default=-1)
            return end > 0 and bool(EVENT_AFTER_ARM_RE.match(s, end))
        event_until = -1  # "osteonecrosis of the jaw affected 2 people on 30 mg and 8 people on 90 mg": both are event counts
        for m in self.arm_sample_re.finditer(s) if arm_starts else ():
            n = self.to_number(m["num"])
            before = lead(s, m.start())
            if m.end() in arm_starts and is_count(n) and not RANGE_END_RE.search(before):
                if event_follows(m.end()) or COMPARED_COUNT_BEFORE_RE.search(before) or PROPORTION_BEFORE_RE.search(before) \
                        or self.event_before_re.search(before) or (event_until >= 0 and AND_AGAIN_RE.match(s, event_until, m.start())):
                    event_until = m.end()
                    continue  # "Twelve people taking X had a complete response, against three on placebo": event counts
                out.append(Found(m.start(), m.end("num") if not m["noun"] else m.end("noun"), "sample_size", n, "sample_size:arm-after"))
        if arm_ends and RANDOMISED_RE.search(s):  # "randomised 2:1 to T-DXd (373) or chemotherapy (184)"
            for m in ARM_PAREN_COUNT_RE.finditer(s):
                n = self.to_number(m["num"])
                before = s[: m.start()].rstrip()
                arm_end = {len(before), len(DOSE_TAIL_RE.sub("", before))}  # "melphalan 140 mg/m2 (Bu-Mel; 104 patients)"
                if arm_end & arm_ends and is_count(n, 10) and not is_year(n):
                    out.append(Found(m.start("num"), m.end("num"), "sample_size", n, "sample_size:arm-paren"))
        for m in self.label_sample_re.finditer(s):
            n = self.to_number(m["num"])
            if is_count(n):
                out.append(Found(m.start("num"), m.end("num"), "sample_size", n, "sample_size:label"))
            if m["arms"]:
                out += self._arm_sizes_listed(s, *m.span("arms"), arm_starts)
        if not self.sample_hint_re.search(s):
            return out
        for m in self.n_equals_re.finditer(s):
            if self.not_after_ss_re.search(s[m.end() :]):
                continue  # "(n = 418 respondents)": a poll, not a trial
            out.append(Found(m.start(), m.end(), "sample_size", float(m["num"].replace(",", "")), "sample_size:n-equals"))
        event_until = -1  # "diagnosed in 18 patients ... and in 6 patients": both are event counts
        for m in self.sample_re.finditer(s):
            n = self.to_number(m["num"])
            if not is_count(n) or MILLIONS_RE.match(m["mods"]):
                continue  # "660 million people": a population, not a trial's patients
            before = lead(s, m.start())
            if self.event_before_re.search(before) or (event_until >= 0 and AND_AGAIN_RE.match(s, event_until, m.start())):
                event_until = m.end()
                continue
            if re.search(r"(?:%|percent|per cent)\s+of\s*$", before, re.I) or AGE_BEFORE_RE.search(before):
                continue
            if "," not in m["num"] and is_year(n) and DATE_BEFORE_RE.search(before):
                continue  # "HOUSTON, March 20, 2019 - Patients with ...": a dateline's year
            if PROPORTION_BEFORE_RE.search(before):
                continue  # "about 1 in 3 people", "86 out of every 100 women": a proportion
            after = s[m.end() :]
            if self.not_after_ss_re.search(after) or EVENT_RATE_AFTER_RE.match(after) or event_follows(m.end()):
                continue  # "Three patients (0.4%) ... died": an event count with its rate
            # "(177 and 122 patients)": the first number of a pair counts patients too
            first = None if m["bound"] or m["mods"].strip() else FIRST_OF_PAIR_RE.search(before)
            cue_b = bool(self.cue_before_re.search(before[: first.start()] if first else before)) or not before.strip()
            cue_a = bool(self.cue_after_re.search(" " + after.lstrip())) or bool(re.match(r"^\s+(?:received|were)\b", after))
            # "lenvatinib plus everolimus, 357 patients": the arm's size
            comma = ARM_COMMA_RE.search(before)
            arm_before = bool(comma) and m.start() - len(before) + comma.start() in arm_ends
            if not (cue_b or cue_a or arm_before) or any(f.start <= m.start("num") < f.end for f in out):
                continue
            bound = self.bound_of.get((m["bound"] or "").lower(), "exact")
            if bound == "exact" and re.search(r"\b(?:about|approximately|around|nearly|almost|some)\s*$", before, re.I):
                bound = "about"
            rule = "sample_size:arm-before" if arm_before else "sample_size:cue-before" if cue_b else "sample_size:cue-after"
            out.append(Found(m.start(), m.start() + len(m.group(0)), "sample_size", n, rule, bound=bound))
            if first:
                a = m.start() - len(before) + first.start("num")
                n1 = self.to_number(first["num"])
                if is_count(n1):
                    out.append(Found(a, a + len(first["num"]), "sample_size", n1, rule))
        for m in self.bare_sample_re.finditer(s):
            n = self.to_number(m["num"])
            if not is_count(n) or ("," not in m["num"] and is_year(n)):
                continue
            if RANGE_END_RE.search(lead(s, m.start())) or AGE_BEFORE_RE.search(lead(s, m.start())):
                continue  # "aged 18 to 65 were randomly assigned", "aged up to 56 were put at random": ages
            if not any(f.start <= m.start() < f.end for f in out):
                out.append(Found(m.start(), m.end("num"), "sample_size", n, "sample_size:cue-after"))
        # The arms' sizes, listed after the trial's and adding up to it: "in 307 patients (153 pembrolizumab,
        # 154 chemotherapy)", "709 patients underwent randomization (355 to the D-VRd group and 354 to the VRd group)", "1,074 patients ... 2:2:1 to A, B or C, so 429, 429 and 216 patients"; or
        # said to be per arm: "149 and 147 per arm"
        totals = [f for f in out if f.rule != "sample_size:arm-after"]

        def adds_up(listed: list[Found], before: int) -> bool:
            return any(f.end <= before and abs(sum(x.number for x in listed) - f.number) <= 0.02 * f.number for f in totals)

        for p in PAREN_RE.finditer(s) if arm_starts and totals else ():
            listed = self._arm_sizes_listed(s, p.start() + 1, p.end() - 1, arm_starts)
            if len(listed) >= 2 and adds_up(listed, p.start()):
                out += [x for x in listed if not any(f.start == x.start for f in out)]
        for m in NUMBER_LIST_RE.finditer(s):
            listed = [Found(m.start() + n.start(), m.start() + n.end(), "sample_size", self.to_number(n.group(0)), "sample_size:arm-list")
                      for n in re.finditer(NUM, m.group(0))]
            if all(is_count(x.number, 1) for x in listed) and (PER_ARM_RE.match(s, m.end()) or adds_up(listed, m.start())):
                out = [f for f in out if not any(f.start == x.start for x in listed)] + listed
        for f in sorted(out, key=lambda f: f.start):
            # "231 patients were randomly assigned to lenalidomide and 229 to placebo"
            for m in self.elliptic_sample_re.finditer(s, f.end):
                if re.search(r"[.;]", s[f.end : m.start()]):
                    break
                n = self.to_number(m["num"])
                # (or its verb left out before an arm's name: "146 received toripalimab and 143 placebo")
                if not (m["verb"] or (f.rule == "sample_size:arm-after" and m.end() in arm_starts)):
                    continue
                if is_count(n, 1) and not any(g.start <= m.start("num") < g.end for g in out):
                    out.append(Found(m.start("num"), m.end("num"), "sample_size", n, "sample_size:elliptic"))
                break
        out.sort(key=lambda f: f.start)
        return out

    def timepoints(self, s: str) -> list[Found]:
        out = []
        if not self.timepoint_hint_re.search(s):
            return out
        for rx, rule in ((self.timepoint_adj_re, "timepoint:n-year"), (self.timepoint_at_re, "timepoint:at-n-years"),
                         (self.timepoint_after_re, "timepoint:n-years-after"), (TIMEPOINT_IN_MONTHS_RE, "timepoint:in-months")):
            for m in rx.finditer(s):
                n = self.to_number(m["num"])
                if n is None:
                    continue
                if rule == "timepoint:at-n-years" and HALF_ALIVE_BEFORE_RE.search(s, max(0, m.start() - 120), m.start()):
                    continue  # "half of them were still alive after 54.1 months": a median, not a timepoint
                if rule == "timepoint:n-years-after" and "." in m["num"] and (m["unit"] or "").lower().startswith("month"):
                    continue  # "38.2 months after rituximab and chlorambucil": a median and its arm, not a landmark
                unit = "years" if (m["unit"] or m.groupdict().get("unit2") or "").lower().startswith("year") else "months"
                if (m["unit"] or "").lower().startswith("week"):
                    n = round(n * 12 / 52, 1)  # "alive and progression-free at 24 weeks": 5.5 months
                out.append(Found(m.start(), m.end(), "timepoint", n, rule, unit=unit))
        return out

    def values(self, s: str, masked: list[tuple[int, int]]) -> list[Value]:
        """Candidate arm values: numbers with a unit, bare numbers, and 'not reached'."""
        out: list[Value] = []

        def is_masked(a: int, b: int) -> bool:
            return any(a < e and b > st for st, e in masked)

        for m in self.value_re.finditer(s):
            a, b = m.start("num"), m.end()
            if is_masked(a, b):
                continue
            n = self.to_number(m["num"])
            if n is None:
                continue
            if m["hy"]:
                continue  # "three-year", "18-month": an adjective (timepoints are found separately)
            unit = self.unit_of.get((m["unit"] or "").lower())
            after = s[b:]
            before = lead(s, m.start())
            # "half of them were still alive after 54.1 months", "half ... had lived 11.1 months or more": a median
            half = HALF_ALIVE_BEFORE_RE.search(s, max(0, m.start() - 130), m.start()) is not None
            if self.not_after_re.search(after) or self.not_before_re.search(before) and not reached_by(s, m.start()) and not half:
                continue
            if unit in ("months", "years", "weeks") and (self.restated_re.search(before) or TIME_ON_RE.match(after)
                                                         or TIME_DIFFERENCE_RE.match(after) or GAIN_BEFORE_RE.search(lead(s, a))):
                continue  # "76.2 months (over six years)": the value before, in other units; "five years on,"; "7 months longer"
            if unit == "%" and self.effect_after_re.search(after):
                continue
            if self.threshold_after_re.search(after) and not half or m["bound"] and BIOMARKER_CUTOFF_RE.search(s, 0, a):
                continue
            # "received 12 months of", "for up to 12 months": how long treatment lasts (the words
            # before the number, a bound included)
            # ("compared with 38.2 months after rituximab and chlorambucil": a median to the tenth is no interval)
            median_after = "." in m["num"] and AFTER_WORD_RE.match(after) is not None
            if unit in ("months", "years", "weeks") and not TOOK_TO_HAPPEN_RE.match(after) and (
                    self.duration_after_re.search(after) and not median_after or self.duration_before_re.search(before)
                    or m["bound"] and self.duration_before_re.search(lead(s, a))):
                continue
            if re.match(r"^\s*(?:/|-\d|–\d|:)", after) or re.search(r"\d[/:]$", before):
                continue  # dates, times, ranges
            if unit == "count" and PROPORTION_BEFORE_RE.search(before):
                continue  # "About four in ten people had a complete response": the ten is what the four are out of
            if unit == "count" and COUNTED_BEFORE_RE.search(before):
                continue  # "64% of 105 patients", "In the 79 people given 40 mg or more": the people counted, no event count
            # "seven people in the X group and five in the Y group": a count with its noun left out
            elliptic = unit is None and bool(ELLIPTIC_BEFORE_RE.search(before)) and bool(IN_GROUP_AFTER_RE.match(after))
            if unit is None and m["num"][0].isalpha() and not elliptic:
                continue  # bare number words ("one of the...") are values only when elliptic
            bound = self.bound_of.get((m["bound"] or "").lower(), "exact")
            start = m.start() if m["bound"] else a
            rule = "value:number-unit" if unit else "value:elliptic" if elliptic else "value:bare-number"
            out.append(Value(start, b, n, unit, bound, rule))
        for m in self.not_reached_re.finditer(s):
            if not is_masked(*m.span()):
                out.append(Value(m.start(), m.end(), None, None, "exact", "value:not-reached"))
        out.sort(key=lambda v: v.start)
        # "about 30 out of every 100 (29.6%)": the figure in brackets restates the one before it, exactly
        return [v for v, w in zip(out, out[1:] + [None]) if not (
            w and v.unit == w.unit and v.number and w.number and abs(v.number - w.number) <= max(1.0, 0.05 * v.number)
            and RESTATED_IN_BRACKETS_RE.fullmatch(s, v.end, w.start) and s.startswith(")", w.end))]
