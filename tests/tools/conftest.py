"""Load the scripts under tools/ (not an installed package) and build each zip once per session."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_tool(name: str) -> ModuleType:
    module_name = f"riskline_tools_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def package_tool() -> ModuleType:
    return load_tool("package")


@pytest.fixture(scope="session")
def lambda_sim() -> ModuleType:
    return load_tool("lambda_sim")


class BuiltZips(dict):
    """fn -> Built; a function whose build failed fails its own tests, not everyone's."""

    def __missing__(self, fn: str):
        pytest.fail(f"dist/{fn}.zip was not built: {self.errors.get(fn, 'unknown function')}")

    errors: dict


@pytest.fixture(scope="session")
def built_zips(package_tool, tmp_path_factory) -> BuiltZips:
    """Every function's zip, built once (wheels cached under build/wheels across sessions)."""
    dist = tmp_path_factory.mktemp("dist")
    cache = package_tool.WheelCache(ROOT / "build" / "wheels")
    built = BuiltZips()
    built.errors = {}
    for fn in package_tool.function_names():
        try:
            built[fn] = package_tool.build(fn, dist=dist, build_dir=tmp_path_factory.mktemp(f"build-{fn}"), cache=cache)
        except package_tool.PackagingError as error:
            built.errors[fn] = str(error)
    return built
