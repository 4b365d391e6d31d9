"""What Lambda gives each function and the local stack must emulate while running handlers on threads.

On Lambda every container is a process of its own: it sees only its function's environment
(Globals + its own `Environment` in template.yaml, plus the runtime's variables) and handles one
event at a time. The local stack and the in-process tests run every function in one process, on
threads, so here:

- `os.environ` is replaced by a view that, inside a function's invocation (or its import), shows
  exactly that function's environment: a variable the function's template entry does not declare
  is missing here as it is on AWS (`function_scope`).
- The event being handled: netclub.http's router keeps it per thread (on Lambda, one thread), so
  nothing is swapped for that here.

Nothing of this is in the deployed layer: `install()` is called by the local stack and the tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar

_scope: ContextVar[dict[str, str] | None] = ContextVar("netclub_function_environment", default=None)
_function: ContextVar[str | None] = ContextVar("netclub_function", default=None)


class ScopedEnviron(MutableMapping[str, str]):
    """`os.environ` that shows the running function's own environment inside `function_scope`."""

    def __init__(self, real: MutableMapping[str, str]) -> None:
        self.real = real

    def _current(self) -> MutableMapping[str, str]:
        scoped = _scope.get()
        return self.real if scoped is None else scoped

    def __getitem__(self, name: str) -> str:
        return self._current()[name]

    def __setitem__(self, name: str, value: str) -> None:
        self._current()[name] = value

    def __delitem__(self, name: str) -> None:
        del self._current()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._current()))

    def __len__(self) -> int:
        return len(self._current())

    def copy(self) -> dict[str, str]:
        return dict(self._current())

    def __repr__(self) -> str:
        return f"ScopedEnviron(scoped={_scope.get() is not None})"


@contextmanager
def function_scope(function: str, environment: Mapping[str, str]) -> Iterator[None]:
    """Run a function's import or invocation with only `environment` as its os.environ."""
    token = _scope.set(dict(environment))
    named = _function.set(function)
    try:
        yield
    finally:
        _function.reset(named)
        _scope.reset(token)


def current_function() -> str | None:
    """The template's logical id of the function running on this thread, if any."""
    return _function.get()


_installed = False


def install() -> None:
    """Once per process, before any handler is loaded."""
    global _installed
    if _installed:
        return
    if not isinstance(os.environ, ScopedEnviron):
        os.environ = ScopedEnviron(os.environ)  # type: ignore[assignment]  # noqa: B003 (a view over the same environment)
    _installed = True
