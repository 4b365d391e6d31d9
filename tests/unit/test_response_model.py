"""An answer its own response model refuses is the server's fault: a 500 that Api5xxAlarm counts, and one
error line naming the route and the model, never the refused data (it may be a member's name or address)."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from netclub.api import build_resolver, logger
from netclub.http import Path
from pydantic import BaseModel

from tests.functional.powertools_reference import reference_resolver

INTERNAL = {"error": {"code": "internal_error", "message": "システムエラーが発生しました。時間をおいてもう一度お試しください。"}}


class Card(BaseModel):
    name: str
    visits: int


def _router() -> Any:
    app = build_resolver()

    @app.get("/api/cards/<card_id>")
    def card(card_id: Annotated[str, Path(max_length=64)]) -> Card:
        if card_id == "good":
            return Card(name="山田 太郎", visits=3)
        return {"name": "yamada.taro@example.jp", "visits": "たくさん"}  # type: ignore[return-value]

    @app.get("/api/cards")
    def cards() -> list[Card]:
        return [{"name": "yamada.taro@example.jp"}]  # type: ignore[list-item]

    return app


def _event(path: str) -> dict[str, Any]:
    return {"path": path, "httpMethod": "GET", "headers": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None, "body": None}


class _Lines(logging.Handler):
    """The JSON lines the function would write to CloudWatch (Powertools' own formatter)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logger.registered_formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def _answer(app: Any, path: str) -> tuple[int, Any, list[dict[str, Any]], str]:
    lines = _Lines()
    logger._logger.addHandler(lines)
    try:
        result = app.resolve(_event(path), None)
    finally:
        logger._logger.removeHandler(lines)
    return result["statusCode"], json.loads(result["body"]), [json.loads(line) for line in lines.lines], "\n".join(lines.lines)


def test_an_answer_its_model_refuses_is_a_500_with_an_error_line_without_the_data() -> None:
    app = _router()
    status, body, lines, raw = _answer(app, "/api/cards/bad")
    assert (status, body) == (500, INTERNAL)
    [line] = lines
    assert (line["level"], line["message"], line["route"], line["model"]) == ("ERROR", "response refused by its model", "GET /api/cards/<card_id>", "Card")
    assert line["errors"] == [{"loc": "visits", "type": "int_parsing"}]
    assert "yamada" not in raw and "たくさん" not in raw

    status, body, lines, raw = _answer(app, "/api/cards")
    assert (status, body) == (500, INTERNAL)
    assert [(x["route"], x["model"], x["errors"]) for x in lines] == [("GET /api/cards", "list[Card]", [{"loc": "0.visits", "type": "missing"}])]
    assert "yamada" not in raw


def test_an_answer_its_model_takes_is_served_without_an_error_line() -> None:
    status, body, lines, _ = _answer(_router(), "/api/cards/good")
    assert (status, body, [x for x in lines if x["level"] == "ERROR"]) == (200, {"name": "山田 太郎", "visits": 3}, [])


def test_powertools_answers_it_alike_when_told_to_make_it_a_500() -> None:
    """The reference of tests/functional/test_lean_router.py (Powertools with response_validation_error_http_code=500)."""
    app = _router()
    for path in ("/api/cards/bad", "/api/cards", "/api/cards/good"):
        ours = app.resolve(_event(path), None)
        theirs = reference_resolver(app).resolve(_event(path), None)
        assert (ours["statusCode"], ours["body"]) == (theirs["statusCode"], theirs["body"]), path
