"""Redshift Serverless through the Data API: COPY the lake objects into staging, then MERGE.

Why COPY rather than parameterised INSERTs: the warehouse then loads exactly the bytes the
lake holds (one source of truth), COPY is Redshift's bulk path, and `batch_execute_statement`
runs the whole sequence (DDL, load table, COPYs, dedupe, MERGE, drops) as one transaction in
one session — it takes no parameters, and temp tables do not outlive a session, so INSERTs
would need a Data API session or a statement per row. The price: an IAM role Redshift
assumes to read the lake (REDSHIFT_COPY_ROLE_ARN, with s3:GetObject on the lake prefix and
kms:Decrypt on its key).
"""

import contextlib
import time
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import ConfigurationError, StatementFailed, StatementTimeout, WarehouseUnavailable
from . import ddl
from .port import WarehouseLoad

FINISHED = "FINISHED"
FAILED_STATES = frozenset({"FAILED", "ABORTED"})
# batch_execute_statement accepts at most 40 statements; 7 are the fixed sequence around the COPYs.
MAX_COPIES_PER_BATCH = 30
STATEMENT_NAME = "riskline-routing-upsert"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def copy_statement(source_uri: str, role_arn: str, *, manifest: bool = False) -> str:
    return (
        f"COPY {ddl.LOAD_TABLE} FROM {_quote(source_uri)} IAM_ROLE {_quote(role_arn)} "
        f"FORMAT AS JSON 'auto' TIMEFORMAT 'auto'{' MANIFEST' if manifest else ''}"
    )


class RedshiftWarehouse:
    copies_from_lake = True

    def __init__(
        self,
        client: Any,
        *,
        workgroup: str | None,
        database: str | None,
        copy_role_arn: str | None,
        timeout_s: float = 60.0,
        poll_s: float = 0.2,
        max_poll_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._workgroup, self._database, self._role = workgroup, database, copy_role_arn
        self._timeout_s, self._poll_s, self._max_poll_s = timeout_s, poll_s, max_poll_s
        self._clock, self._sleep = clock, sleep
        self._schema_applied = False  # once per container: CREATE TABLE IF NOT EXISTS rides the first batch

    def upsert(self, load: WarehouseLoad) -> None:
        if not load.sources:
            return
        for name, value in (
            ("REDSHIFT_WORKGROUP", self._workgroup),
            ("REDSHIFT_DATABASE", self._database),
            ("REDSHIFT_COPY_ROLE_ARN", self._role),
        ):
            if not value:
                raise ConfigurationError(f"{name} is not set")
        if load.manifest:
            # The scheduled loader's path: every object of the run in one COPY, one transaction.
            copy = copy_statement(load.manifest, self._role, manifest=True)  # type: ignore[arg-type]
            self.run([*self._schema(), ddl.create_load_table(), copy, *ddl.upsert_statements()])
            self._schema_applied = True
            return
        sources = list(load.sources)
        # Each group is its own transaction; the MERGE is newer-wins, so groups commute.
        for start in range(0, len(sources), MAX_COPIES_PER_BATCH):
            group = sources[start : start + MAX_COPIES_PER_BATCH]
            sqls = self._schema()
            sqls.append(ddl.create_load_table())
            sqls.extend(copy_statement(uri, self._role) for uri in group)  # type: ignore[arg-type]
            sqls.extend(ddl.upsert_statements())
            self.run(sqls)
            self._schema_applied = True

    def _schema(self) -> list[str]:
        return [] if self._schema_applied else [ddl.create_table("redshift")]

    def run(self, sqls: Sequence[str]) -> dict[str, Any]:
        """Submit the statements as one transaction and wait for them; returns the final description."""
        try:
            submitted = self._client.batch_execute_statement(
                WorkgroupName=self._workgroup, Database=self._database, Sqls=list(sqls), StatementName=STATEMENT_NAME
            )
        except Exception as exc:  # ClientError, EndpointConnectionError, …: the warehouse is not there
            raise WarehouseUnavailable(f"redshift-data batch_execute_statement: {exc}") from exc
        return self.wait(submitted["Id"])

    def wait(self, statement_id: str) -> dict[str, Any]:
        """Poll describe_statement until FINISHED; FAILED/ABORTED raise with Redshift's error."""
        deadline = self._clock() + self._timeout_s
        delay = self._poll_s
        while True:
            try:
                described = self._client.describe_statement(Id=statement_id)
            except Exception as exc:
                raise WarehouseUnavailable(f"redshift-data describe_statement {statement_id}: {exc}") from exc
            status = described["Status"]
            if status == FINISHED:
                return described
            if status in FAILED_STATES:
                raise StatementFailed(f"statement {statement_id} {status}: {_error_of(described)}")
            remaining = deadline - self._clock()
            if remaining <= 0:
                self._cancel(statement_id)
                raise StatementTimeout(
                    f"statement {statement_id} still {status} after {self._timeout_s:g} s; cancelled"
                )
            self._sleep(min(delay, remaining))
            delay = min(delay * 2, self._max_poll_s)

    def _cancel(self, statement_id: str) -> None:
        # Best effort: the transaction rolls back when its session ends anyway.
        with contextlib.suppress(Exception):
            self._client.cancel_statement(Id=statement_id)


def _error_of(described: dict[str, Any]) -> str:
    if described.get("Error"):
        return described["Error"]
    for sub in described.get("SubStatements", []):
        if sub.get("Status") in FAILED_STATES and sub.get("Error"):
            return f"{sub.get('Id', '?')}: {sub['Error']}"
    return "no error message"
