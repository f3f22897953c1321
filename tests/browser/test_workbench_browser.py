"""The auditors' workbench in a real browser against the local stack: sign in, open the queue, open an
application, decide with the keyboard, see the next one open, and find the decision in DynamoDB, the
lake and the warehouse with the signed-in auditor as its author. Unsigned calls get 401, a signed-in
user outside the auditors' group 403."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from .conftest import ROOT, missing

pytestmark = [pytest.mark.slow, pytest.mark.skipif(missing() is not None, reason=missing() or "")]
SCREENSHOTS = ROOT / "docs"
ROUTES = [
    ("GET", "/workbench/queue"),
    ("GET", "/workbench/stats"),
    ("GET", "/workbench/applications/{id}"),
    ("POST", "/workbench/applications/{id}/decision"),
]


def _fake_identity(application, n: int):
    """The generator's facts with an identity nobody could mistake for a real person's."""
    from riskline_schema import Address, Applicant

    applicant = Applicant(
        first_name="Sample",
        last_name=f"Applicant-{n:02d}",
        date_of_birth=application.applicant.date_of_birth,
        email=f"sample.applicant{n:02d}@example.com",
        phone=f"+1555010{n:04d}",
        address=Address(street=f"{n} Example Street", city="Springfield", state="IL", postal_code="62701"),
        national_id=f"21909{1000 + n:04d}",
    )
    return application.model_copy(update={"applicant": applicant})


@pytest.fixture(scope="module")
def queued(local_stack) -> list[str]:
    """Submit web-form applications until at least three wait for an auditor; their ids, oldest first."""
    from riskline_local.demo import payloads
    from riskline_local.demo.workload import build_workload
    from riskline_local.emulator.procs import wait_until
    from riskline_schema import Channel

    stack = local_stack
    key = stack.outputs.api_keys["webform"]
    medium: list[str] = []
    with httpx.Client(timeout=60) as http:
        for n, submission in enumerate(build_workload(120, seed=14)):
            application = _fake_identity(submission.application.model_copy(update={"channel": Channel.WEBFORM}), n)
            answer = http.post(
                f"{stack.api_base_url}/applications",
                json=payloads.webform_body(application),
                headers={"x-api-key": key},
            )
            assert answer.status_code in (201, 202), answer.text
            if answer.json().get("tier") == "medium":
                medium.append(answer.json()["application_id"])
            if len(medium) >= 3:
                break
    assert len(medium) >= 3, "the workload gave fewer than three medium-tier applications"
    site = stack.workbench
    token = _token(site, "auditor")
    wait_until(
        lambda: len(httpx.get(f"{site.url}/workbench/queue", headers={"Authorization": token}).json()["items"]) >= 3,
        timeout=60,
        what="the review queue to list the medium-tier applications",
    )
    return medium


def _token(site, username: str) -> str:
    user = site.signin.users[username]
    token = site.signin.issue(user.username, user.password)
    assert token
    return token


def _screenshot(page, name: str) -> None:
    # Refreshing the README's pictures is opt-in: a test run leaves the tree as it found it.
    if os.environ.get("RISKLINE_SCREENSHOTS") == "1":
        page.screenshot(path=str(SCREENSHOTS / name), full_page=False)


def test_sign_in_open_decide_with_the_keyboard_and_find_the_label_everywhere(local_stack, browser, queued):
    from playwright.sync_api import expect

    from riskline_local.demo.reconcile import read_stores
    from riskline_local.emulator.procs import wait_until

    stack, site = local_stack, local_stack.workbench
    auditor = site.signin.users["auditor"]
    page = browser.new_page(viewport={"width": 1366, "height": 800})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(f"{site.url}/")
    page.fill("#username", auditor.username)
    page.fill("#password", auditor.password)
    page.press("#password", "Enter")
    try:
        page.wait_for_selector("#queue-table tbody tr", timeout=60_000)
    except Exception as exc:
        raise AssertionError(
            f"no queue after sign-in; notice {page.inner_text('#notice')!r}; console {errors}"
        ) from exc
    assert page.inner_text("#who") == "auditor"
    listed = page.eval_on_selector_all("#queue-table tbody tr", "rows => rows.map(r => r.dataset.id)")
    first, second = listed[0], listed[1]
    assert set(queued) <= set(listed)
    _screenshot(page, "workbench-queue.png")

    page.keyboard.press("Enter")
    page.wait_for_selector("#application:not([hidden])")
    assert page.inner_text("#app-id") == first
    assert page.inner_text("#app-reasons").strip(), "the reasons are shown in words"
    assert "Sample" in page.inner_text("#app-applicant")
    _screenshot(page, "workbench-application.png")

    page.keyboard.press("m")  # the note field, then back to the keys with Escape
    page.keyboard.type("Income does not cover the loan.")
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    # Polled from outside the page: the content-security policy forbids evaluating strings in it.
    expect(page.locator("#app-id")).to_have_text(second, timeout=30_000)
    assert "reject recorded as auditor" in page.inner_text("#notice")
    assert not [e for e in errors if "Content Security Policy" in e], errors

    item = stack.client("dynamodb").get_item(
        TableName=stack.outputs["applications_table_name"], Key={"application_id": {"S": first}}, ConsistentRead=True
    )["Item"]
    audit = item["audit"]["M"]
    assert (audit["outcome"]["S"], audit["auditor_id"]["S"], audit["auditor_source"]["S"]) == (
        "reject",
        "auditor",
        "cognito",
    )
    assert audit["note"]["S"] == "Income does not cover the loan."
    assert "review_queue" not in item

    # The lake and the warehouse name the author by its keyed hash (as they do the applicant).
    from riskline_schema import auditor_key

    secret = stack.client("secretsmanager").get_secret_value(SecretId=stack.outputs["applicant_key_secret_arn"])
    key = secret["SecretString"].encode() if "SecretString" in secret else secret["SecretBinary"]
    author = auditor_key(audit["auditor_id"]["S"], key)

    def labelled() -> bool:
        snapshot = read_stores(stack)
        lake, warehouse = snapshot.lake.get(first), snapshot.warehouse.get(first)
        return bool(
            lake and warehouse
            and lake.audit_outcome == "reject" and lake.audited_at is not None and lake.audited_by == author
            and warehouse.get("audit_outcome") == "reject" and warehouse.get("audited_at") is not None
            and warehouse.get("audited_by") == author
        )  # fmt: skip

    # The warehouse takes it at the loader's next scheduled run: every minute on the local stack.
    wait_until(labelled, timeout=180, interval=1.0, what="the decision in the lake and the warehouse")
    page.close()


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_every_workbench_route_is_401_unsigned_and_403_outside_the_group(local_stack, queued, method, route):
    site = local_stack.workbench
    url = f"{site.url}{route.format(id=queued[-1])}"
    body = {"outcome": "accept"} if method == "POST" else None

    unsigned = httpx.request(method, url, json=body, timeout=30)
    forged = httpx.request(method, url, json=body, headers={"Authorization": "eyJhbGciOiJub25lIn0.e30."}, timeout=30)
    outsider = httpx.request(method, url, json=body, headers={"Authorization": _token(site, "analyst")}, timeout=30)

    assert unsigned.status_code == 401
    assert forged.status_code == 401
    assert outsider.status_code == 403
    assert outsider.json()["error"]["code"] == "forbidden"


def test_the_page_is_served_with_a_strict_content_security_policy(local_stack):
    answer = httpx.get(f"{local_stack.workbench.url}/", timeout=30)
    policy = answer.headers["Content-Security-Policy"]

    assert answer.status_code == 200
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert "<script>" not in answer.text and " onclick=" not in answer.text


def test_screenshots_in_the_readme_exist():
    for name in ("workbench-queue.png", "workbench-application.png"):
        assert (SCREENSHOTS / name).stat().st_size < 400_000, name
    assert Path(ROOT / "README.md").read_text().count("docs/workbench-") >= 2
