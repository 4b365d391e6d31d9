"""Every function initialises with the garbage collector paused and resumes it at the end of its init
(netclub/coldstart.py; issue 14: the measured gain is in its docstring and docs/performance.md)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "layers" / "common"
APPS = sorted((ROOT / "functions").glob("*/app.py"))


def _statements(path: Path) -> list[ast.stmt]:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    return [s for s in body if not (isinstance(s, ast.ImportFrom) and s.module == "__future__")]


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.parent.name)
def test_the_collector_is_paused_first_and_resumed_last(app: Path) -> None:
    statements = _statements(app)
    first, last = statements[0], statements[-1]
    assert isinstance(first, ast.ImportFrom) and first.module == "netclub" and [a.name for a in first.names] == ["coldstart"], (
        f"{app}: `from netclub import coldstart` must be the first import (before boto3, pydantic, Powertools)"
    )
    assert ast.unparse(last) == "coldstart.ready()", f"{app}: `coldstart.ready()` must be the last statement of the module"


PROBE = """
import gc, json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
if sys.argv[3] == "disabled":
    gc.disable()
seen = {}
class Finder:  # notes the collector's state when pydantic starts loading
    def find_spec(self, name, path=None, target=None):
        if name == "pydantic" and "pydantic" not in seen:
            seen["pydantic"] = gc.isenabled()
        return None
sys.meta_path.insert(0, Finder())
import app
print(json.dumps({"during": seen.get("pydantic"), "after": gc.isenabled(), "frozen": gc.get_freeze_count()}))
"""


def _probe(function: str, before: str) -> dict[str, object]:
    env = {"AWS_REGION": "ap-northeast-1", "TABLE_NAME": "t", "POWERTOOLS_SERVICE_NAME": "netclub", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "functions" / function), str(LAYER), before], capture_output=True, text=True, env=env, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_paused_while_loading_then_frozen_and_running() -> None:
    state = _probe("profile_get", "enabled")
    assert state["during"] is False  # pydantic loaded with the collector paused
    assert state["after"] is True  # and it runs for the requests
    assert isinstance(state["frozen"], int) and state["frozen"] > 10_000  # what the init loaded is out of later collections


def test_a_collector_someone_else_disabled_stays_disabled() -> None:
    state = _probe("profile_get", "disabled")
    assert state["after"] is False
    assert state["frozen"] == 0
