"""What the inventory may expect of a cluster's ceph setup (the `expect.ceph` section)."""

from __future__ import annotations

from pydantic import Field

from hacert.fio.expect import FioSettings, Floor
from hacert.modelbase import StrictModel


class PoolExpect(StrictModel):
    """A pool that must exist with this replication."""

    name: str = Field(min_length=1)
    size: int | None = Field(default=3, ge=1)
    min_size: int | None = Field(default=2, ge=1)
    application: str | None = None


class ImageExpect(StrictModel):
    """An RBD image that must exist; ``scratch: true`` lets fio write to it."""

    pool: str = "rbd"
    name: str = Field(min_length=1)
    features: list[str] = Field(default_factory=list)
    min_size_bytes: int | None = Field(default=None, ge=0)
    scratch: bool = False

    @property
    def spec(self) -> str:
        return f"{self.pool}/{self.name}"


class CephExpect(StrictModel):
    """Expected ceph state; every field optional so a partial inventory is valid."""

    client_id: str | None = Field(
        default=None, description="cephx user the ceph-client hosts use (default: admin)"
    )
    mons: list[str] | None = Field(default=None, description="monitors expected in quorum")
    osds: int | None = Field(default=None, ge=0, description="expected number of OSDs")
    objectstore: str | None = "bluestore"
    pools: list[PoolExpect] = Field(default_factory=list)
    allow_size_one_pools: bool = Field(
        default=False, description="tolerate replicated pools of size 1 (CEPH-006)"
    )
    images: list[ImageExpect] = Field(default_factory=list)
    keyring_glob: str = "/etc/ceph/*.client.*.keyring"
    cephx: bool = True
    accepted_health_checks: list[str] = Field(
        default_factory=list, description="health check codes tolerated (documented exceptions)"
    )
    fio_images: list[str] | None = Field(
        default=None,
        description='"pool/image" fio runs on (default: the scratch images); '
        "fio refuses any that is not a scratch image",
    )
    fio: FioSettings = Field(default_factory=FioSettings)
    floors: dict[str, Floor] = Field(default_factory=dict, description="per fio profile")

    @property
    def scratch_images(self) -> list[ImageExpect]:
        return [i for i in self.images if i.scratch]

    def fio_targets(self) -> list[str]:
        if self.fio_images is not None:
            return self.fio_images
        return [i.spec for i in self.scratch_images]
