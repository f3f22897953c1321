"""A tier model's trees as one flat, contiguous table of perfect binary trees, read from the boosters.

Every tree is padded to the forest's deepest level: node i's children are 2i+1 and 2i+2, so a walk
is `depth` steps of index arithmetic with no child pointers to chase. A leaf above the last level
becomes a node whose two children are copies of it (same value, same mean), so whichever way the
padding step goes the leaf value is the same and its contribution is zero.

Per node the table keeps what one walk needs for both answers: the split (feature, threshold,
default direction for a missing value), the leaf value (the margin) and the change in the
cover-weighted mean from the parent (the path contribution XGBoost returns with
`approx_contribs=True`, credited to the parent's split feature). The means are computed by
`explain._node_means`, the reference implementation's own code, so the contributions match it.

Margin columns follow `TierModel.margins`: booster 0's output groups first (1 for binary, 3 for a
softmax booster), then one column per further booster (the ordinal heads).
"""

import json
from dataclasses import dataclass

import numpy as np
import xgboost as xgb

from .explain import _node_means

# Objectives whose base_score is stored as a probability (a multi-class intercept is stored as margins).
_LOGIT_OBJECTIVES = frozenset({"binary:logistic", "reg:logistic"})


@dataclass(frozen=True)
class Forest:
    depth: int  # levels below the root, the same for every tree
    n_features: int
    n_columns: int  # margin columns
    column: np.ndarray  # (trees,) int64: the margin column each tree adds to
    feature: np.ndarray  # (trees, internal nodes) int32
    threshold: np.ndarray  # (trees, internal nodes) float32: go left when x < threshold
    default_left: np.ndarray  # (trees, internal nodes) bool: where a missing value goes
    leaf: np.ndarray  # (trees, leaves) float32: the last level's values
    delta: np.ndarray  # (trees, nodes) float64: mean(node) - mean(parent); 0 at the root
    base_margin: np.ndarray  # (columns,) float32: each column's start without a linear base margin

    @property
    def n_trees(self) -> int:
        return len(self.column)

    @classmethod
    def from_boosters(cls, boosters: list[xgb.Booster], groups_of_first: int) -> "Forest":
        """`groups_of_first`: output groups of boosters[0] (1, or 3 for a softmax booster)."""
        trees: list[dict] = []
        columns: list[int] = []
        bases: list[float] = []
        n_features = 0
        for b, booster in enumerate(boosters):
            model = json.loads(booster.save_raw("json"))
            learner = model["learner"]
            gbtree = learner["gradient_booster"]
            if gbtree["name"] != "gbtree":
                raise ValueError(f"only gbtree boosters can be compiled, not {gbtree['name']!r}")
            n_features = int(learner["learner_model_param"]["num_feature"])
            groups = groups_of_first if b == 0 else 1
            offset = 0 if b == 0 else groups_of_first + b - 1
            for tree, group in zip(gbtree["model"]["trees"], gbtree["model"]["tree_info"], strict=True):
                if any(int(s) != 0 for s in tree["split_type"]):
                    raise ValueError("categorical splits are not supported by the compiled predictor")
                trees.append(tree)
                columns.append(offset + int(group))
            bases += _base_margins(learner, groups)
        depth = max(_tree_depth(t) for t in trees)
        internal, nodes = 2**depth - 1, 2 ** (depth + 1) - 1
        shape = (len(trees), internal)
        feature = np.zeros(shape, dtype=np.int32)
        threshold = np.full(shape, np.inf, dtype=np.float32)
        default_left = np.ones(shape, dtype=bool)
        leaf = np.zeros((len(trees), nodes - internal), dtype=np.float32)
        delta = np.zeros((len(trees), nodes), dtype=np.float64)
        for t, tree in enumerate(trees):
            left = np.asarray(tree["left_children"])
            right = np.asarray(tree["right_children"])
            value = np.asarray(tree["split_conditions"], dtype=np.float64)
            mean = _node_means(left, right, value, tree["sum_hessian"])
            # (slot in the perfect tree, node id in xgboost's tree), from the root down.
            stack = [(0, 0)]
            while stack:
                slot, nid = stack.pop()
                if slot >= internal:  # the last level: a leaf (or a padded copy of one)
                    leaf[t, slot - internal] = np.float32(tree["split_conditions"][nid])
                    continue
                if left[nid] >= 0:
                    feature[t, slot] = int(tree["split_indices"][nid])
                    threshold[t, slot] = np.float32(tree["split_conditions"][nid])
                    default_left[t, slot] = bool(tree["default_left"][nid])
                    kids = (int(left[nid]), int(right[nid]))
                else:  # a leaf above the last level: both children are the leaf itself
                    kids = (nid, nid)
                for k, child in enumerate(kids):
                    child_slot = 2 * slot + 1 + k
                    delta[t, child_slot] = mean[child] - mean[nid]
                    stack.append((child_slot, child))
        return cls(
            depth=depth,
            n_features=n_features,
            n_columns=groups_of_first + len(boosters) - 1,
            column=np.asarray(columns, dtype=np.int64),
            feature=feature,
            threshold=threshold,
            default_left=default_left,
            leaf=leaf,
            delta=delta,
            base_margin=np.asarray(bases, dtype=np.float32),
        )


def _tree_depth(tree: dict) -> int:
    left, right = tree["left_children"], tree["right_children"]
    depth = [0] * len(left)
    for nid in range(len(left)):  # children always have larger ids than their parent
        if left[nid] >= 0:
            depth[left[nid]] = depth[right[nid]] = depth[nid] + 1
    return max(depth)


def _base_margins(learner: dict, groups: int) -> list[np.float32]:
    """The booster's intercept per output group, in margin space (what xgboost starts each row from).

    A logistic booster stores it as a probability and XGBoost applies the link in float32; so does
    this, since a float64 link lands an ulp away and shifts every margin by it.
    """
    raw = learner["learner_model_param"]["base_score"].strip("[]")
    scores = np.asarray([float(v) for v in raw.split(",")], dtype=np.float32)
    if scores.size == 1:
        scores = np.repeat(scores, groups)
    objective = learner["objective"]["name"]
    one = np.float32(1.0)
    if objective in _LOGIT_OBJECTIVES:
        return list(-np.log(one / scores - one))
    return list(scores)
