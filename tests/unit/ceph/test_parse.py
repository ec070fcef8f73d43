"""Ceph parsers on outputs captured from the lab (pacific) and upstream samples (nautilus, luminous)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hacert.ceph import parse
from hacert.errors import UnexpectedOutput

DATA = Path(__file__).resolve().parents[2] / "data" / "ceph"


def load(name: str):
    assert (DATA / f"{name}.meta").exists(), f"{name} needs a .meta file"
    text = (DATA / name).read_text()
    return json.loads(text) if name.endswith(".json") and text.strip() else text


def test_pacific_healthy_status() -> None:
    st = parse.parse_status(load("pacific-status-ok.json"))
    assert st.health.ok and not st.health.checks
    assert st.quorum_names == ("ceph1",) and st.num_mons == 1
    assert (st.num_osds, st.num_up_osds, st.num_in_osds) == (3, 3, 3)
    assert st.pgs_by_state == {"active+clean": 33} and not st.unclean_pgs
    assert st.full is None


def test_pacific_client_status_same_shape() -> None:
    st = parse.parse_status(load("pacific-client-status-ok.json"))
    assert st.health.ok and st.num_up_osds == 3


def test_pacific_osd_down_status() -> None:
    st = parse.parse_status(load("pacific-status-osd-down.json"))
    assert st.health.status == "HEALTH_WARN"
    assert st.num_up_osds == 2 and st.num_in_osds == 3
    assert "OSD_DOWN" in st.health.checks
    assert st.unclean_pgs == {"active+undersized": 29, "active+undersized+degraded": 4}


def test_pacific_health_detail_osd_down() -> None:
    health = parse.parse_health(load("pacific-health-detail-osd-down.json"))
    down = health.checks["OSD_DOWN"]
    assert down.severity == "HEALTH_WARN" and down.message == "1 osds down"
    assert down.details == ("osd.2 (root=default,host=ceph1) is down",)
    assert "OSD_DOWN [HEALTH_WARN] 1 osds down (osd.2" in down.describe()
    assert [c.code for c in health.unaccepted(["PG_DEGRADED"])] == ["OSD_DOWN"]


def test_pacific_health_detail_ok() -> None:
    assert parse.parse_health(load("pacific-health-detail-ok.json")).ok


def test_size_one_pool_health_and_pools() -> None:
    health = parse.parse_health(load("pacific-health-detail-size1-pool.json"))
    assert list(health.checks) == ["POOL_NO_REDUNDANCY"]
    pools = load("pacific-osd-pool-ls-detail-size1.json")
    assert {p["pool_name"]: p["size"] for p in pools}["hacert-fault"] == 1


def test_nautilus_nested_osdmap() -> None:
    st = parse.parse_status(load("nautilus-status-ok.json"))
    assert st.health.ok and st.quorum_names == ("a", "b", "c")
    assert st.num_mons == 3  # counted from monmap.mons (no num_mons before pacific)
    assert (st.num_osds, st.num_up_osds, st.num_in_osds) == (3, 3, 3)
    assert st.num_pgs == 96 and not st.unclean_pgs


def test_luminous_osd_down_nearfull() -> None:
    st = parse.parse_status(load("luminous-status-osd-down.json"))
    assert st.nearfull is True and st.full is False
    assert st.num_up_osds == 1 and st.num_osds == 2
    assert set(st.health.checks) == {
        "OSD_DOWN",
        "OSD_HOST_DOWN",
        "PG_AVAILABILITY",
        "POOL_APP_NOT_ENABLED",
    }
    assert st.health.checks["OSD_DOWN"].details == ()
    assert st.unclean_pgs == {"stale+active+clean": 101}


def test_osd_dump_pools_and_osds() -> None:
    dump = parse.parse_osd_dump(load("pacific-osd-dump.json"))
    rbd = dump.pools["rbd"]
    assert (rbd.size, rbd.min_size, rbd.replicated, rbd.applications) == (3, 2, True, ("rbd",))
    assert all(o.up and o.in_ for o in dump.osds.values()) and len(dump.osds) == 3
    assert dump.nearfull_ratio == pytest.approx(0.85)
    down = parse.parse_osd_dump(load("pacific-osd-dump-osd-down.json"))
    assert not down.osds[2].up and down.osds[2].in_


def test_osd_df_and_metadata() -> None:
    usage = parse.parse_osd_df(load("pacific-osd-df.json"))
    assert set(usage) == {0, 1, 2} and all(0 < u < 85 for u in usage.values())
    stores = parse.parse_osd_objectstores(load("pacific-osd-metadata.json"))
    assert stores == {0: "bluestore", 1: "bluestore", 2: "bluestore"}


def test_rbd_info() -> None:
    image = parse.parse_rbd_info("rbd", load("pacific-rbd-info.json"))
    assert image.name == "hacert-bench" and image.size == 1 << 30
    assert {"layering", "exclusive-lock"} <= set(image.features)


def test_image_meta_including_empty() -> None:
    text = (DATA / "pacific-rbd-image-meta.json").read_text()
    assert parse.parse_image_meta(text) == {"hacert.scratch": "true"}
    assert load("pacific-rbd-image-meta-empty.json") == ""
    assert parse.parse_image_meta(load("pacific-rbd-image-meta-empty.json")) == {}


def test_auth_lookup_and_stat() -> None:
    assert parse.parse_auth_lookup(load("ceph-conf-auth.txt")) == {
        "auth_cluster_required": "cephx",
        "auth_service_required": "cephx",
        "auth_client_required": "cephx",
    }
    (mode,) = parse.parse_stat(load("client-keyrings-stat.txt"))
    assert mode.mode == 0o600 and mode.owner == "root" and not mode.world_or_group_readable
    assert parse.FileMode("k", 0o644, "root", "root").world_or_group_readable


def test_garbage_is_unexpected_output() -> None:
    with pytest.raises(UnexpectedOutput):
        parse.parse_status({"health": {"status": "HEALTH_OK"}})
    with pytest.raises(UnexpectedOutput):
        parse.parse_osd_objectstores({"not": "a list"})  # type: ignore[arg-type]
