"""Fixtures of the e2e tests (the local stack itself is `local_stack`, in tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.conftest import STAFF
from tests.stackutil import Browserish, LocalStack


@pytest.fixture(scope="module")
def staff(local_stack: LocalStack) -> Browserish:
    """The seeded staff account, logged in over HTTP once per test module."""
    client = local_stack.client()
    assert client.login(*STAFF).status == 200
    return client
