"""会員企業検索 storage.

- `DIRECTORY#{company_id}` / `COMPANY` = {member_id, company_id, page_sha, GSI1PK: "DIRECTORY", GSI1SK: company_id}:
  which member a published company is. It is written (or deleted) in the same transaction as every
  write that can change publication; the page is never stored here but read from the member item,
  so unpublishing or leaving `active` takes effect at once and a stale item is harmless.
  `page_sha` is the digest of the public page: the item changes exactly when the page does, and
  DynamoDB Streams (KEYS_ONLY: no profile data in the stream) writes a record only for an item that
  changed, so the table's stream carries one record per change of the directory and nothing else
  of a profile edit reaches the index function (template.yaml: DirectoryChangesMapping's filter).
- The search index: one gzip JSON object (INDEX_KEY) in its own bucket (DirectoryBucket: the
  search may then hold s3:ListBucket, so that a missing object is a 404 and not a 403, without
  seeing any other key), rebuilt from the GSI1 partition DIRECTORY (a Query, never a Scan),
  updated from the stream's records, written with a conditional PutObject (If-Match the version
  read, If-None-Match * for the first one: two writers never lose each other's change) and read
  with a conditional GetObject (If-None-Match).
- 商談申込 (business contact), written in one transaction with the sender's daily count
  (store/limits.py take_op) and the audit entry:
  `MEMBER#{sender}` / `CONTACT#{id}`: the request as sent (recipient by member and company id,
  never their address), and the sender's 利用履歴 row (GSI2 `HISTORY#{sender}` / `{created_at}#{id}`);
  `MEMBER#{recipient}` / `CONTACT_IN#{id}`: the recipient's 利用履歴 row (GSI2 `HISTORY#{recipient}`).
  With an Idempotency-Key the id is derived from the sender and the key, so a repeat meets the
  first record (its condition) and writes nothing.
"""

from __future__ import annotations

from typing import Any, Literal

from netclub.config import get_settings
from netclub.files import s3
from netclub.store import dynamo, keys
from netclub.store.dynamo import ConditionFailed, Item, TransactOp
from netclub.store.items import ContactItem, DirectoryItem, Keys, MemberItem, ReceivedContactItem, every, one

__all__ = ["ConditionFailed", "Item"]

INDEX_KEY = "directory/index.json.gz"
MEMBER_FIELDS = ("member_id", "status", "role", "profile", "company_id")  # what the rebuild reads of a member


DIRECTORY_PREFIX = "DIRECTORY#"


def put_op(company_id: str, member_id: str, page_sha: str) -> TransactOp:
    pk, sk = keys.directory(company_id)
    item: DirectoryItem = {"PK": pk, "SK": sk, "member_id": member_id, "company_id": company_id, "page_sha": page_sha}
    return dynamo.t_put({**item, "GSI1PK": keys.DIRECTORY_GSI1PK, "GSI1SK": company_id})


def company_of_stream_keys(keys_image: dict[str, Any]) -> str | None:
    """The company of a stream record's `Keys` (DynamoDB JSON), None for any other item."""
    pk = str((keys_image.get("PK") or {}).get("S") or "")
    return pk[len(DIRECTORY_PREFIX) :] if pk.startswith(DIRECTORY_PREFIX) and (keys_image.get("SK") or {}).get("S") == "COMPANY" else None


def delete_op(company_id: str) -> TransactOp:
    pk, sk = keys.directory(company_id)
    return dynamo.t_delete(pk, sk)


def get(company_id: str) -> DirectoryItem | None:
    return one(DirectoryItem, dynamo.get(*keys.directory(company_id)))


def listed() -> list[DirectoryItem]:
    """Every directory item (the GSI1 partition DIRECTORY, all pages)."""
    return every(DirectoryItem, dynamo.query_all(keys.DIRECTORY_GSI1PK, index="GSI1"))


def members(member_ids: list[str]) -> list[MemberItem]:
    """The members (the fields a page is built from), by BatchGetItem, strongly consistent: an index
    update that follows a write must see that write."""
    return every(MemberItem, dynamo.batch_get([keys.member(m) for m in member_ids], projection=MEMBER_FIELDS, consistent=True))


def pointers(company_ids: list[str]) -> list[DirectoryItem]:
    """The directory items of these companies that exist now (strongly consistent BatchGetItem)."""
    return every(DirectoryItem, dynamo.batch_get([keys.directory(c) for c in company_ids], consistent=True))


# --- 商談申込 -----------------------------------------------------------------------------


def contact_key(member_id: str, contact_id: str) -> tuple[str, str]:
    return keys.member(member_id)[0], f"CONTACT#{contact_id}"


def received_key(member_id: str, contact_id: str) -> tuple[str, str]:
    return keys.member(member_id)[0], f"CONTACT_IN#{contact_id}"


def _history(member_id: str, created_at: str, contact_id: str) -> Keys:
    return {"GSI2PK": f"HISTORY#{member_id}", "GSI2SK": f"{created_at}#{contact_id}"}


def contact_put_op(contact: ContactItem) -> TransactOp:
    """The sender's record and 利用履歴 row; never a second one with the same id."""
    pk, sk = contact_key(contact["sender_id"], contact["id"])
    item: ContactItem = {**contact, "PK": pk, "SK": sk, **_history(contact["sender_id"], contact["created_at"], contact["id"])}
    return dynamo.t_put(item, condition="attribute_not_exists(PK)")


def received_put_op(recipient_id: str, row: ReceivedContactItem) -> TransactOp:
    """The recipient's 利用履歴 row."""
    pk, sk = received_key(recipient_id, row["id"])
    item: ReceivedContactItem = {**row, "PK": pk, "SK": sk, **_history(recipient_id, row["created_at"], row["id"])}
    return dynamo.t_put(item, condition="attribute_not_exists(PK)")


def erase_contact_op(member_id: str, contact_id: str, erased: str, at: str) -> TransactOp:
    """削除請求: the words of a 商談申込 the member sent (what the recipient received by mail stays theirs)."""
    pk, sk = contact_key(member_id, contact_id)
    return dynamo.t_update(pk, sk, "SET subject = :e, message = :e, erased_at = :at", vals={":e": erased, ":at": at}, condition="attribute_exists(PK)")


def get_contact(member_id: str, contact_id: str) -> ContactItem | None:
    return one(ContactItem, dynamo.get(*contact_key(member_id, contact_id), consistent=True))


def transact(operations: list[TransactOp]) -> None:
    dynamo.transact(operations)


# --- the index object -------------------------------------------------------------------


def _bucket() -> str:
    return get_settings().need("directory_bucket")


class IndexChanged(Exception):
    """The index object is not the version the writer read (another writer was first)."""


def put_index(blob: bytes, if_match: str | None, key: str = INDEX_KEY) -> None:
    """Replace the version `if_match` of the index (None: create it; it must not exist yet). `key`: which index
    of the bucket (会員企業検索's, or the staff's member search: services/member_search.py)."""
    try:
        s3.put_if(key, blob, "application/gzip", if_match, in_bucket=_bucket())
    except s3.Changed as exc:
        raise IndexChanged() from exc


def fetch_index(etag: str | None, key: str = INDEX_KEY) -> tuple[Literal["new", "same", "missing"], bytes, str | None]:
    """The stored index unless it is still `etag` (one GetObject with If-None-Match)."""
    return s3.get_if_changed(key, etag, in_bucket=_bucket())
