"""The browser test's world: the session's local stack (`local_stack`, tests/conftest.py: the one
envs/local apply with the runtime on it) and Debian's chromium driven by Playwright. Without
terraform, chromium or Playwright the tests skip and say which is missing."""

from __future__ import annotations

import shutil
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
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()
