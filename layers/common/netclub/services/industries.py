"""Japan Standard Industrial Classification (日本標準産業分類, 第13回改定) for 業種(大)/(中)/(小).

The classes come from netclub/data/jsic_r13.txt (大分類 A–T, 99 中分類, the 小分類).

Codes in a profile's `industry`:
- `major`: a 大分類 letter (A–T);
- `middle`: a 2-digit 中分類 code under that major;
- `minor`: a 3-digit 小分類 code under that middle, or a 4-digit 細分類 code whose first three
  digits are a 小分類 under that middle (the 細分類 list itself is not shipped, so its last digit
  is not checked). It is stored as given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from netclub.errors import FieldError

REVISION = "13"
_MAJOR_RE = re.compile(r"^[A-Z]$")
_MIDDLE_RE = re.compile(r"^\d{2}$")
_MINOR_RE = re.compile(r"^\d{3,4}$")


@dataclass
class IndustryClass:
    code: str
    name: str
    children: list[IndustryClass] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "name": self.name, "children": [c.as_dict() for c in self.children]}


@dataclass(frozen=True)
class Classification:
    majors: list[IndustryClass]
    major_of_middle: dict[str, str]
    middle_of_minor: dict[str, str]
    names: dict[str, str]


@cache
def classification() -> Classification:
    text = resources.files("netclub.data").joinpath("jsic_r13.txt").read_text(encoding="utf-8")
    majors: list[IndustryClass] = []
    major_of_middle: dict[str, str] = {}
    middle_of_minor: dict[str, str] = {}
    names: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name = line.split("\t", 1)
        node = IndustryClass(code, name.strip())
        if len(code) == 1:
            majors.append(node)
        elif len(code) == 2:
            majors[-1].children.append(node)
            major_of_middle[code] = majors[-1].code
        else:
            middle = majors[-1].children[-1]
            if not code.startswith(middle.code):
                raise ValueError(f"JSIC data: {code} is not under {middle.code}")
            middle.children.append(node)
            middle_of_minor[code] = middle.code
        names[code] = node.name
    return Classification(majors, major_of_middle, middle_of_minor, names)


def tree() -> list[dict[str, object]]:
    """Every class, nested: [{code, name, children: [{code, name, children: [...]}]}]."""
    return [m.as_dict() for m in classification().majors]


def name_of(code: str | None) -> str | None:
    return classification().names.get(code or "")


def check(major: str | None, middle: str | None, minor: str | None, prefix: str = "industry") -> list[FieldError]:
    """Unknown codes, a middle not under its major, a minor not under its middle (each on its own field)."""
    jsic = classification()
    errors: list[FieldError] = []
    major_ok = False
    if major:
        if not _MAJOR_RE.match(major) or major not in jsic.names:
            errors.append(FieldError(f"{prefix}.major", "業種(大)の分類コードが正しくありません。"))
        else:
            major_ok = True
    middle_ok = False
    if middle:
        if not _MIDDLE_RE.match(middle) or middle not in jsic.major_of_middle:
            errors.append(FieldError(f"{prefix}.middle", "業種(中)の分類コードが正しくありません。"))
        elif not major:
            errors.append(FieldError(f"{prefix}.major", "業種(中)を選ぶ場合は業種(大)も選択してください。"))
        elif major_ok and jsic.major_of_middle[middle] != major:
            errors.append(FieldError(f"{prefix}.middle", "選択した業種(中)は、業種(大)の分類に含まれません。"))
        else:
            middle_ok = True
    if minor:
        minor3 = minor[:3]
        if not _MINOR_RE.match(minor) or minor3 not in jsic.middle_of_minor:
            errors.append(FieldError(f"{prefix}.minor", "業種(小)の分類コードが正しくありません。"))
        elif not middle:
            errors.append(FieldError(f"{prefix}.middle", "業種(小)を選ぶ場合は業種(中)も選択してください。"))
        elif middle_ok and jsic.middle_of_minor[minor3] != middle:
            errors.append(FieldError(f"{prefix}.minor", "選択した業種(小)は、業種(中)の分類に含まれません。"))
    return errors
