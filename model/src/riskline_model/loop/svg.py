"""Plots as inline SVG for the loop's self-contained HTML reports (matplotlib, already a dependency)."""

import io
from collections.abc import Callable
from typing import Any

CHAMPION, CHALLENGER = "#1565c0", "#ef6c00"


def svg(draw: Callable[[Any], None], size: tuple[float, float] = (4.6, 3.6)) -> str:
    """Draw on a fresh axes and return the figure as an `<svg>` element (no XML prologue)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size)
    try:
        draw(ax)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
    finally:
        plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 80rem; }}
table {{ border-collapse: collapse; margin: 0.5rem 0 1.5rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
.fail {{ background: #ffebee; }} .pass {{ background: #e8f5e9; }}
.verdict {{ font-size: 1.3rem; font-weight: 600; }}
.plots {{ display: flex; flex-wrap: wrap; gap: 1rem; }} .plots svg {{ width: 25rem; height: auto; }}
</style></head><body>
{body}
</body></html>
"""
