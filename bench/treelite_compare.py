"""riskline's one-walk predictor against Treelite/TL2cgen (the booster compiled to C) and bare XGBoost.

On one artifact and the serving benchmark's batch matrix (`bench/serving.py`'s `batch`: 20,000
generated applications, seed 404, through the artifact's preprocessor), in one run:
  * riskline: `Predictor.score` (margins, probability, tier probabilities, tier, reason codes) and
    the same without the reasons (`walk`, probabilities, tier: the walk still sums the path
    contributions, it has no margin-only mode);
  * tl2cgen: each booster converted by Treelite, compiled by gcc (-O3) into a shared library in a
    temporary directory and loaded with `tl2cgen.Predictor`; the main booster's probability alone
    (what bare `inplace_predict` gives), and every booster's margins through the tier model (the
    probability and tiers riskline serves, without reasons). TL2cgen has no contributions;
  * xgboost: bare `inplace_predict` on the main booster, the baseline of every ratio.
First it checks that the three agree. Batch rows/s use every CPU, interleaved, medians of 7; single
rows use one thread each (a serving worker's), interleaved rounds, the median of every call.

    python bench/treelite_compare.py [--model-dir build/model/artifact]

The last line is for parsers: `treelite: batch_rows_per_s riskline=... tl2cgen=... xgboost=... ...`.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import tl2cgen
import treelite
import xgboost as xgb

from riskline_model.data.generator import generate
from riskline_model.serving.preprocess import Preprocessor
from riskline_model.serving.xgboost import Scorer

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 7
MATRIX_SEED = 404  # bench/serving.py's batch matrix, so the two benchmarks' batch figures compare


def compile_booster(booster: xgb.Booster, libpath: Path, threads: int) -> tuple[float, float]:
    """Seconds to convert the booster to a Treelite model, and to generate C and build the library."""
    start = time.perf_counter()
    model = treelite.frontend.from_xgboost(booster)
    converted = time.perf_counter()
    # parallel_comp splits the trees over that many C files, so gcc builds them on every CPU. tl2cgen
    # reads the model with its own bundled Treelite (4.1.2) and warns that 4.8.1 wrote it; the
    # agreement check below is what shows the generated code is right.
    tl2cgen.export_lib(model, toolchain="gcc", libpath=libpath, params={"parallel_comp": threads}, nthread=threads)
    return converted - start, time.perf_counter() - converted


class Compiled:
    """A tier model's boosters as TL2cgen libraries: the main booster's output, or every margin."""

    def __init__(self, libs: list[Path], scorer: Scorer, threads: int) -> None:
        self.predictors = [tl2cgen.Predictor(lib, nthread=threads) for lib in libs]
        self.model = scorer.model
        self.base_margin = scorer.predictor.forest.base_margin

    def probability(self, x: np.ndarray) -> np.ndarray:
        return self.predictors[0].predict(tl2cgen.DMatrix(x, dtype="float32")).reshape(len(x), -1)

    def margins(self, x: np.ndarray) -> np.ndarray:
        dmat = tl2cgen.DMatrix(x, dtype="float32")
        parts = [p.predict(dmat, pred_margin=True).reshape(len(x), -1) for p in self.predictors]
        margins = parts[0] if len(parts) == 1 else np.hstack(parts)
        if self.model.linear is not None:
            # XGBoost starts from the linear scores in place of base_score; Treelite always adds base_score.
            margins = margins - self.base_margin + self.model.linear.margins(x).astype(np.float32)
        return margins

    def tiers(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        p, tier_p = self.model.probabilities(self.margins(x))
        return p, tier_p, self.model.serve(p, tier_p)


def max_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


def agreement(scorer: Scorer, compiled: Compiled, bare: xgb.Booster, x: np.ndarray) -> list[str]:
    """The three answers side by side; XGBoost's margins through the tier model are the reference."""
    model = scorer.model
    ref_margins = model.margins(x)
    ref_p, ref_tiers = model.probabilities(ref_margins)
    ref_served = model.serve(ref_p, ref_tiers)
    ours = scorer.predictor.score(x)
    tl_p, tl_tiers, tl_served = compiled.tiers(x)
    main = bare.inplace_predict(x, validate_features=False).reshape(len(x), -1)
    lines = [
        f"agree: main booster output ({main.shape[1]} column(s)) tl2cgen vs inplace_predict "
        f"max_abs={max_diff(compiled.probability(x), main):.2e}",
        f"agree: margins riskline max_abs={max_diff(ours.margins, ref_margins):.2e} "
        f"tl2cgen max_abs={max_diff(compiled.margins(x), ref_margins):.2e} "
        f"(vs xgboost's, {ref_margins.shape[1]} columns)",
        f"agree: reject_probability riskline max_abs={max_diff(ours.reject_probability, ref_p):.2e} "
        f"tl2cgen max_abs={max_diff(tl_p, ref_p):.2e}; tier_probabilities riskline "
        f"max_abs={max_diff(ours.tier_probabilities, ref_tiers):.2e} "
        f"tl2cgen max_abs={max_diff(tl_tiers, ref_tiers):.2e}; "
        f"tier served differs riskline={int(np.sum(ours.served != ref_served))} "
        f"tl2cgen={int(np.sum(tl_served != ref_served))} of {len(x)} rows",
    ]
    if model.kind == "binary":  # there the bare output is the reject probability itself
        worst = max_diff(ours.reject_probability, main[:, 0])
        lines.append(f"agree: binary probability riskline vs inplace_predict max_abs={worst:.2e}")
    return lines


def batch_rates(configs: dict[str, Callable[[], object]], rows: int) -> dict[str, float]:
    """Rows/s per configuration: rounds interleave them, so background load falls on all alike."""
    times: dict[str, list[float]] = {name: [] for name in configs}
    for run in configs.values():  # warm-up: numba's parallel kernel, the libraries' thread pools
        run()
    for _ in range(ROUNDS):
        for name, run in configs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: rows / statistics.median(t) for name, t in times.items()}


def single_latencies(configs: dict[str, Callable[[int], object]], calls: int) -> dict[str, float]:
    """Median µs per one-row call, each call timed, rounds interleaving the configurations."""
    times: dict[str, list[int]] = {name: [] for name in configs}
    for run in configs.values():
        for i in range(50):
            run(i)
    for r in range(ROUNDS):
        for name, run in configs.items():
            for i in range(r * calls // ROUNDS, (r + 1) * calls // ROUNDS):
                start = time.perf_counter_ns()
                run(i)
                times[name].append(time.perf_counter_ns() - start)
    return {name: statistics.median(t) / 1e3 for name, t in times.items()}


def measure(
    scorer: Scorer, libs: list[Path], x: np.ndarray, threads: int, calls: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Prints the agreement, then (batch rows/s, single-row median µs) per configuration."""
    model, predictor = scorer.model, scorer.predictor
    bare = model.boosters[0].copy()  # the Scorer's boosters run on one thread; the batch baseline gets every CPU
    bare.set_param({"nthread": threads})
    single_bare = model.boosters[0]
    batch_tl, single_tl = Compiled(libs, scorer, threads), Compiled(libs, scorer, 1)
    for line in agreement(scorer, batch_tl, bare, x):
        print(line)

    def no_reasons(rows: np.ndarray) -> object:
        margins, _ = predictor.walk(rows)
        p, tier_p = model.probabilities(margins)
        return model.serve(p, tier_p)

    batch = batch_rates(
        {
            "riskline": lambda: predictor.score(x),
            "riskline_no_reasons": lambda: no_reasons(x),
            "tl2cgen": lambda: batch_tl.probability(x),
            "tl2cgen_tiers": lambda: batch_tl.tiers(x),
            "xgboost": lambda: bare.inplace_predict(x, validate_features=False),
        },
        len(x),
    )
    rows = [x[i : i + 1] for i in range(calls)]
    prebuilt = [tl2cgen.DMatrix(r, dtype="float32") for r in rows]  # to time the predict call alone
    single = single_latencies(
        {
            "riskline": lambda i: predictor.score(rows[i]),
            "riskline_no_reasons": lambda i: no_reasons(rows[i]),
            "tl2cgen": lambda i: single_tl.probability(rows[i]),
            "tl2cgen_predict_only": lambda i: single_tl.predictors[0].predict(prebuilt[i]),
            "tl2cgen_tiers": lambda i: single_tl.tiers(rows[i]),
            "xgboost": lambda i: single_bare.inplace_predict(rows[i], validate_features=False),
        },
        calls,
    )
    return batch, single


def main() -> int:
    parser = argparse.ArgumentParser(description="riskline's predictor vs Treelite/TL2cgen")
    parser.add_argument("--model-dir", type=Path, default=ROOT / "build/model/artifact")
    parser.add_argument("--batch-rows", type=int, default=20_000)
    parser.add_argument("--single-calls", type=int, default=2_000, help="one-row calls per configuration")
    args = parser.parse_args()
    if not (args.model_dir / "model.ubj").is_file():
        print(f"no artifact in {args.model_dir}: run `make train` first", file=sys.stderr)
        return 2
    threads = os.cpu_count() or 1
    pre, scorer = Preprocessor.load(args.model_dir), Scorer.load(args.model_dir, threads=threads)
    model = scorer.model
    x = pre.features([item.application.to_model_input() for item in generate(args.batch_rows, seed=MATRIX_SEED)])

    with tempfile.TemporaryDirectory() as tmp:
        libs, convert_s, compile_s = [], 0.0, 0.0
        for b, booster in enumerate(model.boosters):
            libs.append(Path(tmp) / f"booster{b}.so")
            conv, comp = compile_booster(booster, libs[-1], threads)
            convert_s, compile_s = convert_s + conv, compile_s + comp
        print(
            f"compile: tl2cgen_s={compile_s:.2f} treelite_convert_s={convert_s:.2f} boosters={len(libs)} "
            f"trees={scorer.predictor.forest.n_trees} (gcc -O3, parallel_comp={threads}); "
            f"model kind {model.kind}, {x.shape[1]} features"
        )
        batch, single = measure(scorer, libs, x, threads, args.single_calls)

    labels = {
        "riskline": "Predictor.score: probability, tier probabilities, tier, reason codes",
        "riskline_no_reasons": "walk + probabilities + tier, no reasons; the walk still sums contributions",
        "tl2cgen": "main booster's probability only, DMatrix built per call",
        "tl2cgen_predict_only": "the same, DMatrix built beforehand",
        "tl2cgen_tiers": "every booster's margins -> probability, tier probabilities, tier; no reasons",
        "xgboost": "bare inplace_predict, main booster's probability only",
    }
    for name, rate in batch.items():
        print(
            f"batch {name}: rows={len(x)} rows_per_s={rate:.0f} vs_inplace={rate / batch['xgboost']:.2f}x "
            f"({labels[name]}; {threads} threads)"
        )
    print(
        "batch tl2cgen_contribs: not measured: tl2cgen 1.0.0's Predictor.predict has no contributions "
        "(pred_margin is its only option; Treelite 4.8.1's GTIL has none either)"
    )
    for name, us in single.items():
        print(
            f"single {name}: calls={args.single_calls} median_us={us:.1f} vs_inplace={single['xgboost'] / us:.2f}x "
            f"({labels[name]}; 1 thread)"
        )
    print(
        f"treelite: batch_rows_per_s riskline={batch['riskline']:.0f} tl2cgen={batch['tl2cgen']:.0f} "
        f"xgboost={batch['xgboost']:.0f} riskline_ratio={batch['riskline'] / batch['xgboost']:.2f}x "
        f"tl2cgen_ratio={batch['tl2cgen'] / batch['xgboost']:.2f}x single_us riskline={single['riskline']:.1f} "
        f"tl2cgen={single['tl2cgen']:.1f} xgboost={single['xgboost']:.1f} "
        f"riskline_speedup={single['xgboost'] / single['riskline']:.2f}x "
        f"tl2cgen_speedup={single['xgboost'] / single['tl2cgen']:.2f}x "
        f"riskline_over_tl2cgen batch={batch['riskline'] / batch['tl2cgen']:.2f}x "
        f"single={single['tl2cgen'] / single['riskline']:.2f}x compile_s={compile_s:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
