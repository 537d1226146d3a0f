"""The record form of the review page: a DraftRecord shown as form fields, and form fields
turned back into a DraftRecord validated by the pydantic models.

Field names are flat (`trial`, `timepoint_value`, `arms-0-value`, `effect_p`, ...) so a plain
HTML form posts them.  `parse_record_form` never saves anything: it returns either the edited
record or, for each field at fault, the message to show beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import get_args

from pydantic import ValidationError

from trial_curate.models import Bound, DraftRecord, Effect, Endpoint, Timepoint, Unit

ENDPOINTS = get_args(Endpoint)
UNITS = get_args(Unit)
BOUNDS = get_args(Bound)
TIMEPOINT_UNITS = get_args(Timepoint.model_fields["unit"].annotation)
EFFECT_KINDS = get_args(Effect.model_fields["kind"].annotation)
P_BOUNDS = get_args(Effect.model_fields["p_bound"].annotation)
NOT_REACHED = ("nr", "not reached", "n/r")
GENERAL = "__all__"  # errors about the record as a whole


@dataclass
class RecordForm:
    """What the form shows: field values (strings) and error messages by field name."""

    values: dict[str, str]
    arm_rows: int  # the record's arms plus one blank row for adding an arm
    errors: dict[str, str] = field(default_factory=dict)

    def arm(self, index: int, name: str) -> str:
        return self.values.get(f"arms-{index}-{name}", "")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def record_form(record: DraftRecord) -> RecordForm:
    """The form showing `record` as it stands."""
    v: dict[str, str] = {
        "trial": _text(record.trial),
        "endpoint": _text(record.endpoint),
        "measure": _text(record.measure),
        "subgroup": _text(record.subgroup),
        "timepoint_value": _text(record.timepoint.value) if record.timepoint else "",
        "timepoint_unit": record.timepoint.unit if record.timepoint else "",
        "n": _text(record.n),
        "arm": _text(record.arm),
        "bound": record.bound,
        "months": _text(record.months),
    }
    for i, arm in enumerate(record.arms):
        v[f"arms-{i}-name"] = _text(arm.name)
        v[f"arms-{i}-value"] = "NR" if arm.not_reached and arm.value is None else _text(arm.value)
        v[f"arms-{i}-unit"] = _text(arm.unit)
        v[f"arms-{i}-n"] = _text(arm.n)
        v[f"arms-{i}-bound"] = arm.bound
    e = record.effect
    v["effect_kind"] = e.kind if e else ""
    v["effect_value"] = _text(e.value) if e else ""
    v["effect_ci_low"] = _text(e.ci[0]) if e and e.ci and len(e.ci) > 0 else ""
    v["effect_ci_high"] = _text(e.ci[1]) if e and e.ci and len(e.ci) > 1 else ""
    v["effect_p"] = _text(e.p) if e else ""
    v["effect_p_bound"] = e.p_bound if e else "exact"
    return RecordForm(values=v, arm_rows=len(record.arms) + 1)


def _blank(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def parse_record_form(record: DraftRecord, form) -> tuple[DraftRecord | None, RecordForm]:
    """The edited record built from the posted `form` on top of `record` (source, kind, evidence
    and rules are kept), or None with the errors to show beside each field."""
    rows = max(0, min(int(form.get("arm_rows") or 0) if str(form.get("arm_rows") or "").isdigit() else 0, 50))
    names = [
        "trial", "endpoint", "measure", "subgroup", "timepoint_value", "timepoint_unit", "n", "arm", "bound",
        "months", "effect_kind", "effect_value", "effect_ci_low", "effect_ci_high", "effect_p", "effect_p_bound",
    ]
    names += [f"arms-{i}-{part}" for i in range(rows) for part in ("name", "value", "unit", "n", "bound", "remove")]
    values = {name: str(form.get(name) or "") for name in names}
    shown = RecordForm(values=values, arm_rows=rows)
    g = lambda name: _blank(values.get(name))  # noqa: E731 - a short local reader

    data = record.model_dump()
    data["trial"] = g("trial")
    errors: dict[str, str] = {}
    arm_rows: list[int] = []  # form row of each arm in data["arms"]
    if record.kind == "result":
        data["endpoint"] = (g("endpoint") or "").upper() or None
        data["measure"] = g("measure")
        data["subgroup"] = g("subgroup")
        tp_value, tp_unit = g("timepoint_value"), g("timepoint_unit")
        data["timepoint"] = None if tp_value is None and tp_unit is None else {"value": tp_value, "unit": tp_unit}
        arms = []
        for i in range(rows):
            name, value, unit, n = g(f"arms-{i}-name"), g(f"arms-{i}-value"), g(f"arms-{i}-unit"), g(f"arms-{i}-n")
            if values.get(f"arms-{i}-remove") or (i >= len(record.arms) and not any((name, value, n))):
                continue  # removed, or the blank row left blank
            old = record.arms[i] if i < len(record.arms) else None
            not_reached = value is not None and value.casefold() in NOT_REACHED
            arms.append({
                "name": name,
                "value": None if not_reached else value,
                "unit": unit,
                "n": n,
                "bound": g(f"arms-{i}-bound") or "exact",
                "not_reached": not_reached,
                "evidence": old.evidence.model_dump() if old and old.evidence else None,
            })
            arm_rows.append(i)
        data["arms"] = arms
        kind, ev, lo, hi, p = (g(k) for k in ("effect_kind", "effect_value", "effect_ci_low", "effect_ci_high", "effect_p"))
        if any((ev, lo, hi, p)):
            if (lo is None) != (hi is None):
                errors["effect_ci_low"] = "give both ends of the confidence interval, or neither"
            data["effect"] = {
                "kind": kind or "HR",
                "value": ev,
                "ci": [lo, hi] if lo is not None and hi is not None else None,
                "p": p,
                "p_bound": g("effect_p_bound") or "exact",
            }
        else:
            data["effect"] = None
    elif record.kind == "sample_size":
        data["n"], data["arm"], data["bound"] = g("n"), g("arm"), g("bound") or "exact"
    elif record.kind == "follow_up":
        data["months"] = g("months")

    try:
        edited = DraftRecord.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            errors.setdefault(_field_of(err["loc"], arm_rows), _message(err))
        edited = None
    if errors:
        shown.errors = errors
        return None, shown
    return edited, shown


def _field_of(loc: tuple, arm_rows: list[int]) -> str:
    """The form field a pydantic error location points at."""
    if not loc:
        return GENERAL
    head = loc[0]
    if head == "arms":
        if len(loc) == 1:
            return GENERAL
        row = arm_rows[loc[1]] if isinstance(loc[1], int) and loc[1] < len(arm_rows) else 0
        part = loc[2] if len(loc) > 2 and loc[2] in ("name", "value", "unit", "n", "bound") else "value"
        return f"arms-{row}-{part}"
    if head == "timepoint":
        return "timepoint_unit" if len(loc) > 1 and loc[1] == "unit" else "timepoint_value"
    if head == "effect":
        part = loc[1] if len(loc) > 1 else "value"
        return {"ci": "effect_ci_low", "p": "effect_p", "kind": "effect_kind", "p_bound": "effect_p_bound"}.get(part, "effect_value")
    if head in ("trial", "endpoint", "measure", "subgroup", "n", "arm", "bound", "months"):
        return head
    return GENERAL


def _message(err: dict) -> str:
    msg = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    if err["type"] == "float_parsing":
        return "type a number (or NR for not reached)" if "arms" in err["loc"] else "type a number"
    if err["type"] == "int_parsing":
        return "type a whole number"
    if err["type"] == "literal_error":
        return "choose " + msg.removeprefix("Input should be ")
    return msg


__all__ = ["RecordForm", "record_form", "parse_record_form", "ENDPOINTS", "UNITS", "BOUNDS"]
