"""The auditors' workbench routes: the review queue from its index, one application, a decision, the dashboard."""

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer

from riskline_ingestion import payloads, wiring
from riskline_ingestion.reason_wording import ADVERSE_ACTION_WORDING
from riskline_schema import ApplicationRecord, ApplicationStatus, Channel, LakeRecord, RiskAssessment, RiskTier

from .conftest import MODEL_VERSION, load_event

ACCESS_LOG_TABLE = "riskline-test-workbench-access-log"
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
AUDITOR = {
    "sub": "7d1c0f3a-1111-4222-8333-944455556666",
    "cognito:username": "auditor.one",
    "cognito:groups": "auditors",
}
OUTSIDER = {
    "sub": "0b2e9c4d-aaaa-4bbb-8ccc-ddddeeeeffff",
    "cognito:username": "analyst.two",
    "cognito:groups": "analysts",
}
PII_VALUES = ("Lovelace", "219099999", "ada.lovelace@example.com", "Analytical Engine")


@pytest.fixture
def bench(world, monkeypatch):
    tables = world.dynamodb.list_tables()["TableNames"]
    if ACCESS_LOG_TABLE not in tables:
        world.dynamodb.create_table(
            TableName=ACCESS_LOG_TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "entry", "AttributeType": "S"},
                {"AttributeName": "at", "AttributeType": "S"},
            ],
            KeySchema=[{"AttributeName": "entry", "KeyType": "HASH"}, {"AttributeName": "at", "KeyType": "RANGE"}],
        )
    for item in world.dynamodb.scan(TableName=ACCESS_LOG_TABLE)["Items"]:
        world.dynamodb.delete_item(TableName=ACCESS_LOG_TABLE, Key={"entry": item["entry"], "at": item["at"]})
    monkeypatch.setenv("WORKBENCH_ACCESS_LOG_TABLE", ACCESS_LOG_TABLE)
    from riskline_ingestion import settings
    from riskline_ingestion.workbench import Workbench

    for cached in (settings.settings, wiring.review_queue, wiring.access_log):
        cached.cache_clear()
    monkeypatch.setattr(
        wiring,
        "workbench",
        lambda: Workbench(
            store=wiring.store(), queue=wiring.review_queue(), log=wiring.access_log(), clock=lambda: NOW
        ),
    )
    yield world
    for cached in (settings.settings, wiring.review_queue, wiring.access_log):
        cached.cache_clear()


def log_items(world) -> list[dict[str, Any]]:
    return world.dynamodb.scan(TableName=ACCESS_LOG_TABLE)["Items"]


def seed(
    *,
    hours_ago: float,
    channel: str = "webform",
    tier: RiskTier = RiskTier.MEDIUM,
    probability: float = 0.45,
    income: int = 85000,
    audited: bool = False,
) -> str:
    """Store one scored application submitted `hours_ago` before NOW, through the real store."""
    body = load_event("webform_body.json") | {"annual_income": income}
    application = payloads.submission(body, NOW - timedelta(hours=hours_ago))
    application = application.model_copy(update={"channel": Channel(channel)})
    hint = {RiskTier.LOW: "accept", RiskTier.MEDIUM: "review", RiskTier.HIGH: "reject"}[tier]
    assessment = RiskAssessment(
        application_id=application.application_id,
        probability=probability,
        tier=tier,
        decision_hint=hint,
        reason_codes=["HIGH_DEBT_TO_INCOME", "SHORT_CREDIT_HISTORY"],
        model_version=MODEL_VERSION,
        scored_at=application.submitted_at,
        tier_probabilities={"low": 0.2, "medium": 0.5, "high": 0.3},
    )
    record = ApplicationRecord(
        application=application,
        status=ApplicationStatus.SCORED,
        assessment=assessment,
        created_at=application.submitted_at,
        updated_at=application.submitted_at,
    )
    assert wiring.store().put_new(record)
    if audited:
        from riskline_schema import AuditDecision

        decision = AuditDecision(
            application_id=application.application_id, outcome="accept", auditor_id="earlier.auditor", decided_at=NOW
        )
        wiring.store().append_audit(decision, NOW)
    return application.application_id


def wb_event(method: str, path: str, *, claims: dict | None = AUDITOR, query: dict | None = None, body: Any = None):
    event = copy.deepcopy(load_event("apigw_rest_post_applications.json"))
    event["httpMethod"] = event["requestContext"]["httpMethod"] = method
    event["path"] = path
    event["requestContext"]["path"] = f"/v1{path}"
    parts = path.strip("/").split("/")
    if len(parts) >= 3:
        event["pathParameters"] = {"application_id": parts[2]}
        event["resource"] = "/workbench/applications/{application_id}" + ("/decision" if len(parts) == 4 else "")
    else:
        event["pathParameters"] = None
        event["resource"] = path
    event["requestContext"]["resourcePath"] = event["resource"]
    event["queryStringParameters"] = query
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
    event["requestContext"]["authorizer"] = {"claims": claims} if claims is not None else None
    event["body"] = json.dumps(body) if body is not None else None
    event["isBase64Encoded"] = False
    return event


@pytest.fixture
def call(bench, context):
    from riskline_ingestion import api

    def invoke(method: str, path: str, **kwargs):
        response = api.handler(wb_event(method, path, **kwargs), context)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return invoke


def test_queue_lists_only_unaudited_review_applications_oldest_first_without_applicant_data(call):
    newest = seed(hours_ago=1, income=90000)
    oldest = seed(hours_ago=30, channel="mobile", income=91000)
    middle = seed(hours_ago=5, channel="phone", income=92000)
    seed(hours_ago=40, tier=RiskTier.LOW, probability=0.05, income=93000)
    seed(hours_ago=50, income=94000, audited=True)

    status, body = call("GET", "/workbench/queue")

    assert status == 200
    assert [item["application_id"] for item in body["items"]] == [oldest, middle, newest]
    first = body["items"][0]
    assert (first["channel"], first["tier"], first["waited_seconds"]) == ("mobile", "medium", 30 * 3600)
    assert first["tier_probabilities"] == {"low": 0.2, "medium": 0.5, "high": 0.3}
    assert first["reasons"][0] == {
        "code": "HIGH_DEBT_TO_INCOME",
        "words": "Excessive obligations in relation to income",
    }
    assert body["next_cursor"] is None
    assert not any(value in json.dumps(body) for value in PII_VALUES)


def test_queue_filters_by_channel_and_submission_date(call):
    mobile_old = seed(hours_ago=50, channel="mobile", income=90000)
    mobile_new = seed(hours_ago=2, channel="mobile", income=91000)
    seed(hours_ago=3, channel="webform", income=92000)

    _, by_channel = call("GET", "/workbench/queue", query={"channel": "mobile"})
    day = (NOW - timedelta(hours=2)).date().isoformat()
    _, by_date = call("GET", "/workbench/queue", query={"channel": "mobile", "since": day, "until": day})
    _, before = call("GET", "/workbench/queue", query={"until": (NOW - timedelta(days=2)).date().isoformat()})

    assert [i["application_id"] for i in by_channel["items"]] == [mobile_old, mobile_new]
    assert [i["application_id"] for i in by_date["items"]] == [mobile_new]
    assert [i["application_id"] for i in before["items"]] == [mobile_old]


def test_pages_follow_the_cursor_across_channels_without_repeating_or_skipping(call):
    channels = ["webform", "mobile", "chatbot", "phone", "mail"]
    ids = [seed(hours_ago=10 - n, channel=channels[n % 5], income=80000 + n) for n in range(7)]

    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": "3"} | ({"cursor": cursor} if cursor else {})
        status, body = call("GET", "/workbench/queue", query=query)
        assert status == 200
        assert len(body["items"]) <= 3
        seen += [i["application_id"] for i in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert seen == ids
    assert pages == 3


def test_bad_filters_and_a_cursor_from_other_filters_are_422_naming_the_field(call):
    seed(hours_ago=3, income=90000)
    seed(hours_ago=2, income=91000)
    _, first = call("GET", "/workbench/queue", query={"limit": "1"})

    cases = {
        "channel": {"channel": "fax"},
        "since": {"since": "02/12/2026"},
        "limit": {"limit": "1000"},
        "cursor": {"cursor": first["next_cursor"], "channel": "mobile"},
    }
    for field, query in cases.items():
        status, body = call("GET", "/workbench/queue", query=query)
        assert status == 422, field
        assert [p["field"] for p in body["error"]["problems"]] == [field]
    assert call("GET", "/workbench/queue", query={"cursor": "not-a-cursor"})[0] == 422


def test_a_malformed_application_id_is_422_for_a_signed_in_auditor_and_401_without_sign_in(call):
    for method, path in (("GET", "/workbench/applications/x!"), ("POST", "/workbench/applications/x!/decision")):
        status, body = call(method, path, body={"outcome": "accept"} if method == "POST" else None)
        assert (status, [p["field"] for p in body["error"]["problems"]]) == (422, ["application_id"]), path
        assert call(method, path, claims=None)[0] == 401  # the sign-in is checked first


def test_the_queue_is_read_from_its_index_never_by_a_scan(call, monkeypatch):
    seed(hours_ago=3, income=90000)
    client = wiring.review_queue()._client
    calls: list[tuple[str, str | None]] = []
    real_query = client.query

    def spy_query(**request):
        calls.append(("query", request.get("IndexName")))
        return real_query(**request)

    monkeypatch.setattr(client, "query", spy_query)
    monkeypatch.setattr(client, "scan", lambda **_: pytest.fail("the queue scanned the table"))

    assert call("GET", "/workbench/queue")[0] == 200
    assert call("GET", "/workbench/stats")[0] == 200
    assert calls and {index for kind, index in calls if index} == {"review-queue-index"}


def test_one_application_shows_facts_probabilities_and_words_and_its_view_is_logged_without_pii(call, bench):
    application_id = seed(hours_ago=4)

    status, body = call("GET", f"/workbench/applications/{application_id}")

    assert status == 200
    assert body["facts"]["applicant"]["last_name"] == "Lovelace"
    assert body["facts"]["annual_income"] == 85000
    assert body["channel"] == "webform"
    assert body["waited_seconds"] == 4 * 3600
    assert body["awaits_review"] is True
    assert body["assessment"]["tier_probabilities"] == {"low": 0.2, "medium": 0.5, "high": 0.3}
    assert [r["words"] for r in body["assessment"]["reasons"]] == [
        "Excessive obligations in relation to income",
        "Length of credit history is too short",
    ]
    (logged,) = log_items(bench)
    assert logged["kind"]["S"] == "view"
    assert (logged["application_id"]["S"], logged["auditor"]["S"]) == (application_id, "auditor.one")
    assert logged["viewed_at"]["S"] == NOW.isoformat()
    assert not any(value in json.dumps(logged) for value in PII_VALUES)


def test_no_view_without_its_log_entry(call, monkeypatch):
    application_id = seed(hours_ago=4)
    monkeypatch.setenv("WORKBENCH_ACCESS_LOG_TABLE", "riskline-test-missing-log")
    from riskline_ingestion import settings

    settings.settings.cache_clear()
    wiring.access_log.cache_clear()

    status, body = call("GET", f"/workbench/applications/{application_id}")

    assert status == 503
    assert not any(value in json.dumps(body) for value in PII_VALUES)


def test_a_decision_is_the_signed_in_auditors_label_and_the_next_application_follows(call, bench):
    first = seed(hours_ago=9, income=90000)
    second = seed(hours_ago=8, income=91000)

    refused, problem = call(
        "POST", f"/workbench/applications/{first}/decision", body={"outcome": "reject", "auditor_id": "someone.else"}
    )
    status, body = call("POST", f"/workbench/applications/{first}/decision", body={"outcome": "reject"})

    assert (refused, problem["error"]["problems"][0]["field"]) == (422, "auditor_id")
    assert status == 200
    assert body["decision"]["auditor_id"] == "auditor.one"
    assert body["decision"]["outcome"] == "reject"
    assert body["next_application_id"] == second
    item = bench.item(first)
    assert item["audit"]["M"]["auditor_id"]["S"] == "auditor.one"
    assert "review_queue" not in item and "review_since" not in item
    _, queue = call("GET", "/workbench/queue")
    assert [i["application_id"] for i in queue["items"]] == [second]


def test_deciding_an_unknown_application_is_404_and_writes_nothing(call, bench):
    status, _ = call("POST", "/workbench/applications/doesnotexist123/decision", body={"outcome": "accept"})

    assert status == 404
    assert bench.items() == [] and log_items(bench) == []


def test_stats_give_agreement_with_the_model_and_the_queue_size_and_age(call):
    leaning_reject = seed(hours_ago=9, probability=0.7, income=90000)
    leaning_accept = seed(hours_ago=8, probability=0.3, income=91000)
    seed(hours_ago=30, channel="mail", income=92000)
    seed(hours_ago=2, channel="mobile", income=93000)

    call("POST", f"/workbench/applications/{leaning_reject}/decision", body={"outcome": "reject"})  # agrees
    call("POST", f"/workbench/applications/{leaning_accept}/decision", body={"outcome": "reject"})  # disagrees
    status, body = call("GET", "/workbench/stats")

    assert status == 200
    assert body["queue"]["size"] == 2
    assert body["queue"]["by_channel"]["mail"] == 1 and body["queue"]["by_channel"]["mobile"] == 1
    assert body["queue"]["oldest_waited_seconds"] == 30 * 3600
    assert body["decisions"]["count"] == 2
    assert body["decisions"]["agreement"] == 0.5
    assert body["decisions"]["by_tier"]["medium"] == {"decisions": 2, "agreement": 0.5}
    assert body["decisions"]["by_outcome"] == {"accept": 0, "reject": 2}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/workbench/queue"),
        ("GET", "/workbench/applications/abcdef123456"),
        ("POST", "/workbench/applications/abcdef123456/decision"),
        ("GET", "/workbench/stats"),
    ],
)
def test_every_route_is_401_unsigned_and_403_outside_the_auditors_group(call, bench, method, path):
    application_id = seed(hours_ago=3)
    path = path.replace("abcdef123456", application_id)
    body = {"outcome": "accept"} if method == "POST" else None

    unsigned, unsigned_body = call(method, path, claims=None, body=body)
    outsider, outsider_body = call(method, path, claims=OUTSIDER, body=body)

    assert (unsigned, unsigned_body["error"]["code"]) == (401, "unauthorized")
    assert (outsider, outsider_body["error"]["code"]) == (403, "forbidden")
    assert "audit" not in bench.item(application_id)
    assert log_items(bench) == []


def test_group_claims_arrive_in_any_of_api_gateways_string_forms(call):
    for groups in ("auditors", "readers,auditors", "[readers auditors]"):
        assert call("GET", "/workbench/stats", claims=AUDITOR | {"cognito:groups": groups})[0] == 200


def test_every_reason_code_the_model_gives_has_adverse_action_wording():
    from riskline_model.features.spec import REASON_CODES

    assert set(REASON_CODES.values()) <= set(ADVERSE_ACTION_WORDING)


def test_a_graded_decision_keeps_its_grade_and_a_grade_outside_the_scale_is_422(call, bench):
    application_id = seed(hours_ago=3)

    refused, problem = call(
        "POST", f"/workbench/applications/{application_id}/decision", body={"outcome": "accept", "grade": "Z"}
    )
    status, body = call(
        "POST", f"/workbench/applications/{application_id}/decision", body={"outcome": "accept", "grade": "medium"}
    )

    assert (refused, [p["field"] for p in problem["error"]["problems"]]) == (422, ["grade"])
    assert status == 200
    assert (body["decision"]["grade"], body["decision"]["grade_tier"]) == ("medium", "medium")
    audit = bench.item(application_id)["audit"]["M"]
    assert (audit["grade"]["S"], audit["auditor_source"]["S"]) == ("medium", "cognito")
    _, view = call("GET", f"/workbench/applications/{application_id}")
    assert [g["grade"] for g in view["grades"]] == ["low", "medium", "high"]


def test_a_decision_keeps_its_note_in_the_audit_history_only(call, bench):
    application_id = seed(hours_ago=2)
    note = "Income confirmed by phone; the employer letter is on file."

    too_long, problem = call(
        "POST", f"/workbench/applications/{application_id}/decision", body={"outcome": "accept", "note": "x" * 1001}
    )
    status, body = call(
        "POST", f"/workbench/applications/{application_id}/decision", body={"outcome": "accept", "note": note}
    )

    assert (too_long, [p["field"] for p in problem["error"]["problems"]]) == (422, ["note"])
    assert (status, body["decision"]["note"]) == (200, note)
    item = bench.item(application_id)
    assert item["audit"]["M"]["note"]["S"] == note
    assert item["audits"]["L"][-1]["M"]["note"]["S"] == note
    record = ApplicationRecord.from_item({k: TypeDeserializer().deserialize(v) for k, v in item.items()})
    assert note not in LakeRecord.from_record(record, secret=b"k").model_dump_json()  # free text stays in the table
