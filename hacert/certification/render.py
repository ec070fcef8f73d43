"""The certificate's one-page HTML: a pure function of the sealed JSON, so ``verify`` can
re-render it and prove the page was not edited either."""

from __future__ import annotations

from html import escape
from typing import Any

VERIFY_COMMAND = "hacert verify {json} {html}"

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:56rem;margin:1.5rem auto;color:#222}
h1{margin-bottom:.2rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}.PASS,.pass{color:#17702f}.FAIL,.fail{color:#b00020}
.WAIVED,.waived{color:#a05a00}.meta{color:#555;font-size:.85em}code{word-break:break-all}
.stamp{border:3px solid #b00020;color:#b00020;padding:.4rem;font-weight:bold}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _table(head: list[str], rows: list[list[Any]]) -> str:
    if not rows:
        return "<p>none</p>"
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{header}</tr>{body}</table>"


def _stamp(cert: dict[str, Any]) -> str:
    if cert.get("acceptance_profile", True):
        return ""
    profile = cert["profile"] or "none"
    return f'<p class="stamp">NOT AN ACCEPTANCE CERTIFICATE: profile {_e(profile)}</p>'


def _provenance(cert: dict[str, Any]) -> str:
    tool = cert.get("hacert") or {}
    return (
        f"Run by hacert {_e(tool.get('version') or 'unknown')}"
        + (f" (git commit <code>{_e(tool['git_commit'])}</code>)" if tool.get("git_commit") else "")
        + f", check catalogue SHA-256 <code>{_e(tool.get('catalogue_digest') or 'unknown')}</code>;"
        + f" certificate issued with hacert {_e(cert.get('issued_with_hacert') or 'unknown')}."
    )


def _signature(cert: dict[str, Any], verify: str) -> str:
    signature = cert.get("signature")
    if not signature:
        return (
            "Unsigned: the hash shows integrity only, not authenticity. "
            f"Verify: <code>{_e(verify)}</code>"
        )
    return (
        f"Signed ({_e(signature['algorithm'])}) by the key <code>{_e(signature['key'])}</code>. "
        f"Verify against the issuer's public key: <code>{_e(verify)} --pubkey KEY.pub</code>"
    )


def render_certificate_html(cert: dict[str, Any], json_name: str = "CERT.json") -> str:
    verdict = cert["verdict"]
    css = "WAIVED" if verdict == "PASS WITH WAIVERS" else verdict
    run = cert["run"]
    techs = _table(
        ["technology", "result", "passed", "failed", "broken", "waived", "skipped"],
        [
            [t, r["verdict"], r["passed"], r["failed"], r["broken"], r["waived"], r["skipped"]]
            for t, r in cert["technologies"].items()
        ],
    )
    failures = _table(
        ["check", "host", "outcome", "message"],
        [[f["check_id"], f["host"] or "", f["outcome"], f["message"]] for f in cert["failures"]],
    )
    applied = _table(
        ["check", "justification", "expires", "approved by", "on"],
        [
            [
                w.get("check"),
                w.get("justification"),
                w.get("expires"),
                w.get("approved_by"),
                ", ".join(w.get("targets", [])),
            ]
            for w in cert["waivers_applied"]
        ],
    )
    expired = _table(
        ["check", "justification", "expired", "failures it named"],
        [
            [w["check"], w["justification"], w["expires"], w["failures_named"]]
            for w in cert["waivers_expired"]
        ],
    )
    versions = (
        "<p>"
        + (
            ", ".join(f"{_e(k)} <b>{_e(v)}</b>" for k, v in sorted(cert["versions"].items()))
            or "none recorded"
        )
        + "</p>"
    )
    figures = _table(
        ["target", "figure", "median", "samples", "perf verdict"],
        [
            [f["target"], f["metric"], f"{f['median']:g} {f['unit']}", f["samples"], f["verdict"]]
            for f in cert["figures"]
        ],
    )
    hosts = _table(
        ["host", "address", "host key SHA-256", "boot time"],
        [[n, h["address"], h["host_key_sha256"], h["boot_time"]] for n, h in cert["hosts"].items()],
    )
    html_name = json_name.removesuffix(".json") + ".html"
    notes = "".join(f"<p>{_e(n)}</p>" for n in cert["notes"])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Certificate {_e(cert["cluster"])}</title>
<style>{_STYLE}</style></head><body>
<h1>Cluster {_e(cert["cluster"])}: <span class="{_e(css)}">{_e(verdict)}</span></h1>
{_stamp(cert)}
<p>Profile <b>{_e(cert["profile"] or "none")}</b>, environment {_e(cert["environment"])};
run {_e(run["run_id"])} from {_e(run["started"])} to {_e(run["finished"])}
(inventory {_e(run["inventory"])}). Issued {_e(cert["issued_at"])}.</p>{notes}
<h2>Per technology</h2>{techs}
<h2>Failures</h2>{failures}
<h2>Waivers applied</h2>{applied}
<h2>Waivers expired (not applied)</h2>{expired}
<h2>Figures measured</h2>{figures}
<h2>Versions seen</h2>{versions}
<h2>Hosts</h2>{hosts}
<p class="meta">SHA-256 <code>{_e(cert["sha256"])}</code>: {_e(cert["hash_covers"])}.
results.json SHA-256 <code>{_e(run["results_sha256"])}</code>.
{_signature(cert, VERIFY_COMMAND.format(json=json_name, html=html_name))}</p>
<p class="meta">{_provenance(cert)}</p>
</body></html>
"""
