"""Helpers to build offerings and extra members through the HTTP API (staff console, registration)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from moto.core.botocore_stubber import BotocoreStubber

from tests.conftest import Env, Portal

PASSWORD = "Member#2026pass"


def day(offset: int) -> str:
    from netclub import clock

    return (clock.now().astimezone(clock.JST).date() + dt.timedelta(days=offset)).isoformat()


def offering(staff: Portal, kind: str = "seminar", capacities: tuple[int, ...] = (3, 5), apply_days: int = 5, slot_days: int = 10) -> dict[str, Any]:
    created = staff.post(
        "/api/admin/offerings",
        {
            "kind": kind,
            "title": "経営セミナー" if kind == "seminar" else "専門家カウンセリング",
            "description": "説明",
            "apply_until": f"{day(apply_days)}T17:00",
        },
    )
    assert created.status == 201, created.body
    slots = []
    for n, capacity in enumerate(capacities):
        slot = staff.post(
            f"/api/admin/offerings/{created.body['id']}/slots",
            {"date": day(slot_days + n), "start_time": "14:00", "end_time": "16:00", "place": f"秋葉原庁舎 第{n + 1}会議室", "capacity": capacity},
        )
        assert slot.status == 201, slot.body
        slots.append(slot.body)
    return {**created.body, "slots": slots}


def new_member(env: Env, staff: Portal, email: str) -> Portal:
    """Register (verification mail → confirm), approve as staff, log in."""
    visitor = env.new_client()
    assert visitor.post("/api/registrations", {"email": email, "email_confirm": email}).status == 202
    token = env.link_token(email, "/register/confirm")
    profile = {"corporate_type": "founder", "company_name": "創業太郎", "user": {"name": "創業太郎"}}
    confirmed = visitor.post("/api/registrations/confirm", {"token": token, "password": PASSWORD, "password_confirm": PASSWORD, "profile": profile})
    assert confirmed.status == 201, confirmed.body
    assert staff.post(f"/api/admin/members/{confirmed.body['member_id']}/approve").status == 200
    client = env.new_client()
    assert client.login(email, PASSWORD).status == 200
    return client


@contextmanager
def serial_dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto in-process is not atomic across threads: its requests one at a time, as DynamoDB serialises an item's writes."""
    lock = threading.Lock()
    real = BotocoreStubber.__call__

    def one_at_a_time(self: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
        if ".dynamodb." in event_name:
            with lock:
                return real(self, event_name, request, **kwargs)
        return real(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", one_at_a_time)
    yield
