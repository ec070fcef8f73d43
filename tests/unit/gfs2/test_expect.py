"""The `expect.gfs2` inventory section."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from hacert.gfs2.expect import Gfs2Expect, Gfs2Filesystem, mounting_hosts
from hacert.inventory import load_inventory

ROOT = Path(__file__).resolve().parents[3]


def test_defaults() -> None:
    fs = Gfs2Filesystem(name="gfs0", mountpoint="/mnt/gfs2")
    assert fs.mount_options == ["noatime"]
    assert fs.min_journals is None and fs.quota is None and fs.lvm_vg is None
    expect = Gfs2Expect(filesystems=[fs])
    assert expect.dlm_fencing is True
    assert expect.lock_test_seconds == 10.0


def test_unknown_keys_and_bad_values_are_errors() -> None:
    with pytest.raises(ValidationError):
        Gfs2Filesystem.model_validate({"name": "gfs0", "mountpoint": "/m", "journals": 2})
    with pytest.raises(ValidationError):
        Gfs2Filesystem(name="a:b", mountpoint="/mnt")  # the fs name has no cluster part
    with pytest.raises(ValidationError):
        Gfs2Filesystem(name="gfs0", mountpoint="relative")
    with pytest.raises(ValidationError):
        Gfs2Filesystem(name="gfs0", mountpoint="/m", quota="sometimes")  # type: ignore[arg-type]


def test_mounting_hosts_default_to_every_gfs2_host() -> None:
    fs = Gfs2Filesystem(name="gfs0", mountpoint="/mnt/gfs2")
    assert mounting_hosts(fs, ["vm1", "vm2"]) == ["vm1", "vm2"]
    only = Gfs2Filesystem(name="gfs0", mountpoint="/mnt/gfs2", nodes=["vm1"])
    assert mounting_hosts(only, ["vm1", "vm2"]) == ["vm1"]


def test_lab_inventory_expects_gfs0_on_labvm() -> None:
    inventory = load_inventory(ROOT / "inventory" / "lab.yaml")
    gfs2 = inventory.cluster("labvm").expect.gfs2
    assert gfs2 is not None
    assert gfs2.cluster_name == "hacert-labvm"
    assert [(f.name, f.mountpoint, f.min_journals) for f in gfs2.filesystems] == [
        ("gfs0", "/mnt/gfs2", 2)
    ]
    assert "noatime" in gfs2.filesystems[0].mount_options
