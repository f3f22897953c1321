"""The built zips: contents, determinism, and every contract handler importable from its zip alone."""

import json
import subprocess
import sys
import zipfile

import pytest

from .conftest import ROOT, load_tool

lambda_sim = load_tool("lambda_sim")
package = load_tool("package")

FUNCTIONS = package.function_names()
HANDLERS = [(fn, handler) for fn, _role, handler in lambda_sim.contract_handlers() if fn in FUNCTIONS]


def test_contract_lists_handlers_for_every_function_present():
    listed = {fn for fn, _role, _handler in lambda_sim.contract_handlers()}
    assert "etl" in FUNCTIONS
    assert set(FUNCTIONS) <= listed


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_zip_leaves_out_the_runtime_packages_and_build_bloat(built_zips, fn):
    names = zipfile.ZipFile(built_zips[fn].path).namelist()
    tops = {name.split("/")[0] for name in names}
    for provided in ("boto3", "botocore", "s3transfer", "urllib3", "jmespath", "dateutil", "six.py"):
        assert provided not in tops
    assert not any(name.startswith(("boto3-", "botocore-", "urllib3-", "six-")) for name in tops)
    assert not [n for n in names if n.endswith(("RECORD", ".pyi", ".egg-info")) or "/tests/" in n]
    assert not [n for n in names if n.endswith(".pyc") and ".cpython-311" not in n]
    assert "riskline_schema/__init__.py" in names
    assert "riskline_runtime/settings.py" in names  # the shared runtime ships beside the schema
    assert f"riskline_{fn}/__init__.py" in names
    assert "pydantic_core/" + "_pydantic_core.cpython-311-x86_64-linux-gnu.so" in names


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_zip_entries_are_sorted_with_fixed_times_and_permissions(built_zips, fn):
    infos = zipfile.ZipFile(built_zips[fn].path).infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_same_inputs_give_identical_zip_bytes_even_from_builds_running_at_once(built_zips, tmp_path):
    # Two more builds in other processes, at the same time and with the same build directory (as
    # parallel test workers do): bytecode and zip metadata must depend on neither the run nor the other.
    builds = [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "tools" / "package.py"),
                "etl",
                "--dist",
                str(tmp_path / name),
                "--build",
                str(ROOT / "build"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("one", "two")
    ]
    for build in builds:
        _out, err = build.communicate(timeout=300)
        assert build.returncode == 0, err
    expected = built_zips["etl"].path.read_bytes()
    assert (tmp_path / "one" / "etl.zip").read_bytes() == expected
    assert (tmp_path / "two" / "etl.zip").read_bytes() == expected


def test_unpinned_dependency_is_a_clear_packaging_error(tmp_path):
    pins = package.pinned_versions(ROOT / "requirements" / "dev.txt")
    del pins["wrapt"]
    with pytest.raises(package.PackagingError, match="wrapt is not pinned"):
        package.build(
            "etl", dist=tmp_path, build_dir=tmp_path, cache=package.WheelCache(ROOT / "build" / "wheels"), pins=pins
        )


def test_lambda_markers_describe_linux_x86_64_cpython_311():
    env = package.lambda_marker_environment()
    assert (env["sys_platform"], env["platform_machine"], env["python_version"]) == ("linux", "x86_64", "3.11")
    assert package.tag_fits_lambda(package.Tag("cp311", "cp311", "manylinux_2_17_x86_64"))
    assert package.tag_fits_lambda(package.Tag("py3", "none", "any"))
    assert not package.tag_fits_lambda(package.Tag("cp311", "cp311", "manylinux_2_28_x86_64"))
    assert not package.tag_fits_lambda(package.Tag("cp311", "cp311", "manylinux_2_17_aarch64"))
    assert not package.tag_fits_lambda(package.Tag("cp312", "cp312", "manylinux_2_17_x86_64"))


@pytest.fixture(scope="session")
def runtime():
    return lambda_sim.runtime_dir(ROOT / "build")


@pytest.fixture(scope="session")
def extracted(built_zips, tmp_path_factory):
    return {fn: lambda_sim.extract(b.path, tmp_path_factory.mktemp(f"task-{fn}")) for fn, b in built_zips.items()}


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_every_function_present_builds(built_zips, fn):
    assert built_zips[fn].path.is_file()
    assert built_zips[fn].size > 0


@pytest.mark.parametrize(("fn", "handler"), HANDLERS, ids=[h for _fn, h in HANDLERS])
def test_handler_imports_from_its_zip_in_a_clean_interpreter(fn, handler, built_zips, extracted, runtime):
    assert lambda_sim.handler_module_path(handler) is not None, f"{handler} is in docs/CONTRACTS.md but not in the tree"
    built_zips[fn]  # a failed build fails here with its reason
    result = lambda_sim.run_isolated(
        lambda_sim.IMPORT_CHECK.format(handler=handler),
        task=extracted[fn],
        runtime=runtime,
        env=lambda_sim.lambda_environment(fn),
    )
    assert result.returncode == 0, f"{handler} does not import from dist/{fn}.zip:\n{result.stderr[-3000:]}"
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["callable"]
    assert report["file"].startswith(str(extracted[fn]))
    assert report["outside"] == [], "modules loaded from outside the zip, the runtime and the stdlib"


def test_the_clean_interpreter_cannot_see_the_project_venv(runtime, tmp_path):
    result = lambda_sim.run_isolated(
        "import pydantic", task=tmp_path, runtime=runtime, env=lambda_sim.lambda_environment("x")
    )
    assert result.returncode != 0
    assert "No module named 'pydantic'" in result.stderr


@pytest.mark.parametrize(
    ("requirement", "extras", "applies"),
    [
        ('colorama; sys_platform == "win32"', (), False),
        ('tomli; python_version < "3.11"', (), False),
        ('aws-xray-sdk<3,>=2.8; extra == "tracer"', ("tracer",), True),
        ('aws-encryption-sdk; extra == "datamasking"', ("tracer",), False),
        ('uvloop; platform_machine == "x86_64" and sys_platform == "linux"', (), True),
    ],
)
def test_dependency_markers_are_evaluated_for_the_lambda_runtime(requirement, extras, applies):
    assert package._applies(package.Requirement(requirement), extras) is applies
