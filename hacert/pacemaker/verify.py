"""`crm_verify --live-check --output-as=xml`: configuration errors and warnings."""

from __future__ import annotations

from dataclasses import dataclass

from hacert.xmlutil import number, parse_xml


@dataclass(frozen=True)
class VerifyResult:
    code: int
    message: str
    errors: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return self.code == 0 and not self.errors


def parse_crm_verify(text: str, *, host: str | None = None) -> VerifyResult:
    root = parse_xml(text, "crm_verify --output-as=xml", host=host)
    status = root.find("status")
    code = number(status, "code", -1) if status is not None else -1
    message = status.get("message", "") if status is not None else ""
    errors = tuple((e.text or "").strip() for e in root.iter("error") if (e.text or "").strip())
    return VerifyResult(code=code, message=message, errors=errors)
