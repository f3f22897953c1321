"""The auditors' grade vocabulary (AUDIT_GRADE_SCALE): each grade a deployment accepts, and its tier.

Three tiers (`{"low": "low", "medium": "medium", "high": "high"}`, the default) or letter grades mapped
to tiers (`{"A": "low", "B": "low", "C": "medium", …, "G": "high"}`). Grades match case-insensitively
and are stored as the scale spells them.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from riskline_schema import RiskTier

GRADE = re.compile(r"^[A-Za-z0-9+-]{1,16}$")
THREE_TIERS: Mapping[str, RiskTier] = MappingProxyType({t.value: t for t in RiskTier})


@dataclass(frozen=True)
class GradeScale:
    tiers: Mapping[str, RiskTier]

    def tier_of(self, grade: str) -> tuple[str, RiskTier] | None:
        """(the grade as the scale spells it, its tier), or None when the scale has no such grade."""
        for name, tier in self.tiers.items():
            if name.lower() == grade.lower():
                return name, tier
        return None

    def describe(self) -> str:
        return ", ".join(self.tiers)


def parse_scale(raw: str, name: str = "AUDIT_GRADE_SCALE") -> GradeScale:
    """A JSON object grade → tier; every tier must be reachable and grades distinct ignoring case."""
    if not raw.strip():
        return GradeScale(THREE_TIERS)
    try:
        value = json.loads(raw)
    except ValueError:
        raise ValueError(f"{name} must be a JSON object of grade → tier") from None
    if not isinstance(value, dict) or not value:
        raise ValueError(f"{name} must be a non-empty JSON object of grade → tier")
    bad_grades = sorted(str(g) for g in value if not GRADE.match(str(g)))
    if bad_grades:
        raise ValueError(f"{name}: grades must be 1-16 letters, digits, + or -; got {bad_grades}")
    if len({g.lower() for g in value}) != len(value):
        raise ValueError(f"{name}: grades must be distinct ignoring case")
    tiers = {t.value for t in RiskTier}
    bad_tiers = sorted({str(t) for t in value.values() if t not in tiers})
    if bad_tiers:
        raise ValueError(f"{name}: tiers must be low, medium or high; got {bad_tiers}")
    missing = sorted(tiers - set(value.values()), key=[t.value for t in RiskTier].index)
    if missing:
        raise ValueError(f"{name}: no grade maps to {', '.join(missing)}")
    return GradeScale(MappingProxyType({g: RiskTier(t) for g, t in value.items()}))
