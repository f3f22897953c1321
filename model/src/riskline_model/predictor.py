"""One walk, two answers: a tier model's margins and reason-code contributions from a single pass.

Built from the boosters' own trees at load time (`forest.py`) and run by compiled kernels
(`forest_kernels.py`): per row and tree one walk adds the leaf to the margin and credits each
split's change in mean to its feature. XGBoost is then needed only to read the model: the
per-request cost is the walk itself (a few microseconds for one application), not
`inplace_predict`'s fixed cost plus a second walk for the reasons.

At load the predictor checks itself against XGBoost on probe rows built from the trees' own split
values (each value, the float just below it, and missing), and refuses a model it does not
reproduce within `TOLERANCE`.
"""

from dataclasses import dataclass

import numba
import numpy as np

from . import forest_kernels
from .forest import Forest
from .tier_model import TierModel

TOLERANCE = 1e-6  # margins, against XGBoost's own
PARALLEL_MIN_ROWS = 512  # below this, threads cost more than they save
PROBE_ROWS = 256


@dataclass(frozen=True)
class Scores:
    margins: np.ndarray  # (rows, columns) float32, as TierModel.margins
    reject_probability: np.ndarray  # (rows,)
    tier_probabilities: np.ndarray  # (rows, 3)
    served: np.ndarray  # (rows,) tier index
    contributions: np.ndarray  # (rows, features): what put each row in the tier it is served
    reasons: np.ndarray  # (rows, k) code ids into `Predictor.code_names`, -1 for none


class Predictor:
    def __init__(
        self,
        model: TierModel,
        codes: list[str],
        threads: int = 1,
        reasons_per_row: int = 3,
        forest: Forest | None = None,
    ) -> None:
        """`codes`: the reason code of each feature, in feature order; `forest`: else read from the boosters."""
        self.model = model
        groups = 3 if model.kind in ("softmax", "ensemble") else 1
        self.forest = forest or Forest.from_boosters(model.boosters, groups)
        if self.forest.n_features != len(codes):
            raise ValueError(f"booster has {self.forest.n_features} features, spec {len(codes)}")
        self.threads = max(1, min(threads, numba.config.NUMBA_NUM_THREADS))
        self.code_names = list(dict.fromkeys(codes))
        self.code_of = np.array([self.code_names.index(c) for c in codes], dtype=np.int64)
        self.k = reasons_per_row
        self.explain_weights = model.explain_weights
        f = self.forest
        self._flat = tuple(a.ravel() for a in (f.feature, f.threshold, f.default_left, f.leaf, f.delta))
        self.check(probe_rows(self.forest, PROBE_ROWS))

    def walk(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, columns) float32 margins and (rows, columns, features) float64 path contributions."""
        margins, contrib, _ = self._walk(x, reasons=False)
        return margins, contrib

    def _walk(self, x: np.ndarray, reasons: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """`walk`, and with `reasons` (for a model whose one margin column decides) the top reasons too."""
        x = np.ascontiguousarray(x, dtype=np.float32)
        f = self.forest
        if self.model.linear is not None:  # the boosters start from the linear scores (base_margin)
            start = self.model.linear.margins(x).astype(np.float32)
        else:
            start = np.broadcast_to(f.base_margin, (x.shape[0], f.n_columns)).copy()
        margins = np.empty((x.shape[0], f.n_columns), dtype=np.float32)
        contrib = np.empty((x.shape[0], f.n_columns, f.n_features))
        out = np.full((x.shape[0], self.k if reasons else 0), -1, dtype=np.int64)
        args = (f.depth, f.column, *self._flat, self.code_of, margins, contrib, out)
        if self._parallel(x.shape[0]):
            forest_kernels.walk_parallel(x, start, *args)
        else:
            forest_kernels.walk_serial(x, start, *args)
        return margins, contrib, out if reasons else None

    def _parallel(self, rows: int) -> bool:
        if self.threads > 1 and rows >= PARALLEL_MIN_ROWS:
            numba.set_num_threads(self.threads)
            return True
        return False

    def top_reasons(self, contrib: np.ndarray) -> np.ndarray:
        """(rows, k) code ids into `code_names`, strongest first; -1 where fewer features pushed positively."""
        out = np.full((contrib.shape[0], self.k), -1, dtype=np.int64)
        kernel = forest_kernels.top_reasons_parallel if self._parallel(len(out)) else forest_kernels.top_reasons_serial
        kernel(np.ascontiguousarray(contrib), self.code_of, out)
        return out

    def tier_contributions(self, x: np.ndarray, contrib: np.ndarray, served: np.ndarray) -> np.ndarray:
        """Combine the columns' contributions into the one margin that decided each row's tier.

        The same arithmetic, in the same order, as the reference (`explain.ReferenceExplainer`).
        """
        linear = self.model.linear
        if contrib.shape[1] == 1 and linear is None:
            return contrib[:, 0, :]
        weights = self.explain_weights[served]  # (rows, columns)
        linear_parts = None if linear is None else linear.contributions(x)  # (rows, features, columns)
        out = np.zeros((x.shape[0], contrib.shape[2]))
        for c in range(contrib.shape[1]):
            if np.any(weights[:, c]):
                part = contrib[:, c, :]
                if linear_parts is not None:
                    part = part + linear_parts[:, :, c]
                out += part * weights[:, c : c + 1]
        return out

    def score(self, x: np.ndarray) -> Scores:
        # One margin column and no linear part: the walk's contributions are the ones that decide
        # the tier, so the walk picks the reasons itself, row by row while they are in cache.
        fused = self.forest.n_columns == 1 and self.model.linear is None
        margins, contrib, reasons = self._walk(x, reasons=fused)
        p, tier_p = self.model.probabilities(margins)
        served = self.model.serve(p, tier_p)
        decided = self.tier_contributions(x, contrib, served)
        if reasons is None:
            reasons = self.top_reasons(decided)
        return Scores(margins, p, tier_p, served, decided, reasons)

    def reason_names(self, reasons: np.ndarray) -> list[list[str]]:
        names = self.code_names
        return [[names[c] for c in row if c >= 0] for row in reasons.tolist()]

    def check(self, x: np.ndarray) -> None:
        """Refuse to serve a model whose margins differ from XGBoost's own on `x`."""
        ours, _ = self.walk(x)
        theirs = self.model.margins(x)
        worst = float(np.max(np.abs(ours.astype(np.float64) - theirs)))
        if not worst <= TOLERANCE:
            raise ValueError(f"compiled predictor differs from xgboost by {worst:.3g} on probe rows")


def probe_rows(forest: Forest, n: int, seed: int = 0) -> np.ndarray:
    """Rows that reach both sides of the trees' splits: each split value, the float below it, or missing."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, forest.n_features), dtype=np.float32)
    finite = np.isfinite(forest.threshold)
    for j in range(forest.n_features):
        cuts = forest.threshold[finite & (forest.feature == j)]
        if cuts.size == 0:
            continue
        values = np.concatenate([cuts, np.nextafter(cuts, np.float32(-np.inf)), [np.nan]]).astype(np.float32)
        x[:, j] = rng.choice(values, size=n)
    return x
