"""The model artifact in SageMaker's layout: files at the root of `model.tar.gz`.

model.ubj            the XGBoost booster (universal binary JSON); an ordinal model adds model_1.ubj
feature_spec.json    the fitted feature spec (imputation, codes, ratio constants, reason codes)
tiers.json           the tier model: kind, calibration, policy or cut-offs, grade vocabulary, booster files
metadata.json        model_version, training-data hash, metrics summary, library versions
"""

import gzip
import hashlib
import json
import platform
import shutil
import sys
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BOOSTER = "model.ubj"
FEATURE_SPEC = "feature_spec.json"
TIERS = "tiers.json"
LEGACY_THRESHOLDS = "thresholds.json"  # artifacts from before tiers.json: binary, read by serving
METADATA = "metadata.json"
FILES = (BOOSTER, FEATURE_SPEC, TIERS, METADATA)  # every artifact has these; tiers.json may name more boosters
BASELINE = "baseline.json"  # the drift monitor's training baseline (riskline_model.loop.baseline)
OPTIONAL_FILES = (BASELINE,)


@dataclass(frozen=True)
class ArtifactPaths:
    tarball: Path
    unpacked: Path


def data_hash(files: Iterable[Path]) -> str:
    """SHA-256 over the training files' names and bytes, in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def model_version(trained_at: datetime, training_data_hash: str) -> str:
    """`riskline-xgb-<UTC minute>-<first 8 hex of the data hash>`."""
    return f"riskline-xgb-{trained_at.astimezone(UTC):%Y%m%dT%H%M}-{training_data_hash[:8]}"


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    import numpy
    import xgboost

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:  # running from a source tree (e.g. a SageMaker source dir)
            return "source"

    return {
        "python": platform.python_version(),
        "xgboost": xgboost.__version__,
        "numpy": numpy.__version__,
        "riskline_schema": installed("riskline-schema"),
        "riskline_model": installed("riskline-model"),
    }


def write_metadata(model_dir: Path, doc: dict[str, Any]) -> None:
    (model_dir / METADATA).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")


def read_metadata(model_dir: Path) -> dict[str, Any]:
    return json.loads((model_dir / METADATA).read_text())


def artifact_files(model_dir: Path) -> list[str]:
    """Every file of the artifact in `model_dir`, in a stable order."""
    if not (model_dir / TIERS).is_file() and (model_dir / LEGACY_THRESHOLDS).is_file():
        return [BOOSTER, FEATURE_SPEC, LEGACY_THRESHOLDS, METADATA]
    names = list(FILES)
    if (model_dir / TIERS).is_file():
        names += [b for b in json.loads((model_dir / TIERS).read_text()).get("boosters", []) if b not in names]
    return names


def check_complete(model_dir: Path) -> None:
    missing = [name for name in artifact_files(model_dir) if not (model_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{model_dir}: model artifact lacks {', '.join(missing)}")


def pack(model_dir: Path, out_dir: Path) -> ArtifactPaths:
    """Tar `model_dir` as `out_dir/model.tar.gz` and unpack it to `out_dir/artifact/`.

    Deterministic bytes for the same files (fixed mtimes, owner and order), so a re-run that
    changed nothing leaves an identical tarball.
    """
    check_complete(model_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tarball = out_dir / "model.tar.gz"
    tmp = tarball.with_suffix(".tmp")
    with (
        open(tmp, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz,
        tarfile.open(fileobj=gz, mode="w") as tar,
    ):
        for name in artifact_files(model_dir) + [n for n in OPTIONAL_FILES if (model_dir / n).is_file()]:
            info = tar.gettarinfo(str(model_dir / name), arcname=name)
            info.mtime, info.uid, info.gid, info.uname, info.gname, info.mode = 0, 0, 0, "", "", 0o644
            with (model_dir / name).open("rb") as fh:
                tar.addfile(info, fh)
    tmp.replace(tarball)
    return ArtifactPaths(tarball=tarball, unpacked=unpack(tarball, out_dir / "artifact"))


def unpack(tarball: Path, dest: Path) -> Path:
    """Unpack a model.tar.gz to `dest` (replacing what was there), as SageMaker does to /opt/ml/model."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with tarfile.open(tarball, "r:gz") as tar:
        tar.extractall(dest, filter="data")
    check_complete(dest)
    return dest


def main(argv: list[str] | None = None) -> int:
    """`python -m riskline_model.artifact pack MODEL_DIR OUT_DIR`."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3 or args[0] != "pack":
        print("usage: python -m riskline_model.artifact pack MODEL_DIR OUT_DIR", file=sys.stderr)
        return 2
    paths = pack(Path(args[1]), Path(args[2]))
    print(f"artifact: {paths.tarball} ({paths.tarball.stat().st_size} bytes), unpacked to {paths.unpacked}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
