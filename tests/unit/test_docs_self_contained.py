"""The repository explains itself: no tracked file cites a document a person who clones it does not have.

The product, the architecture and security are in docs/ (README.md says where); the working notes the
project started from are not part of the repository, so naming them (or a path beside the checkout)
sends a reader nowhere. A link between the repository's own Markdown files must also reach a file.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()

# The outside documents by name, a path beside the checkout, and the bare "SPEC …"/"DESIGN …" shorthand.
OUTSIDE = re.compile(r"\b(?:API|SPEC|DESIGN)\.md\b|\.\./shared\b|(?<![\w/.-])shared/(?:SPEC|API|DESIGN|seed)\b|\bSPEC\b|\bDESIGN\b")
SKIPPED_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".gz", ".zip", ".pdf"}
SKIPPED_NAMES = {"package-lock.json"}


def tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode()
    return [p for p in out.split("\0") if p]


def test_no_tracked_file_cites_a_document_outside_the_repository() -> None:
    found = []
    for path in tracked():
        file = ROOT / path
        if path == THIS or file.suffix.lower() in SKIPPED_SUFFIXES or file.name in SKIPPED_NAMES or not file.is_file():
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path}:{number}: {line.strip()[:120]}")
    assert not found, "cite docs/ or README.md instead:\n" + "\n".join(found)


def test_the_pattern_catches_each_form_and_nothing_ordinary() -> None:
    for cited in ('(API.md "Personal data")', "see ../shared/SPEC.md", "SPEC screen 22", 'DESIGN "Parity"', "shared/seed/manual.md"):
        assert OUTSIDE.search(cited), cited
    for ordinary in ("spec = importlib.util.spec_from_file_location", "docs/product.md", "openapi spec", "layers/common/shared.py", "Design"):
        assert not OUTSIDE.search(ordinary), ordinary


def anchors(markdown: str) -> set[str]:
    """The anchors a Markdown renderer gives the headings (GitHub's: lower case, punctuation dropped, spaces to -)."""
    return {re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-") for m in re.finditer(r"^#+ (.+)$", markdown, re.M)}


def test_links_between_the_repositorys_markdown_files_reach_a_file_and_its_heading() -> None:
    broken = []
    for path in tracked():
        if not path.endswith(".md") or "node_modules" in path:
            continue
        file = ROOT / path
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", file.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            linked = (file.parent / target) if target else file
            if not linked.exists():
                broken.append(f"{path}: {target}")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text(encoding="utf-8")):
                broken.append(f"{path}: {target}#{anchor} (no such heading)")
    assert not broken, "\n".join(broken)


def template_routes() -> set[str]:
    from local import cfn

    routes = set()
    for resource in cfn.load()["Resources"].values():
        for event in (resource.get("Properties") or {}).get("Events", {}).values():
            if event.get("Type") == "Api":
                routes.add(f"{event['Properties']['Method'].upper()} {event['Properties']['Path']}")
    return routes


def test_the_products_screens_name_every_route_of_the_template_and_no_other() -> None:
    named = set(re.findall(r"\b(GET|POST|PUT|DELETE|PATCH) (/api/[^\s`,)]+)", (ROOT / "docs/product.md").read_text(encoding="utf-8")))
    named_routes = {f"{method} {path}" for method, path in named}
    routes = template_routes()
    assert not named_routes - routes, f"docs/product.md names routes template.yaml does not have: {sorted(named_routes - routes)}"
    assert not routes - named_routes, f"routes of template.yaml docs/product.md does not place on a screen: {sorted(routes - named_routes)}"


def test_the_architectures_table_lists_every_function_that_serves_several_routes() -> None:
    from local import cfn

    served = {}
    for name, resource in cfn.load()["Resources"].items():
        events = (resource.get("Properties") or {}).get("Events", {}).values()
        routes = {f"{e['Properties']['Method'].upper()} {e['Properties']['Path']}" for e in events if e.get("Type") == "Api"}
        if len(routes) > 1:
            served[name] = routes
    text = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    table = {
        m.group(1): set(re.findall(r"`((?:GET|POST|PUT|DELETE|PATCH) /api/[^`]+)`", m.group(2)))
        for m in re.finditer(r"^\| `(\w+Function)` \| \d+ \| (.*) \|$", text, re.M)
    }
    assert table == served


def test_the_counts_the_architecture_and_security_docs_state_are_the_templates() -> None:
    from local import cfn

    resources = cfn.load()["Resources"]
    functions = {n: r for n, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
    events = {n: list((r["Properties"].get("Events") or {}).values()) for n, r in functions.items()}
    per_function = {n: sum(1 for e in es if e["Type"] == "Api") for n, es in events.items()}
    routes = sum(per_function.values())
    public = sum(1 for es in events.values() for e in es if e["Type"] == "Api" and (e["Properties"].get("Auth") or {}).get("Authorizer") == "NONE")
    with_routes = sum(1 for n in per_function.values() if n)
    schedules = sum(1 for es in events.values() for e in es if e["Type"] == "Schedule")
    alarms = sum(1 for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm")
    architecture = " ".join((ROOT / "docs/architecture.md").read_text(encoding="utf-8").split())
    security = " ".join((ROOT / "docs/security.md").read_text(encoding="utf-8").split())
    for phrase in (
        f"{len(functions)} functions, of which {with_routes} serve the {routes} routes. {sum(1 for n in per_function.values() if n == 1)} serve one route. "
        f"{sum(1 for n in per_function.values() if n > 1)} serve two",
        f"the other {len(functions) - with_routes} are",
        f"access log; {routes} routes",
        f'-->|"{routes - public} routes"|',
        f"{with_routes} route functions",
        f"but the {public} a visitor calls",
        f"EventBridge runs {schedules} schedules",
        f"({alarms} CloudWatch alarms",
    ):
        assert phrase in architecture, phrase
    assert f"but the {public} a visitor needs" in security
