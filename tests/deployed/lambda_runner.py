"""Runs one function as a Lambda cold start does; started by an interpreter of the runtime's Python.

`python -I -S -B lambda_runner.py TASK LAYER RUNTIME_SDK HANDLER EVENTS_FILE RESULT_FILE`: the
function's code (/var/task), the built layer (/opt/python: it ships the boto3 and botocore the portal
uses, found first) and the SDK the runtime brings (boto3, from /var/runtime on Lambda: what the floor of
benchmarks/cold_start_deployed.py imports) are the only places imports come from; no bytecode is written. Imports
the handler's module, calls it with each event of EVENTS_FILE (a JSON list; none when "-"): the
first invocation is the cold one, the others reuse the container as Lambda does. Writes what each
answered or raised, CPU and wall times, and which modules were compiled from source, to RESULT_FILE.
Standard library only: nothing of the repository or the dev venv is importable here.
"""

import importlib
import json
import os
import sys
import time
import uuid


class LambdaContext:
    def __init__(self, name: str) -> None:
        self.function_name = name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"))
        self.invoked_function_arn = f"arn:aws:lambda:{os.environ.get('AWS_REGION', '')}:123456789012:function:{name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "deployed-shape"
        self._deadline = time.time() + 10

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.time()) * 1000))


def _compiled_from_source(prefixes: list[str]) -> list[str]:
    """Modules under `prefixes` whose bytecode was not there: they were compiled at import."""
    found = []
    for name, module in list(sys.modules.items()):
        spec = getattr(module, "__spec__", None)
        origin = getattr(spec, "origin", None) or ""
        if origin.endswith(".py") and any(origin.startswith(p) for p in prefixes):
            cached = getattr(spec, "cached", None)
            if not cached or not os.path.exists(cached):
                found.append(name)
    return sorted(found)


def main() -> int:
    task, layer, sdk, handler_name, events_file, result_file = sys.argv[1:7]
    sys.path[:0] = [task, layer, sdk]
    module_name, function_name = handler_name.rsplit(".", 1)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    module = importlib.import_module(module_name)
    handler = getattr(module, function_name)
    cpu1, wall1 = time.process_time(), time.perf_counter()
    result: dict = {"import_cpu": cpu1 - cpu0, "import_wall": wall1 - wall0}
    result["invocations"] = []
    events = []
    if events_file != "-":
        with open(events_file, encoding="utf-8") as f:
            events = json.load(f)
    for event in events:
        cpu, wall = time.process_time(), time.perf_counter()
        invocation: dict = {}
        try:
            invocation["answer"] = handler(event, LambdaContext(os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "function")))
        except Exception as exc:
            invocation["error"] = {"type": type(exc).__name__, "message": str(exc)}
        invocation["cpu"], invocation["wall"] = time.process_time() - cpu, time.perf_counter() - wall
        result["invocations"].append(invocation)
    result["compiled_from_source"] = _compiled_from_source([task, layer])
    result["python"] = ".".join(map(str, sys.version_info[:3]))
    with open(result_file, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
