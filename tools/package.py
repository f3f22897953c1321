"""Build one deterministic Lambda zip per function: `dist/<fn>.zip`.

    python tools/package.py            # every functions/<fn>/ with a pyproject.toml
    python tools/package.py etl        # just these

A zip holds, at its root: the function's own package, the local packages it depends on (the
shared `riskline_schema`), and the manylinux2014 x86_64 / CPython 3.11 binary wheels of its
third-party dependencies — resolved transitively from the wheels' own metadata at the versions
pinned in requirements/dev.txt (the versions the tests ran), so no network resolver decides
anything. The Lambda runtime's own boto3, botocore, s3transfer, urllib3, jmespath,
python-dateutil and six are never shipped, nor anything reachable only through them.

Each zip is byte-for-byte reproducible: sorted entries, fixed timestamps and permissions, and
hash-based (not mtime-based) bytecode. The bytecode is shipped because /var/task is read-only:
without it every cold start recompiles every module it imports.
"""

from __future__ import annotations

import argparse
import email.parser
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.tags import Tag
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
PYTHON_VERSION = "3.11"
PLATFORM = "manylinux2014_x86_64"
# Provided by the Lambda Python runtime; shipping our own copy only adds size and version skew.
RUNTIME_PROVIDED = frozenset(
    canonicalize_name(n) for n in ("boto3", "botocore", "s3transfer", "urllib3", "jmespath", "python-dateutil", "six")
)
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest timestamp a zip entry can carry
_GLIBC_MAX = (2, 17)  # manylinux2014
_LEGACY_MANYLINUX = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
_KEEP_DIST_INFO = re.compile(r"^(METADATA|entry_points\.txt|LICEN[CS]E.*|COPYING.*|NOTICE.*|licenses/.+)$")


class PackagingError(RuntimeError):
    pass


def lambda_marker_environment() -> dict[str, str]:
    """The PEP 508 marker values of the Lambda python3.11 x86_64 runtime (not of this machine)."""
    env = dict(default_environment())
    env.update(
        implementation_name="cpython",
        platform_python_implementation="CPython",
        python_version=PYTHON_VERSION,
        python_full_version=f"{PYTHON_VERSION}.0",
        implementation_version=f"{PYTHON_VERSION}.0",
        sys_platform="linux",
        platform_system="Linux",
        platform_machine="x86_64",
        os_name="posix",
    )
    return env


def tag_fits_lambda(tag: Tag) -> bool:
    if tag.interpreter not in ("py3", "py311", "cp3", "cp311"):
        return False
    if tag.abi not in ("none", "abi3", "cp311"):
        return False
    if tag.platform == "any":
        return True
    if not tag.platform.endswith("_x86_64"):
        return False
    prefix = tag.platform.removesuffix("_x86_64")
    if prefix in _LEGACY_MANYLINUX:
        return _LEGACY_MANYLINUX[prefix] <= _GLIBC_MAX
    match = re.fullmatch(r"manylinux_(\d+)_(\d+)", prefix)
    return bool(match) and (int(match[1]), int(match[2])) <= _GLIBC_MAX


# --------------------------------------------------------------------------- project model


@dataclass(frozen=True)
class LocalPackage:
    name: str  # canonical distribution name
    root: Path
    import_dirs: tuple[Path, ...]
    dependencies: tuple[str, ...]


def _read_local(root: Path) -> LocalPackage:
    meta = tomllib.loads((root / "pyproject.toml").read_text())
    where = meta.get("tool", {}).get("setuptools", {}).get("packages", {}).get("find", {}).get("where", ["src"])
    src = root / where[0]
    dirs = tuple(sorted(p.parent for p in src.glob("*/__init__.py")))
    if not dirs:
        raise PackagingError(f"{root.relative_to(ROOT)}: no package with __init__.py under {src.relative_to(ROOT)}")
    return LocalPackage(
        canonicalize_name(meta["project"]["name"]), root, dirs, tuple(meta["project"].get("dependencies", []))
    )


def local_packages(root: Path = ROOT) -> dict[str, LocalPackage]:
    roots = [root / "shared", root / "model", *sorted((root / "functions").glob("*"))]
    found = [_read_local(r) for r in roots if (r / "pyproject.toml").is_file()]
    return {p.name: p for p in found}


def function_names(root: Path = ROOT) -> list[str]:
    return sorted(p.parent.name for p in (root / "functions").glob("*/pyproject.toml"))


def pinned_versions(lock: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in lock.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line and not line.startswith("-"):
            name, version = line.split("==", 1)
            pins[canonicalize_name(name.split("[")[0].strip())] = version.split(";")[0].strip()
    return pins


# --------------------------------------------------------------------------- wheels


@dataclass
class WheelCache:
    directory: Path
    quiet: bool = True

    def find(self, name: str, version: str) -> Path | None:
        for path in sorted(self.directory.glob("*.whl")):
            dist, wheel_version, _, tags = parse_wheel_filename(path.name)
            if dist == name and str(wheel_version) == version and any(tag_fits_lambda(t) for t in tags):
                return path
        return None

    def fetch(self, pins: Iterable[tuple[str, str]]) -> None:
        """Download the missing wheels for the Lambda platform (binary only, one pip call)."""
        missing = [f"{name}=={version}" for name, version in pins if self.find(name, version) is None]
        if not missing:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        if importlib.util.find_spec("pip") is None:
            raise PackagingError(f"pip is needed to download wheels: run `{sys.executable} -m ensurepip` once")
        # Into a download directory of this call's own, then renamed in: packagers running at once
        # (parallel test workers) never see, or write over, one another's half-written wheel.
        with tempfile.TemporaryDirectory(dir=self.directory, prefix=".download-") as download:
            command = [
                sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--no-deps",
                "--only-binary=:all:", "--platform", PLATFORM, "--implementation", "cp",
                "--python-version", PYTHON_VERSION, "--abi", "cp311", "--dest", download, *missing,
            ]  # fmt: skip
            if self.quiet:
                command.insert(4, "--quiet")
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0:
                raise PackagingError(f"pip download failed for {' '.join(missing)}:\n{result.stderr.strip()}")
            for wheel in Path(download).glob("*.whl"):
                os.replace(wheel, self.directory / wheel.name)


def wheel_requirements(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        metadata = email.parser.BytesParser().parsebytes(archive.read(name), headersonly=True)
    return [Requirement(text) for text in metadata.get_all("Requires-Dist") or []]


def _applies(requirement: Requirement, extras: Iterable[str]) -> bool:
    if requirement.marker is None:
        return True
    env = lambda_marker_environment()
    return any(requirement.marker.evaluate({**env, "extra": extra}) for extra in ("", *extras))


@dataclass
class Resolution:
    wheels: dict[str, Path] = field(default_factory=dict)  # canonical name -> wheel
    versions: dict[str, str] = field(default_factory=dict)
    local: dict[str, LocalPackage] = field(default_factory=dict)


def resolve(fn: str, locals_: dict[str, LocalPackage], pins: dict[str, str], cache: WheelCache) -> Resolution:
    """The function's closure: local packages by source, third-party ones as pinned wheels."""
    resolution = Resolution()
    own = _read_local(ROOT / "functions" / fn)
    resolution.local[own.name] = own
    extras_seen: dict[str, set[str]] = {}
    pending: list[Requirement] = [r for r in map(Requirement, own.dependencies) if _applies(r, ())]
    while pending:
        # Breadth-first, one download per level: level n's wheels give level n+1's requirements.
        level: list[tuple[str, set[str]]] = []
        for requirement in pending:
            name = canonicalize_name(requirement.name)
            if name in RUNTIME_PROVIDED:
                continue
            if name in locals_:
                if name not in resolution.local:
                    resolution.local[name] = locals_[name]
                    level.append((name, set()))
                continue
            if name not in pins:
                raise PackagingError(
                    f"{fn}: {requirement.name} is not pinned in requirements/dev.txt (add it to requirements/dev.in, "
                    "then `make lock`)"
                )
            if not requirement.specifier.contains(pins[name], prereleases=True):
                raise PackagingError(f"{fn}: pinned {name}=={pins[name]} does not satisfy {requirement}")
            seen = extras_seen.setdefault(name, set())
            new_extras = set(requirement.extras) - seen
            if name in resolution.versions and not new_extras:
                continue
            seen |= new_extras
            resolution.versions[name] = pins[name]
            level.append((name, set(requirement.extras)))
        cache.fetch((n, resolution.versions[n]) for n, _ in level if n in resolution.versions)
        pending = []
        for name, extras in level:
            if name in resolution.local:
                pending += [r for r in map(Requirement, resolution.local[name].dependencies) if _applies(r, ())]
                continue
            wheel = cache.find(name, resolution.versions[name])
            if wheel is None:
                raise PackagingError(f"{fn}: no {PLATFORM} cp311 wheel for {name}=={resolution.versions[name]}")
            resolution.wheels[name] = wheel
            pending += [r for r in wheel_requirements(wheel) if _applies(r, extras)]
    return resolution


# --------------------------------------------------------------------------- staging and zip


def _wheel_entries(wheel: Path) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(wheel) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = info.filename
            top, _, rest = name.partition("/")
            if top.endswith(".data"):
                kind, _, inner = rest.partition("/")
                if kind not in ("purelib", "platlib"):
                    continue  # scripts, headers, data files: nothing a handler imports
                name = inner
            elif top.endswith(".dist-info") and not _KEEP_DIST_INFO.match(rest):
                continue  # RECORD, WHEEL, INSTALLER...: only METADATA (versions) and entry points are read
            if _is_bloat(name):
                continue
            yield name, archive.read(info)


def _is_bloat(name: str) -> bool:
    parts = name.split("/")
    return (
        "__pycache__" in parts
        or "tests" in parts[:-1]
        or name.endswith((".pyc", ".pyo", ".pyi"))
        or parts[-1] in (".DS_Store",)
    )


def _local_entries(package: LocalPackage) -> Iterator[tuple[str, bytes]]:
    for import_dir in package.import_dirs:
        for path in sorted(import_dir.rglob("*")):
            relative = path.relative_to(import_dir.parent).as_posix()
            if path.is_file() and not _is_bloat(relative) and ".egg-info" not in relative:
                yield relative, path.read_bytes()


def _bytecode(entries: dict[str, bytes], staging: Path) -> dict[str, bytes]:
    """Unchecked-hash .pyc for every .py: no mtimes inside, valid on a read-only /var/task.

    Compiled by a fresh, isolated interpreter: marshal marks objects by reference count, so the
    same source compiled inside a long-lived process (a test session) can give different bytes.
    """
    if sys.version_info[:2] != (3, 11):
        raise PackagingError(f"bytecode must be compiled by Python {PYTHON_VERSION}, this is {sys.version.split()[0]}")
    source_dir = staging / "src"
    for name in sorted(n for n in entries if n.endswith(".py")):
        source = source_dir / name
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(entries[name])
    # -s strips the staging path, so tracebacks name the module path inside the zip. A module that
    # does not compile on 3.11 (a py2 leftover) gets no .pyc and is never imported anyway.
    subprocess.run(
        [
            sys.executable, "-I", "-S", "-m", "compileall", "-q", "-j", "1",
            "--invalidation-mode", "unchecked-hash", "-s", str(source_dir), str(source_dir),
        ],
        capture_output=True,
        check=False,
    )  # fmt: skip
    compiled: dict[str, bytes] = {}
    for pyc in sorted(source_dir.rglob("*.cpython-311.pyc")):
        compiled[pyc.relative_to(source_dir).as_posix()] = pyc.read_bytes()
    missing = [n for n in entries if n.endswith(".py") and _pyc_name(n) not in compiled]
    if len(missing) > len(entries) // 10:  # a broken compile step, not a few py2 leftovers
        raise PackagingError(f"bytecode compilation failed for {len(missing)} modules, e.g. {missing[:3]}")
    return compiled


def _pyc_name(source: str) -> str:
    folder, _, filename = source.rpartition("/")
    return f"{folder + '/' if folder else ''}__pycache__/{filename[:-3]}.cpython-311.pyc"


def write_zip(entries: dict[str, bytes], target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.create_system = 3  # unix, so external_attr carries the mode below
            info.external_attr = (0o100644 & 0xFFFF) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name], compresslevel=9)
    target.write_bytes(buffer.getvalue())


@dataclass(frozen=True)
class Built:
    function: str
    path: Path
    size: int
    files: int
    third_party: dict[str, str]


def build(fn: str, *, dist: Path, build_dir: Path, cache: WheelCache, pins: dict[str, str] | None = None) -> Built:
    locals_ = local_packages()
    pins = pins if pins is not None else pinned_versions(ROOT / "requirements" / "dev.txt")
    resolution = resolve(fn, locals_, pins, cache)
    entries: dict[str, bytes] = {}
    sources: dict[str, str] = {}
    for name in sorted(resolution.wheels):
        for entry, data in _wheel_entries(resolution.wheels[name]):
            if entry in entries and entries[entry] != data:
                raise PackagingError(f"{fn}: {entry} is shipped differently by {sources[entry]} and {name}")
            entries[entry], sources[entry] = data, name
    for name in sorted(resolution.local):
        for entry, data in _local_entries(resolution.local[name]):
            entries[entry], sources[entry] = data, name
    shipped = {canonicalize_name(n.split("-")[0]) for n in entries if ".dist-info/" in n}
    leaked = sorted(shipped & RUNTIME_PROVIDED)
    if leaked:
        raise PackagingError(f"{fn}: runtime-provided packages would be shipped: {', '.join(leaked)}")
    # A staging directory of this build's own: builds of the same function may run at once (test workers).
    (build_dir / "package").mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{fn}-", dir=build_dir / "package"))
    try:
        entries.update(_bytecode(entries, staging))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    target = dist / f"{fn}.zip"
    write_zip(entries, target)
    return Built(fn, target, target.stat().st_size, len(entries), dict(sorted(resolution.versions.items())))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("functions", nargs="*", help="function names (folders of functions/); default: all")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the third-party packages of each zip")
    args = parser.parse_args(argv)
    available = function_names()
    wanted = args.functions or available
    unknown = sorted(set(wanted) - set(available))
    if unknown:
        parser.error(f"unknown function(s): {', '.join(unknown)} (have: {', '.join(available)})")
    cache = WheelCache(args.build / "wheels", quiet=not args.verbose)
    for fn in wanted:
        try:
            built = build(fn, dist=args.dist, build_dir=args.build, cache=cache)
        except PackagingError as error:
            print(f"package {fn}: FAILED: {error}", file=sys.stderr)
            return 1
        shown = os.path.relpath(built.path, Path.cwd())
        print(f"package {fn}: {shown} {built.size / 1_048_576:.2f} MiB ({built.size} bytes, {built.files} files)")
        if args.verbose:
            for name, version in built.third_party.items():
                print(f"    {name}=={version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
