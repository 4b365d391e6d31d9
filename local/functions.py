"""The template's functions and API routes, and their handlers loaded like Lambda containers.

Each concurrent request takes a free "container" (its own copy of the function's module, so
Powertools' per-request state is never shared), or starts a new one: a cold start. As on Lambda,
containers are reused while warm and reaped when idle: at most MAX_IDLE_CONTAINERS are kept per
function, none longer than IDLE_SECONDS, so memory stays bounded under any load.

A function's import and every invocation run with only its own environment (local/isolation.py),
once `local.stack.bind_environments` has given it one.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from local import isolation
from local.cfn import ROOT, resources_of_type

_counter = itertools.count()
MAX_IDLE_CONTAINERS = 4
IDLE_SECONDS = 300.0


@dataclass
class Function:
    logical_id: str
    code_dir: Path
    handler: str = "app.lambda_handler"
    environment: dict[str, Any] = field(default_factory=dict)  # as in the template (Globals + own), unresolved
    own_environment: dict[str, str] | None = None  # what Lambda would give it, resolved (bind_environments)
    cold_starts: int = 0
    _free: list[tuple[ModuleType, float]] = field(default_factory=list)  # warm containers, last used at
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _scope(self) -> Any:
        if self.own_environment is None:
            raise RuntimeError(f"{self.logical_id}: no environment bound (local.stack.bind_environments)")
        return isolation.function_scope(self.logical_id, self.own_environment)

    def load(self) -> ModuleType:
        module_file, _ = self.handler.rsplit(".", 1)
        path = self.code_dir / f"{module_file}.py"
        name = f"lambda_{self.code_dir.name}_{next(_counter)}"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader, f"cannot load {path}"
        module = importlib.util.module_from_spec(spec)
        with self._scope():
            spec.loader.exec_module(module)
        return module

    def invoke(self, event: dict[str, Any], context: Any) -> Any:
        with self._lock:
            module = self._free.pop()[0] if self._free else None
        if module is None:
            module = self.load()
            self.cold_starts += 1
        try:
            with self._scope():
                return getattr(module, self.handler.rsplit(".", 1)[1])(event, context)
        finally:
            self._release(module)

    def _release(self, module: ModuleType) -> None:
        now = time.monotonic()
        with self._lock:
            self._free.append((module, now))
            # the most recently used are reused first (the end of the list); the rest are reaped
            warm = [(m, t) for m, t in self._free if now - t < IDLE_SECONDS]
            self._free = warm[max(0, len(warm) - MAX_IDLE_CONTAINERS) :]

    def containers(self) -> int:
        with self._lock:
            return len(self._free)


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as in the template: /api/reservations/{id}
    function: Function
    authorizer: str | None
    pattern: re.Pattern[str]


def resource_path(path: str) -> str:
    """The part of a request's path API Gateway REST routes by: one trailing slash ignored (but the root's).

    `/api/me/` reaches the `/api/me` resource and `/api/reservations/r1/` `/api/reservations/{id}` with id
    `r1`; the event's `path` keeps the slash as it was sent. (Powertools' REST resolver routes so since its
    issue 1552; netclub.http's router does the same.)"""
    return path[:-1] if len(path) > 1 and path.endswith("/") else path


def _pattern(path: str) -> re.Pattern[str]:
    regex = re.sub(r"\\\{([A-Za-z0-9_]+)\\\+\\\}", r"(?P<\1>.+)", re.escape(path))
    regex = re.sub(r"\\\{([A-Za-z0-9_]+)\\\}", r"(?P<\1>[^/]+)", regex)
    return re.compile(f"^{regex}$")


def discover(template: dict[str, Any]) -> tuple[dict[str, Function], list[Route], dict[str, Any]]:
    """Functions, routes (from Api events) and the Api resource's properties."""
    globals_env = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    functions: dict[str, Function] = {}
    routes: list[Route] = []
    apis = resources_of_type(template, "AWS::Serverless::Api")
    api_props = next(iter(apis.values()))["Properties"] if apis else {}
    default_authorizer = api_props.get("Auth", {}).get("DefaultAuthorizer")
    for name, res in resources_of_type(template, "AWS::Serverless::Function").items():
        props = res["Properties"]
        env = {**globals_env, **props.get("Environment", {}).get("Variables", {})}
        fn = Function(logical_id=name, code_dir=ROOT / props["CodeUri"], handler=props.get("Handler", "app.lambda_handler"), environment=env)
        functions[name] = fn
        for event in props.get("Events", {}).values():
            if event.get("Type") != "Api":
                continue
            ev = event["Properties"]
            auth = ev.get("Auth", {}).get("Authorizer", default_authorizer)
            routes.append(Route(ev["Method"].upper(), ev["Path"], fn, None if auth == "NONE" else auth, _pattern(ev["Path"])))
    # literal segments win over parameters, as in API Gateway
    routes.sort(key=lambda r: (r.path.count("{"), -len(r.path)))
    return functions, routes, api_props
