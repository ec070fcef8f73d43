"""The inventory: which clusters to check, how to reach their hosts, what to expect."""

from hacert.inventory.errors import InventoryError
from hacert.inventory.loader import load_inventory
from hacert.inventory.model import ClusterSpec, HostSpec, Inventory, Platform
from hacert.inventory.settings import ConnectionSettings, resolve, resolve_all

__all__ = [
    "ClusterSpec",
    "ConnectionSettings",
    "HostSpec",
    "Inventory",
    "InventoryError",
    "Platform",
    "load_inventory",
    "resolve",
    "resolve_all",
]
