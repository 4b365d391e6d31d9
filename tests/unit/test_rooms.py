"""The rooms of the code (README "Working on it", docs/architecture.md "Code layout"): every DynamoDB expression and condition lives in `netclub.store`;
the services hold the rules and only commit what the store's functions built (`dynamo.transact`); handlers are thin
and reach DynamoDB only through the services."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted((ROOT / "layers/common/netclub/services").glob("*.py"))
HANDLERS = sorted((ROOT / "functions").glob("*/app.py"))
# what a service may take from netclub.store.dynamo: the commit of operations the store built, and its error and item types
SERVICE_MAY_USE = {"transact", "ConditionFailed", "Item", "TransactionConflict"}
EXPRESSION = re.compile(r"^(SET|ADD|REMOVE|DELETE) \w|attribute_(not_)?exists\(|begins_with\(|\w+ = :\w+|#\w+ (=|<>|IN) ")


def _dynamo_names(tree: ast.Module) -> set[str]:
    """The local names netclub.store.dynamo is bound to in a module."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "netclub.store":
            names |= {a.asname or a.name for a in node.names if a.name == "dynamo"}
        if isinstance(node, ast.Import):
            names |= {a.asname for a in node.names if a.name == "netclub.store.dynamo" and a.asname}
    return names


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_services_write_no_dynamodb_expression(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    dynamo = _dynamo_names(tree)
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in dynamo}
    assert used <= SERVICE_MAY_USE, f"{path.name} calls netclub.store.dynamo.{sorted(used - SERVICE_MAY_USE)}: build the operation in netclub.store"
    from_dynamo = {a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module == "netclub.store.dynamo" for a in node.names}
    assert from_dynamo <= SERVICE_MAY_USE, f"{path.name} imports {sorted(from_dynamo - SERVICE_MAY_USE)} from netclub.store.dynamo"
    expressions = [
        (node.lineno, node.value) for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str) and EXPRESSION.search(node.value)
    ]
    assert not expressions, f"{path.name} writes DynamoDB expressions (move them to netclub.store): {expressions}"


@pytest.mark.parametrize("path", HANDLERS, ids=lambda p: p.parent.name)
def test_handlers_reach_dynamodb_only_through_services(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    modules |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    assert not _dynamo_names(tree) and "netclub.store.dynamo" not in modules, f"{path.parent.name} imports netclub.store.dynamo"
    assert "boto3" not in modules and "botocore" not in modules, f"{path.parent.name} makes its own AWS client"


def test_the_expression_pattern_sees_what_the_store_writes() -> None:
    """The check above is only as good as its pattern: it must flag the store's own expressions."""
    store = (ROOT / "layers/common/netclub/store/reservations.py").read_text(encoding="utf-8")
    flagged = [c.value for c in ast.walk(ast.parse(store)) if isinstance(c, ast.Constant) and isinstance(c.value, str) and EXPRESSION.search(c.value)]
    assert "SET seats_left = seats_left - :one" in flagged
    assert "attribute_exists(PK)" in flagged
    assert "#st = :st" in flagged
    assert not EXPRESSION.search("このご予約は変更できません。")
