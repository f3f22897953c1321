"""What the demo shows: decisions by channel and tier, agreement with the auditors, latency percentiles,
an analytics query against the warehouse — as text tables and as an HTML report with plots."""

from __future__ import annotations

import base64
import html
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .driver import Sent
from .reconcile import Reconciliation

CHANNELS = ("webform", "mobile", "chatbot", "phone", "mail")
TIERS = ("low", "medium", "high")

ANALYTICS_SQL = {
    "channel": """
        SELECT channel, count(*) AS applications,
               avg(CASE WHEN decision_hint = 'accept' THEN 1.0 ELSE 0.0 END) AS approval_rate,
               avg(probability) AS avg_risk, count(audit_outcome) AS audited
        FROM applications GROUP BY channel ORDER BY channel""",
    "loan_purpose": """
        SELECT loan_purpose, count(*) AS applications,
               avg(CASE WHEN decision_hint = 'accept' THEN 1.0 ELSE 0.0 END) AS approval_rate,
               avg(probability) AS avg_risk, avg(loan_amount) AS avg_loan
        FROM applications GROUP BY loan_purpose ORDER BY approval_rate DESC""",
}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = q / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def pcts(values: list[float]) -> tuple[float, float, float]:
    return percentile(values, 50), percentile(values, 95), percentile(values, 99)


def run_analytics(warehouse_path: Path) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    from riskline_routing.warehouse.duckdb import DuckDBWarehouse

    con = DuckDBWarehouse(str(warehouse_path), lock_timeout_s=30).connect()
    try:
        out = {}
        for name, sql in ANALYTICS_SQL.items():
            cursor = con.execute(sql)
            out[name] = ([d[0] for d in cursor.description], cursor.fetchall())
        return out
    finally:
        con.close()


@dataclass
class DemoSummary:
    sents: list[Sent]
    reconciliation: Reconciliation
    endpoint_latencies_ms: list[float]
    analytics: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    audits_posted: int
    elapsed_s: float
    send_s: float
    rejected_on_purpose: dict[str, int] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    probabilities: dict[str, float] = field(default_factory=dict)  # application_id -> probability

    # -- numbers ---------------------------------------------------------------------------------

    def by_channel(self) -> dict[str, Counter[str]]:
        table: dict[str, Counter[str]] = defaultdict(Counter)
        for sent in self.sents:
            if not sent.accepted:
                continue
            channel = sent.submission.channel.value
            table[channel]["sent"] += 1
            table[channel][sent.tier or "pending"] += 1
        return table

    def latencies(self, channels: tuple[str, ...]) -> list[float]:
        return [s.latency_ms for s in self.sents if s.latency_ms is not None and s.submission.channel.value in channels]

    def agreement(self) -> tuple[dict[str, Counter[str]], float, int, float, int]:
        by_tier: dict[str, Counter[str]] = defaultdict(Counter)
        hint_agree = hint_total = prob_agree = prob_total = 0
        for sent in self.sents:
            if not sent.tier:
                continue
            label = sent.submission.label.value
            by_tier[sent.tier][label] += 1
            if sent.tier != "medium":
                hint_total += 1
                hint_agree += (sent.tier == "low") == (label == "accept")
            probability = self.probabilities.get(sent.application_id or "")
            if probability is not None:
                prob_total += 1
                prob_agree += (probability >= 0.5) == (label == "reject")
        return (
            by_tier,
            hint_agree / hint_total if hint_total else float("nan"),
            hint_total,
            prob_agree / prob_total if prob_total else float("nan"),
            prob_total,
        )

    # -- text ------------------------------------------------------------------------------------

    def text(self) -> list[str]:
        lines: list[str] = []
        table = self.by_channel()
        lines.append("decisions by channel and tier (final state in DynamoDB)")
        lines.append(f"  {'channel':<9}{'sent':>6}{'low':>6}{'medium':>8}{'high':>6}{'pending':>9}"
                     f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")  # fmt: skip
        total: Counter[str] = Counter()
        for channel in CHANNELS:
            row = table.get(channel, Counter())
            total.update(row)
            p50, p95, p99 = pcts(self.latencies((channel,)))
            lines.append(
                f"  {channel:<9}{row['sent']:>6}{row['low']:>6}{row['medium']:>8}{row['high']:>6}{row['pending']:>9}"
                f"{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}"
            )
        lines.append(f"  {'total':<9}{total['sent']:>6}{total['low']:>6}{total['medium']:>8}{total['high']:>6}"
                     f"{total['pending']:>9}")  # fmt: skip
        lines.append("  (mail latency is the upload of a whole CSV file; the mail room scores its rows asynchronously)")
        if self.rejected_on_purpose:
            parts = ", ".join(f"{k}={v}" for k, v in sorted(self.rejected_on_purpose.items()))
            lines.append(f"  invalid submissions sent on purpose and rejected with a 4xx naming the field: {parts}")

        by_tier, hint_rate, hint_n, prob_rate, prob_n = self.agreement()
        lines.append("")
        lines.append("agreement with the auditors' labels")
        lines.append(f"  {'tier':<8}{'accept':>8}{'reject':>8}{'reject rate':>13}")
        for tier in TIERS:
            row = by_tier.get(tier, Counter())
            n = row["accept"] + row["reject"]
            rate = row["reject"] / n if n else float("nan")
            lines.append(f"  {tier:<8}{row['accept']:>8}{row['reject']:>8}{rate:>13.1%}")
        lines.append(f"  decision hint vs auditor (review excluded): {hint_rate:.1%} agree on {hint_n}")
        lines.append(f"  probability >= 0.5 vs auditor rejects:      {prob_rate:.1%} agree on {prob_n}")
        lines.append(f"  auditor decisions posted through PUT /applications/{{id}}/audit: {self.audits_posted}")

        lines.append("")
        api = pcts(self.latencies(("webform", "mobile")))
        invoke = pcts(self.latencies(("chatbot", "phone")))
        endpoint = pcts(self.endpoint_latencies_ms)
        lines.append("latency (ms)                          p50      p95      p99")
        lines.append(f"  API call (webform, mobile)     {api[0]:>8.1f} {api[1]:>8.1f} {api[2]:>8.1f}")
        lines.append(f"  Lex / Connect invocation       {invoke[0]:>8.1f} {invoke[1]:>8.1f} {invoke[2]:>8.1f}")
        lines.append(f"  endpoint (both containers)     {endpoint[0]:>8.1f} {endpoint[1]:>8.1f} {endpoint[2]:>8.1f}")

        for name, (columns, rows) in self.analytics.items():
            lines.append("")
            lines.append(f"warehouse analytics by {name} (DuckDB: {' '.join(ANALYTICS_SQL[name].split())[:90]}…)")
            lines.append("  " + "".join(f"{c:>16}" if i else f"{c:<20}" for i, c in enumerate(columns)))
            for row in rows:
                lines.append("  " + "".join(_cell(v, i) for i, v in enumerate(row)))
        if self.faults:
            lines.append("")
            lines.append("faults injected")
            lines.extend(self.faults)
        lines.append("")
        r = self.reconciliation
        lines.append(
            f"sent in {self.send_s:.1f} s ({r.sent / self.send_s if self.send_s else 0:.1f} app/s); "
            f"whole run {self.elapsed_s:.1f} s; duplicated={r.duplicated} unexpected={r.unexpected} stale={r.stale}"
        )
        return lines

    # -- HTML ------------------------------------------------------------------------------------

    def write_html(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        figures = [_figure(draw, self) for draw in (_plot_tiers, _plot_latency, _plot_probability, _plot_purpose)]
        body = "\n".join(f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">' for alt, data in figures)
        text = html.escape("\n".join([*self.text(), self.reconciliation.line]))
        path.write_text(
            "<!doctype html><html><head><meta charset='utf-8'><title>riskline local demo</title>"
            "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}img{max-width:48%;margin:1%}"
            "pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style></head><body>"
            "<h1>riskline — local demo</h1>"
            f"<p>{self.reconciliation.sent} applications through all five channels, scored by the inference "
            "pipeline, stored in DynamoDB, routed to the lake and the warehouse.</p>"
            f"{body}<h2>Summary</h2><pre>{text}</pre></body></html>"
        )
        return path


def _cell(value: Any, index: int) -> str:
    if index == 0:
        return f"{value!s:<20}"
    if isinstance(value, float):
        return f"{value:>16.3f}"
    return f"{value!s:>16}"


def _figure(draw: Any, summary: DemoSummary) -> tuple[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), dpi=90)
    title = draw(ax, summary)
    ax.set_title(title)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return title, base64.b64encode(buffer.getvalue()).decode()


def _plot_tiers(ax: Any, s: DemoSummary) -> str:
    table = s.by_channel()
    bottom = [0] * len(CHANNELS)
    colours = {"low": "#4caf50", "medium": "#ffb300", "high": "#e53935", "pending": "#9e9e9e"}
    for tier in (*TIERS, "pending"):
        heights = [table.get(c, Counter())[tier] for c in CHANNELS]
        ax.bar(CHANNELS, heights, bottom=bottom, label=tier, color=colours[tier])
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_ylabel("applications")
    ax.legend()
    return "Decisions by channel and tier"


def _plot_latency(ax: Any, s: DemoSummary) -> str:
    series = {
        "API call": s.latencies(("webform", "mobile")),
        "Lex/Connect": s.latencies(("chatbot", "phone")),
        "endpoint": s.endpoint_latencies_ms,
    }
    for name, values in series.items():
        if values:
            ax.hist([min(v, percentile(values, 99.5)) for v in values], bins=40, alpha=0.6, label=name)
    ax.set_xlabel("ms")
    ax.legend()
    return "Latency distribution"


def _plot_probability(ax: Any, s: DemoSummary) -> str:
    by_label: dict[str, list[float]] = defaultdict(list)
    for sent in s.sents:
        probability = s.probabilities.get(sent.application_id or "")
        if probability is not None:
            by_label[sent.submission.label.value].append(probability)
    for label, values in sorted(by_label.items()):
        ax.hist(values, bins=30, alpha=0.6, label=f"auditor {label}s")
    ax.set_xlabel("model probability of rejection")
    ax.legend()
    return "Model probability vs the auditors"


def _plot_purpose(ax: Any, s: DemoSummary) -> str:
    _columns, rows = s.analytics.get("loan_purpose", ([], []))
    if rows:
        ax.barh([str(r[0]) for r in rows], [float(r[2] or 0) for r in rows], color="#1e88e5")
        ax.set_xlabel("approval rate (decision hint accept)")
    return "Warehouse: approval rate by loan purpose"
