"""Renders a student's feedback page and the class summary. Hidden checks count in the
totals but their details never reach the student's page."""

from __future__ import annotations

import builtins
import importlib
import re
from html import escape
from typing import Any

# What went wrong, in the words of a student page, by exception class (or a base class).
PLAIN_WORDS = {
    "HostUnreachable": "host unreachable",
    "AuthenticationFailed": "login refused",
    "HostKeyRejected": "host key not trusted",
    "CommandTimeout": "command timed out",
    "WaitTimeout": "timed out waiting",
    "ToolMissing": "tool missing",
    "SudoRefused": "sudo refused",
    "CommandFailed": "command failed",
    "UnexpectedOutput": "unexpected tool output",
    "InfrastructureError": "could not look",
    "Interrupted": "run interrupted",
    "TimeoutError": "timed out",
    "ConnectionError": "connection failed",
}
UNEXPECTED = "unexpected error in the check"
# "hacert.errors.HostUnreachable: " as pytest reports an exception, or "KeyError: "
_EXCEPTION_NAME = re.compile(r"\b((?:[a-z_]\w*\.)+)?([A-Z]\w*): ")

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;
vertical-align:top;text-align:left}th{background:#f3f3f3}.passed{color:#17702f}
.partial{color:#a05a00}.failed,.broken,.not-run{color:#b00020}.meta{color:#555;font-size:.9em}
"""


def _exception_class(module: str | None, name: str) -> type | None:
    if module is None:
        found = getattr(builtins, name, None)
    elif module.startswith("hacert."):
        try:
            found = getattr(importlib.import_module(module.rstrip(".")), name, None)
        except ImportError:
            found = None
    else:
        return BaseException
    return found if isinstance(found, type) and issubclass(found, BaseException) else None


def _plain_cause(match: re.Match[str]) -> str:
    cls = _exception_class(match.group(1), match.group(2))
    if cls is None:
        return match.group(0)
    words = next((PLAIN_WORDS[c.__name__] for c in cls.__mro__ if c.__name__ in PLAIN_WORDS), None)
    return f"{words or UNEXPECTED}: "


def plain_language(text: str) -> str:
    """``text`` with Python exception names replaced by what they mean."""
    return _EXCEPTION_NAME.sub(_plain_cause, text)


def _cell(lines: list[str]) -> str:
    return "<br>".join(escape(plain_language(line)) for line in lines)


def _signature(result: dict[str, Any]) -> str:
    signature = result.get("signature")
    if not signature:
        return "unsigned (the hash shows integrity only, not authenticity)"
    return f"signed by <code>{escape(signature['key'])}</code>"


def render_student_html(result: dict[str, Any]) -> str:
    visible = [c for c in result["checks"] if not c["hidden"]]
    hidden = [c for c in result["checks"] if c["hidden"]]
    rows = "".join(
        f"<tr><td>{escape(c['id'])}<br>{escape(c['title'])}</td>"
        f"<td class='{escape(c['status'])}'>{escape(c['status'])}</td>"
        f"<td>{c['points']:g} / {c['max_points']:g}</td>"
        f"<td>{escape(c['expected'])}</td><td>{_cell(c['found'])}</td>"
        f"<td>{escape(c['hint'])}</td></tr>"
        for c in visible
    )
    if hidden:
        got = sum(c["points"] for c in hidden)
        top = sum(c["max_points"] for c in hidden)
        rows += (
            f"<tr><td>{len(hidden)} hidden checks</td><td></td><td>{got:g} / {top:g}</td>"
            "<td colspan=3>details are not shown</td></tr>"
        )
    notes = "".join(f"<li>{escape(plain_language(n))}</li>" for n in result["notes"])
    taken = result.get("taken", {})
    hosts = "".join(
        f"<li>{escape(h)}: key {escape(str(f.get('host_key_sha256') or '?'))}, "
        f"booted {escape(str(f.get('boot_time') or '?'))}</li>"
        for h, f in taken.get("hosts", {}).items()
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(result["assignment"])}: {escape(result["display_name"])}</title>
<style>{_STYLE}</style></head><body>
<h1>{escape(result["title"] or result["assignment"])}</h1>
<p><b>{escape(result["display_name"])}</b>, cluster <code>{escape(result["cluster"])}</code>:
<b>{result["points"]:g} / {result["max_points"]:g}</b> points ({result["percentage"]:g}%)</p>
{f"<ul>{notes}</ul>" if notes else ""}
<table><tr><th>Check</th><th>Result</th><th>Points</th><th>Expected</th><th>Found</th>
<th>Hint</th></tr>{rows}</table>
<p class="meta">Graded {escape(result["graded_at"])} from run {escape(str(taken.get("run_id")))}
(finished {escape(str(taken.get("finished")))}). Hosts:</p><ul class="meta">{hosts}</ul>
<p class="meta">Result file SHA-256: <code>{escape(result["sha256"])}</code>,
{_signature(result)}</p>
</body></html>
"""


def render_summary_text(summary: dict[str, Any]) -> str:
    lines = [
        f"assignment {summary['assignment']}: {summary['students']} students, "
        f"max {summary['max_points']:g} points",
        f"percentage mean {summary['mean_percentage']:g}, median "
        f"{summary['median_percentage']:g}, min {summary['min_percentage']:g}, "
        f"max {summary['max_percentage']:g}",
    ]
    for check_id, row in summary["checks"].items():
        lines.append(
            f"  {check_id}{' (hidden)' if row['hidden'] else ''}: full {row['full_credit']}, "
            f"partial {row['partial_credit']}, not shown {row['not_shown']}, "
            f"mean {row['mean_points']:g} points"
        )
    for student, notes in summary["notes"].items():
        lines.append(f"  note {student}: {'; '.join(notes)}")
    return "\n".join(lines) + "\n"
