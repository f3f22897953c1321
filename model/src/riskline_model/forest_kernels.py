"""The compiled kernels of the predictor (numba): one walk per tree and row, and the top reasons.

`walk` adds each tree's leaf to its margin column in float32, in tree order, starting from the
row's base margin, as XGBoost's CPU predictor does, so the margins are XGBoost's to the bit. In the
same pass it credits each step's change in mean to the split feature, one accumulator per level,
summed level by level at the end: the order the numpy reference (`explain.TreeTable`) adds them in,
so the contributions are the reference's to the bit too. Rows are split into chunks over threads
(`prange`); each chunk reuses its own accumulators.

`top_reasons_*` is `explain.top_reasons` over code ids: the six largest contributions (ties: lower
feature first), the first three distinct positive codes among them.
"""

import numpy as np
from numba import njit, prange

BLOCK_ROWS = 32  # rows walked together, level by level, through each tree
CHUNK_ROWS = 256  # rows per parallel task


@njit(cache=True, nogil=True, boundscheck=False)
def _walk_rows(x, start, lo, hi, depth, column, feature, threshold, default_left, leaf, delta, margins, contrib):
    """Arrays as `Forest`'s, flattened (tree-major); x (rows, features) float32, C order."""
    n_trees = column.shape[0]
    n_features = x.shape[1]
    n_columns = start.shape[1]
    internal = feature.shape[0] // n_trees
    block = max(1, min(BLOCK_ROWS, hi - lo))  # one application allocates for one row, not a block
    nodes = np.zeros(block, dtype=np.int64)
    acc = np.zeros((block, n_columns), dtype=np.float32)
    levels = np.zeros((block, depth, n_columns, n_features))
    for first in range(lo, hi, block):
        rows = min(block, hi - first)
        levels[:] = 0.0
        missing = False
        for i in range(rows):
            acc[i] = start[first + i]
            for j in range(n_features):
                if x[first + i, j] != x[first + i, j]:
                    missing = True
        for t in range(n_trees):
            c = column[t]
            split0, node0 = t * internal, t * (2 * internal + 1)
            nodes[:rows] = 0
            # Level by level over the block: the rows' steps are independent, so the CPU overlaps
            # them; each step is branch-free (a mispredicted branch costs more than the step).
            for level in range(depth):
                for i in range(rows):
                    k = split0 + nodes[i]
                    f = feature[k]
                    v = x[first + i, f]
                    go_right = np.int64(not (v < threshold[k]))
                    if missing:  # a missing value goes its split's default way
                        go_right &= np.int64(not ((v != v) & default_left[k]))
                    node = 2 * nodes[i] + 1 + go_right
                    nodes[i] = node
                    levels[i, level, c, f] += delta[node0 + node]
            leaf0 = t * (internal + 1) - internal
            for i in range(rows):
                acc[i, c] += leaf[leaf0 + nodes[i]]
        for i in range(rows):
            r = first + i
            margins[r] = acc[i]
            for c in range(n_columns):
                for f in range(n_features):
                    total = 0.0
                    for level in range(depth):
                        total += levels[i, level, c, f]
                    contrib[r, c, f] = total


@njit(cache=True, nogil=True)
def walk_serial(x, start, depth, column, feature, threshold, default_left, leaf, delta, margins, contrib):
    _walk_rows(x, start, 0, x.shape[0], depth, column, feature, threshold, default_left, leaf, delta, margins, contrib)


@njit(cache=True, nogil=True, parallel=True)
def walk_parallel(x, start, depth, column, feature, threshold, default_left, leaf, delta, margins, contrib):
    n = x.shape[0]
    chunks = (n + CHUNK_ROWS - 1) // CHUNK_ROWS
    for k in prange(chunks):
        lo = k * CHUNK_ROWS
        hi = min(n, lo + CHUNK_ROWS)
        _walk_rows(x, start, lo, hi, depth, column, feature, threshold, default_left, leaf, delta, margins, contrib)


@njit(cache=True, nogil=True)
def _top_rows(contrib, code_of, lo, hi, out):
    n_features = contrib.shape[1]
    k = out.shape[1]
    window = min(2 * k, n_features)
    taken = np.zeros(n_features, dtype=np.bool_)
    for r in range(lo, hi):
        taken[:] = False
        picked = 0
        for _ in range(window):
            best = -1
            for j in range(n_features):  # the largest not yet taken; a tie keeps the lower feature
                if not taken[j] and (best < 0 or contrib[r, j] > contrib[r, best]):
                    best = j
            taken[best] = True
            if contrib[r, best] <= 0 or picked == k:
                break
            code = code_of[best]
            seen = False
            for p in range(picked):
                if out[r, p] == code:
                    seen = True
            if not seen:
                out[r, picked] = code
                picked += 1


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
