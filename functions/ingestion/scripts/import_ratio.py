"""Cold import of each ingestion handler in a fresh interpreter, as a ratio of `import boto3` (best of N runs)."""

import argparse
import subprocess
import sys

MODULES = ("api", "lex", "connect", "mailroom")


def best_seconds(statement: str, runs: int) -> float:
    probe = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.split()[-1]))
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    baseline = best_seconds("import boto3", runs)
    print(f"{'import boto3':40s} {baseline * 1000:7.0f} ms   1.00")
    for module in MODULES:
        seconds = best_seconds(f"import riskline_ingestion.{module}", runs)
        print(f"{'import riskline_ingestion.' + module:40s} {seconds * 1000:7.0f} ms   {seconds / baseline:.2f}")


if __name__ == "__main__":
    main()
