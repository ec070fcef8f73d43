"""Command line for the perf result store.

    python -m hacert.perf [--store PATH] summary [--run ID] [--baseline ID|TAG] [--plots DIR]
    python -m hacert.perf [--store PATH] runs
    python -m hacert.perf [--store PATH] accept-baseline --run ID [--tag T]
    python -m hacert.perf [--store PATH] export --format csv|json [--run ID] [--output FILE]
    python -m hacert.perf [--store PATH] history METRIC [--cluster C] [--target T] [--plot FILE]

``summary`` exits 1 when a metric has a confirmed regression (for nightly CI),
2 on usage errors (unknown run, empty store).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from hacert.perf import report
from hacert.perf.store import DEFAULT_STORE_PATH, ResultStore
from hacert.perf.verdicts import Verdict, evaluate, evaluate_run

EXIT_REGRESSION = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hacert perf", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--store",
        type=Path,
        default=DEFAULT_STORE_PATH,
        help="SQLite result store (default %(default)s)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    summary = sub.add_parser("summary", help="verdicts of a run (default: the latest)")
    summary.add_argument("--run", help="run id (default: the latest run)")
    summary.add_argument("--baseline", help="baseline run id or tag (default: last accepted)")
    summary.add_argument("--plots", type=Path, help="also write trend PNGs into this directory")
    summary.add_argument("--plain", action="store_true", help="plain text instead of rich")

    sub.add_parser("runs", help="list runs, accepted baselines and tags")

    accept = sub.add_parser("accept-baseline", help="accept a run as the new baseline")
    accept.add_argument("--run", required=True, help="run id to accept")
    accept.add_argument("--tag", help="name to select this baseline by later")

    export = sub.add_parser("export", help="dump measurements")
    export.add_argument("--format", choices=("csv", "json"), required=True)
    export.add_argument("--run", help="only this run")
    export.add_argument("--output", type=Path, help="file to write (default: stdout)")

    history = sub.add_parser("history", help="one metric across runs, with change points")
    history.add_argument("metric")
    history.add_argument("--cluster", help="cluster (needed when several measured it)")
    history.add_argument("--target", help="target (needed when several were measured)")
    history.add_argument("--plot", type=Path, help="write the trend PNG here")
    return parser


def _summary(store: ResultStore, args: argparse.Namespace) -> int:
    run_id = args.run or store.latest_run()
    if run_id is None or not store.has_run(run_id):
        print(
            f"no run {args.run!r} in {store.path}" if args.run else f"{store.path} is empty",
            file=sys.stderr,
        )
        return EXIT_USAGE
    evaluations = evaluate_run(store, run_id, baseline=args.baseline)
    verdicts = [e.verdict for e in evaluations]
    title = f"perf verdicts for run {run_id}"
    if args.plain:
        print(title)
        print(report.text_table(verdicts))
    else:
        report.print_rich(verdicts, title)
    print(report.counts(verdicts))
    if args.plots:
        from hacert.perf.trends import plot_evaluation

        for evaluation in evaluations:
            print(f"plot: {plot_evaluation(evaluation, args.plots)}")
    return EXIT_REGRESSION if any(v.verdict is Verdict.CONFIRMED for v in verdicts) else 0


def _runs(store: ResultStore) -> int:
    for run in store.runs():
        mark = "*" if run.accepted else " "
        tags = f" tags={','.join(run.tags)}" if run.tags else ""
        clusters = ",".join(run.clusters) or "-"
        print(
            f"{mark} {run.run_id}  {run.started_at}  {run.measurements:5d} figures  "
            f"clusters={clusters}{tags}"
        )
    return 0


def _history(store: ResultStore, args: argparse.Namespace) -> int:
    keys = [
        k
        for k in store.series_keys()
        if k.metric == args.metric
        and (args.cluster is None or k.cluster == args.cluster)
        and (args.target is None or k.target == args.target)
    ]
    if len(keys) != 1:
        found = ", ".join(str(k) for k in keys) or "none"
        print(
            f"need exactly one series for {args.metric!r}; found: {found} "
            "(narrow with --cluster/--target)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    key = keys[0]
    latest = store.series(key.cluster, key.target, key.metric)[-1].run_id
    evaluation = evaluate(store, latest, key)
    starts = {evaluation.cp_history[cp.index].run_id: cp for cp in evaluation.change_points}
    print(f"{key}  ({evaluation.verdict.unit}, {evaluation.verdict.direction} is better)")
    for point in evaluation.history:
        note = "" if point.stable else "  unstable"
        if point.run_id in starts:
            cp = starts[point.run_id]
            note += f"  <- change point {cp.change:+.1%} (p={cp.p_value:.3g})"
        if point.run_id == evaluation.verdict.baseline_run:
            note += "  [baseline]"
        print(
            f"{point.run_id}  {point.started_at}  median {point.median:.4g}  "
            f"n={len(point.values)}{note}"
        )
    print(f"latest: {evaluation.verdict.verdict}  {evaluation.verdict.message}".rstrip())
    if args.plot:
        from hacert.perf.trends import plot_trend

        v = evaluation.verdict
        path = plot_trend(
            evaluation.history,
            args.plot,
            title=f"{key}: {v.verdict}",
            cp_history=evaluation.cp_history,
            change_points=evaluation.change_points,
            baseline_run=v.baseline_run,
            current_run=v.run_id,
        )
        print(f"plot: {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.store.exists():
        print(f"no result store at {args.store}", file=sys.stderr)
        return EXIT_USAGE
    with ResultStore(args.store) as store:
        if args.command == "summary":
            return _summary(store, args)
        if args.command == "runs":
            return _runs(store)
        if args.command == "accept-baseline":
            try:
                baseline = store.accept_baseline(args.run, args.tag)
            except KeyError as error:
                print(error.args[0], file=sys.stderr)
                return EXIT_USAGE
            tag = f" as {baseline.tag!r}" if baseline.tag else ""
            print(f"accepted run {baseline.run_id}{tag} as baseline at {baseline.accepted_at}")
            return 0
        if args.command == "export":
            text = store.export(args.format, run_id=args.run)
            if args.output:
                args.output.write_text(text)
            else:
                sys.stdout.write(text)
            return 0
        return _history(store, args)


if __name__ == "__main__":
    sys.exit(main())
