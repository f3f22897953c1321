"""Parse the tree with python-hcl2: every IAM statement is scoped, every package is a real zip.

No `*` action anywhere (nor `service:*` in an Allow); a `*` resource only in KMS key policies
(where the key is "itself") or for the calls AWS gives no resource-level permissions.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hcl2
import pytest

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "terraform"

# Calls AWS does not scope to a resource (Service Authorization Reference): "*" is required.
UNSCOPABLE_ACTIONS = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "ecr:GetAuthorizationToken",
    "cloudwatch:PutMetricData",
    "dynamodb:ListStreams",
    "redshift-data:DescribeStatement",
    "redshift-data:GetStatementResult",
    "redshift-data:CancelStatement",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeVpcs",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeNetworkInterfaces",
}


def _tf_files() -> list[Path]:
    return sorted(p for p in TERRAFORM.rglob("*.tf") if ".terraform" not in p.parts)


def _load(path: Path) -> dict[str, Any]:
    options = hcl2.SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)
    with path.open() as handle:
        return hcl2.load(handle, serialization_options=options)


@pytest.fixture(scope="module")
def parsed() -> dict[Path, dict[str, Any]]:
    return {path: _load(path) for path in _tf_files()}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _blocks(doc: dict[str, Any], kind: str, type_: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for entry in _as_list(doc.get(kind)):
        yield from (entry.get(type_) or {}).items()


def _statements(body: Any) -> Iterator[dict[str, Any]]:
    """Statement blocks of a policy document, including those inside `dynamic "statement"`."""
    yield from _as_list(body.get("statement"))
    for dynamic in _as_list(body.get("dynamic")):
        yield from _as_list((dynamic.get("statement") or {}).get("content"))


def _jsonencode_statements(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Statement objects written as HCL objects with Action/Resource keys (jsonencode policies)."""

    def walk(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(node, dict):
            if "Action" in node and ("Resource" in node or "Effect" in node):
                yield where, node
            for key, value in node.items():
                yield from walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, f"{where}[{index}]")

    yield from walk(doc.get("locals", []), "locals")
    for kind in ("resource", "data"):
        yield from walk(doc.get(kind, []), kind)


def _flat_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _flat_strings(v)]
    if isinstance(value, dict):
        # A `for` expression over statements parses as a dict/str; check its literal strings.
        return [s for v in value.values() for s in _flat_strings(v)]
    return []


def _all_statements(parsed: dict[Path, dict[str, Any]]) -> list[tuple[str, bool, dict[str, Any], str, str]]:
    """(where, is_key_policy, statement, effect, source) for every statement in the tree."""
    found = []
    for path, doc in parsed.items():
        where = str(path.relative_to(TERRAFORM))
        key_policy = path.parent.name == "kms"
        for name, body in _blocks(doc, "data", "aws_iam_policy_document"):
            for statement in _statements(body):
                effect = str(statement.get("effect", "Allow"))
                found.append((f"{where}: data.aws_iam_policy_document.{name}", key_policy, statement, effect, "hcl"))
        for location, statement in _jsonencode_statements(doc):
            found.append((f"{where}: {location}", key_policy, statement, str(statement.get("Effect", "Allow")), "json"))
    return found


def _actions(statement: dict[str, Any], source: str) -> list[str]:
    return _flat_strings(statement.get("actions" if source == "hcl" else "Action"))


def _resources(statement: dict[str, Any], source: str) -> list[str]:
    return _flat_strings(statement.get("resources" if source == "hcl" else "Resource"))


def test_the_tree_holds_policy_statements(parsed: dict[Path, dict[str, Any]]) -> None:
    statements = _all_statements(parsed)
    assert len(statements) >= 40
    assert any(source == "json" for *_, source in statements), "function policies (jsonencode) must be found"


def test_no_statement_allows_a_wildcard_action(parsed: dict[Path, dict[str, Any]]) -> None:
    offenders = []
    for where, _key_policy, statement, effect, source in _all_statements(parsed):
        for action in _actions(statement, source):
            if action == "*" or (effect == "Allow" and action.endswith(":*")):
                offenders.append(f"{where}: {effect} {action}")
    assert not offenders, "wildcard actions:\n" + "\n".join(offenders)


def test_star_resources_only_where_aws_requires_them(parsed: dict[Path, dict[str, Any]]) -> None:
    offenders = []
    for where, key_policy, statement, effect, source in _all_statements(parsed):
        if effect != "Allow" or "*" not in _resources(statement, source) or key_policy:
            continue
        unscoped = [a for a in _actions(statement, source) if a not in UNSCOPABLE_ACTIONS]
        if unscoped:
            offenders.append(f"{where}: {unscoped} on *")
    assert not offenders, '"*" resources for scopable actions:\n' + "\n".join(offenders)


def test_key_policies_use_star_only_for_the_key_itself(parsed: dict[Path, dict[str, Any]]) -> None:
    for where, key_policy, statement, _effect, source in _all_statements(parsed):
        if key_policy:
            assert _resources(statement, source) == ["*"], f"{where}: a key policy's resource is the key (*)"
            assert all(a.startswith("kms:") for a in _actions(statement, source)), where


def test_no_iam_policy_attaches_admin_managed_policies(parsed: dict[Path, dict[str, Any]]) -> None:
    text = "\n".join(p.read_text() for p in _tf_files())
    assert not re.search(r"arn:aws:iam::aws:policy/(AdministratorAccess|PowerUserAccess|\w+FullAccess)", text)


def _package_names() -> set[str]:
    """What `make package` builds: dist/<fn>.zip for every functions/<fn> with a pyproject."""
    names = set()
    for pyproject in (ROOT / "functions").glob("*/pyproject.toml"):
        tomllib.loads(pyproject.read_text())  # a real package definition
        names.add(pyproject.parent.name)
    return names


def test_every_lambda_package_is_a_make_package_output(parsed: dict[Path, dict[str, Any]]) -> None:
    stack = parsed[TERRAFORM / "stack" / "functions.tf"]
    defaults = next(entry["function_defaults"] for entry in stack["locals"] if "function_defaults" in entry)
    referenced = {settings["package"] for settings in defaults.values()}
    assert referenced == {"ingestion", "etl", "routing"}
    built = _package_names()
    assert built, "functions/<fn>/pyproject.toml not found: nothing for `make package` to build"
    assert referenced <= built, f"packages without a `make package` output: {sorted(referenced - built)}"
    handlers = {role: settings["handler"] for role, settings in defaults.items()}
    contracts = (ROOT / "docs" / "CONTRACTS.md").read_text()
    for role, handler in handlers.items():
        assert f"`{handler}`" in contracts, f"{role}: handler {handler} is not in docs/CONTRACTS.md"
        package = defaults[role]["package"]
        assert re.search(rf"`dist/{package}\.zip` \| [^|]+\| `{re.escape(handler)}`", contracts), (role, package)


def test_the_lake_catalog_table_has_every_lake_record_column():
    """Athena reads the lake through the Glue table: a LakeRecord field missing there is invisible to it."""
    from riskline_schema import LakeRecord

    doc = _load(TERRAFORM / "modules" / "data_lake" / "main.tf")
    blocks = [block for block in _as_list(doc["locals"]) if "lake_columns" in block]
    columns = {name for block in blocks for name, _ in block["lake_columns"]}
    assert columns == set(LakeRecord.model_fields) - {"channel"}  # channel is the partition key
