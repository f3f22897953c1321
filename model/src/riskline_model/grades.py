"""The grade vocabulary: which label values are grades, and the risk tier each grade stands for.

Auditors grade on the product's own three tiers (low / medium / high) or on a letter scale (A-G, as
bureaus and lenders do). The mapping is a hyperparameter, written `a=low,b=low,c=medium,...`, and
travels in the artifact so a reader of a model knows what its tiers were learned from.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

from riskline_schema import RiskTier

TIER_NAMES: tuple[str, ...] = tuple(t.value for t in (RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH))
# A-B low, C-D medium, E-G high: on lenders' letter scales the last three grades are the small,
# clearly riskier group (about 4 % of the public Lending Club sample), the first two the prime half.
DEFAULT_GRADE_MAP = "a=low,b=low,c=medium,d=medium,e=high,f=high,g=high"


@dataclass(frozen=True)
class GradeVocabulary:
    mapping: dict[str, str]  # grade (lower case) -> tier name

    @classmethod
    def parse(cls, text: str) -> "GradeVocabulary":
        """`grade=tier` pairs separated by commas; the tier names themselves always map to themselves."""
        mapping = {t: t for t in TIER_NAMES}
        for item in (part.strip() for part in text.split(",")):
            if not item:
                continue
            grade, sep, tier = (s.strip().lower() for s in item.partition("="))
            if not sep or not grade or tier not in TIER_NAMES:
                raise ValueError(f"grade_map item {item!r}: write grade=tier with tier one of {', '.join(TIER_NAMES)}")
            mapping[grade] = tier
        return cls(mapping)

    def covers(self, labels: set[str]) -> bool:
        return bool(labels) and labels <= self.mapping.keys()

    def tier_index(self, labels: list[str]) -> np.ndarray:
        """0 = low, 1 = medium, 2 = high per label."""
        index = {tier: i for i, tier in enumerate(TIER_NAMES)}
        return np.array([index[self.mapping[v]] for v in labels], dtype=np.int8)

    def to_dict(self) -> dict[str, Any]:
        return {"grades": dict(sorted(self.mapping.items())), "tiers": list(TIER_NAMES)}

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> "GradeVocabulary":
        return cls(dict(doc["grades"]))
