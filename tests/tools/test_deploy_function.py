"""deploy_function against moto: code updated, version published, `live` alias moved or created."""

import io
import json
import subprocess
import zipfile

import boto3
import pytest
from moto import mock_aws

from .conftest import load_tool

deploy_tool = load_tool("deploy_function")

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def a_zip(marker: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("riskline_etl/sync.py", f"def handler(event, context):\n    return {marker!r}\n")
    return buffer.getvalue()


@pytest.fixture
def aws():
    with mock_aws():
        role = boto3.client("iam").create_role(RoleName="riskline-test-etl", AssumeRolePolicyDocument=json.dumps(TRUST))
        client = boto3.client("lambda")

        def create(name: str, *, alias: bool = True) -> None:
            client.create_function(
                FunctionName=name,
                Runtime="python3.11",
                Role=role["Role"]["Arn"],
                Handler="riskline_etl.sync.handler",
                Code={"ZipFile": a_zip("v1")},
            )
            if alias:
                version = client.publish_version(FunctionName=name)["Version"]
                client.create_alias(FunctionName=name, Name="live", FunctionVersion=version)

        yield client, create


def test_deploy_updates_code_publishes_a_version_and_moves_the_alias(aws):
    client, create = aws
    create("riskline-test-etl-sync")
    before = client.get_function(FunctionName="riskline-test-etl-sync")["Configuration"]["CodeSha256"]
    new_zip = a_zip("v2")
    done = deploy_tool.deploy(client, "riskline-test-etl-sync", new_zip)
    assert (done.old_version, done.new_version) == ("1", "2")
    alias = client.get_alias(FunctionName="riskline-test-etl-sync", Name="live")
    assert alias["FunctionVersion"] == "2"
    published = client.get_function(FunctionName="riskline-test-etl-sync", Qualifier="2")["Configuration"]
    assert published["CodeSha256"] == deploy_tool.code_sha256(new_zip) != before


def test_missing_alias_is_created_on_first_deploy(aws):
    client, create = aws
    create("riskline-test-etl-queue", alias=False)
    done = deploy_tool.deploy(client, "riskline-test-etl-queue", a_zip("v2"))
    assert done.old_version is None
    assert client.get_alias(FunctionName="riskline-test-etl-queue", Name="live")["FunctionVersion"] == done.new_version


def test_zip_above_the_inline_limit_goes_through_s3(aws):
    client, create = aws
    create("riskline-test-etl-sync")
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="riskline-test-artifacts")
    new_zip = a_zip("big")
    done = deploy_tool.deploy(
        client, "riskline-test-etl-sync", new_zip, s3=s3, s3_bucket="riskline-test-artifacts", inline_limit=10
    )
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="riskline-test-artifacts")["Contents"]]
    assert len(keys) == 1 and keys[0].startswith("lambda-code/riskline-test-etl-sync/")
    assert client.get_alias(FunctionName="riskline-test-etl-sync", Name="live")["FunctionVersion"] == done.new_version


def test_zip_above_the_inline_limit_without_a_bucket_is_refused(aws):
    client, create = aws
    create("riskline-test-etl-sync")
    with pytest.raises(deploy_tool.DeployError, match="--s3-bucket"):
        deploy_tool.deploy(client, "riskline-test-etl-sync", a_zip("big"), inline_limit=10)


def test_function_names_come_from_the_terraform_output_roles():
    outputs = {
        "etl_sync": "riskline-dev-etl-sync",
        "etl_queue": "riskline-dev-etl-queue",
        "ingestion_api": "riskline-dev-ingestion-api",
        "routing": "riskline-dev-routing",
    }

    def fake_terraform(command, **kwargs):
        assert command[:2] == ["terraform", "-chdir=terraform/envs/dev"] and command[-1] == "function_names"
        return subprocess.CompletedProcess(command, 0, stdout=json.dumps(outputs), stderr="")

    names = deploy_tool.terraform_function_names("terraform/envs/dev", run=fake_terraform)
    assert deploy_tool.roles_of("etl", names) == ["riskline-dev-etl-queue", "riskline-dev-etl-sync"]
    assert deploy_tool.roles_of("routing", names) == ["riskline-dev-routing"]


def test_terraform_failure_is_reported_with_its_message():
    def failing(command, **kwargs):
        return subprocess.CompletedProcess(command, 1, stdout="", stderr="No outputs found")

    with pytest.raises(deploy_tool.DeployError, match="No outputs found"):
        deploy_tool.terraform_function_names("terraform/envs/dev", run=failing)


def test_command_line_deploys_a_built_zip_and_prints_old_and_new_versions(aws, tmp_path, capsys):
    _client, create = aws
    create("riskline-test-etl-sync")
    create("riskline-test-etl-queue")
    zip_path = tmp_path / "etl.zip"
    zip_path.write_bytes(a_zip("cli"))
    argv = [
        "etl",
        "--zip",
        str(zip_path),
        "--function",
        "riskline-test-etl-sync",
        "--function",
        "riskline-test-etl-queue",
    ]
    assert deploy_tool.main(argv) == 0
    out = capsys.readouterr().out
    assert "riskline-test-etl-sync: live 1 -> 2" in out
    assert "riskline-test-etl-queue: live 1 -> 2" in out
