"""Where fio runs and what it writes to: an RBD image (rbd engine), a block device, a file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["rbd", "block", "file"]


@dataclass(frozen=True)
class FioTarget:
    """One fio target; ``options`` are the engine/filename options fio needs for it."""

    kind: Kind
    label: str  # e.g. "rbd:rbd/hacert-bench", "block:/dev/sdb", "file:/mnt/gfs2/fio"
    options: dict[str, str] = field(default_factory=dict)

    @classmethod
    def rbd(cls, pool: str, image: str, client_id: str | None) -> FioTarget:
        opts = {"ioengine": "rbd", "pool": pool, "rbdname": image}
        if client_id:
            opts["clientname"] = client_id
        return cls("rbd", f"rbd:{pool}/{image}", opts)

    @classmethod
    def block(cls, device: str) -> FioTarget:
        return cls("block", f"block:{device}", {"ioengine": "libaio", "filename": device})

    @classmethod
    def file(cls, path: str) -> FioTarget:
        return cls("file", f"file:{path}", {"ioengine": "libaio", "filename": path})
