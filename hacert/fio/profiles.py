"""fio profiles (``perf/fio/*.yaml``) as typed models."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError

from hacert.errors import ConfigurationError
from hacert.modelbase import StrictModel

PROFILE_DIR = Path(__file__).resolve().parents[1] / "perf" / "fio"
READS = {"read", "randread", "rw", "readwrite", "randrw"}


class Profile(StrictModel):
    name: str = ""
    description: str = ""
    rw: Literal["read", "write", "randread", "randwrite", "rw", "readwrite", "randrw"]
    bs: str = Field(pattern=r"^\d+[kKmM]?$")
    iodepth: int = Field(default=16, ge=1, le=1024)
    numjobs: int = Field(default=1, ge=1, le=64)
    rwmixread: int | None = Field(default=None, ge=0, le=100)
    prefill: bool = False

    @property
    def reads(self) -> bool:
        return self.rw in READS

    @property
    def writes(self) -> bool:
        return self.rw not in {"read", "randread"}


@cache
def load_profiles(directory: Path = PROFILE_DIR) -> dict[str, Profile]:
    profiles = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text()) or {}
            profiles[path.stem] = Profile(**{**data, "name": path.stem})
        except (yaml.YAMLError, ValidationError, TypeError) as error:
            raise ConfigurationError(f"{path}: invalid fio profile: {error}") from None
    return profiles


def profile_names() -> list[str]:
    return list(load_profiles())
