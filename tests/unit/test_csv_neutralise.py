"""Staff CSV exports: a cell Excel would evaluate as a formula is neutralised (issue 27), also when the sign is
full-width or hidden behind leading spaces, as Excel (with a Japanese IME) reads it."""

from __future__ import annotations

import pytest
from netclub.services.exports import neutralise


@pytest.mark.parametrize(
    "cell", ["=1+3", "+A1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＝1+3", "＋A1", "－1", "＠SUM(A1)", "　=1+3", '  =HYPERLINK("x")', " 　＝1"]
)
def test_a_formula_is_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["株式会社テスト", "03-1234-5678", "a=b", "1+1", "", "　テスト", "東京都千代田区1-2-3"])
def test_plain_text_is_kept(cell: str) -> None:
    assert neutralise(cell) == cell
