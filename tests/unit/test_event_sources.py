"""The local emulation of Lambda's event source mappings (local/event_sources.py): the template's
mapping is found as declared, and its filter is applied as Lambda applies it."""

from __future__ import annotations

import json

import pytest

from local import cfn, event_sources


def _record(pk: str, sk: str, name: str = "MODIFY") -> dict[str, object]:
    return {"eventName": name, "eventSource": "aws:dynamodb", "dynamodb": {"Keys": {"PK": {"S": pk}, "SK": {"S": sk}}, "StreamViewType": "KEYS_ONLY"}}


def test_the_directory_mapping_is_read_from_the_template() -> None:
    template = cfn.load()
    (mapping,) = [m for m in event_sources.stream_mappings(template) if m.name == "DirectoryChangesMapping"]
    assert (mapping.function, mapping.table, mapping.starting_position) == ("DirectoryIndexFunction", "Table", "TRIM_HORIZON")
    assert mapping.batch_size == 100 and mapping.max_retries == 5
    assert template["Resources"]["Table"]["Properties"]["StreamSpecification"] == {"StreamViewType": "KEYS_ONLY"}  # no profile in the stream
    (pattern,) = mapping.filters
    assert event_sources.matches(pattern, _record("DIRECTORY#abc", "COMPANY"))
    assert event_sources.matches(pattern, _record("DIRECTORY#abc", "COMPANY", "REMOVE"))
    for pk, sk in (("MEMBER#m1", "MEMBER"), ("SESSION#x", "SESSION"), ("DIRECTORY#abc", "OTHER"), ("XDIRECTORY#a", "COMPANY")):
        assert not event_sources.matches(pattern, _record(pk, sk)), (pk, sk)


def test_the_member_mapping_is_read_from_the_template() -> None:
    (mapping,) = [m for m in event_sources.stream_mappings(cfn.load()) if m.name == "MemberChangesMapping"]
    assert (mapping.function, mapping.table, mapping.batch_size, mapping.max_retries) == ("MemberIndexFunction", "Table", 100, 5)
    (pattern,) = mapping.filters
    assert event_sources.matches(pattern, _record("MEMBER#m1", "MEMBER")) and event_sources.matches(pattern, _record("MEMBER#m1", "MEMBER", "REMOVE"))
    for pk, sk in (("MEMBER#m1", "NEWSCONSENT"), ("MEMBER#m1", "INQUIRY#x"), ("DIRECTORY#abc", "COMPANY"), ("XMEMBER#m1", "MEMBER")):
        assert not event_sources.matches(pattern, _record(pk, sk)), (pk, sk)


def test_filter_operators() -> None:
    match = event_sources.matches
    assert match({"a": ["x", "y"]}, {"a": "y"}) and not match({"a": ["x"]}, {"a": "z"})
    assert match({"a": {"b": [{"prefix": "p"}]}}, {"a": {"b": "pq"}}) and not match({"a": {"b": [{"prefix": "p"}]}}, {"a": {"b": "qp"}})
    assert match({"a": [{"exists": False}]}, {}) and not match({"a": [{"exists": True}]}, {})
    assert match({"a": [{"anything-but": ["x"]}]}, {"a": "y"}) and not match({"a": [{"anything-but": ["x"]}]}, {"a": "x"})
    assert match({"a": ["x"]}, {"a": ["y", "x"]})  # a list value matches when one of its elements does
    assert not match({"a": {"b": ["x"]}}, {"a": "not an object"})


def test_an_operator_not_emulated_is_refused_at_start() -> None:
    template = {
        "Resources": {
            "M": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {
                    "FunctionName": {"Ref": "F"},
                    "EventSourceArn": {"Fn::GetAtt": ["Table", "StreamArn"]},
                    "FilterCriteria": {"Filters": [{"Pattern": json.dumps({"a": [{"numeric": [">", 1]}]})}]},
                },
            }
        }
    }
    with pytest.raises(ValueError, match="numeric"):
        event_sources.stream_mappings(template)
