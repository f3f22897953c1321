"""Per-feature contributions of an XGBoost model, computed in numpy from the booster's own trees.

These are the path-attribution ("Saabas") contributions XGBoost itself returns for
`predict(..., pred_contribs=True, approx_contribs=True)`: walking each tree from root to leaf, the
change in the node's mean value at every split is credited to the split's feature. Computing them
here avoids building a DMatrix per request (which costs more than the whole prediction) and
vectorises over rows and trees at once; the tests check they equal XGBoost's.

Serving walks the trees once with the compiled predictor (`predictor.py`); this module is its
reference: `ReferenceExplainer` is the numpy explain path it replaced, and the tests hold the
predictor's contributions and reason codes to it.
"""

import json

import numpy as np
import xgboost as xgb

from .tier_model import TierModel


class TreeTable:
    """All trees of a booster as padded (trees, nodes) arrays, ready for vectorised walks."""

    def __init__(self, booster: xgb.Booster, group: int | None = None) -> None:
        """`group`: only the trees of that output group (a multi-class booster's class), else all."""
        model = json.loads(booster.save_raw("json"))
        gbtree = model["learner"]["gradient_booster"]["model"]
        trees = gbtree["trees"]
        if group is not None:
            trees = [t for t, g in zip(trees, gbtree["tree_info"], strict=True) if g == group]
        self.n_features = int(model["learner"]["learner_model_param"]["num_feature"])
        width = max(int(t["tree_param"]["num_nodes"]) for t in trees)
        shape = (len(trees), width)
        node_ids = np.arange(width)
        self.left = np.tile(node_ids, (len(trees), 1))  # padding and leaves point at themselves
        self.right = self.left.copy()
        self.feature = np.zeros(shape, dtype=np.int64)
        self.threshold = np.zeros(shape, dtype=np.float32)
        self.default_left = np.zeros(shape, dtype=bool)
        self.mean = np.zeros(shape, dtype=np.float64)
        depth = 0
        for t, tree in enumerate(trees):
            left = np.asarray(tree["left_children"])
            right = np.asarray(tree["right_children"])
            n = len(left)
            internal = left >= 0
            self.left[t, :n] = np.where(internal, left, node_ids[:n])
            self.right[t, :n] = np.where(internal, right, node_ids[:n])
            self.feature[t, :n] = np.where(internal, tree["split_indices"], 0)
            self.threshold[t, :n] = np.asarray(tree["split_conditions"], dtype=np.float32)
            self.default_left[t, :n] = np.asarray(tree["default_left"], dtype=bool)
            self.mean[t, :n] = _node_means(left, right, np.asarray(tree["split_conditions"]), tree["sum_hessian"])
            depth = max(depth, _depth(left, right))
        self.depth = depth
        self.width = width
        self.n_trees = len(trees)
        self._offset = (np.arange(self.n_trees) * width)[None, :]
        # Flattened views: one gather per array per level.
        self._left, self._right = self.left.ravel(), self.right.ravel()
        self._feature, self._threshold = self.feature.ravel(), self.threshold.ravel()
        self._default_left, self._mean = self.default_left.ravel(), self.mean.ravel()

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """(rows, features) contributions to the margin; positive pushes toward the positive class."""
        if x.shape[1] != self.n_features:
            raise ValueError(f"expected {self.n_features} features, got {x.shape[1]}")
        n = x.shape[0]
        node = np.broadcast_to(self._offset, (n, self.n_trees)).copy()
        row_base = (np.arange(n) * self.n_features)[:, None]
        flat_x = np.ascontiguousarray(x).ravel()
        out = np.zeros(n * self.n_features)
        for _ in range(self.depth):
            feature = self._feature[node]
            value = flat_x[row_base + feature]
            go_left = np.where(np.isnan(value), self._default_left[node], value < self._threshold[node])
            nxt = np.where(go_left, self._left[node], self._right[node]) + self._offset
            delta = self._mean[nxt] - self._mean[node]
            out += np.bincount((row_base + feature).ravel(), weights=delta.ravel(), minlength=out.size)
            node = nxt
        return out.reshape(n, self.n_features)


class ReferenceExplainer:
    """A tier model's per-tier contributions in numpy: one table per margin group, walked level by level."""

    def __init__(self, model: TierModel) -> None:
        self.model = model
        if model.kind in ("softmax", "ensemble"):  # one table per class: the trees of that output group
            self.tables = [TreeTable(model.boosters[0], group=g) for g in range(3)]
            self.tables += [TreeTable(b) for b in model.boosters[1:]]
        else:
            self.tables = [TreeTable(b) for b in model.boosters]

    def explain(self, x: np.ndarray, served: np.ndarray) -> np.ndarray:
        """(rows, features) contributions to the margin that put each row in the tier it is served."""
        linear = self.model.linear
        if len(self.tables) == 1 and linear is None:
            return self.tables[0].contributions(x)
        weights = self.model.explain_weights[served]  # (rows, groups)
        linear_parts = None if linear is None else linear.contributions(x)  # (rows, features, groups)
        out = np.zeros((x.shape[0], x.shape[1]))
        for g, table in enumerate(self.tables):
            if np.any(weights[:, g]):
                part = table.contributions(x)
                if linear_parts is not None:
                    part = part + linear_parts[:, :, g]
                out += part * weights[:, g : g + 1]
        return out


def _node_means(left: np.ndarray, right: np.ndarray, value: np.ndarray, cover: list[float]) -> np.ndarray:
    """Cover-weighted mean leaf value under every node (a leaf's mean is its own value)."""
    cover_arr = np.asarray(cover, dtype=np.float64)
    mean = np.asarray(value, dtype=np.float64).copy()
    # Children always have larger ids than their parent in XGBoost trees: fill bottom-up.
    for nid in range(len(left) - 1, -1, -1):
        if left[nid] >= 0:
            a, b = left[nid], right[nid]
            mean[nid] = (mean[a] * cover_arr[a] + mean[b] * cover_arr[b]) / (cover_arr[a] + cover_arr[b])
    return mean


def _depth(left: np.ndarray, right: np.ndarray) -> int:
    depth = np.zeros(len(left), dtype=np.int64)
    for nid in range(len(left)):
        if left[nid] >= 0:
            depth[left[nid]] = depth[right[nid]] = depth[nid] + 1
    return int(depth.max())


def top_reasons(contrib: np.ndarray, codes: list[str], k: int = 3) -> list[list[str]]:
    """Per row, the codes of the (up to) `k` features with the largest positive contributions, strongest first."""
    order = np.argsort(-contrib, axis=1, kind="stable")[:, : k * 2]
    out: list[list[str]] = []
    for r in range(contrib.shape[0]):
        picked: list[str] = []
        for j in order[r]:
            if contrib[r, j] <= 0 or len(picked) == k:
                break
            if codes[j] not in picked:
                picked.append(codes[j])
        out.append(picked)
    return out
