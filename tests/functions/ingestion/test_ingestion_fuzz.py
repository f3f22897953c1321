"""Property-based fuzz of the public payloads (REST single and batch bodies).

Mutations of valid bodies that make them invalid — a required field dropped, an unknown field added,
a scalar replaced by a list or object, a number pushed out of its range, letters where a number,
enum or date belongs — must each get a 4xx naming a field and leave the tables and queue empty;
arbitrary JSON never gets a 5xx; valid bodies drawn across the ranges are accepted and stored once;
Lex slots and Connect attributes with fields dropped or letters in numbers are refused and write nothing.
"""

import copy
import itertools
import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskline_ingestion.redaction import known_names

FUZZ = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# (low, high) per numeric leaf, under both the canonical and the mobile name.
BOUNDS = {
    ("annual_income", "annualIncome"): (0, 10_000_000),
    ("employment_length_years", "lengthYears"): (0, 60),
    ("debt_to_income", "debtToIncome"): (0, 1_000),
    ("delinquencies_2y", "delinquencies2y"): (0, 50),
    ("inquiries_last_12m", "inquiriesLast12m"): (0, 100),
    ("open_credit_lines", "openCreditLines"): (0, 100),
    ("total_credit_lines", "totalCreditLines"): (0, 200),
    ("revolving_utilization", "revolvingUtilization"): (0, 1_000),
    ("credit_history_years", "creditHistoryYears"): (0, 80),
    ("public_record_bankruptcies", "publicRecordBankruptcies"): (0, 20),
    ("loan_amount", "amount"): (500, 100_000),
}
BOUND_OF = {name: bounds for names, bounds in BOUNDS.items() for name in names}
OPTIONAL = {("channel",), ("device",), ("device", "platform"), ("device", "appVersion")}


def leaves(doc, prefix=()):
    for key, value in doc.items():
        path = (*prefix, key)
        if isinstance(value, dict):
            yield from leaves(value, path)
        else:
            yield path


def objects(doc, prefix=()):
    yield prefix
    for key, value in doc.items():
        if isinstance(value, dict):
            yield from objects(value, (*prefix, key))


def parent(doc, path):
    for key in path[:-1]:
        doc = doc[key]
    return doc


def unknown_names():
    return st.from_regex(r"\A[a-z][a-zA-Z0-9_]{0,15}\Z").filter(lambda n: n not in known_names())


def garbage_letters():
    return st.text(alphabet=string.ascii_letters + " -", min_size=3, max_size=20).filter(
        lambda s: (
            s.strip().lower().replace(" ", "_").replace("-", "_")
            not in {"own", "rent", "other", "car", "medical", "employed", "retired", "student", "verified", "joint"}
        )
    )


@st.composite
def mutation(draw, body, original):
    """One change that makes a valid body invalid; returns (mutated body, kind)."""
    doc = copy.deepcopy(body)
    present = set(leaves(doc))
    kind = draw(st.sampled_from(["drop", "unknown", "wrong_type", "out_of_range", "letters"]))
    scalar_leaves = sorted(p for p in leaves(doc) if p[0] not in ("channel", "device"))
    numeric = [p for p in scalar_leaves if p[-1] in BOUND_OF]
    if kind == "drop":
        # only fields of the valid original: dropping a field an earlier mutation added would heal the body
        path = draw(st.sampled_from(sorted(p for p in leaves(original) if p in present and p not in OPTIONAL)))
        del parent(doc, path)[path[-1]]
    elif kind == "unknown":
        where = draw(st.sampled_from(sorted(objects(doc))))
        target = parent(doc, (*where, "_"))
        target[draw(unknown_names())] = draw(st.one_of(st.integers(), st.text(max_size=10), st.none()))
    elif kind == "wrong_type":
        path = draw(st.sampled_from(scalar_leaves))
        parent(doc, path)[path[-1]] = draw(st.sampled_from([[], [1, 2], {}, {"value": 1}]))
    elif kind == "out_of_range":
        path = draw(st.sampled_from(numeric))
        low, high = BOUND_OF[path[-1]]
        bad = draw(
            st.one_of(
                st.integers(min_value=high + 1, max_value=high * 10 + 10),
                st.integers(min_value=-(10**9), max_value=low - 1),
            )
        )
        parent(doc, path)[path[-1]] = bad
    else:
        path = draw(st.sampled_from(numeric))
        parent(doc, path)[path[-1]] = draw(garbage_letters())
    return doc, kind


@st.composite
def invalid_submission(draw, webform_body, mobile_body):
    original = body = draw(st.sampled_from([webform_body, mobile_body]))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        body, _kind = draw(mutation(body, original))
    return body


def json_values():
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=12,
    )


def assert_rejected_and_nothing_written(world, scorer, status, answer):
    assert 400 <= status < 500, (status, answer)
    assert answer["error"]["problems"], answer
    assert all(p["field"] for p in answer["error"]["problems"])
    assert world.items() == [] and world.idempotency_records() == [] and world.messages() == []
    assert scorer.calls == []


def test_fuzz_mutated_submissions_are_rejected_with_named_fields_and_write_nothing(
    world, scorer, call_api, webform, mobile, empty_world
):
    @FUZZ
    @given(body=invalid_submission(webform(), mobile()))
    def check(body):
        status, answer = call_api(body=body)
        assert_rejected_and_nothing_written(world, scorer, status, answer)

    check()


def test_fuzz_mutated_batch_items_reject_the_whole_batch_naming_the_item(world, scorer, call_api, flat, empty_world):
    @FUZZ
    @given(
        index=st.integers(min_value=0, max_value=2),
        kind=st.sampled_from(["drop", "unknown", "wrong_type", "out_of_range", "letters"]),
        data=st.data(),
    )
    def check(index, kind, data):
        items = [flat(), flat(national_id="345-67-8901"), flat(loan_amount="20000")]
        item = items[index]
        if kind == "drop":
            required = sorted(set(item) - {"months_since_last_delinquency", "application_type"})
            del item[data.draw(st.sampled_from(required))]
        elif kind == "unknown":
            item[data.draw(unknown_names())] = "1"
        elif kind == "wrong_type":
            item[data.draw(st.sampled_from(sorted(item)))] = data.draw(st.sampled_from([[], ["x"], {}, {"a": 1}]))
        elif kind == "out_of_range":
            field = data.draw(st.sampled_from(sorted(f for f in item if f in BOUND_OF)))
            low, high = BOUND_OF[field]
            item[field] = str(data.draw(st.sampled_from([low - 1, high + 1, -(10**6), high * 100 + 1])))
        else:
            field = data.draw(st.sampled_from(sorted(f for f in item if f in BOUND_OF)))
            item[field] = data.draw(garbage_letters())
        status, answer = call_api(path="/applications/batch", body={"applications": items})
        assert_rejected_and_nothing_written(world, scorer, status, answer)
        assert all(p["field"].startswith(f"applications[{index}]") for p in answer["error"]["problems"])

    check()


def test_fuzz_arbitrary_json_never_fails_the_server_and_a_rejection_writes_nothing(
    world, scorer, call_api, webform, empty_world
):
    @FUZZ
    @given(
        extra=st.dictionaries(st.text(max_size=12), json_values(), max_size=4),
        top=json_values(),
        merge=st.booleans(),
        route=st.sampled_from(["/applications", "/applications/batch"]),
    )
    def check(extra, top, merge, route):
        body = webform() | extra if merge else top
        status, answer = call_api(path=route, body=body)
        if status >= 300:
            assert 400 <= status < 500, (status, answer)
            assert world.items() == [] and world.messages() == []
        else:
            assert len(world.items()) == 1
        empty_world(world)

    check()


def test_fuzz_garbage_bytes_are_400_and_write_nothing(world, scorer, call_api, empty_world):
    @FUZZ
    @given(raw=st.one_of(st.text(max_size=60), st.binary(max_size=60).map(lambda b: b.decode("latin-1"))))
    def check(raw):
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        status, _ = call_api(raw=raw)
        assert 400 <= status < 500
        if not isinstance(parsed, dict):
            assert status == 400
        assert world.items() == [] and world.messages() == []

    check()


_keys = itertools.count(1)


@st.composite
def valid_submission(draw, webform_body):
    body = copy.deepcopy(webform_body)
    total = draw(st.integers(min_value=0, max_value=200))
    delinquencies = draw(st.integers(min_value=0, max_value=50))
    body |= {
        "annual_income": draw(st.floats(min_value=0, max_value=10_000_000, allow_nan=False)),
        "employment_length_years": draw(st.integers(min_value=0, max_value=60)),
        "debt_to_income": draw(st.floats(min_value=0, max_value=100)),
        "delinquencies_2y": delinquencies,
        "months_since_last_delinquency": draw(st.integers(min_value=0, max_value=24)) if delinquencies else None,
        "total_credit_lines": total,
        "open_credit_lines": draw(st.integers(min_value=0, max_value=min(total, 100))),
        "revolving_utilization": draw(st.floats(min_value=0, max_value=150)),
        "loan_amount": draw(st.integers(min_value=500, max_value=100_000)),
        "loan_term_months": draw(st.sampled_from([12, 24, 36, 48, 60])),
        "loan_purpose": draw(st.sampled_from(["debt_consolidation", "credit_card", "medical", "car", "other"])),
        "home_ownership": draw(st.sampled_from(["rent", "mortgage", "own", "other"])),
        "application_type": draw(st.sampled_from(["individual", "joint"])),
    }
    return body


def test_fuzz_valid_submissions_across_the_ranges_are_accepted_and_stored_once(
    world, scorer, call_api, webform, empty_world
):
    @FUZZ
    @given(body=valid_submission(webform()), fail=st.booleans())
    def check(body, fail):
        scorer.fail = fail
        status, answer = call_api(body=body, headers={"Idempotency-Key": f"fuzz-{next(_keys)}"})
        assert status == (202 if fail else 201), answer
        assert [i["application_id"]["S"] for i in world.items()] == [answer["application_id"]]
        assert len(world.messages()) == (1 if fail else 0)
        empty_world(world)

    check()


def test_fuzz_voice_and_chat_answers_never_raise_and_a_rejection_writes_nothing(
    world, scorer, context, flat, event_json, empty_world
):
    from riskline_ingestion import connect, lex
    from riskline_schema.channels.lex import SLOT_FOR_FIELD

    numeric = sorted(f for f in flat() if f in BOUND_OF)

    @FUZZ
    @given(
        drop=st.lists(st.sampled_from(sorted(set(flat()) - {"months_since_last_delinquency", "application_type"}))),
        garbage=st.dictionaries(st.sampled_from(numeric), garbage_letters(), max_size=3),
        use_lex=st.booleans(),
    )
    def check(drop, garbage, use_lex):
        values = {k: v for k, v in flat(**garbage).items() if k not in drop}
        invalid = bool(drop or garbage)
        if use_lex:
            event = event_json("lex_v2_fulfillment.json")
            event["sessionState"]["intent"]["slots"] = {
                SLOT_FOR_FIELD[k]: {"shape": "Scalar", "value": {"originalValue": v, "interpretedValue": v}}
                for k, v in values.items()
            }
            event["sessionState"]["originatingRequestId"] = f"fuzz-{next(_keys)}"
            answer = lex.handler(event, context)
            rejected = answer["sessionState"]["dialogAction"]["type"] == "ElicitSlot" or (
                answer["sessionState"]["intent"]["state"] == "Failed"
            )
        else:
            event = event_json("connect_contact_flow.json")
            event["Details"]["ContactData"]["Attributes"] |= values
            event["Details"]["ContactData"]["ContactId"] = f"fuzz-{next(_keys)}"
            answer = connect.handler(event, context)
            assert all(isinstance(v, str) for v in answer.values())
            rejected = answer["status"] == "INVALID"
        if set(drop) == {"phone"} and not use_lex and not garbage:
            invalid = False  # Connect fills a missing phone from the caller's number
        assert rejected == invalid, answer
        assert len(world.items()) == (0 if invalid else 1)
        empty_world(world)

    check()
