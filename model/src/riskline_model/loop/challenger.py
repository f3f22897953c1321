"""Train the challenger through the training entry point, exactly as `make train` and SageMaker run it."""

import os
import subprocess
import sys
from pathlib import Path

from .. import artifact


class ChallengerTrainingFailed(RuntimeError):
    """The training entry point exited non-zero; the message carries its last words."""


def train_challenger(train_channel: Path, out_dir: Path, hyperparameters: dict[str, str] | None = None) -> Path:
    """Run `python -m riskline_model.train` on the channel, pack the artifact; returns the unpacked dir.

    `out_dir` receives model.tar.gz, artifact/ (unpacked), metrics.json and report.html.
    """
    staging = out_dir / "staging"
    config = out_dir / "config"
    config.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "SM_CHANNEL_TRAIN": str(train_channel),
        "SM_MODEL_DIR": str(staging),
        "SM_OUTPUT_DATA_DIR": str(out_dir),
        "SM_INPUT_CONFIG_DIR": str(config),
        "SM_OUTPUT_DIR": str(out_dir),
        # An empty tier on the training run's own small test split is judged by the gate on the
        # holdout (check `empty_tiers`), so it must not stop the challenger from being trained.
        "RISKLINE_ALLOW_EMPTY_TIERS": "1",
    }
    command = [sys.executable, "-m", "riskline_model.train"]
    for name, value in (hyperparameters or {}).items():
        command += ["--hp", f"{name}={value}"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ChallengerTrainingFailed(f"training exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    print(done.stdout.strip())
    return artifact.pack(staging, out_dir).unpacked
