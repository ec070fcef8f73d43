"""Loads and validates an inventory file; every problem becomes one InventoryError line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hacert import yaml_locations, yamlfile
from hacert.inventory.ansible import AnsibleFormatError, load_ansible, looks_like_ansible_yaml
from hacert.inventory.errors import InventoryError
from hacert.inventory.model import Inventory
from hacert.inventory.settings import resolve_all
from hacert.secrets import REDACTOR

KIND = "inventory"


def load_inventory(path: str | Path, *, check_files: bool = True) -> Inventory:
    """Reads ``path`` (native YAML, Ansible YAML or Ansible INI) into an Inventory."""
    path = Path(path)
    text = yamlfile.read_text(KIND, path, InventoryError)
    root: yaml.Node | None = None
    document: object = None
    is_ini = path.suffix.lower() in {".ini", ".cfg"} or (
        path.suffix.lower() not in {".yaml", ".yml"} and _looks_like_ini(text)
    )
    if not is_ini:
        document, root = yamlfile.parse_yaml(KIND, path, text, InventoryError)
    native: Any = document
    if is_ini or looks_like_ansible_yaml(document):
        try:
            native = load_ansible(path, text, None if is_ini else document)
        except AnsibleFormatError as error:
            raise InventoryError(path, f"Ansible inventory: {error}") from None
        root = None
    try:
        inventory = Inventory.model_validate(native)
    except ValidationError as error:
        raise yamlfile.error_from_validation(KIND, path, error, root, InventoryError) from None
    for secret in _secrets(inventory):
        REDACTOR.register(secret)
    if check_files:
        _check_files(path, root, inventory)
    return inventory


def _looks_like_ini(text: str) -> bool:
    first = next((ln.strip() for ln in text.splitlines() if ln.strip() and ln[0] != "#"), "")
    return first.startswith("[")


def _secrets(inventory: Inventory) -> list[str]:
    found: list[str] = []
    for defaults in [inventory.defaults, *(c.connection for c in inventory.clusters)]:
        if defaults is not None and defaults.password is not None:
            found.append(defaults.password.get_secret_value())
    for cluster in inventory.clusters:
        found.extend(h.password.get_secret_value() for h in cluster.hosts if h.password)
    return found


def _check_files(path: Path, root: yaml.Node | None, inventory: Inventory) -> None:
    base = path.parent
    for c_index, cluster in enumerate(inventory.clusters):
        for h_index, settings in enumerate(resolve_all(inventory, cluster, base)):
            for attribute in ("key_file", "known_hosts"):
                file = getattr(settings, attribute)
                if file is None or (attribute == "known_hosts" and settings.host_keys == "ignore"):
                    continue
                if attribute == "known_hosts" and not file.exists():
                    continue
                problem = _unreadable(file)
                if problem:
                    location: list[str | int] = ["clusters", c_index, "hosts", h_index, attribute]
                    raise InventoryError(
                        path,
                        f"{attribute} {file}: {problem}",
                        where=location,
                        line=yaml_locations.line_of(root, location),
                    )


def _unreadable(file: Path) -> str | None:
    if not file.exists():
        return "no such file"
    if not file.is_file():
        return "not a regular file"
    if not os.access(file, os.R_OK):
        return "not readable"
    return None
