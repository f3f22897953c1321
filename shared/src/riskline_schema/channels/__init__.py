"""One adapter per channel's native payload, each producing the canonical `Application`.

Every adapter raises `InvalidPayload` naming each bad field; none of them writes anything.
"""

from .connect import application_from_connect, connect_response
from .errors import InvalidPayload
from .flat import FLAT_FIELDS, application_from_flat
from .lex import application_from_lex, is_application_intent, lex_close, lex_elicit_intent, lex_elicit_slot
from .mail import MailBatch, RejectedRow, parse_mail_csv
from .submission import MobileSubmission, WebFormSubmission, application_from_submission

__all__ = [
    "FLAT_FIELDS",
    "InvalidPayload",
    "MailBatch",
    "MobileSubmission",
    "RejectedRow",
    "WebFormSubmission",
    "application_from_connect",
    "application_from_flat",
    "application_from_lex",
    "application_from_submission",
    "connect_response",
    "is_application_intent",
    "lex_close",
    "lex_elicit_intent",
    "lex_elicit_slot",
    "parse_mail_csv",
]
