"""Verdict tables: HTML (Allure attachment), plain text and rich (terminal)."""

from __future__ import annotations

import html
import math
import sys
from collections.abc import Sequence

from hacert.perf.verdicts import MetricVerdict, Verdict

COLUMNS = ("cluster", "target", "metric", "baseline", "now", "change %", "p", "verdict")
_COLOURS = {
    Verdict.CONFIRMED: "#c62828",
    Verdict.SUSPECT: "#ef6c00",
    Verdict.IMPROVED: "#2e7d32",
    Verdict.UNSTABLE: "#6a1b9a",
}


def _number(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = f"{value:.4g}"
    return f"{text} {unit}".rstrip()


def row(v: MetricVerdict) -> tuple[str, ...]:
    verdict = str(v.verdict)
    if v.verdict is Verdict.UNSTABLE:
        verdict += f" (CV {v.cv:.1%})"
    return (
        v.cluster,
        v.target,
        v.metric,
        _number(v.baseline_value, v.unit),
        _number(v.value, v.unit),
        "-" if v.change_pct is None else f"{v.change_pct:+.1f}",
        "-" if v.p_value is None else f"{v.p_value:.3g}",
        verdict,
    )


def html_table(verdicts: Sequence[MetricVerdict]) -> str:
    """A self-contained HTML page with one row per metric."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS)
    body = []
    for v in verdicts:
        colour = _COLOURS.get(v.verdict, "inherit")
        cells = "".join(f"<td>{html.escape(c)}</td>" for c in row(v)[:-1])
        verdict = html.escape(row(v)[-1])
        note = f"<br><small>{html.escape(v.message)}</small>" if v.message else ""
        body.append(
            f"<tr>{cells}<td style='color:{colour};font-weight:bold'>{verdict}{note}</td></tr>"
        )
    return (
        "<html><head><meta charset='utf-8'><style>"
        "table{border-collapse:collapse;font-family:sans-serif;font-size:13px}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
        "</style></head><body><table>"
        f"<tr>{head}</tr>{''.join(body)}</table></body></html>"
    )


def text_table(verdicts: Sequence[MetricVerdict]) -> str:
    """Aligned plain-text table (for terminals without rich and for logs)."""
    rows = [COLUMNS, *(row(v) for v in verdicts)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {v.key}: {v.message}" for v in verdicts if v.message]
    return "\n".join(line.rstrip() for line in [*lines, *notes])


def print_rich(verdicts: Sequence[MetricVerdict], title: str) -> None:
    """Print the table with rich when it is installed, else as plain text."""
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        print(title)
        print(text_table(verdicts))
        return
    table = Table(title=title)
    for column in COLUMNS:
        table.add_column(column, justify="right" if column in {"change %", "p"} else "left")
    for v in verdicts:
        colour = _COLOURS.get(v.verdict)
        cells = list(row(v))
        if colour:
            cells[-1] = f"[bold {colour}]{cells[-1]}[/]"
        table.add_row(*cells)
    console = Console(width=None if sys.stdout.isatty() else 160)
    console.print(table)
    for v in verdicts:
        if v.message:
            console.print(f"  {v.key}: {v.message}", markup=False)


def counts(verdicts: Sequence[MetricVerdict]) -> str:
    """'3 unchanged, 1 suspect regression' style one-liner."""
    tally: dict[str, int] = {}
    for v in verdicts:
        tally[str(v.verdict)] = tally.get(str(v.verdict), 0) + 1
    return ", ".join(f"{n} {name}" for name, n in sorted(tally.items())) or "no perf figures"
