"""The real adapters, built once per execution environment on first use. Tests replace `scorer`."""

from functools import cache

from . import clients
from .access_log import AccessLog
from .queue_sender import ScoringQueue
from .review_queue import ReviewQueue
from .scoring import LambdaScorer, Scorer
from .service import Intake
from .settings import settings

__all__ = ["intake", "queue", "scorer", "settings", "store"]
from .store import ApplicationStore
from .workbench import Workbench


@cache
def store() -> ApplicationStore:
    return ApplicationStore(clients.dynamodb(), settings().applications_table)


@cache
def queue() -> ScoringQueue:
    return ScoringQueue(clients.sqs(), settings().scoring_queue_url)


@cache
def scorer() -> Scorer:
    return LambdaScorer(clients.etl_lambda(), settings().etl_function_name)


def intake() -> Intake:
    return Intake(store=store(), queue=queue(), scorer=scorer())


@cache
def review_queue() -> ReviewQueue:
    return ReviewQueue(clients.dynamodb(), settings().applications_table)


@cache
def access_log() -> AccessLog:
    return AccessLog(clients.dynamodb(), settings().workbench_access_log_table)


def workbench() -> Workbench:
    return Workbench(store=store(), queue=review_queue(), log=access_log(), scale=settings().audit_grade_scale)
