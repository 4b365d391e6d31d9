"""What `sam build` makes, run the way Lambda runs it (shared by the deployed-shape test and benchmark).

- `ensure_built()`: `make sam-build` into .aws-sam/build, skipped while its inputs are unchanged
  (a digest of template.yaml, the Makefiles, the layer's sources and requirements, functions/).
- `runtime_sdk()`: boto3 for the runtime's Python in its own folder. On Lambda, boto3 comes from the
  runtime (/var/runtime), not from the layer; here it is pip-installed (the dev venv's pinned
  version, not necessarily the one Lambda bundles) by the runtime's interpreter, with its bytecode.
- `Deployed`: a read-only copy of the built layer (as /opt/python) and functions (as /var/task),
  with or without the layer's bytecode, and `run()`: one cold start of one function in a fresh
  interpreter of the runtime's version (`-I -S -B`: no dev venv, no site-packages, no PYTHON*
  variables, no bytecode written) that sees only that function's template environment.
  Where this machine allows it (root in a mount namespace), the copy is mounted read-only, like /opt.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from local import cfn
from local.functions import Function, discover
from local.resources import ACCOUNT, physical_names
from local.stack import PREFIX, REGION

ROOT = cfn.ROOT
SAM_DIR = ROOT / ".aws-sam"
BUILD = SAM_DIR / "build"
RUNNER = Path(__file__).with_name("lambda_runner.py")
FRONTEND = "https://portal.netclub.example"
INPUTS = ("template.yaml", "Makefile", "layers/common", "functions")


def _ignored(part: str) -> bool:
    return part == "__pycache__" or part.endswith(".egg-info")


def _digest() -> str:
    h = hashlib.sha256()
    for top in INPUTS:
        path = ROOT / top
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file() and not any(_ignored(part) for part in p.parts))
        for f in files:
            h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


@contextmanager
def _lock() -> Iterator[None]:
    SAM_DIR.mkdir(exist_ok=True)
    with open(SAM_DIR / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _make(*args: str) -> str:
    done = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"make {' '.join(args)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def runtime_python() -> str:
    """The interpreter of the runtime's version, found as `make sam-build` finds it (fails loudly if none)."""
    return _make("-s", "runtime-python", f"PYTHON_RUNTIME={template_runtime()}").strip().splitlines()[-1]


def template_runtime() -> str:
    """template.yaml's PythonRuntime default: the runtime `make sam-build` builds for."""
    return str(cfn.load()["Parameters"]["PythonRuntime"]["Default"])


def ensure_built() -> Path:
    """.aws-sam/build as `make sam-build` makes it for template.yaml's runtime, rebuilt when an input changed."""
    stamp, built_for = SAM_DIR / "inputs.sha256", SAM_DIR / "runtime"
    with _lock():
        digest, runtime = _digest(), template_runtime()
        fresh = (BUILD / "template.yaml").exists() and stamp.exists() and stamp.read_text() == digest
        if not fresh or not built_for.exists() or built_for.read_text().strip() != runtime:
            stamp.unlink(missing_ok=True)
            _make("sam-build", f"PYTHON_RUNTIME={runtime}")
            stamp.write_text(digest)
    return BUILD


def runtime_sdk(python: str) -> Path:
    """boto3 (+ botocore, s3transfer, ...) for the runtime's Python, compiled, in .aws-sam/runtime-sdk-*."""
    tag = subprocess.run([python, "-c", "import sys; print('%d%d' % sys.version_info[:2])"], capture_output=True, text=True, check=True).stdout.strip()
    target = SAM_DIR / f"runtime-sdk-cp{tag}-boto3-{version('boto3')}"
    with _lock():
        if not (target / ".complete").exists():
            shutil.rmtree(target, ignore_errors=True)
            subprocess.run(
                [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", str(target), f"boto3=={version('boto3')}"],
                check=True,
                capture_output=True,
            )
            subprocess.run([python, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", str(target)], check=True, stdout=subprocess.DEVNULL)
            (target / ".complete").write_text("")
    return target


def functions() -> tuple[dict[str, Function], cfn.Resolver]:
    template = cfn.load()
    resolver = cfn.Resolver(template, physical_names(template, PREFIX), {"Stage": "local", "FrontendOrigin": FRONTEND}, REGION, ACCOUNT)
    fns, _, _ = discover(template)
    return fns, resolver


def environment(fn: Function, resolver: cfn.Resolver, endpoint: str | None, runtime: str) -> dict[str, str]:
    """What Lambda gives this function: its template environment (Globals + its own) and the runtime's variables."""
    env = {k: str(resolver.resolve(v)) for k, v in fn.environment.items()}
    env |= {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_LAMBDA_FUNCTION_NAME": f"{PREFIX}-{fn.logical_id}",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
        "LAMBDA_TASK_ROOT": "/var/task",
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
    }
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env


def _read_only_mount_works() -> bool:
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && ! touch "$0/w" 2>/dev/null', tempfile.gettempdir()],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@dataclass
class Deployed:
    """A read-only copy of the build: <root>/opt/python (the layer) and <root>/var/task/<Function>."""

    root: Path
    python: str
    sdk: Path
    runtime: str
    read_only_mount: bool

    @classmethod
    def make(cls, into: Path, *, bytecode: bool = True) -> Deployed:
        ensure_built()
        python = runtime_python()
        runtime = (BUILD.parent / "runtime").read_text().strip()
        shutil.copytree(BUILD / "CommonLayer" / "python", into / "opt" / "python", ignore=None if bytecode else shutil.ignore_patterns("__pycache__"))
        for d in BUILD.iterdir():
            if d.is_dir() and d.name != "CommonLayer":
                shutil.copytree(d, into / "var" / "task" / d.name)
        for p in into.rglob("*"):  # what /opt and /var/task are to the function: not writable
            p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        return cls(into, python, runtime_sdk(python), runtime, _read_only_mount_works())

    def command(self, fn: Function, events_file: Path | None, result_file: Path) -> list[str]:
        task = self.root / "var" / "task" / fn.logical_id
        args = [self.python, "-I", "-S", "-B", str(RUNNER), str(task), str(self.root / "opt" / "python"), str(self.sdk), fn.handler]
        args += [str(events_file) if events_file else "-", str(result_file)]
        if self.read_only_mount:
            return ["unshare", "-m", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"', str(self.root), *args]
        return args

    def run(self, fn: Function, env: dict[str, str], events: list[dict[str, Any]], scratch: Path) -> dict[str, Any]:
        """One container: a cold start, then each event in turn. Returns what lambda_runner.py wrote."""
        events_file = None
        if events:
            events_file = scratch / f"{fn.logical_id}.events.json"
            events_file.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
        result_file = scratch / f"{fn.logical_id}.result.json"
        result_file.unlink(missing_ok=True)
        done = subprocess.run(self.command(fn, events_file, result_file), env=env, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode or not result_file.exists():
            return {"crashed": done.returncode, "output": (done.stdout + done.stderr)[-4000:]}
        result: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
        result["output"] = (done.stdout + done.stderr)[-4000:]
        return result


if __name__ == "__main__":  # a quick look: python -m tests.deployed.built FUNCTION
    fns, resolver = functions()
    with tempfile.TemporaryDirectory() as tmp:
        deployed = Deployed.make(Path(tmp) / "root")
        fn = fns[sys.argv[1]]
        print(json.dumps(deployed.run(fn, environment(fn, resolver, None, deployed.runtime), [], Path(tmp)), indent=1))
