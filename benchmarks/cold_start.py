"""Cold-start import time of the login function vs a bare `import boto3; boto3.client("dynamodb")`.

Each measurement is a fresh interpreter (as a Lambda cold start is); prints medians and the ratio.
Run: .venv/bin/python -m benchmarks.cold_start [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = "import boto3; boto3.client('dynamodb', region_name='ap-northeast-1')"
LOGIN = (
    "import importlib.util, sys; "
    f"spec = importlib.util.spec_from_file_location('app', {str(ROOT / 'functions/auth_login/app.py')!r}); "
    "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); "
    "from netclub.aws import client; client('dynamodb')"
)


def _time(code: str) -> float:
    env = {**os.environ, "AWS_REGION": "ap-northeast-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    _time(BARE), _time(LOGIN)  # warm the file cache and .pyc
    bare = [_time(BARE) for _ in range(runs)]
    login = [_time(LOGIN) for _ in range(runs)]
    b, lg = statistics.median(bare), statistics.median(login)
    print(f"bare boto3 + dynamodb client : median {b * 1000:7.1f} ms over {runs} runs")
    print(f"auth_login module + client   : median {lg * 1000:7.1f} ms over {runs} runs")
    print(f"ratio login / bare           : {lg / b:.2f}x")


if __name__ == "__main__":
    main()
