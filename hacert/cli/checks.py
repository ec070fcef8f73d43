"""``hacert checks list|explain``: the check catalogue, without touching a cluster."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from hacert.catalog import CatalogEntry, find, load_catalog
from hacert.checks import PROFILES
from hacert.technologies import BY_NAME


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hacert checks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="every check: id, title, severity, technology ...")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.add_argument("--technology", choices=sorted(BY_NAME))
    listing.add_argument("--profile", choices=PROFILES)
    explain = sub.add_parser("explain", help="what a check verifies, its commands and the fix")
    explain.add_argument("check_id", metavar="ID")
    return parser


def _row(entry: CatalogEntry) -> dict[str, object]:
    return {**entry.meta.to_dict(), "per_host": entry.meta.per_host, "perf": entry.meta.perf}


def list_checks(args: argparse.Namespace) -> int:
    entries = [
        e
        for e in load_catalog()
        if (args.technology is None or e.meta.technology == args.technology)
        and (args.profile is None or args.profile in e.meta.profiles)
    ]
    if args.json:
        print(json.dumps([_row(e) for e in entries], indent=2))
        return 0
    header = f"{'ID':<13} {'SEVERITY':<9} {'TECHNOLOGY':<10} {'PTS':>4} {'D':1}  TITLE"
    print(header)
    for e in entries:
        m = e.meta
        mark = "D" if m.destructive else ("P" if m.perf else " ")
        print(f"{m.id:<13} {m.severity:<9} {m.technology:<10} {m.points:>4g} {mark:1}  {m.title}")
    print(f"{len(entries)} checks (D: destructive, P: performance)")
    return 0


def explain(args: argparse.Namespace) -> int:
    entry = find(args.check_id)
    if entry is None:
        print(
            f"hacert checks: no check {args.check_id!r} (see `hacert checks list`)", file=sys.stderr
        )
        return 4
    m = entry.meta
    scope = f"once per host with role {m.per_host}" if m.per_host else "once per cluster"
    lines = [
        f"{m.id}  {m.title}",
        f"  severity {m.severity}; technology {m.technology}; {m.points:g} point(s); "
        f"profiles {', '.join(m.profiles)}",
        f"  runs {scope}; applies to clusters with a host of role "
        f"{' or '.join(m.applies_to) or 'any'}"
        + (
            "; DESTRUCTIVE (needs --allow-destructive and the inventory's permission)"
            if m.destructive
            else "; read-only"
        ),
        "",
        "What it verifies:",
        textwrap.indent(entry.verifies, "  "),
        "",
        "Commands it runs on the hosts ({…}: filled in at run time):",
        *(f"  {c}" for c in entry.commands() or ["(none found in its source)"]),
        "",
        "How to fix a failure:",
        textwrap.indent(textwrap.fill(m.remediation, 92), "  "),
        "",
        f"Source: {entry.source}",
    ]
    print("\n".join(lines))
    return 0


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv or ["--help"])
    return list_checks(args) if args.command == "list" else explain(args)
