"""担当部署: departments as data (admins edit them); each お問い合わせの種類 names its department, and a
staff member sees only the inquiries of their departments' kinds (an admin sees all). A kind without a
department (or whose department was deleted) is every staff member's until it is assigned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from netclub import clock, ids
from netclub.errors import Conflict, FieldError, NotFound, ValidationFailed
from netclub.models.staff import Department, DepartmentInput, DepartmentList
from netclub.services import audit
from netclub.store import inquiries as inquiry_store
from netclub.store import staff as store
from netclub.store.dynamo import ConditionFailed
from netclub.store.items import DepartmentItem, unkeyed


def _view(item: Mapping[str, object]) -> Department:
    return Department(id=str(item["id"]), name=str(item["name"]), created_at=str(item.get("created_at") or "") or None)


def list_departments() -> DepartmentList:
    items = sorted(store.departments(), key=lambda d: (str(d.get("created_at", "")), str(d["id"])))
    return DepartmentList(items=[_view(d) for d in items])


def checked_ids(department_ids: Iterable[str], field: str = "departments") -> list[str]:
    """The ids, each an existing department (else a field error), without repeats, in the order given."""
    wanted = list(dict.fromkeys(department_ids))
    if not wanted:
        return []
    known = {str(d["id"]) for d in store.departments()}
    unknown = [d for d in wanted if d not in known]
    if unknown:
        raise ValidationFailed([FieldError(field, "存在しない担当部署が指定されています。画面を更新して選び直してください。")])
    return wanted


def create(actor_id: str, actor_name: str, request: DepartmentInput) -> Department:
    now = clock.iso()
    department: DepartmentItem = {"id": ids.new_id(), "name": request.name, "created_at": now, "updated_at": now}
    entry = audit.op(actor_id, "department.create", f"department:{department['id']}", {"actor_name": actor_name, "name": request.name})
    store.transact([store.put_department_op(department, create=True), entry])
    return _view(department)


def update(actor_id: str, actor_name: str, department_id: str, request: DepartmentInput) -> Department:
    current = store.get_department(department_id)
    if not current:
        raise NotFound("担当部署が見つかりません。")
    department: DepartmentItem = {**unkeyed(current, ("PK", "SK")), "name": request.name, "updated_at": clock.iso()}
    entry = audit.op(actor_id, "department.update", f"department:{department_id}", {"actor_name": actor_name, "name": request.name})
    try:
        store.transact([store.put_department_op(department, create=False), entry])
    except ConditionFailed:
        raise NotFound("担当部署が見つかりません。") from None
    return _view(department)


def delete(actor_id: str, actor_name: str, department_id: str) -> None:
    """Only a department no お問い合わせの種類 names (else 409 department_in_use: reassign the kinds first)."""
    current = store.get_department(department_id)
    if not current:
        raise NotFound("担当部署が見つかりません。")
    if any(k.get("department_id") == department_id for k in inquiry_store.list_kinds()):
        raise Conflict("この担当部署を担当にしているお問い合わせの種類があります。先に種類の担当部署を変更してください。", code="department_in_use")
    entry = audit.op(actor_id, "department.delete", f"department:{department_id}", {"actor_name": actor_name, "name": current.get("name", "")})
    try:
        store.transact([store.delete_department_op(department_id), entry])
    except ConditionFailed:
        raise NotFound("担当部署が見つかりません。") from None


@dataclass(frozen=True)
class Desk:
    """Which inquiries a staff member may see: None for everything (admins), else the kinds they may not see
    (those assigned to another department)."""

    hidden_kinds: frozenset[str] | None

    def sees(self, kind_id: str) -> bool:
        return self.hidden_kinds is None or kind_id not in self.hidden_kinds


def desk_of(role: str, staff_departments: Iterable[str]) -> Desk:
    if role == "admin":
        return Desk(None)
    mine = set(staff_departments)
    hidden = {str(k["id"]) for k in inquiry_store.list_kinds() if k.get("department_id") and k.get("department_id") not in mine}
    return Desk(frozenset(hidden))
