"""The real adapters, built once per execution environment on first use. Tests replace `scorer`.

Clients follow riskline_runtime's policy (docs/CONTRACTS.md): made on first use, so a route that
never touches a service (a GET never scores) never pays for its client.
"""

from functools import cache
from typing import Any

from riskline_runtime.applications_table import ApplicationsTable
from riskline_runtime.clients import client

from .access_log import AccessLog
from .errors import Conflict, StoreUnavailable
from .queue_sender import ScoringQueue
from .review_queue import ReviewQueue
from .scoring import LambdaScorer, Scorer
from .service import Intake
from .settings import settings

__all__ = ["intake", "queue", "scorer", "settings", "store"]
from .workbench import Workbench


@cache
def store() -> ApplicationsTable:
    # A refused write answers 503 (retry: nothing was accepted), a race that will not settle 409.
    return ApplicationsTable(
        client("dynamodb"), settings().applications_table, unavailable=StoreUnavailable, conflict=Conflict
    )


@cache
def queue() -> ScoringQueue:
    return ScoringQueue(client("sqs"), settings().scoring_queue_url)


@cache
def scorer() -> Scorer:
    return LambdaScorer(scoring_client(), settings().etl_function_name)


def scoring_client() -> Any:
    """The synchronous scoring call's: the scoring budget as its timeouts, no retries (the queue is the retry)."""
    seconds = settings().scoring_timeout_ms / 1000
    return client("lambda", connect_timeout_s=min(seconds, 1.0), read_timeout_s=seconds, max_attempts=1)


def intake() -> Intake:
    return Intake(store=store(), queue=queue(), scorer=scorer())


@cache
def review_queue() -> ReviewQueue:
    return ReviewQueue(client("dynamodb"), settings().applications_table)


@cache
def access_log() -> AccessLog:
    return AccessLog(client("dynamodb"), settings().workbench_access_log_table)


def workbench() -> Workbench:
    return Workbench(store=store(), queue=review_queue(), log=access_log(), scale=settings().audit_grade_scale)
