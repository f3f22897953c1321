"""The browser test's world: one local stack (as `make up` runs it) and Debian's chromium driven by
Playwright. Without terraform, chromium or Playwright the tests skip and say which is missing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "local"))
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing() -> str | None:
    if shutil.which("terraform") is None:
        return "terraform is not on PATH: the local stack needs it"
    if not CHROMIUM.exists():
        return f"no {CHROMIUM}: install Debian's chromium package (.ci/run does: apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (requirements/dev.txt pins it)"
    return None


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from riskline_local.emulator.stack import LocalStack, StackOptions
    from riskline_model.train import train_to_dir

    tmp = tmp_path_factory.mktemp("workbench-stack")
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "package.py"), "--dist", str(tmp / "dist")],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"packaging failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    model = train_to_dir(tmp / "model", rows=3000, seed=5)
    options = StackOptions(
        work_dir=tmp / "work",
        dist_dir=tmp / "dist",
        model_tarball=model.tarball,
        concurrency=2,
        sqs_retry_base_s=2,
        destroy_on_exit=False,
        progress=lambda message: None,
    )
    with LocalStack(options) as stack:
        yield stack


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()
