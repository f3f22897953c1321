"""Suite-wide safety (no test can reach real AWS, every client gets a region) and the one envs/local
apply that the local stack's tests and the terraform apply checks share."""

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

_FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    # Recent botocore routes DynamoDB (Streams) to account-based hosts that in-process moto ignores.
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "riskline-test",
    "POWERTOOLS_DEV": "false",
}
os.environ.update(_FAKE_AWS)
for _var in [v for v in os.environ if v.startswith("AWS_ENDPOINT_URL") or v == "AWS_PROFILE"]:
    del os.environ[_var]


@pytest.fixture(autouse=True)
def _fake_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in _FAKE_AWS.items():
        monkeypatch.setenv(key, value)


# ---------------------------------------------------------------- one envs/local apply per session
#
# The local end-to-end tests (tests/local) and the terraform apply checks (tests/terraform) share one
# moto server with terraform/envs/local applied to it. Under xdist (`make test`) they form one work
# unit, so a single worker applies it once; that unit is handed out first, because it is the longest
# chain and mostly waits on moto, and its destroy starts as soon as its last test is done.

LOCAL_ENV = "local_env"
LOCAL_ENV_GROUP = "envs-local"
_LOCAL_ENV_STATE = pytest.StashKey["LocalEnvState"]()


class LocalEnvState:
    """The applied environment of this session and its destroy, started once its last user is done."""

    def __init__(self, stack: Any, model: Future[Any]) -> None:
        self.stack = stack
        self.model = model  # the runtime's model (train_to_dir's result), trained during the apply
        self._destroy: threading.Thread | None = None
        self._destroy_error: BaseException | None = None

    def destroy_in_background(self) -> None:
        if self._destroy is None:
            self.stack.stop_runtime()
            self._destroy = threading.Thread(target=self._run_destroy, name="envs-local-destroy", daemon=True)
            self._destroy.start()

    def _run_destroy(self) -> None:
        try:
            self.stack.destroy()
        except BaseException as exc:
            self._destroy_error = exc

    def finish(self) -> None:
        """Destroy (or wait for the destroy), stop moto; raise if terraform did not destroy cleanly."""
        self.destroy_in_background()
        assert self._destroy is not None
        self._destroy.join()
        self.stack.stop()
        if self._destroy_error is not None:
            raise self._destroy_error


def _train_in_background(model_dir: Path) -> Future[Any]:
    """The local stack's model, trained while the zips are built and envs/local is applied (xgboost,
    the packaging and terraform leave the GIL): one chain of the run the shorter by a training."""
    from riskline_model.train import train_to_dir

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="local-model")
    try:
        return pool.submit(train_to_dir, model_dir, rows=3000, seed=5)
    finally:
        pool.shutdown(wait=False)


def _package(dist: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "package.py"), "--dist", str(dist)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"packaging failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


@pytest.fixture(scope="session")
def local_env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """moto + terraform/envs/local applied once (the real zips; a copy of terraform/, so the checkout's
    `.terraform.lock.hcl` is untouched); destroyed at the end, and that destroy must succeed."""
    from riskline_local.emulator.stack import LocalStack, StackOptions
    from riskline_local.emulator.terraform import unavailable_reason

    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(f"{reason}: the envs/local apply and the local stack need it")
    model = _train_in_background(tmp_path_factory.mktemp("local-model"))
    work = tmp_path_factory.mktemp("envs-local")
    _package(work / "dist")
    shutil.copytree(
        ROOT / "terraform",
        work / "terraform",
        ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", ".terraform.lock.hcl"),
    )
    options = StackOptions(
        work_dir=work / "stack",
        dist_dir=work / "dist",
        terraform_root=work / "terraform" / "envs" / "local",
        concurrency=4,
        sqs_retry_base_s=2,
        destroy_on_exit=False,
        progress=lambda message: None,
    )
    stack = LocalStack(options)
    state = LocalEnvState(stack, model)
    try:
        stack.start_environment()
    except BaseException:
        stack.stop()
        raise
    request.config.stash[_LOCAL_ENV_STATE] = state
    try:
        yield stack
    finally:
        del request.config.stash[_LOCAL_ENV_STATE]
        state.finish()


@pytest.fixture(scope="session")
def local_stack(request: pytest.FixtureRequest, local_env: Any) -> Iterator[Any]:
    """The session's envs/local with the runtime started on it (as `make up` runs it): the serving
    stages on the session's model, the Lambda runtime, its fronts and pollers. Shared by the
    end-to-end flows and the workbench's browser tests; stopped before the destroy."""
    model = request.config.stash[_LOCAL_ENV_STATE].model.result()
    local_env.start_runtime(model_tarball=model.tarball)
    try:
        yield local_env
    finally:
        local_env.stop_runtime()


# Units of work for the parallel workers (`make test`: `--dist loadscope`): each test module is one
# unit (its module-scoped fixtures are built once), and modules sharing an expensive session fixture
# are one unit together. xdist's scheduler sees only node ids, hence this table by module;
# `pytest_collection_modifyitems` fails the run if a module uses one of those fixtures unlisted.
# Within a group the modules run in the order listed: the browser tests first, on a fresh review
# queue (the flows after them leave medium-tier applications waiting in it).
SHARED_FIXTURE_GROUPS = {
    LOCAL_ENV: (
        LOCAL_ENV_GROUP,
        (
            "tests/browser/test_workbench_browser.py",
            "tests/local/test_local_stack_e2e.py",
            "tests/terraform/test_tf_local_apply.py",
        ),
    ),
    "built_zips": ("built-zips", ("tests/tools/test_packaging_zips.py",)),
}
MODULE_GROUPS = {module: group for group, modules in SHARED_FIXTURE_GROUPS.values() for module in modules}
MODULE_ORDER = {module: n for _group, modules in SHARED_FIXTURE_GROUPS.values() for n, module in enumerate(modules)}
# The longest chains are handed out first: the envs/local group (apply, the workbench in a browser,
# the local stack's flows, destroy: mostly waiting on moto) and the terraform binary checks (init,
# validate, `terraform test`).
FIRST = (LOCAL_ENV_GROUP, "tests/terraform/test_tf_binary.py")


def work_unit(nodeid: str) -> str:
    module = nodeid.split("::", 1)[0]
    return MODULE_GROUPS.get(module, module)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadscope` with the units above (xdist 3.8's `loadgroup` cannot rename pytest 9's node ids)."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return SharedFixtureScheduling(config, log)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the terraform and local-stack tests (`make test-fast` leaves them out), check the work-unit
    table, and put the longest units first (in this order without xdist too)."""
    unlisted = []
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        fixtures = getattr(item, "fixturenames", ())
        unlisted += [
            f"{module} uses {fixture}"
            for fixture, (_group, modules) in SHARED_FIXTURE_GROUPS.items()
            if fixture in fixtures and module not in modules
        ]
        area = item.path.relative_to(ROOT / "tests").parts[0] if item.path.is_relative_to(ROOT / "tests") else ""
        if area == "terraform":
            item.add_marker(pytest.mark.terraform)
        if area in ("local", "browser") or LOCAL_ENV in fixtures:
            item.add_marker(pytest.mark.local_stack)
    if unlisted:
        raise pytest.UsageError(
            "list these modules in SHARED_FIXTURE_GROUPS (tests/conftest.py): " + "; ".join(sorted(set(unlisted)))
        )
    rank = {unit: index for index, unit in enumerate(FIRST)}

    def order(item: pytest.Item) -> tuple[int, int]:
        module = item.nodeid.split("::", 1)[0]
        return rank.get(work_unit(item.nodeid), len(FIRST)), MODULE_ORDER.get(module, 0)

    items.sort(key=order)  # stable otherwise


_LAST_LOCAL_ENV_USER = pytest.StashKey[str]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Note the last test that uses the environment, once selection (-k, -m) is done."""
    users = [item.nodeid for item in session.items if LOCAL_ENV in getattr(item, "fixturenames", ())]
    if users:
        session.config.stash[_LAST_LOCAL_ENV_USER] = users[-1]


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Start the destroy once the last user of the environment is done, so it overlaps other tests
    (a test in between that does not use it, like the screenshots check, does not start it early)."""
    state = item.config.stash.get(_LOCAL_ENV_STATE, None)
    if state is not None and item.nodeid == item.config.stash.get(_LAST_LOCAL_ENV_USER, None):
        state.destroy_in_background()
