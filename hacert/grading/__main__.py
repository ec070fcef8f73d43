"""``python -m hacert.grading gradebook|verify``.

gradebook RESULTS... --rubric FILE [-o DIR] [--key KEY]
    grades every student of the rubric from one or more runs (a results.json or the
    directory holding it; for a cluster seen in several runs the latest run counts) and
    writes DIR/students/<student>.json|.html, DIR/gradebook.csv, DIR/summary.json|.txt;
    with --key the student files are signed with that Ed25519 private key.
    Exits 0, or 4 on a bad rubric, results or key file.
verify FILE... [--pubkey KEY.pub]
    recomputes the SHA-256 sealed into student result files and, with --pubkey, checks
    their signatures against that public key; exits 0 if all hold, 1 if not.
"""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from hacert.errors import ConfigurationError
from hacert.grading.catalog import known_check_ids
from hacert.grading.cli import USAGE_ERROR, Parser
from hacert.grading.gradebook import grade_class
from hacert.grading.integrity import verify_file
from hacert.grading.keys import load_private_key, load_public_key
from hacert.grading.results import load_results
from hacert.grading.rubric import load_rubric


def _parser() -> Parser:
    parser = Parser(prog="hacert grade")
    sub = parser.add_subparsers(dest="command", required=True)
    book = sub.add_parser("gradebook", help="grade a class from results.json files")
    book.add_argument("results", type=Path, nargs="+", help="results.json or its directory")
    book.add_argument("--rubric", type=Path, required=True)
    book.add_argument("-o", "--out", type=Path, default=Path("reports/grades"))
    book.add_argument("--key", type=Path, help="Ed25519 private key that signs the results")
    check = sub.add_parser("verify", help="check the SHA-256 and signature of result files")
    check.add_argument("files", type=Path, nargs="+")
    check.add_argument(
        "--pubkey", type=Path, help="refuse unless signed by this Ed25519 public key"
    )
    return parser


def gradebook(args: Namespace) -> int:
    key = load_private_key(args.key) if args.key else None
    runs = [load_results(path) for path in args.results]
    recorded = {c.check_id for run in runs for c in run.checks if c.check_id}
    rubric = load_rubric(args.rubric, known_check_ids() | recorded)
    grades = grade_class(rubric, runs, args.out, key)
    sys.stdout.write((args.out / "summary.txt").read_text(encoding="utf-8"))
    print(f"wrote {len(grades.results)} student results, {args.out / 'gradebook.csv'}")
    return 0


def verify(args: Namespace) -> int:
    pubkey = load_public_key(args.pubkey) if args.pubkey else None
    results = [verify_file(path, pubkey) for path in args.files]
    for _, line in results:
        print(line)
    return 0 if all(ok for ok, _ in results) else 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return gradebook(args) if args.command == "gradebook" else verify(args)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
