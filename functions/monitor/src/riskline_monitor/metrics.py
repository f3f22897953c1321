"""CloudWatch: one metric per feature (dimension `Feature`), plus the score, tiers and the headline."""

import math
from typing import Any

from .drift import DriftResult

PER_CALL = 1000  # put_metric_data takes up to 1,000 metrics per request


def metric_data(result: DriftResult, extra_dimensions: dict[str, str] | None = None) -> list[dict[str, Any]]:
    base = [{"Name": k, "Value": v} for k, v in sorted((extra_dimensions or {}).items())]
    data: list[dict[str, Any]] = []

    def put(name: str, value: float | None, dims: list[dict[str, str]], unit: str = "None") -> None:
        if value is not None and not math.isnan(value):
            data.append({"MetricName": name, "Dimensions": base + dims, "Value": float(value), "Unit": unit})

    for d in result.features:
        put("FeaturePSI", d.psi, [{"Name": "Feature", "Value": d.name}])
        put("FeatureKS", d.ks, [{"Name": "Feature", "Value": d.name}])
    if result.score:
        put("ScorePSI", result.score.psi, [])
        put("ScoreKS", result.score.ks, [])
    if result.tiers:
        put("TierPSI", result.tiers.psi, [])
    put("MaxFeaturePSI", result.max_feature_psi, [])
    put("DriftedFeatures", float(len(result.flagged)), [], "Count")
    put("WindowRows", float(result.rows), [], "Count")
    if result.quality and result.quality["rows"]:
        put("AuditedAUC", result.quality["auc"], [])
        put("AuditAgreement", result.quality["agreement"], [])
        put("AuditedRows", float(result.quality["rows"]), [], "Count")
    return data


def publish(
    cloudwatch: Any, namespace: str, result: DriftResult, extra_dimensions: dict[str, str] | None = None
) -> int:
    data = metric_data(result, extra_dimensions)
    for start in range(0, len(data), PER_CALL):
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=data[start : start + PER_CALL])
    return len(data)
