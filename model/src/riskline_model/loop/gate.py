"""The gate: does the challenger take over from the champion? Margins in, verdict with reasons out.

Every check compares the challenger with the champion on the same holdout (or bounds a change
between them); a check that fails is named with its figures. Defaults allow a challenger that is
as good as the champion within sampling noise on a holdout of about a thousand rows.
"""

import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

PROMOTE, REJECT = "promote", "reject"


@dataclass(frozen=True)
class Margins:
    auc_drop: float = 0.01  # challenger AUC >= champion AUC - this
    macro_f1_drop: float = 0.02  # challenger macro-F1 >= champion macro-F1 - this
    log_loss_rise: float = 0.01  # challenger log loss <= champion log loss + this
    calibration_rise: float = 0.02  # challenger ECE <= champion ECE + this
    max_tier_change_share: float = 0.25  # at most this share of holdout rows changes tier
    max_tier_psi: float = 0.2  # PSI of the tier distribution, champion vs challenger
    fairness_gap_rise: float = 0.05  # challenger approval-rate gap <= champion gap + this

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> "Margins":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown gate margins: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        margins = cls(**{k: float(v) for k, v in values.items()})
        negative = [k for k, v in asdict(margins).items() if v < 0]
        if negative:
            raise ValueError(f"gate margins must not be negative: {', '.join(negative)}")
        return margins


@dataclass(frozen=True)
class Check:
    name: str
    rule: str
    champion: float | None
    challenger: float
    limit: float
    passed: bool


@dataclass(frozen=True)
class Verdict:
    decision: str
    checks: tuple[Check, ...]
    margins: Margins
    champion_version: str
    challenger_version: str

    @property
    def failed(self) -> list[str]:
        return [c.name for c in self.checks if not c.passed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "failed": self.failed,
            "champion": self.champion_version,
            "challenger": self.challenger_version,
            "checks": [asdict(c) for c in self.checks],
            "margins": asdict(self.margins),
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    def lines(self) -> list[str]:
        out = [f"gate: {self.decision.upper()} {self.challenger_version} against {self.champion_version}"]
        for c in self.checks:
            champion = "" if c.champion is None else f" champion {c.champion:.4f},"
            out.append(
                f"  {'pass' if c.passed else 'FAIL'} {c.name}:{champion} challenger {c.challenger:.4f} ({c.rule})"
            )
        if self.failed:
            out.append(f"  failed margins: {', '.join(self.failed)}")
        return out


def _at_least(name: str, champion: float, challenger: float, drop: float) -> Check:
    limit = champion - drop
    passed = not math.isnan(challenger) and challenger >= limit
    return Check(name, f"must be >= {limit:.4f}", champion, challenger, limit, passed)


def _at_most(name: str, champion: float | None, challenger: float, limit: float) -> Check:
    # NaN never passes: a figure that cannot be computed is no evidence of safety.
    passed = not math.isnan(challenger) and challenger <= limit
    return Check(name, f"must be <= {limit:.4f}", champion, challenger, limit, passed)


def _empty_tiers(figures: dict[str, Any]) -> float:
    return float(sum(1 for tier in figures["tiers"].values() if tier["count"] == 0))


def decide(comparison: dict[str, Any], margins: Margins = Margins()) -> Verdict:
    champ, chall, moved = comparison["champion"], comparison["challenger"], comparison["stability"]
    checks = [
        _at_least("auc", champ["auc"], chall["auc"], margins.auc_drop),
        _at_least("macro_f1", champ["macro_f1"], chall["macro_f1"], margins.macro_f1_drop),
        _at_most("log_loss", champ["log_loss"], chall["log_loss"], champ["log_loss"] + margins.log_loss_rise),
        _at_most(
            "calibration_error",
            champ["calibration_error"],
            chall["calibration_error"],
            champ["calibration_error"] + margins.calibration_rise,
        ),
        _at_most("tier_change_share", None, moved["tier_change_share"], margins.max_tier_change_share),
        _at_most("tier_psi", None, moved["tier_psi"], margins.max_tier_psi),
    ]
    if "tiers" in champ and "tiers" in chall:
        # The challenger was allowed to train with an empty tier (its own test split is small); here,
        # on the holdout, it may not leave empty a tier the champion serves.
        empty_champion, empty_challenger = _empty_tiers(champ), _empty_tiers(chall)
        checks.append(_at_most("empty_tiers", empty_champion, empty_challenger, empty_champion))
    if "fairness" in champ and "fairness" in chall:
        gap = champ["fairness"]["approval_rate_gap"]
        checks.append(
            _at_most("approval_rate_gap", gap, chall["fairness"]["approval_rate_gap"], gap + margins.fairness_gap_rise)
        )
    decision = PROMOTE if all(c.passed for c in checks) else REJECT
    return Verdict(decision, tuple(checks), margins, champ["model_version"], chall["model_version"])
