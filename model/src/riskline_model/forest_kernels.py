"""The compiled kernels of the predictor (numba): one walk per tree and row, and the top reasons.

`walk` adds each tree's leaf to its margin column in float32, in tree order, starting from the
row's base margin, as XGBoost's CPU predictor does, so the margins are XGBoost's to the bit. In the
same pass it credits each step's change in mean to the split feature, one accumulator per level,
summed level by level at the end: the order the numpy reference (`explain.TreeTable`) adds them in,
so the contributions are the reference's to the bit too. Rows are split into chunks over threads
(`prange`); each chunk reuses its own accumulators.

Given an `out` with columns (a model whose contributions are its one margin column's), the walk
also picks each row's reasons as soon as its contributions are summed, while they are in cache.

`top_reasons_*` is `explain.top_reasons` over code ids: the six largest contributions (ties: lower
feature first), the first three distinct positive codes among them.

Every hot index is unsigned (`U`): numba wraps a signed index that could be negative, a compare
and an add per access that, in a walk that is nothing but indexed loads, cost more than the loads.
"""

import numpy as np
from numba import njit, prange

BLOCK_ROWS = 32  # rows walked together, level by level, through each tree
CHUNK_ROWS = 256  # rows per parallel task
U = np.uint64


@njit(cache=True, nogil=True, boundscheck=False)
def _walk_rows(
    x, start, lo, hi, depth, column, feature, threshold, default_left, leaf, delta, code_of, margins, contrib, out
):
    """Arrays as `Forest`'s, flattened (tree-major); x (rows, features) float32, C order."""
    n_trees = column.shape[0]
    n_features = U(x.shape[1])
    n_columns = U(start.shape[1])
    internal = U(feature.shape[0] // n_trees)
    one, two = U(1), U(2)
    width = U(depth) * n_columns * n_features  # one row's accumulators: (level, column, feature)
    flat_x = x.ravel()
    block = max(1, min(BLOCK_ROWS, hi - lo))  # one application allocates for one row, not a block
    nodes = np.zeros(block, dtype=np.uint64)
    acc = np.zeros(block * n_columns, dtype=np.float32)
    levels = np.zeros(block * width)
    window = min(2 * out.shape[1], x.shape[1])
    best_value = np.zeros(max(window, 1))
    best_feature = np.zeros(max(window, 1), dtype=np.uint64)
    for first in range(lo, hi, block):
        rows = min(block, hi - first)
        levels[:] = 0.0
        missing = False
        for i in range(rows):
            r = U(first + i)
            for c in range(n_columns):
                acc[U(i) * n_columns + U(c)] = start[r, U(c)]
            for j in range(n_features):
                v = flat_x[r * n_features + U(j)]
                if v != v:
                    missing = True
        for t in range(n_trees):
            c = U(column[t])
            split0 = U(t) * internal
            node0 = U(t) * (two * internal + one)
            nodes[:rows] = 0
            # Level by level over the block: the rows' steps are independent, so the CPU overlaps
            # them; each step is branch-free (a mispredicted branch costs more than the step).
            for level in range(depth):
                at = (U(level) * n_columns + c) * n_features
                if missing:  # a missing value goes its split's default way
                    for i in range(rows):
                        node = nodes[i]
                        k = split0 + node
                        f = U(feature[k])
                        v = flat_x[U(first + i) * n_features + f]
                        go_right = U(not (v < threshold[k])) & U(not ((v != v) & default_left[k]))
                        node = two * node + one + go_right
                        nodes[i] = node
                        levels[U(i) * width + at + f] += delta[node0 + node]
                else:
                    for i in range(rows):
                        node = nodes[i]
                        k = split0 + node
                        f = U(feature[k])
                        node = two * node + one + U(not (flat_x[U(first + i) * n_features + f] < threshold[k]))
                        nodes[i] = node
                        levels[U(i) * width + at + f] += delta[node0 + node]
            leaf0 = U(t) * (internal + one) - internal
            for i in range(rows):
                acc[U(i) * n_columns + c] += leaf[leaf0 + nodes[i]]
        for i in range(rows):
            r = U(first + i)
            row = U(i) * width
            for c in range(n_columns):
                margins[r, U(c)] = acc[U(i) * n_columns + U(c)]
                for f in range(n_features):
                    total = 0.0
                    for level in range(depth):
                        total += levels[row + (U(level) * n_columns + U(c)) * n_features + U(f)]
                    contrib[r, U(c), U(f)] = total
            if window > 0:
                _top_row(contrib[r, 0], code_of, best_value, best_feature, out[r])


@njit(cache=True, nogil=True, boundscheck=False)
def _top_row(values, code_of, best_value, best_feature, out):
    """`out[:] = ` the first len(out) distinct codes of the len(best_value) largest positive values.

    One pass keeps the largest positives sorted (a tie keeps the lower feature first), so the codes
    are `explain.top_reasons`'s: its window is the first 2k of a stable descending sort, of which
    it reads the positive ones.
    """
    window = best_value.shape[0]
    kept = 0
    for j in range(values.shape[0]):
        v = values[U(j)]
        if v <= 0.0 or (kept == window and not v > best_value[U(window - 1)]):
            continue
        p = min(kept, window - 1)  # insert below every kept value >= v
        while p > 0 and v > best_value[U(p - 1)]:
            best_value[U(p)] = best_value[U(p - 1)]
            best_feature[U(p)] = best_feature[U(p - 1)]
            p -= 1
        best_value[U(p)] = v
        best_feature[U(p)] = U(j)
        kept = min(kept + 1, window)
    picked = 0
    for q in range(kept):
        if picked == out.shape[0]:
            break
        code = code_of[best_feature[U(q)]]
        seen = False
        for p in range(picked):
            if out[U(p)] == code:
                seen = True
        if not seen:
            out[U(picked)] = code
            picked += 1


@njit(cache=True, nogil=True)
def walk_serial(x, start, depth, column, feature, threshold, default_left, leaf, delta, code_of, margins, contrib, out):
    _walk_rows(
        x, start, 0, x.shape[0], depth, column, feature, threshold, default_left, leaf, delta, code_of, margins,
        contrib, out,
    )  # fmt: skip


@njit(cache=True, nogil=True, parallel=True)
def walk_parallel(
    x, start, depth, column, feature, threshold, default_left, leaf, delta, code_of, margins, contrib, out
):
    n = x.shape[0]
    chunks = (n + CHUNK_ROWS - 1) // CHUNK_ROWS
    for k in prange(chunks):
        lo = k * CHUNK_ROWS
        hi = min(n, lo + CHUNK_ROWS)
        _walk_rows(
            x, start, lo, hi, depth, column, feature, threshold, default_left, leaf, delta, code_of, margins,
            contrib, out,
        )  # fmt: skip


@njit(cache=True, nogil=True)
def _top_rows(contrib, code_of, lo, hi, out):
    window = max(1, min(2 * out.shape[1], contrib.shape[1]))
    best_value = np.zeros(window)
    best_feature = np.zeros(window, dtype=np.uint64)
    for r in range(lo, hi):
        _top_row(contrib[r], code_of, best_value, best_feature, out[r])


@njit(cache=True, nogil=True)
def top_reasons_serial(contrib, code_of, out):
    """Fills `out` (rows, k) with code ids, strongest first, -1 where fewer than k features pushed positively."""
    _top_rows(contrib, code_of, 0, contrib.shape[0], out)


@njit(cache=True, nogil=True, parallel=True)
def top_reasons_parallel(contrib, code_of, out):
    n = contrib.shape[0]
    chunks = (n + CHUNK_ROWS - 1) // CHUNK_ROWS
    for chunk in prange(chunks):
        _top_rows(contrib, code_of, chunk * CHUNK_ROWS, min(n, (chunk + 1) * CHUNK_ROWS), out)
