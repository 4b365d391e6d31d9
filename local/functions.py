"""The template's functions and API routes, and their handlers loaded like Lambda containers.

Each concurrent request takes a free "container" (its own copy of the function's module, so
Powertools' per-request state is never shared), or starts a new one: a cold start.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from local.cfn import ROOT, resources_of_type

_counter = itertools.count()


@dataclass
class Function:
    logical_id: str
    code_dir: Path
    handler: str = "app.lambda_handler"
    environment: dict[str, Any] = field(default_factory=dict)
    _free: list[ModuleType] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def load(self) -> ModuleType:
        module_file, _ = self.handler.rsplit(".", 1)
        path = self.code_dir / f"{module_file}.py"
        name = f"lambda_{self.code_dir.name}_{next(_counter)}"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader, f"cannot load {path}"
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    def invoke(self, event: dict[str, Any], context: Any) -> Any:
        with self._lock:
            module = self._free.pop() if self._free else None
        if module is None:
            module = self.load()
        try:
            return getattr(module, self.handler.rsplit(".", 1)[1])(event, context)
        finally:
            with self._lock:
                self._free.append(module)


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as in the template: /api/reservations/{id}
    function: Function
    authorizer: str | None
    pattern: re.Pattern[str]


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
