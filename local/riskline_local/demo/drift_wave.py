"""A second wave of applications from a shifted population, for `DEMO_DRIFT=1`.

The generator's applications (its first wave spans the 28 days from 2026-11-01) are copied with
some financial facts scaled (`shift`, e.g. debt-to-income 1.5 times higher) and submitted in the
week after, so the drift monitor's last-week window holds this wave alone. The auditors' decisions
follow their own story on the shifted facts (`riskline_model.data.auditor`), seeded.

Sent through the local stack, submissions are stamped on arrival (both waves land in today's
partition): the demo passes the second wave's start time to `demo_loop_turn(drift_since=…)` so the
drift report compares that wave alone with the baseline.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from riskline_schema import FINANCIAL_FIELDS, Application, AuditOutcome

from .workload import Submission

DEFAULT_SHIFT = {"debt_to_income": 1.5}
WAVE_START = datetime(2026, 11, 29, tzinfo=UTC)  # the day after the first wave's 28 days
WAVE_DAYS = 7
# Where scaling must stop for the application to stay valid (FinancialFacts bounds).
UPPER = {"debt_to_income": 100.0, "revolving_utilization": 150.0, "annual_income": 10_000_000.0}


def _shifted(application: Application, shift: dict[str, float], submitted_at: datetime) -> Application:
    doc = application.model_dump()
    for name, factor in shift.items():
        value = doc[name] * factor
        doc[name] = round(min(value, UPPER.get(name, value)), 2)
    doc["submitted_at"] = submitted_at
    return Application.model_validate(doc)


def _column(values: list[object]) -> np.ndarray:
    """Numbers (None as NaN) as floats, anything else as an object array, as the auditor story reads them."""
    if all(v is None or isinstance(v, (int, float)) for v in values):
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    return np.array(values, dtype=object)


def shifted_wave(
    count: int, seed: int, shift: dict[str, float] | None = None, start: datetime = WAVE_START
) -> list[Submission]:
    """`count` submissions (ids continue after nothing: the caller offsets `index` if it needs to)."""
    from riskline_model.data.auditor import reject_probability
    from riskline_model.data.generator import generate

    shift = DEFAULT_SHIFT if shift is None else shift
    unknown = sorted(set(shift) - set(FINANCIAL_FIELDS))
    if unknown:
        raise ValueError(f"cannot shift {', '.join(unknown)}: not financial facts")
    rng = np.random.default_rng(seed)
    offsets = rng.integers(0, WAVE_DAYS * 86400, size=count)
    apps = [
        _shifted(item.application, shift, start + timedelta(seconds=int(offsets[i])))
        for i, item in enumerate(generate(count, seed=seed))
    ]
    rows = [a.model_dump(mode="json", include=set(FINANCIAL_FIELDS)) for a in apps]
    columns = {f: _column([r[f] for r in rows]) for f in FINANCIAL_FIELDS}
    rejected = rng.random(count) < reject_probability(columns)
    out, seen = [], set()
    for app, reject in zip(apps, rejected, strict=True):
        submission = Submission(len(out), app, AuditOutcome.REJECT if reject else AuditOutcome.ACCEPT)
        if submission.key not in seen:
            seen.add(submission.key)
            out.append(submission)
    return out
