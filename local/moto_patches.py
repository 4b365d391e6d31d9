"""moto's DynamoDB transactions without a copy of the whole table each time.

moto's `transact_write_items` deep-copies every table a transaction touches before it starts,
to roll back if the transaction is cancelled. That is O(table) in time and memory per
transaction: after a few thousand inquiries and reservations the local stack answered 9
requests a second and its memory grew by about 1.8 MB a transaction (benchmarks/stack_load.py).
Here only the items the transaction names are kept (as DynamoDB JSON) and put back on a
cancellation: the same all-or-nothing result, at the cost of the items themselves.
"""

from __future__ import annotations

import copy
import types
from typing import Any

_installed = False


def _item_keys(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    keys = []
    for entry in transact_items:
        if len(entry) != 1:
            continue
        ((kind, op),) = entry.items()
        table_name = op.get("TableName")
        if not table_name or table_name not in backend.tables:
            continue
        if kind == "Put":
            table = backend.tables[table_name]
            attrs = op.get("Item") or {}
            key = {table.hash_key_attr: attrs.get(table.hash_key_attr)}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = attrs.get(table.range_key_attr)
            if any(v is None for v in key.values()):
                continue
        else:
            key = op.get("Key") or {}
        keys.append((table_name, key))
    return keys


def install() -> None:
    """Once per process (the local stack's moto server, the tests' mock_aws)."""
    global _installed
    if _installed:
        return
    from moto.dynamodb import models

    original = models.DynamoDBBackend.transact_write_items

    def deepcopy(value: Any, memo: Any = None) -> Any:
        # the transaction's table "backup" is the table itself; every other copy moto makes stays a copy
        return value if isinstance(value, models.Table) else copy.deepcopy(value, memo)

    models.copy = types.SimpleNamespace(deepcopy=deepcopy)  # type: ignore[assignment]

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        before = []
        for table_name, key in _item_keys(self, transact_items):
            try:
                current = self.get_item(table_name, key)
            except Exception:  # an invalid key: moto's own checks answer it below
                current = None
            before.append((table_name, key, copy.deepcopy(current.to_json()["Attributes"]) if current else None))
        try:
            original(self, transact_items)
        except Exception:
            for table_name, key, attributes in reversed(before):
                if attributes is None:
                    self.delete_item(table_name, key)
                else:
                    self.put_item(table_name, attributes)
            raise

    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _installed = True
