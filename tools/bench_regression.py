"""Benchmark of the regression detector: false alarms on A/A nights, detection of real drops.

Real lab (default): each "night" runs fio ``--perf-repetitions`` times on a lab
host over SSH (short sequential writes to a small file in the host's /tmp),
with the same repeat-until-stable policy and verdict pipeline the suites use
(a throw-away :class:`~perf.store.ResultStore`, night 0 accepted as baseline).

fio runs under ``chrt -f 1`` by default: on a shared, overloaded lab machine
normal scheduling gives fio a varying share of a core (CV ~20% measured),
real-time priority approximates the dedicated benchmark host a real cluster
has (CV ~5%). ``--no-rt`` measures without it.

* A/A: ``--aa-nights`` nights with nothing changed; every night is judged and
  each "confirmed regression" is a false alarm.
* A/B: per drop (10% and 25%) ``--trials`` trials; each appends up to
  ``--b-nights`` nights slowed by fio's ``rate`` cap at (1 - drop) x the A/A
  median to the A/A history and counts as detected when a night is judged a
  confirmed regression.

The noise seen on the A/A nights (within-night CV, night-to-night CV) is
printed and can be saved (``--save-noise-model``); ``--synthetic`` replays the
same experiment on nights drawn from that model, without the lab, with
independent histories for every series; the drop is a cap like the lab's, or
with ``--drop-model scale`` the whole noisy night scaled down.

    python -m tools.bench_regression [--host 10.213.0.11] [--save-noise-model]
    python -m tools.bench_regression --synthetic [--aa-series 10] [--trials 50]
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from hacert.perf.stats import (
    DEFAULT_CV_THRESHOLD,
    DEFAULT_MAX_RERUNS,
    DEFAULT_REPETITIONS,
    coefficient_of_variation,
    measure_until_stable,
)
from hacert.perf.store import Measurement, ResultStore, SeriesKey
from hacert.perf.verdicts import Verdict, VerdictConfig, evaluate

NOISE_MODEL = Path(__file__).with_name("noise_model.json")
KEY = SeriesKey("bench", "fio:/tmp/hacert-bench", "fio.seqwrite.bw")
DEFAULT_KEY_FILE = "/var/lib/hacert-lab/ssh/id_ed25519"
DROPS = (0.10, 0.25)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
CAP_JITTER = 0.0005  # spread of fio's rate-capped bandwidth measured on the lab

Sampler = Callable[[], float]


@dataclass(frozen=True)
class NoiseModel:
    """Multiplicative noise of a nightly fio figure, as measured on the lab."""

    level: float
    within_cv: float
    between_cv: float
    unit: str = "MiB/s"
    source: str = "default"

    @classmethod
    def load(cls, path: Path) -> NoiseModel:
        return cls(**json.loads(path.read_text()))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")


@dataclass
class Settings:
    repetitions: int = DEFAULT_REPETITIONS
    cv_threshold: float = DEFAULT_CV_THRESHOLD
    max_reruns: int = DEFAULT_MAX_RERUNS
    config: VerdictConfig = field(default_factory=VerdictConfig)


class LabFio:
    """Runs one short fio job on a lab host per sample; optional bandwidth cap."""

    def __init__(self, host: str, key: str, runtime: float, size_mb: int, rt: bool) -> None:
        self.host = host
        self.prefix = ["chrt", "-f", "1"] if rt else []
        self.ssh = [
            "ssh",
            "-i",
            key,
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=10",
            "-o",
            "ControlMaster=auto",
            "-o",
            f"ControlPath=/tmp/hacert-bench-%r@%h:%p-{int(time.time())}",
            "-o",
            "ControlPersist=120",
            f"root@{host}",
        ]
        self.runtime = runtime
        self.size_mb = size_mb

    def sample(self, rate_kib: int | None = None) -> float:
        """Write bandwidth of one fio run, MiB/s (retried on SSH/host hiccups)."""
        command = [
            "fio",
            "--name=hacert-bench",
            "--filename=/tmp/hacert-bench",
            f"--size={self.size_mb}M",
            "--rw=write",
            "--bs=1M",
            "--ioengine=psync",
            f"--runtime={self.runtime}",
            "--time_based",
            "--output-format=json",
            *([f"--rate={rate_kib}k"] if rate_kib else []),
        ]
        last = ""
        for attempt in range(5):
            proc = subprocess.run(
                [*self.ssh, shlex.join(command)],
                capture_output=True,
                text=True,
                timeout=self.runtime + 60,
                check=False,
            )
            if proc.returncode == 0:
                try:
                    job = json.loads(proc.stdout[proc.stdout.index("{") :])["jobs"][0]
                    return float(job["write"]["bw"]) / 1024
                except (ValueError, KeyError, IndexError) as error:
                    last = f"unparsable fio output: {error}"
            else:
                last = proc.stderr.strip()[-300:]
            time.sleep(2 + 3 * attempt)
        raise RuntimeError(f"fio on {self.host} kept failing: {last}")

    def cleanup(self) -> None:
        subprocess.run(
            [*self.ssh, "rm -f /tmp/hacert-bench"], capture_output=True, check=False, timeout=30
        )
        subprocess.run(
            [*self.ssh[:-1], "-O", "exit", self.ssh[-1]],
            capture_output=True,
            check=False,
            timeout=30,
        )


class Nights:
    """Makes the sampler for one night: from the lab or from a noise model."""

    def __init__(
        self, lab: LabFio | None, model: NoiseModel | None, seed: int, drop_model: str = "cap"
    ) -> None:
        self.lab = lab
        self.model = model
        self.drop_model = drop_model
        self.rng = np.random.default_rng(seed)
        self.cap_base: float | None = None

    def sampler(self, drop: float = 0.0) -> Sampler:
        if self.lab is not None:
            lab = self.lab
            if drop == 0:
                return lab.sample
            assert self.cap_base is not None, "measure A/A nights before A/B nights"
            rate = int(self.cap_base * (1 - drop) * 1024)
            return lambda: lab.sample(rate)
        assert self.model is not None
        m, rng = self.model, self.rng
        night = m.level * (1 + rng.normal(0, m.between_cv))
        if drop and self.drop_model == "scale":
            night *= 1 - drop
        if not drop or self.drop_model == "scale":
            return lambda: float(night * (1 + rng.normal(0, m.within_cv)))
        # like fio's rate cap on the lab: the cap, unless the night is slower anyway
        cap = (self.cap_base or m.level) * (1 - drop)
        return lambda: float(
            min(night * (1 + rng.normal(0, m.within_cv)), cap * (1 + rng.normal(0, CAP_JITTER)))
        )


def _record_night(store: ResultStore, night: int, sampler: Sampler, s: Settings) -> None:
    sampling = measure_until_stable(sampler, s.repetitions, s.cv_threshold, s.max_reruns)
    stamp = (EPOCH + timedelta(days=night)).isoformat()
    store.record_many(
        Measurement(
            run_id=f"night{night:03d}",
            cluster=KEY.cluster,
            target=KEY.target,
            metric=KEY.metric,
            value=value,
            unit="MiB/s",
            direction="higher",
            repetition=i,
            timestamp=stamp,
            stable=sampling.stable,
        )
        for i, value in enumerate(sampling.values)
    )


def _judge(store: ResultStore, night: int, s: Settings) -> Verdict:
    return evaluate(store, f"night{night:03d}", KEY, config=s.config).verdict.verdict


@dataclass
class AASeries:
    store: ResultStore
    verdicts: list[Verdict]

    @property
    def false_alarms(self) -> int:
        return sum(v is Verdict.CONFIRMED for v in self.verdicts)


def run_aa(
    nights: Nights, count: int, s: Settings, progress: bool = False, judge: bool = True
) -> AASeries:
    """``count`` nights after a baseline night 0, nothing changed, each judged if ``judge``."""
    store = ResultStore(":memory:")
    verdicts = []
    for night in range(count + 1):
        _record_night(store, night, nights.sampler(), s)
        if night == 0:
            store.accept_baseline("night000")
            continue
        if not judge:
            continue
        verdicts.append(_judge(store, night, s))
        if progress:
            print(f"  A/A night {night:2d}: {verdicts[-1]}", flush=True)
    return AASeries(store, verdicts)


def run_trial(
    history: ResultStore, nights: Nights, drop: float, b_nights: int, s: Settings
) -> int | None:
    """Nights until a confirmed regression after the drop, or None if not within ``b_nights``."""
    store = ResultStore(":memory:")
    past = history.measurements()
    store.record_many(past)
    store.accept_baseline("night000")
    start = len({m.run_id for m in past})
    try:
        for i in range(b_nights):
            _record_night(store, start + i, nights.sampler(drop), s)
            if _judge(store, start + i, s) is Verdict.CONFIRMED:
                return i + 1
        return None
    finally:
        store.close()


def noise_of(store: ResultStore) -> tuple[float, float, float, float]:
    """(level, within-night CV, night-to-night CV, unstable fraction) of stored nights."""
    points = store.series(KEY.cluster, KEY.target, KEY.metric)
    medians = [p.median for p in points]
    within = statistics.median(coefficient_of_variation(p.values) for p in points)
    unstable = sum(not p.stable for p in points) / len(points)
    return statistics.median(medians), within, coefficient_of_variation(medians), unstable


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.monotonic()
    config = VerdictConfig(
        cp_p_threshold=args.cp_p, cp_permutations=max(999, round(2 / args.cp_p) - 1)
    )
    settings = Settings(args.repetitions, args.cv_threshold, args.max_reruns, config)
    lab = None
    model = None
    if args.synthetic:
        model = NoiseModel.load(args.noise_model)
        print(
            f"synthetic nights from {args.noise_model}: level {model.level:.1f} {model.unit}, "
            f"within-night CV {model.within_cv:.1%}, night-to-night CV {model.between_cv:.1%} "
            f"({model.source})"
        )
    else:
        lab = LabFio(args.host, args.key, args.runtime, args.size_mb, not args.no_rt)
        print(
            f"lab: fio seq write 1M psync {args.runtime:g}s x {args.repetitions} per night "
            f"on {args.host}:/tmp ({args.size_mb} MiB file, "
            f"{'normal' if args.no_rt else 'SCHED_FIFO 1'} scheduling)"
        )
    nights = Nights(lab, model, args.seed, args.drop_model)
    try:
        return _experiment(args, nights, settings, started)
    finally:
        if lab is not None:
            lab.cleanup()


def _experiment(args: argparse.Namespace, nights: Nights, s: Settings, started: float) -> int:
    series_count = args.aa_series if args.synthetic else 1
    aa = []
    for i in range(series_count):
        aa.append(run_aa(nights, args.aa_nights, s, progress=not args.synthetic))
        if i == 0:
            level, within, between, unstable = noise_of(aa[0].store)
            nights.cap_base = level
            print(
                f"A/A noise: level {level:.1f} MiB/s, within-night CV {within:.1%}, "
                f"night-to-night CV {between:.1%}, unstable nights {unstable:.0%}"
            )
            if args.save_noise_model and not args.synthetic:
                NoiseModel(
                    level,
                    within,
                    between,
                    source=f"lab {args.host} {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
                ).save(args.noise_model)
                print(f"noise model saved to {args.noise_model}")
    false_alarms = [a.false_alarms for a in aa]
    suspects = sum(v is Verdict.SUSPECT for a in aa for v in a.verdicts)
    unstable = sum(v is Verdict.UNSTABLE for a in aa for v in a.verdicts)
    print(
        f"A/A: false alarms {sum(false_alarms)} in {series_count} x {args.aa_nights} nights "
        f"(worst series {max(false_alarms)}); suspect nights {suspects}, unstable {unstable}"
    )

    rates: dict[float, float] = {}
    for drop in DROPS:
        found: list[int | None] = []
        for trial in range(args.trials):
            history = (
                aa[trial % len(aa)].store
                if not args.synthetic
                else run_aa(nights, args.aa_nights, s, judge=False).store
            )
            found.append(run_trial(history, nights, drop, args.b_nights, s))
            if not args.synthetic:
                print(
                    f"  {drop:.0%} drop trial {trial + 1}: "
                    f"{'detected after ' + str(found[-1]) + ' nights' if found[-1] else 'missed'}",
                    flush=True,
                )
        if not found:
            continue
        hits = [n for n in found if n is not None]
        rates[drop] = len(hits) / len(found)
        mean = f", after {statistics.fmean(hits):.1f} nights on average" if hits else ""
        print(
            f"A/B {drop:.0%} drop: detected {len(hits)}/{len(found)} ({rates[drop]:.0%}) "
            f"within {args.b_nights} nights{mean}"
        )

    elapsed = time.monotonic() - started
    print(f"runtime: {elapsed:.0f} s")
    ok = max(false_alarms) == 0 and rates.get(0.25, 0) == 1.0 and rates.get(0.10, 0) >= 0.9
    print("targets (0 false alarms, 25% always, 10% >= 90%): " + ("met" if ok else "NOT met"))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "mode": "synthetic" if args.synthetic else "lab",
                    "false_alarms": sum(false_alarms),
                    "aa_nights": series_count * args.aa_nights,
                    "detection": {f"{d:.0%}": r for d, r in rates.items()},
                    "runtime_s": round(elapsed, 1),
                    "targets_met": ok,
                },
                indent=2,
            )
            + "\n"
        )
    return 0 if ok else 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tools.bench_regression", description=__doc__.split("\n")[0]
    )
    p.add_argument("--synthetic", action="store_true", help="simulate nights, no lab needed")
    p.add_argument(
        "--noise-model",
        type=Path,
        default=NOISE_MODEL,
        help="noise model JSON (read by --synthetic, written by --save-noise-model)",
    )
    p.add_argument(
        "--save-noise-model",
        action="store_true",
        help="store the noise measured on the lab's A/A nights",
    )
    p.add_argument("--host", default="10.213.0.11", help="lab host running fio")
    p.add_argument("--key", default=DEFAULT_KEY_FILE, help="SSH key for root on the lab host")
    p.add_argument("--runtime", type=float, default=1.0, help="seconds per fio run")
    p.add_argument(
        "--no-rt",
        action="store_true",
        help="run fio with normal scheduling instead of SCHED_FIFO priority 1",
    )
    p.add_argument("--size-mb", type=int, default=64, help="fio file size in MiB")
    p.add_argument("--repetitions", type=int, default=DEFAULT_REPETITIONS)
    p.add_argument("--cv-threshold", type=float, default=DEFAULT_CV_THRESHOLD)
    p.add_argument("--max-reruns", type=int, default=DEFAULT_MAX_RERUNS)
    p.add_argument("--aa-nights", type=int, default=20, help="judged A/A nights per series")
    p.add_argument("--aa-series", type=int, default=20, help="A/A series (synthetic only)")
    p.add_argument("--trials", type=int, default=10, help="A/B trials per drop")
    p.add_argument("--b-nights", type=int, default=5, help="nights after a drop to detect it")
    p.add_argument(
        "--cp-p",
        type=float,
        default=VerdictConfig.cp_p_threshold,
        help="change-point p-value threshold (default %(default)s)",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--drop-model",
        choices=("cap", "scale"),
        default="cap",
        help="synthetic drop: a rate cap like the lab's (default) or the whole "
        "noisy night scaled down (harder to detect)",
    )
    p.add_argument("--json", help="also write the figures to this JSON file")
    return p


if __name__ == "__main__":
    sys.exit(main())
