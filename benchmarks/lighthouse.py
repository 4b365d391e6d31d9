"""Lighthouse over the member screens, signed in as the demo member, on the local stack.

Run: .venv/bin/python -m benchmarks.lighthouse [-n 3] [--screens /portal,/events] [--json-dir DIR]

Needs node (20) and Debian's chromium (/usr/bin/chromium, or CHROME_PATH), and the built front end
(`cd frontend && npm run build`: this builds nothing itself, it serves frontend/dist as `make dev` does).
Lighthouse is pinned exactly (benchmarks/lighthouse/package.json, 12.2.3, the version of issue 27); it is
installed there with `npm ci` on the first run. Starts the local stack with its demo data, signs in as the demo
member through POST /api/auth/login, and hands the session cookie to Lighthouse as an extra Cookie header.
Each screen is measured N times (mobile, the default form factor, simulated throttling); the table gives the
medians of the performance score, CLS, LCP, TBT and FCP, and the API requests the screen made (the requests
to /api/ in the network-requests audit; the median too, they should not vary). --json-dir keeps every report.
With Debian's chromium 156, Lighthouse 12.2.3's trace engine fails its RootCauses gatherer (frame_sequence), so
the layout-shifts and largest-contentful-paint-element audits of the reports are errors; the metrics are not
affected. To find what shifts, observe `layout-shift` entries (their sources) in the browser itself.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.stackutil import ROOT, Browserish, start_stack, stop_stack

HERE = ROOT / "benchmarks" / "lighthouse"
CLI = HERE / "node_modules" / "lighthouse" / "cli" / "index.js"
SCREENS = ["/portal", "/events", "/reservations", "/offerings", "/directory", "/profile", "/inquiry"]
CHROME_FLAGS = "--headless=new --no-sandbox"


def fail(message: str) -> int:
    print(f"benchmarks.lighthouse: {message}", file=sys.stderr)
    return 2


def ensure_lighthouse() -> None:
    if not CLI.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)


def demo_member(url: str) -> tuple[str, str]:
    logins = Browserish(url).get("/_dev/logins").body
    return logins["member"]["email"], logins["member"]["password"]


def cookie_header(client: Browserish) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in client.jar)


def one_run(url: str, cookie: str, chrome: str, out: Path) -> dict[str, Any]:
    env = {**os.environ, "CHROME_PATH": chrome}
    command = [
        "node",
        str(CLI),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=performance",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url} (exit {done.returncode}):\n{done.stderr[-2000:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse on {url}: {report['runtimeError']}")
    audits = report["audits"]
    final = report.get("finalDisplayedUrl") or report.get("finalUrl", "")
    if "/login" in final:
        raise RuntimeError(f"{url} ended on {final}: the session cookie was not taken")
    requests = audits["network-requests"]["details"]["items"]
    api = [r["url"] for r in requests if "/api/" in r["url"]]
    return {
        "score": round(100 * (report["categories"]["performance"]["score"] or 0)),
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "api": len(api),
        "api_urls": api,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=3, help="runs per screen (the table gives medians)")
    parser.add_argument("--screens", default=",".join(SCREENS), help="comma-separated paths")
    parser.add_argument("--json-dir", type=Path, help="keep every Lighthouse JSON report here")
    args = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not shutil.which("node"):
        return fail("node is not installed (Lighthouse 12.2.3 needs Node 18.20 or later: apt-get install nodejs)")
    if not (Path(chrome).is_file() and os.access(chrome, os.X_OK)):
        return fail(f"no chromium at {chrome} (apt-get install chromium, or set CHROME_PATH)")
    if not (ROOT / "frontend" / "dist" / "index.html").exists():
        return fail("frontend/dist is missing: build the front end first (cd frontend && npm run build)")
    ensure_lighthouse()
    screens = [s.strip() for s in args.screens.split(",") if s.strip()]
    stack = start_stack({"POWERTOOLS_LOG_LEVEL": "ERROR"})
    rows: list[tuple[str, list[dict[str, Any]]]] = []
    try:
        client = Browserish(stack.url)
        email, password = demo_member(stack.url)
        answer = client.login(email, password)
        if answer.status != 200:
            return fail(f"the demo member could not sign in: {answer.status} {answer.body}")
        cookie = cookie_header(client)
        with tempfile.TemporaryDirectory() as tmp:
            keep = args.json_dir or Path(tmp)
            keep.mkdir(parents=True, exist_ok=True)
            # a throwaway first load: the stack's lambdas warm, as they are for a member who is already signed in
            one_run(stack.url + screens[0], cookie, chrome, Path(tmp) / "warm.json")
            for screen in screens:
                runs = []
                for i in range(args.n):
                    out = keep / f"{screen.strip('/').replace('/', '_') or 'root'}-{i + 1}.json"
                    runs.append(one_run(stack.url + screen, cookie, chrome, out))
                    print(f"  {screen} run {i + 1}: {runs[-1]['score']} CLS {runs[-1]['cls']:.3f} LCP {runs[-1]['lcp']:.0f} ms", file=sys.stderr, flush=True)
                rows.append((screen, runs))
    finally:
        stop_stack(stack)
    med = statistics.median
    print(f"\nLighthouse 12.2.3, mobile, simulated throttling; medians of {args.n} runs per screen ({time.strftime('%Y-%m-%d %H:%M')})")
    print(f"{'screen':<14} {'perf':>4} {'CLS':>6} {'LCP ms':>7} {'TBT ms':>7} {'FCP ms':>7} {'API':>4}  API requests (last run)")
    for screen, runs in rows:
        paths = ", ".join(urlsplit(u).path for u in runs[-1]["api_urls"])
        print(
            f"{screen:<14} {med(r['score'] for r in runs):>4.0f} {med(r['cls'] for r in runs):>6.3f} {med(r['lcp'] for r in runs):>7.0f}"
            f" {med(r['tbt'] for r in runs):>7.0f} {med(r['fcp'] for r in runs):>7.0f} {med(r['api'] for r in runs):>4.0f}  {paths}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
