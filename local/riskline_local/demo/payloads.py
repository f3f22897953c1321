"""Each channel's native payload for a synthetic Application: what a web form, the mobile app, a Lex V2
bot, an Amazon Connect flow and the mail room would really send."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from riskline_schema import FINANCIAL_FIELDS, Application
from riskline_schema.channels import FLAT_FIELDS
from riskline_schema.channels.lex import SLOT_FOR_FIELD

BOT = {"id": "RSKLNBOT01", "name": "riskline-apply", "aliasId": "TSTALIASID", "aliasName": "live",
       "localeId": "en_US", "version": "DRAFT"}  # fmt: skip


def webform_body(app: Application) -> dict[str, Any]:
    body = app.model_dump(mode="json", include={"applicant", *FINANCIAL_FIELDS})
    body["channel"] = "webform"
    return body


def mobile_body(app: Application, platform: str = "ios") -> dict[str, Any]:
    a = app.applicant
    return {
        "channel": "mobile",
        "applicant": {
            "firstName": a.first_name,
            "lastName": a.last_name,
            "dateOfBirth": a.date_of_birth.isoformat(),
            "email": a.email,
            "phone": a.phone,
            "nationalId": a.national_id,
            "address": {
                "street": a.address.street,
                "city": a.address.city,
                "state": a.address.state,
                "postalCode": a.address.postal_code,
            },
        },
        "homeOwnership": app.home_ownership.value,
        "employment": {
            "status": app.employment_status.value,
            "lengthYears": app.employment_length_years,
            "annualIncome": app.annual_income,
            "incomeVerification": app.income_verification.value,
        },
        "credit": {
            "debtToIncome": app.debt_to_income,
            "delinquencies2y": app.delinquencies_2y,
            "inquiriesLast12m": app.inquiries_last_12m,
            "openCreditLines": app.open_credit_lines,
            "totalCreditLines": app.total_credit_lines,
            "revolvingUtilization": app.revolving_utilization,
            "creditHistoryYears": app.credit_history_years,
            "publicRecordBankruptcies": app.public_record_bankruptcies,
            "monthsSinceLastDelinquency": app.months_since_last_delinquency,
        },
        "loan": {
            "amount": app.loan_amount,
            "termMonths": app.loan_term_months,
            "purpose": app.loan_purpose.value,
            "applicationType": app.application_type.value,
        },
        "device": {"platform": platform, "appVersion": "4.12.0"},
    }


def flat_values(app: Application) -> dict[str, str]:
    """The flat string map voice, chat and staff-keyed channels carry (canonical field names)."""
    a = app.applicant
    values: dict[str, Any] = {
        "first_name": a.first_name, "last_name": a.last_name, "date_of_birth": a.date_of_birth.isoformat(),
        "email": a.email, "phone": a.phone, "national_id": a.national_id, "street": a.address.street,
        "city": a.address.city, "state": a.address.state, "postal_code": a.address.postal_code,
    }  # fmt: skip
    for name in FINANCIAL_FIELDS:
        value = getattr(app, name)
        values[name] = "" if value is None else str(getattr(value, "value", value))
    return {k: str(v) for k, v in values.items()}


def lex_event(app: Application) -> dict[str, Any]:
    """A Lex V2 fulfillment code hook event with every slot filled."""
    slots = {
        SLOT_FOR_FIELD[name]: {
            "shape": "Scalar",
            "value": {"originalValue": value, "interpretedValue": value, "resolvedValues": [value]},
        }
        for name, value in flat_values(app).items()
        if value != ""
    }
    intent = {"name": "ApplyForLoan", "slots": slots, "state": "ReadyForFulfillment", "confirmationState": "Confirmed"}
    return {
        "messageVersion": "1.0",
        "invocationSource": "FulfillmentCodeHook",
        "inputMode": "Text",
        "responseContentType": "text/plain; charset=utf-8",
        "sessionId": uuid.uuid4().hex,
        "inputTranscript": "yes, submit my application",
        "bot": BOT,
        "interpretations": [{"intent": intent, "nluConfidence": {"score": 0.97}}],
        "proposedNextState": None,
        "requestAttributes": {},
        "sessionState": {
            "sessionAttributes": {},
            "activeContexts": [],
            "intent": intent,
            "originatingRequestId": str(uuid.uuid4()),
        },
        "transcriptions": [],
    }


def connect_event(app: Application) -> dict[str, Any]:
    """An Amazon Connect contact-flow Lambda invocation with the answers as contact attributes."""
    attributes = {k: v for k, v in flat_values(app).items() if v != "" and k != "phone"}
    contact_id = str(uuid.uuid4())
    return {
        "Name": "ContactFlowEvent",
        "Details": {
            "ContactData": {
                "Attributes": attributes,
                "Channel": "VOICE",
                "ContactId": contact_id,
                "CustomerEndpoint": {"Address": app.applicant.phone, "Type": "TELEPHONE_NUMBER"},
                "InitialContactId": contact_id,
                "InitiationMethod": "INBOUND",
                "InstanceARN": "arn:aws:connect:us-east-1:123456789012:instance/00000000-0000-0000-0000-000000000000",
                "PreviousContactId": contact_id,
                "Queue": None,
                "SystemEndpoint": {"Address": "+18005550100", "Type": "TELEPHONE_NUMBER"},
            },
            "Parameters": {},
        },
    }


def mail_csv(apps: list[Application]) -> str:
    """A mail-room file as staff key it: canonical column names, US dates, strings everywhere."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(FLAT_FIELDS), lineterminator="\n")
    writer.writeheader()
    for app in apps:
        row = flat_values(app)
        born = app.applicant.date_of_birth
        row["date_of_birth"] = f"{born.month:02d}/{born.day:02d}/{born.year}"
        writer.writerow(row)
    return out.getvalue()
