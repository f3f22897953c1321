import numpy as np

from riskline_model.data.auditor import BANKRUPTCY_LOAN_LIMIT, reject_probability
from riskline_model.data.generator import PROTECTED_GROUPS, financial_columns, generate
from riskline_model.features.spec import FEATURES
from riskline_schema import Application, AuditOutcome, Channel, ModelInput


def test_same_seed_gives_the_same_applications_and_labels():
    a, b = generate(200, seed=5), generate(200, seed=5)
    assert [x.to_row() for x in a] == [x.to_row() for x in b]


def test_different_seeds_give_different_applications():
    a, b = generate(50, seed=1), generate(50, seed=2)
    assert [x.application.application_id for x in a] != [x.application.application_id for x in b]


def test_every_channel_appears_and_every_application_is_canonical():
    items = generate(500, seed=3)
    assert {x.application.channel for x in items} == set(Channel)
    for x in items[:100]:
        # Round-trips through the strict schema, and projects to a PII-free model input.
        again = Application.model_validate_json(x.application.model_dump_json())
        assert again == x.application
        assert isinstance(again.to_model_input(), ModelInput)
    assert len({x.application.application_id for x in items}) == len(items)


def test_labels_follow_the_true_probabilities():
    items = generate(3_000, seed=4)
    p = np.array([x.true_probability for x in items])
    y = np.array([x.label is AuditOutcome.REJECT for x in items])
    assert ((p > 0) & (p < 1)).all()
    # Seeded sample: the realised reject rate sits within 3 standard errors of the expected one.
    se = np.sqrt((p * (1 - p)).sum()) / len(p)
    assert abs(y.mean() - p.mean()) < 3 * se
    assert y[p > 0.8].mean() > 0.8 > 0.2 > y[p < 0.1].mean()


def test_protected_attribute_is_labeled_but_never_a_feature():
    items = generate(300, seed=6)
    assert {x.protected_group for x in items} == set(PROTECTED_GROUPS)
    assert "protected_group" not in FEATURES
    assert "protected_group" not in ModelInput.model_fields


def test_policy_rule_rejects_recent_bankruptcy_with_a_large_loan():
    cols = financial_columns(2_000, np.random.default_rng(8))
    cols["public_record_bankruptcies"][:] = 1
    cols["loan_amount"][:] = BANKRUPTCY_LOAN_LIMIT + 5_000
    assert (reject_probability(cols) > 0.9).all()


def test_labeled_row_carries_the_application_and_the_label_columns():
    row = generate(1, seed=9)[0].to_row()
    assert row["label"] in ("accept", "reject")
    assert 0 < row["true_probability"] < 1
    assert row["applicant"]["national_id"]
    Application.model_validate(
        {k: v for k, v in row.items() if k not in ("label", "true_probability", "protected_group")}
    )


def test_auditor_decision_is_ready_to_post_after_submission():
    item = generate(1, seed=10)[0]
    audit = item.audit_request(auditor_id="auditor-07")
    assert audit.outcome is item.label and audit.auditor_id == "auditor-07"
    assert audit.decided_at > item.application.submitted_at
