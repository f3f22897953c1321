"""The serving image's recipe (no engine here to build it) and the closure it promises."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "model/Dockerfile").read_text()


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_image_declares_the_sagemaker_bind_to_port_capability():
    assert "com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true" in DOCKERFILE


def test_image_runs_as_a_non_root_user_from_a_pinned_base():
    users = re.findall(r"^USER\s+(\S+)", DOCKERFILE, flags=re.M)
    assert users and all(not u.startswith(("root", "0")) for u in users)
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)", DOCKERFILE, flags=re.M).group(1)
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", base)


def test_image_entry_point_is_the_serving_module_started_with_serve():
    assert 'ENTRYPOINT ["python", "-m", "riskline_model.serving"]' in DOCKERFILE
    assert 'CMD ["serve"]' in DOCKERFILE


def test_image_pins_match_the_project_lock():
    serving, dev = _pins(ROOT / "model/requirements-serving.txt"), _pins(ROOT / "requirements/dev.txt")
    assert serving and {k: dev.get(k) for k in serving} == serving


def test_serving_stages_import_nothing_from_the_training_extras():
    code = (
        "import sys, riskline_model.serving.app, riskline_model.serving.server, "
        "riskline_model.serving.preprocess, riskline_model.serving.xgboost;"
        "print(sorted(m for m in ('pandas', 'pyarrow', 'matplotlib', 'boto3') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_training_job_pins_match_the_project_lock():
    training, dev = _pins(ROOT / "model/requirements-training.txt"), _pins(ROOT / "requirements/dev.txt")
    assert training and {k: dev.get(k) for k in training} == training
