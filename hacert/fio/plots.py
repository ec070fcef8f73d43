"""A PNG of one fio run: bandwidth and latency (mean, p99, p99.9) per job and direction."""

from __future__ import annotations

import io

from hacert.fio.parse import FioResult


def plot_run(result: FioResult, title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, bw, iops, mean, p99, p999 = [], [], [], [], [], []
    for job in result.jobs:
        for direction, s in job.stats.items():
            labels.append(f"{job.name}\n{direction}")
            bw.append(s.bw_mib_s)
            iops.append(s.iops)
            mean.append(s.mean_lat_ms)
            p99.append(s.p99_lat_ms or 0.0)
            p999.append(s.p999_lat_ms or 0.0)
    fig, (ax_bw, ax_lat) = plt.subplots(1, 2, figsize=(10, 4))
    xs = range(len(labels))
    bars = ax_bw.bar(xs, bw, color="tab:blue")
    for bar, n in zip(bars, iops, strict=True):
        ax_bw.annotate(
            f"{n:,.0f} IOPS",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax_bw.set_xticks(list(xs), labels)
    ax_bw.set_ylabel("MiB/s")
    ax_bw.set_title("bandwidth")
    width = 0.25
    for offset, values, name in ((-width, mean, "mean"), (0, p99, "p99"), (width, p999, "p99.9")):
        ax_lat.bar([x + offset for x in xs], values, width, label=name)
    ax_lat.set_xticks(list(xs), labels)
    ax_lat.set_ylabel("completion latency (ms)")
    ax_lat.set_title("latency")
    ax_lat.legend()
    fig.suptitle(title)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()
