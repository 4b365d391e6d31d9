"""Cold start as deployed: every function from `sam build`, layer without vs with its bytecode, vs the floor.

For each function of template.yaml and each run, three fresh interpreters of the runtime's Python
(python3.13 -I -S -B, the layer mounted read-only as /opt/python, boto3 as the runtime brings it after it,
the function's own template environment; tests/deployed/built.py), in turn:
- the floor: `import boto3; boto3.client("dynamodb")`, nothing else (and, as a reference, the same
  made the functions' way: collector paused, botocore without the boto3 package);
- the function with the layer as it was built before (no .pyc: everything compiled at import);
- the function with the layer as `make sam-build` makes it now (cpython-313 .pyc, unchecked-hash).
Each function process imports its module and answers its first request against moto with the demo
data: the cold start and the first request. That request is the function's use case succeeding
(tests/deployed/use_cases.py: its route's request of tests/functional/test_dynamodb_calls_per_route.py,
prepared on a fresh AWS for each function and recorded as the gateway sends it; an API function whose
answer is not a 2xx stops the benchmark); functions no route reaches answer their sample event. Measured per process: CPU time
(user + sys of the child) and wall time. Prints, over all functions, the median and the worst of
(function / floor), each a median over the runs, for both layers; and what compiling the
functions' own app.py costs (the function build ships no bytecode).

Run: .venv/bin/python -m benchmarks.cold_start_deployed [--runs 3] [--only Function ...]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from local.functions import Function
from tests.deployed.built import ROOT, Deployed, environment, functions
from tests.deployed.use_cases import UseCases

FLOOR = 'import boto3\nclient = boto3.client("dynamodb")\n\n\ndef lambda_handler(event, context):\n    return None\n'
# The floor given the functions' own two levers: loaded with the collector paused (netclub/coldstart.py)
# and its client made from botocore without the boto3 package (netclub/aws.py, store/attribute_values.py).
# A reference printed beside the floor, so that what the levers gain is not mistaken for what
# the functions no longer load.
FLOOR_LEAN = (
    "import gc\ngc.disable()\nimport botocore.session\nclient = botocore.session.get_session().create_client('dynamodb')\n"
    "gc.freeze()\ngc.enable()\n\n\ndef lambda_handler(event, context):\n    return None\n"
)


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """CPU (user + sys) and wall seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=120)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise RuntimeError(f"{command[-4]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def _app_compile_ms() -> list[float]:
    """CPU milliseconds to compile each functions/*/app.py (what a function without .pyc adds to its cold start)."""
    costs = []
    for app in sorted((ROOT / "functions").glob("*/app.py")):
        source = app.read_text(encoding="utf-8")
        start = time.process_time()
        for _ in range(20):
            compile(source, str(app), "exec")
        costs.append((time.process_time() - start) / 20 * 1000)
    return costs


def _ratios(rows: list[dict[str, Any]], key: str, measure: str, floor: str = "floor") -> tuple[float, float, str]:
    ratios = [(statistics.median(r[key][measure]) / statistics.median(r[floor][measure]), r["name"]) for r in rows]
    worst = max(ratios)
    return statistics.median(x for x, _ in ratios), worst[0], worst[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="logical ids of the functions to measure (default: all)")
    parser.add_argument("--built-only", action="store_true", help="only the layer as built (with bytecode): skips the layer without .pyc, half the time")
    parser.add_argument(
        "--snap-start",
        action="store_true",
        help="init as SnapStart runs it before a snapshot (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start): the import is then paid at publish, "
        "and the first request is what a restored container pays",
    )
    args = parser.parse_args()

    fns, resolver = functions()
    chosen = [fns[name] for name in args.only] if args.only else list(fns.values())
    aws_process = subprocess.Popen([sys.executable, "-m", "tests.deployed.aws"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert aws_process.stdin and aws_process.stdout
    aws = json.loads(aws_process.stdout.readline())
    use_cases = UseCases(aws_process)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            scratch = Path(tmp)
            floor_dir = scratch / "floor"
            floor_dir.mkdir()
            (floor_dir / "app.py").write_text(FLOOR, encoding="utf-8")
            with_pyc = Deployed.make(scratch / "with-bytecode", bytecode=True)
            without_pyc = None if args.built_only else Deployed.make(scratch / "without-bytecode", bytecode=False)
            layers = (("with", "with bytecode"),) if without_pyc is None else (("without", "without bytecode"), ("with", "with bytecode"))
            lean_dir = scratch / "lean-floor"
            lean_dir.mkdir()
            (lean_dir / "app.py").write_text(FLOOR_LEAN, encoding="utf-8")
            floor_fn = Function(logical_id="Floor", code_dir=floor_dir)
            # the floor runs from the read-only tree too, as a function of its own
            floor_cmd = with_pyc.command(floor_fn, None, scratch / "floor.json")
            floor_cmd[floor_cmd.index(str(with_pyc.root / "var" / "task" / "Floor"))] = str(floor_dir)
            # and without the portal's layer (which ships its own boto3 and botocore): the runtime's boto3, as the floor
            (scratch / "no-layer").mkdir()
            floor_cmd[floor_cmd.index(str(with_pyc.root / "opt" / "python"))] = str(scratch / "no-layer")
            lean_cmd = [str(lean_dir) if c == str(floor_dir) else c for c in floor_cmd]
            floor_env = environment(floor_fn, resolver, aws["endpoint"], with_pyc.runtime)

            print(
                f"deployed cold start: {with_pyc.runtime} ({with_pyc.python}), {len(chosen)} functions x {args.runs} runs, "
                f"layer read-only ({'mount' if with_pyc.read_only_mount else 'chmod only'}), each run: floor, then both layers in alternating order",
                flush=True,
            )
            rows = []
            started = time.perf_counter()
            for i, fn in enumerate(chosen):
                env = environment(fn, resolver, aws["endpoint"], with_pyc.runtime)
                if args.snap_start:
                    env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "snap-start"
                events_file = scratch / f"{fn.logical_id}.events.json"
                use_cases.fresh()
                row: dict[str, Any] = {
                    "name": fn.logical_id,
                    **{k: {"cpu": [], "wall": [], "import": [], "request": []} for k in ("floor", "lean_floor", "without", "with")},
                }
                for run in range(args.runs):
                    cpu, wall = _timed(floor_cmd, floor_env)
                    row["floor"]["cpu"].append(cpu)
                    row["floor"]["wall"].append(wall)
                    cpu, wall = _timed(lean_cmd, floor_env)
                    row["lean_floor"]["cpu"].append(cpu)
                    row["lean_floor"]["wall"].append(wall)
                    order = [("with", with_pyc)] if without_pyc is None else [("without", without_pyc), ("with", with_pyc)]
                    for key, deployed in order if (i + run) % 2 == 0 else order[::-1]:
                        event, use_case = use_cases.event(fn)  # prepared anew for each process: what the last one did is done
                        events_file.write_text(json.dumps([event], ensure_ascii=False), encoding="utf-8")
                        cpu, wall = _timed(deployed.command(fn, events_file, scratch / "result.json"), env)
                        inside = json.loads((scratch / "result.json").read_text(encoding="utf-8"))
                        invocation = inside["invocations"][0]
                        if "error" in invocation:
                            raise RuntimeError(f"{fn.logical_id} raised {invocation['error']}")
                        row["status"] = use_cases.answered(fn, invocation["answer"], use_case)
                        row["use_case"] = use_case
                        row[key]["cpu"].append(cpu)
                        row[key]["wall"].append(wall)
                        row[key]["import"].append(inside["import_cpu"])
                        row[key]["request"].append(inside["invocations"][0]["cpu"])
                rows.append(row)
                med = {k: statistics.median(row[k]["cpu"]) * 1000 for k in ("floor", *(key for key, _ in layers))}
                without = "" if without_pyc is None else f"  without .pyc {med['without']:6.0f}"
                wall = statistics.median(row["with"]["wall"]) / statistics.median(row["floor"]["wall"])
                first = statistics.median(row["with"]["request"]) * 1000
                what = f"use case, {row['status']}" if row["use_case"] else "sample event"
                print(
                    f"  {fn.logical_id:36s} CPU ms: floor {med['floor']:6.0f}{without}  with .pyc {med['with']:6.0f}  (wall ratio {wall:.2f}x; first request {first:.0f} ms: {what})",
                    flush=True,
                )
            elapsed = time.perf_counter() - started
    finally:
        aws_process.stdin.close()
        aws_process.wait(timeout=30)

    floor_cpu = statistics.median(c for r in rows for c in r["floor"]["cpu"]) * 1000
    floor_wall = statistics.median(c for r in rows for c in r["floor"]["wall"]) * 1000
    print(f"\nfloor (import boto3; boto3.client('dynamodb')): median CPU {floor_cpu:.0f} ms, wall {floor_wall:.0f} ms")
    print(f"function cold start + first request / floor, over the {len(rows)} functions (each the ratio of its medians):")
    print(f"  {'layer':18s} {'CPU median':>10s} {'CPU worst':>10s}  {'wall median':>11s} {'wall worst':>10s}  worst CPU ratio")
    for key, label in layers:
        cpu_median, cpu_worst, cpu_name = _ratios(rows, key, "cpu")
        wall_median, wall_worst, _ = _ratios(rows, key, "wall")
        print(f"  {label:18s} {cpu_median:9.2f}x {cpu_worst:9.2f}x  {wall_median:10.2f}x {wall_worst:9.2f}x  {cpu_name}")
    lean_cpu = statistics.median(c for r in rows for c in r["lean_floor"]["cpu"]) * 1000
    print(
        f"reference: the floor made the functions' way (collector paused, botocore without the boto3 package: netclub/coldstart.py, "
        f"netclub/aws.py): median CPU {lean_cpu:.0f} ms"
    )
    for key, label in layers:
        cpu_median, cpu_worst, cpu_name = _ratios(rows, key, "cpu", "lean_floor")
        print(f"  {label:18s} against it: CPU median {cpu_median:.2f}x, worst {cpu_worst:.2f}x ({cpu_name})")
    print("CPU ms per function (median over functions of each one's median; in the process: import of the module, first request):")
    for key, label in layers:

        def med(measure: str, key: str = key) -> float:
            return statistics.median(statistics.median(r[key][measure]) for r in rows) * 1000

        worst = max(statistics.median(r[key]["cpu"]) for r in rows) * 1000
        print(f"  {label:18s} process {med('cpu'):5.0f} (worst {worst:5.0f})  import {med('import'):5.0f}  first request {med('request'):4.0f}")
    compile_ms = _app_compile_ms()
    print(
        f"compiling a function's own app.py (shipped without .pyc): median {statistics.median(compile_ms):.2f} ms, "
        f"worst {max(compile_ms):.2f} ms CPU ({len(compile_ms)} functions)"
    )
    print(f"({elapsed:.0f} s)")


if __name__ == "__main__":
    main()
