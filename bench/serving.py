"""Serving benchmark: riskline's two stages as real processes, chained as a SageMaker pipeline.

Measures, in one run and on one artifact:
  * in-process limit: preprocess + predict called directly (no HTTP), one request at a time;
  * riskline: both stages (httptools on uvloop, a worker per CPU) chained over loopback HTTP;
  * baseline: both stages built like AWS's stock framework containers (gunicorn + gevent + Flask,
    CSV parsed and a DMatrix built per request), chained the same way; stage 1 uses riskline's
    numpy feature spec so only the serving technique differs (the headline), and once more with a
    per-request pandas preprocess (`baseline_pandas`, the usual sklearn/pandas-container shape);
  * batch: scoring a feature matrix (probability, tier, reasons) against bare `inplace_predict`,
    both on every CPU.
Latency is single-application requests at concurrency 1 (p50/p99); throughput at concurrency 8.
The client is a small asyncio HTTP/1.1 keep-alive client, the same for both servers.

    python bench/serving.py [--model-dir build/model/artifact] [--requests 1000]

The last line is for parsers: `serving: p50_ms=... baseline_p50_ms=... speedup=...x throughput_ratio=...x`.
"""

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from riskline_local.emulator.procs import free_port
from riskline_local.emulator.stages import start_stage
from riskline_model.data.generator import generate
from riskline_model.serving.preprocess import Preprocessor
from riskline_model.serving.xgboost import Scorer

BENCH_DIR = Path(__file__).resolve().parent
ROUNDS = 5  # latency rounds, interleaved across configurations
THROUGHPUT_ROUNDS = 3
ROOT = BENCH_DIR.parent


class Connection:
    """One keep-alive HTTP/1.1 connection: just enough protocol for POST /invocations."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> "Connection":
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self

    async def post(self, body: bytes, content_type: str, accept: str | None) -> tuple[int, str, bytes]:
        assert self.reader is not None and self.writer is not None
        head = f"POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        if accept:
            head += f"Accept: {accept}\r\n"
        self.writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        payload = await self.reader.readexactly(int(headers.get("content-length", "0")))
        return status, headers.get("content-type", ""), payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def chain(conns: list[Connection], body: bytes) -> bytes:
    """SageMaker's serial pipeline: each answer, with its content type, is the next request."""
    status, ctype, out = await conns[0].post(body, "application/json", None)
    if status != 200:
        raise RuntimeError(f"stage 1 answered {status}: {out[:200]!r}")
    status, _, out = await conns[1].post(out, ctype, "application/json")
    if status != 200:
        raise RuntimeError(f"stage 2 answered {status}: {out[:200]!r}")
    return out


async def latency(ports: list[int], bodies: list[bytes], n: int, warmup: bool = True) -> list[float]:
    conns = [await Connection(p).open() for p in ports]
    for body in bodies[: 50 if warmup else 0]:  # warm up every worker's code paths
        await chain(conns, body)
    times = []
    for i in range(n):
        start = time.perf_counter_ns()
        await chain(conns, bodies[i % len(bodies)])
        times.append((time.perf_counter_ns() - start) / 1e6)
    for c in conns:
        c.close()
    return times


async def throughput(ports: list[int], bodies: list[bytes], n: int, concurrency: int = 8) -> float:
    pairs = [[await Connection(p).open() for p in ports] for _ in range(concurrency)]
    for conns in pairs:
        await chain(conns, bodies[0])
    counter = iter(range(n))

    async def worker(conns: list[Connection]) -> None:
        for i in counter:
            await chain(conns, bodies[i % len(bodies)])

    start = time.perf_counter()
    await asyncio.gather(*(worker(conns) for conns in pairs))
    elapsed = time.perf_counter() - start
    for conns in pairs:
        for c in conns:
            c.close()
    return n / elapsed


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def in_process(pre: Preprocessor, scorer: Scorer, bodies: list[bytes], n: int) -> list[float]:
    for body in bodies[:50]:
        scorer.invoke(pre.invoke(body, "application/json", None)[0], "text/csv", "application/json")
    times = []
    for i in range(n):
        start = time.perf_counter_ns()
        csv, ctype = pre.invoke(bodies[i % len(bodies)], "application/json", None)
        scorer.invoke(csv, ctype, "application/json")
        times.append((time.perf_counter_ns() - start) / 1e6)
    return times


def batch(model_dir: Path, rows: int) -> tuple[float, float, float, int]:
    """Rows/s of scoring a matrix (probability, tier probabilities, tier, reason codes) vs bare inplace_predict.

    Both on every CPU, on the same matrix, interleaved, medians of 7; and the predictions as dicts
    (what the batch command writes out) for the record.
    """
    threads = os.cpu_count() or 1
    pre, scorer = Preprocessor.load(model_dir), Scorer.load(model_dir, threads=threads)
    x = pre.features([item.application.to_model_input() for item in generate(rows, seed=404)])
    bare = scorer.model.boosters[0].copy()
    bare.set_param({"nthread": threads})
    ours, raw, dicts = [], [], []
    for _ in range(7):
        start = time.perf_counter()
        scorer.predictor.score(x)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare.inplace_predict(x, validate_features=False)
        raw.append(time.perf_counter() - start)
    for _ in range(3):
        start = time.perf_counter()
        scorer.predict(x)
        dicts.append(time.perf_counter() - start)
    return rows / statistics.median(ours), rows / statistics.median(raw), rows / statistics.median(dicts), threads


def start_pair(model_dir: Path, workers: int, logs: Path, flavour: str | None) -> list:
    stages = []
    for stage in ("preprocess", "xgboost"):
        port = free_port()
        command = None
        if flavour:
            command = [
                str(Path(sys.executable).parent / "gunicorn"),
                "-k", "gevent", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                "--chdir", str(BENCH_DIR), "--log-level", "warning", "serving_baseline:create_app()",
            ]  # fmt: skip
        env = {"BASELINE_PREPROCESS": flavour} if flavour else {}
        stages.append(
            start_stage(stage, model_dir, port=port, workers=workers, log_dir=logs, command=command, extra_env=env)
        )
    for s in stages:
        s.wait_ready(120)
    return stages


def main() -> int:
    parser = argparse.ArgumentParser(description="riskline serving benchmark")
    parser.add_argument("--model-dir", type=Path, default=ROOT / "build/model/artifact")
    parser.add_argument("--requests", type=int, default=1500, help="latency requests per configuration")
    parser.add_argument("--throughput-requests", type=int, default=3000, help="per configuration, over all rounds")
    parser.add_argument("--batch-rows", type=int, default=20_000)
    args = parser.parse_args()
    model_dir = args.model_dir.resolve()  # the baseline server runs from bench/
    if not (model_dir / "model.ubj").is_file():
        print(f"no artifact in {model_dir}: run `make train` first", file=sys.stderr)
        return 2
    workers = os.cpu_count() or 1
    bodies = [item.application.to_model_input().model_dump_json().encode() for item in generate(500, seed=303)]

    configs = [  # name, baseline stage-1 flavour (None = riskline's own stages), requests scale
        ("riskline", None, 1.0),
        ("baseline", "numpy", 1.0),
        ("baseline_pandas", "pandas", 0.25),
    ]
    labels = {
        None: "httptools+uvloop, compiled one-walk predictor",
        "numpy": "gunicorn+gevent+Flask, CSV parsed + DMatrix per request, numpy preprocess",
        "pandas": "same, with a per-request pandas preprocess",
    }
    pre, scorer = Preprocessor.load(model_dir), Scorer.load(model_dir)
    inproc: list[float] = []
    lat: dict[str, list[float]] = {name: [] for name, _, _ in configs}
    rps: dict[str, list[float]] = {name: [] for name, _, _ in configs}
    with tempfile.TemporaryDirectory() as logs:
        pairs = {name: start_pair(model_dir, workers, Path(logs), flavour) for name, flavour, _ in configs}
        try:
            # Rounds interleave the configurations, so background load on a shared machine falls on
            # all of them alike; idle servers cost nothing while another is measured.
            for r in range(ROUNDS):
                inproc += in_process(pre, scorer, bodies, args.requests // ROUNDS)
                for name, _, scale in configs:
                    ports = [s.port for s in pairs[name]]
                    n = max(20, int(args.requests * scale) // ROUNDS)
                    lat[name] += asyncio.run(latency(ports, bodies, n, warmup=r == 0))
            for _ in range(THROUGHPUT_ROUNDS):
                for name, _, scale in configs:
                    ports = [s.port for s in pairs[name]]
                    n = max(50, int(args.throughput_requests * scale) // THROUGHPUT_ROUNDS)
                    rps[name].append(asyncio.run(throughput(ports, bodies, n)))
        finally:
            for stages in pairs.values():
                for s in stages:
                    s.stop()

    print(f"inprocess: p50_ms={pct(inproc, 50):.3f} p99_ms={pct(inproc, 99):.3f} (preprocess + predict, no HTTP)")
    results = {}
    for name, flavour, _ in configs:
        results[name] = (pct(lat[name], 50), pct(lat[name], 99), statistics.median(rps[name]))
        p50, p99, median_rps = results[name]
        print(f"{name}_c1: p50_ms={p50:.3f} p99_ms={p99:.3f} ({labels[flavour]}; {workers} workers per stage)")
        print(f"{name}_c8: throughput_rps={median_rps:.1f} (median of {THROUGHPUT_ROUNDS} rounds)")

    ours_rows, raw_rows, dict_rows, threads = batch(model_dir, args.batch_rows)
    print(
        f"batch: rows={args.batch_rows} rows_per_s={ours_rows:.0f} raw_inplace_rows_per_s={raw_rows:.0f} "
        f"ratio={ours_rows / raw_rows:.2f}x (probability + tier + reason codes vs probability only; "
        f"{threads} threads each) as_dicts_rows_per_s={dict_rows:.0f}"
    )
    ours, base, pandas = results["riskline"], results["baseline"], results["baseline_pandas"]
    print(f"baseline_pandas: speedup={pandas[0] / ours[0]:.1f}x throughput_ratio={ours[2] / pandas[2]:.1f}x")
    print(
        f"serving: p50_ms={ours[0]:.3f} baseline_p50_ms={base[0]:.3f} speedup={base[0] / ours[0]:.1f}x "
        f"throughput_ratio={ours[2] / base[2]:.1f}x inprocess_p50_ms={pct(inproc, 50):.3f} "
        f"inprocess_ratio={ours[0] / pct(inproc, 50):.1f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
