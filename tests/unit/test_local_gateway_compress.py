"""The local gateway gzips the front end's text files as CloudFront does (template.yaml `Compress: true`)."""

from __future__ import annotations

import gzip

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from local.gateway import Gateway


def _request(accept: str | None) -> Request:
    headers = {"Accept-Encoding": accept} if accept else {}
    return Request(EnvironBuilder(path="/assets/app.js", headers=headers).get_environ())


def test_text_is_gzipped_when_the_browser_takes_it() -> None:
    body = b"export const x = 1;\n" * 200
    answer = Gateway.compressed(_request("gzip, deflate, br"), Response(body, content_type="text/javascript; charset=utf-8"))
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in answer.headers["Vary"]
    assert gzip.decompress(answer.get_data()) == body


def test_left_alone_without_gzip_for_binaries_and_small_files() -> None:
    body = b"x" * 4096
    assert "Content-Encoding" not in Gateway.compressed(_request(None), Response(body, content_type="text/css")).headers
    assert "Content-Encoding" not in Gateway.compressed(_request("gzip"), Response(body, content_type="video/mp4")).headers
    assert "Content-Encoding" not in Gateway.compressed(_request("gzip"), Response(b"small", content_type="text/html")).headers
