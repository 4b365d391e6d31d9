"""`python -m local.export_openapi PATH`: write the merged OpenAPI document to a file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from local import openapi, stack


def main() -> int:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "build/openapi.json")
    template, env, resolver = stack.environment("http://127.0.0.1:3000", None)
    stack.apply(env)
    functions, _, _ = stack.functions_and_routes(template, resolver, "http://127.0.0.1:3000", None)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(openapi.merged(functions), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
