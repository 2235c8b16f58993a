"""Cursor signing and the table definition."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.errors import ValidationFailed
from chalicelib.store.pages import decode_cursor, encode_cursor
from chalicelib.store.schema import table_definition

SECRET = "s" * 32


def test_cursor_round_trips() -> None:
    positions = [{"PK": {"S": "MENTOR#1"}}, "done"]
    cursor = encode_cursor(positions, "scope", SECRET)
    assert decode_cursor(cursor, "scope", SECRET, 2) == positions


def test_cursor_is_bound_to_scope_secret_and_shape() -> None:
    cursor = encode_cursor([None], "a", SECRET)
    with pytest.raises(ValidationFailed):
        decode_cursor(cursor, "b", SECRET, 1)
    with pytest.raises(ValidationFailed):
        decode_cursor(cursor, "a", "other" * 8, 1)
    with pytest.raises(ValidationFailed):
        decode_cursor(cursor, "a", SECRET, 2)


@given(st.text(max_size=200))
def test_any_forged_string_is_a_validation_error_on_cursor(text: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        decode_cursor(text, "scope", SECRET, 1)
    assert err.value.errors[0].field == "cursor"


def test_table_definition_has_every_index_on_string_keys() -> None:
    definition = table_definition("t")
    assert definition["BillingMode"] == "PAY_PER_REQUEST"
    indexes = {g["IndexName"]: g["KeySchema"] for g in definition["GlobalSecondaryIndexes"]}
    assert sorted(indexes) == ["GSI1", "GSI2", "GSI3", "GSI4", "GSI5"]
    assert indexes["GSI3"][0]["AttributeName"] == "GSI3PK"
    assert [k["AttributeName"] for k in indexes["GSI4"]] == ["GSI1PK", "TABSK"]
    declared = {a["AttributeName"] for a in definition["AttributeDefinitions"]}
    used = {k["AttributeName"] for ks in indexes.values() for k in ks} | {"PK", "SK"}
    assert declared == used
