"""The DuckDB adapter: the same staging + MERGE semantics as Redshift, on a local file."""

import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest

from riskline_routing.errors import WarehouseUnavailable
from riskline_routing.warehouse import WarehouseLoad, ddl
from riskline_routing.warehouse.duckdb import DuckDBWarehouse
from riskline_schema import LakeRecord

SECRET = b"duckdb-test-key"


def lake(record) -> LakeRecord:
    return LakeRecord.from_record(record, SECRET)


@pytest.fixture
def warehouse(tmp_path) -> DuckDBWarehouse:
    return DuckDBWarehouse(str(tmp_path / "warehouse.duckdb"))


def rows_by_id(warehouse: DuckDBWarehouse) -> dict[str, dict]:
    return {row["application_id"]: row for row in warehouse.fetch_rows()}


def test_an_older_update_never_overwrites_a_newer_one(warehouse, helpers):
    first = helpers.pending("app-duck-0001")
    newer = helpers.audited(helpers.scored(first))
    warehouse.upsert(WarehouseLoad(rows=[lake(newer)]))

    warehouse.upsert(WarehouseLoad(rows=[lake(first)]))
    warehouse.upsert(WarehouseLoad(rows=[lake(helpers.scored(first))]))

    row = rows_by_id(warehouse)["app-duck-0001"]
    assert (row["status"], row["audit_outcome"], row["updated_at"]) == ("SCORED", "reject", newer.updated_at)


def test_a_newer_update_replaces_the_row_and_the_same_rows_twice_change_nothing(warehouse, helpers):
    first = helpers.pending("app-duck-0002")
    other = helpers.pending("app-duck-0003", channel="chatbot")
    warehouse.upsert(WarehouseLoad(rows=[lake(first), lake(other)]))
    newer = lake(helpers.scored(first, tier="low"))

    warehouse.upsert(WarehouseLoad(rows=[newer, lake(other)]))
    warehouse.upsert(WarehouseLoad(rows=[newer, lake(other)]))

    rows = rows_by_id(warehouse)
    assert sorted(rows) == ["app-duck-0002", "app-duck-0003"]
    assert (rows["app-duck-0002"]["tier"], rows["app-duck-0002"]["probability"]) == ("low", 0.08)
    assert rows["app-duck-0003"]["channel"] == "chatbot"


def test_several_versions_in_one_load_keep_the_latest_whatever_their_order(warehouse, helpers):
    first = helpers.pending("app-duck-0004")
    versions = [lake(helpers.audited(helpers.scored(first))), lake(first), lake(helpers.scored(first))]

    warehouse.upsert(WarehouseLoad(rows=versions))

    assert rows_by_id(warehouse)["app-duck-0004"]["audit_outcome"] == "reject"


def test_every_lake_record_field_is_a_warehouse_column_with_its_value(warehouse, helpers):
    row = lake(helpers.audited(helpers.scored(helpers.pending("app-duck-0005"))))
    warehouse.upsert(WarehouseLoad(rows=[row]))

    stored = rows_by_id(warehouse)["app-duck-0005"]
    assert set(stored) == set(LakeRecord.model_fields) == set(ddl.COLUMNS)
    assert LakeRecord.model_validate(stored) == row


def test_the_table_ddl_is_idempotent_and_keys_on_application_id():
    for dialect in ("duckdb", "redshift"):
        sql = ddl.create_table(dialect)
        assert sql.startswith("CREATE TABLE IF NOT EXISTS applications (")
        assert "application_id VARCHAR(64) NOT NULL" in sql and "PRIMARY KEY (application_id)" in sql
        assert "updated_at TIMESTAMPTZ NOT NULL" in sql and "audited_at TIMESTAMPTZ," in sql
    assert "reason_codes VARCHAR[]" in ddl.create_table("duckdb")


def _hold_lock(path: str) -> subprocess.Popen:
    """Another process with the file open for writing, until its stdin closes."""
    script = textwrap.dedent(
        f"""
        import sys, duckdb
        con = duckdb.connect({path!r})
        print("locked", flush=True)
        sys.stdin.read()
        con.close()
        """
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_waits_while_another_process_holds_the_file_then_writes(tmp_path, helpers):
    path = str(tmp_path / "shared.duckdb")
    holder = _hold_lock(path)
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # the other process finishes while we wait
        waits.append(seconds)
        holder.stdin.close()
        holder.wait(timeout=30)

    warehouse = DuckDBWarehouse(path, sleep=sleep)
    warehouse.upsert(WarehouseLoad(rows=[lake(helpers.pending("app-duck-0006"))]))

    assert waits and list(rows_by_id(warehouse)) == ["app-duck-0006"]


def test_a_lock_held_past_the_deadline_is_warehouse_unavailable(tmp_path, helpers):
    path = str(tmp_path / "busy.duckdb")
    holder = _hold_lock(path)
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    try:
        warehouse = DuckDBWarehouse(path, lock_timeout_s=2, clock=lambda: now[0], sleep=sleep)
        with pytest.raises(WarehouseUnavailable, match="stayed locked"):
            warehouse.upsert(WarehouseLoad(rows=[lake(helpers.pending("app-duck-0007"))]))
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert now[0] >= 2


def test_an_empty_load_does_not_touch_the_file(tmp_path):
    path = tmp_path / "untouched.duckdb"
    DuckDBWarehouse(str(path)).upsert(WarehouseLoad(rows=[]))
    assert not path.exists()


def test_versions_hours_apart_sort_by_time_not_text(warehouse, helpers):
    first = helpers.pending("app-duck-0008")
    later = helpers.scored(first, after=timedelta(hours=11))
    warehouse.upsert(WarehouseLoad(rows=[lake(later), lake(helpers.scored(first, after=timedelta(hours=9)))]))
    assert rows_by_id(warehouse)["app-duck-0008"]["updated_at"] == later.updated_at


def test_a_load_larger_than_one_insert_statement_lands_whole(warehouse, helpers):
    from riskline_routing.warehouse.duckdb import INSERT_CHUNK

    rows = [lake(helpers.pending(f"app-bulk-{n:04d}")) for n in range(2 * INSERT_CHUNK + 7)]
    warehouse.upsert(WarehouseLoad(rows=rows))
    assert len(warehouse.fetch_rows()) == len(rows)


def graded(record, grade="F", tier="high"):
    from riskline_schema import AuditDecision

    audit = AuditDecision(
        application_id=record.application_id, outcome="reject", grade=grade, grade_tier=tier,
        auditor_id="arn:aws:iam::123456789012:user/jane", auditor_source="iam",
        decided_at=record.updated_at + timedelta(hours=1),
    )  # fmt: skip
    return record.model_copy(update={"audit": audit, "audits": [audit], "updated_at": audit.decided_at})


def test_a_graded_decision_lands_in_its_own_columns(warehouse, helpers):
    record = graded(helpers.scored(helpers.pending("app-duck-0101")))

    warehouse.upsert(WarehouseLoad(rows=[lake(record)]))

    row = rows_by_id(warehouse)["app-duck-0101"]
    assert (row["audit_outcome"], row["audit_grade"], row["audit_grade_tier"], row["application_version"]) == (
        "reject",
        "F",
        "high",
        1,
    )
    assert row["audited_by"] == lake(record).audited_by and len(row["audited_by"]) == 64  # who decided, keyed


def test_a_table_created_before_schema_1_1_gains_the_new_columns_on_the_next_load(warehouse, helpers):
    con = warehouse.connect()
    old_columns = ",\n".join(
        f"{name} {sql}" for name, (sql, _) in ddl.column_types("duckdb").items() if name not in ddl.ADDED_IN_1_1
    )
    con.execute(f"CREATE TABLE {ddl.TABLE} ({old_columns}, PRIMARY KEY ({ddl.KEY}))")
    con.close()

    warehouse.upsert(WarehouseLoad(rows=[lake(graded(helpers.scored(helpers.pending("app-duck-0102")), "B", "low"))]))

    assert rows_by_id(warehouse)["app-duck-0102"]["audit_grade_tier"] == "low"


def test_redshift_gets_the_same_added_columns_without_if_not_exists():
    statements = ddl.add_columns("redshift")
    assert statements == [
        "ALTER TABLE applications ADD COLUMN application_version INTEGER",
        "ALTER TABLE applications ADD COLUMN audit_grade VARCHAR(16)",
        "ALTER TABLE applications ADD COLUMN audit_grade_tier VARCHAR(32)",
        "ALTER TABLE applications ADD COLUMN audited_by VARCHAR(64)",
    ]
