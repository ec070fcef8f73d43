"""The base of every model read from a user's file: unknown keys are errors."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A model that rejects keys it does not know, so typos surface as errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
