"""fio JSON parsing, command lines, floors and scratch-target safety on captured outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hacert.errors import UnexpectedOutput
from hacert.fio import judge, plots, safety
from hacert.fio.expect import FioSettings, Floor
from hacert.fio.parse import extract_json, parse_fio_json
from hacert.fio.profiles import load_profiles
from hacert.fio.runner import fio_argv, prefill_argv
from hacert.fio.targets import FioTarget

DATA = Path(__file__).resolve().parents[2] / "data" / "fio"


def load(name: str):
    assert (DATA / f"{name}.meta").exists(), f"{name} needs a .meta file"
    text = (DATA / name).read_text()
    return json.loads(text) if name.endswith(".json") and text.strip() else text


def test_mixed_run_has_both_directions() -> None:
    result = parse_fio_json(load("rbd-mixed-4k.json"))
    assert result.version == "fio-3.33" and result.directions() == ["read", "write"]
    read = result.total("read")
    assert read.ios == 2230 and read.iops == pytest.approx(441.934205)
    assert read.mean_lat_ms == pytest.approx(31.805, rel=1e-3)
    assert read.p99_lat_ms == pytest.approx(227.540992) and read.p999_lat_ms > read.p99_lat_ms
    assert read.bw_mib_s == pytest.approx(1.736, rel=1e-3)


def test_two_jobs_add_up() -> None:
    result = parse_fio_json(load("rbd-seq-read-1m-2jobs.json"))
    assert len(result.jobs) == 2 and result.directions() == ["read"]
    total = result.total("read")
    assert total.bw_mib_s == pytest.approx(sum(j.stats["read"].bw_mib_s for j in result.jobs))
    assert total.p99_lat_ms == max(j.stats["read"].p99_lat_ms for j in result.jobs)
    names = {f.metric for f in judge.figures("seq-read-1m", result)}
    assert {"fio.seq-read-1m.read.bw", "fio.seq-read-1m.read.job1.lat_p99.9"} <= names


def test_prefill_write_only() -> None:
    result = parse_fio_json(load("rbd-prefill-write-4m.json"))
    assert result.directions() == ["write"] and result.total("write").ios == 64


def test_floors() -> None:
    result = parse_fio_json(load("rbd-mixed-4k.json"))
    assert judge.below_floor(result, None) == []
    assert judge.below_floor(result, Floor(min_iops=100)) == []
    problems = judge.below_floor(result, Floor(min_iops=300, max_p99_lat_ms=300))
    assert problems == ["write 198 IOPS < 300", "write p99 latency 396.36 ms > 300"]
    assert "read 1.7 MiB/s" in judge.summary(result)


def test_extract_json_skips_warnings() -> None:
    text = "fio: some warning\n" + (DATA / "rbd-mixed-4k.json").read_text()
    assert extract_json(text)["fio version"] == "fio-3.33"
    with pytest.raises(UnexpectedOutput):
        extract_json("fio: engine rbd not loadable")
    with pytest.raises(UnexpectedOutput):
        parse_fio_json({"no": "jobs"})


def test_profiles_and_argv() -> None:
    profiles = load_profiles()
    assert set(profiles) == {
        "seq-read-1m",
        "seq-write-1m",
        "rand-read-4k",
        "rand-write-4k",
        "mixed-4k",
    }
    assert profiles["rand-read-4k"].prefill and not profiles["seq-write-1m"].prefill
    settings = FioSettings(runtime_s=5, ramp_s=1, size="256M", iodepth=8)
    argv = fio_argv(profiles["mixed-4k"], FioTarget.rbd("rbd", "img", "hacert"), settings)
    for option in (
        "--direct=1",
        "--time_based=1",
        "--runtime=5",
        "--ramp_time=1",
        "--iodepth=8",
        "--rwmixread=70",
        "--ioengine=rbd",
        "--clientname=hacert",
        "--output-format=json",
    ):
        assert option in argv
    prefill = prefill_argv(FioTarget.block("/dev/sdb"), settings)
    assert "--filename=/dev/sdb" in prefill and "--rw=write" in prefill


def test_plot_is_png() -> None:
    png = plots.plot_run(parse_fio_json(load("rbd-mixed-4k.json")), "mixed")
    assert png.startswith(b"\x89PNG")


def test_lsblk_mounted_root_disk_is_refused_even_if_named() -> None:
    fstypes, mounts, children = safety.parse_lsblk(load("lsblk-root-disk-mounted.json"))
    assert mounts == ["/"] and not children
    state = safety.DeviceState("/dev/vda", True, tuple(fstypes), tuple(mounts), tuple(children))
    reason = safety.refuse_block(state, ["/dev/vda"], {})
    assert reason and "in use" in reason and "mounted at /" in reason
    assert "not named as a scratch target" in safety.refuse_block(state, [], {})


def test_filesystem_signature_named_in_refusal() -> None:
    sigs = [f"wipefs: {s}" for s in safety.parse_wipefs(load("wipefs-ext4.json"))]
    sigs += [f"blkid: {s}" for s in safety.parse_blkid(load("blkid-ext4.txt"))]
    assert sigs == ["wipefs: ext4 at offset 0x438", "blkid: type ext4"]
    state = safety.DeviceState("/dev/sdb", True, tuple(sigs))
    reason = safety.refuse_block(state, ["/dev/sdc"], {})
    assert reason and "ext4" in reason and reason.startswith("refused:")


def test_blank_scratch_device_allowed_via_symlink() -> None:
    fstypes, mounts, _ = safety.parse_lsblk(load("lsblk-blank-disk.json"))
    assert not fstypes and not mounts and safety.parse_blkid(load("blkid-blank.txt")) == []
    state = safety.DeviceState("/dev/zram0", True)
    link = "/dev/disk/by-id/scratch"
    assert safety.refuse_block(state, [link], {link: "/dev/zram0"}) is None
    assert "not a block device" in safety.refuse_block(
        safety.DeviceState("/dev/nope", False), ["/dev/nope"], {}
    )


def test_rbd_and_file_refusals() -> None:
    assert safety.refuse_rbd("rbd/a", ["rbd/a"], []) is None
    assert "in use" in safety.refuse_rbd("rbd/a", ["rbd/a"], ["10.0.0.1:0/123"])
    reason = safety.refuse_rbd("rbd/b", ["rbd/a"], [], {"hacert.scratch": "true"})
    assert "not a scratch image" in reason and "image-meta" in reason
    assert safety.refuse_file("/mnt/gfs2/fio/x", ["/mnt/gfs2/fio"]) is None
    assert safety.refuse_file("/mnt/gfs2/fio/../data", ["/mnt/gfs2/fio"])
