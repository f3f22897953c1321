"""The drift report: one self-contained HTML page, a PSI bar per feature drawn as inline SVG."""

import html
import math

from .drift import Drift, DriftResult

BAR_HEIGHT, LABEL_WIDTH, PLOT_WIDTH = 18, 230, 420


def psi_chart(rows: list[Drift], threshold: float) -> str:
    top = max([threshold * 2, *(d.psi for d in rows)])
    height = BAR_HEIGHT * len(rows) + 30
    scale = PLOT_WIDTH / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_WIDTH + PLOT_WIDTH + 60}" height="{height}"'
        ' role="img" aria-label="PSI per feature">'
    ]
    for i, d in enumerate(rows):
        y = i * BAR_HEIGHT + 4
        colour = "#e53935" if d.flagged else "#1565c0"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 12}" text-anchor="end" font-size="12">{html.escape(d.name)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(d.psi * scale, 1):.1f}" height="{BAR_HEIGHT - 5}"'
            f' fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + d.psi * scale + 4:.1f}" y="{y + 12}" font-size="11">{d.psi:.3f}</text>'
        )
    x = LABEL_WIDTH + threshold * scale
    parts.append(
        f'<line x1="{x:.1f}" x2="{x:.1f}" y1="0" y2="{height - 22}" stroke="#555" stroke-dasharray="4 3"/>'
        f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" font-size="11">threshold {threshold}</text>'
    )
    return "".join(parts) + "</svg>"


def _number(value: float | None, digits: int = 3) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def render(result: DriftResult) -> str:
    rows = [*result.features, *(d for d in (result.score, result.tiers) if d)]
    body = "".join(
        f"<tr class={'drift' if d.flagged else 'ok'}><td>{html.escape(d.name)}</td><td>{d.kind}</td>"
        f"<td>{_number(d.psi)}</td><td>{_number(d.ks)}</td><td>{_number(d.baseline_missing)}</td>"
        f"<td>{_number(d.current_missing)}</td><td>{'DRIFT' if d.flagged else ''}</td></tr>"
        for d in rows
    )
    quality = ""
    q = result.quality
    if q and q["rows"]:
        tiers = "".join(
            f"<tr><td>{t}</td><td>{v['count']}</td><td>{_number(v['reject_rate'])}</td></tr>"
            for t, v in q["reject_rate_by_tier"].items()
        )
        quality = (
            f"<h2>Model quality on the {q['rows']} rows audited in the window</h2>"
            f"<p>AUC {_number(q['auc'])}, agreement with the auditors {_number(q['agreement'])}"
            " (tier low = accept, high = reject)</p>"
            f"<table><tr><th>tier</th><th>audited</th><th>reject rate</th></tr>{tiers}</table>"
        )
    flagged = ", ".join(result.flagged) or "none"
    window = html.escape(f"{result.window.get('since')} .. {result.window.get('until')}")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>riskline drift report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5rem 0 1.5rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }}
tr.drift {{ background: #ffebee; }}
</style></head><body>
<h1>Drift: recent applications against the training baseline</h1>
<p>model <code>{html.escape(result.model_version or "?")}</code>, window {window}, {result.rows} applications;
PSI threshold {result.threshold}. Drifted features: <strong>{html.escape(flagged)}</strong>.</p>
{psi_chart(rows, result.threshold)}
<table><tr><th>feature</th><th>kind</th><th>PSI</th><th>KS</th><th>missing (baseline)</th><th>missing (now)</th>
<th></th></tr>{body}</table>
{quality}
</body></html>
"""
