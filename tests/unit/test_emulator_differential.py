"""The fixed engine answers exactly as plain moto does, request for request.

Random sequences of PutItem, UpdateItem (setting, changing and removing GSI
keys), DeleteItem, TransactWriteItems (some cancelled, some rolled back for a
repeated item, some committed) and BatchWriteItem run against both engines on
the service's own table definition; every answer must be byte-for-byte the
same JSON, and so must every query shape the service uses afterwards: the base
table and each GSI, with begins_with / BETWEEN / < / > on the sort key,
forwards and backwards, with Limit and pagination through LastEvaluatedKey,
with a filter, a projection and Select=COUNT. In process, no HTTP.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.store.schema import INDEXES, PK, SK, TTL_ATTRIBUTE, table_definition
from devstack.emulator.engine import Engine

TABLE = "differential"
PARTITIONS = ["P#0", "P#1", "P#2"]
SORTS = ["A#1", "A#2", "A#10", "B#1", "B#2", "X"]
# Values of each GSI key attribute; few, so that items share partitions.
GSI_VALUES: dict[str, list[str]] = {}
for _index, _pk, _sk in INDEXES:
    GSI_VALUES.setdefault(_pk, [f"{_pk}#a", f"{_pk}#b"])
    GSI_VALUES.setdefault(_sk, ["A#1", "A#2", "A#2#z", "B#1", "X#9"])
GSI_ATTRIBUTES = sorted(GSI_VALUES)

Request = tuple[str, dict[str, Any]]


def s(value: str) -> dict[str, str]:
    return {"S": value}


def key_of(pk: str, sk: str) -> dict[str, Any]:
    return {PK: s(pk), SK: s(sk)}


def create(engine: Engine) -> None:
    """The table as ``admin create-table`` makes it (chalicelib.store.tables)."""
    assert engine.call("CreateTable", table_definition(TABLE))[0] == 200
    ttl = {"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    spec = {"TableName": TABLE, "TimeToLiveSpecification": ttl}
    assert engine.call("UpdateTimeToLive", spec)[0] == 200


# -- writes ----------------------------------------------------------------------

keys = st.tuples(st.sampled_from(PARTITIONS), st.sampled_from(SORTS))
gsi_attributes = st.dictionaries(
    st.sampled_from(GSI_ATTRIBUTES), st.just(""), max_size=len(GSI_ATTRIBUTES)
).flatmap(
    lambda chosen: st.fixed_dictionaries(
        {name: st.sampled_from(GSI_VALUES[name]).map(s) for name in chosen}
    )
)
numbers = st.integers(-3, 3).map(lambda n: {"N": str(n)})


@st.composite
def items(draw: st.DrawFn) -> dict[str, Any]:
    pk, sk = draw(keys)
    item = {**key_of(pk, sk), **draw(gsi_attributes), "n": draw(numbers)}
    if draw(st.booleans()):
        item["note"] = s(draw(st.sampled_from(["x", "y"])))
    return item


PUT_CONDITIONS = [None, "attribute_not_exists(PK)", "attribute_exists(PK)", "n < :v"]
UPDATE_CONDITIONS = [None, "attribute_exists(PK)", "attribute_not_exists(PK)", "n > :v"]


def with_condition(body: dict[str, Any], condition: str | None) -> dict[str, Any]:
    if condition is not None:
        body["ConditionExpression"] = condition
        if ":v" in condition:
            body.setdefault("ExpressionAttributeValues", {})[":v"] = {"N": "0"}
    return body


@st.composite
def put_body(draw: st.DrawFn) -> dict[str, Any]:
    body = {"TableName": TABLE, "Item": draw(items())}
    return with_condition(body, draw(st.sampled_from(PUT_CONDITIONS)))


@st.composite
def update_body(draw: st.DrawFn) -> dict[str, Any]:
    pk, sk = draw(keys)
    sets = draw(gsi_attributes)
    removes = draw(st.lists(st.sampled_from(GSI_ATTRIBUTES), unique=True, max_size=3))
    removes = [name for name in removes if name not in sets]
    names: dict[str, str] = {}
    values: dict[str, Any] = {":one": {"N": "1"}}
    assignments = []
    for i, (name, value) in enumerate(sets.items()):
        names[f"#s{i}"] = name
        values[f":s{i}"] = value
        assignments.append(f"#s{i} = :s{i}")
    expression = "ADD n :one"
    if assignments:
        expression = "SET " + ", ".join(assignments) + " " + expression
    if removes:
        names.update({f"#r{i}": name for i, name in enumerate(removes)})
        expression += " REMOVE " + ", ".join(f"#r{i}" for i in range(len(removes)))
    body: dict[str, Any] = {
        "TableName": TABLE,
        "Key": key_of(pk, sk),
        "UpdateExpression": expression,
        "ExpressionAttributeValues": values,
    }
    if names:
        body["ExpressionAttributeNames"] = names
    return with_condition(body, draw(st.sampled_from(UPDATE_CONDITIONS)))


@st.composite
def delete_body(draw: st.DrawFn) -> dict[str, Any]:
    pk, sk = draw(keys)
    body = {"TableName": TABLE, "Key": key_of(pk, sk)}
    return with_condition(body, draw(st.sampled_from(UPDATE_CONDITIONS)))


@st.composite
def transaction_action(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["Put", "Update", "Delete", "ConditionCheck"]))
    if kind == "Put":
        body = draw(put_body())
    elif kind == "Update":
        body = draw(update_body())
    elif kind == "Delete":
        body = draw(delete_body())
    else:
        pk, sk = draw(keys)
        condition = draw(st.sampled_from(UPDATE_CONDITIONS[1:]))
        body = with_condition({"TableName": TABLE, "Key": key_of(pk, sk)}, condition)
    if "ConditionExpression" in body and draw(st.booleans()):
        body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return {kind: body}


@st.composite
def batch_body(draw: st.DrawFn) -> dict[str, Any]:
    puts = draw(st.lists(items(), max_size=4, unique_by=lambda i: (i[PK]["S"], i[SK]["S"])))
    deletes = draw(st.lists(keys, max_size=3, unique=True))
    requests = [{"PutRequest": {"Item": item}} for item in puts]
    requests += [{"DeleteRequest": {"Key": key_of(pk, sk)}} for pk, sk in deletes]
    return {"RequestItems": {TABLE: requests or [{"DeleteRequest": {"Key": key_of("P#0", "X")}}]}}


writes: st.SearchStrategy[Request] = st.one_of(
    put_body().map(lambda b: ("PutItem", b)),
    update_body().map(lambda b: ("UpdateItem", b)),
    delete_body().map(lambda b: ("DeleteItem", b)),
    st.lists(transaction_action(), min_size=1, max_size=5).map(
        lambda actions: ("TransactWriteItems", {"TransactItems": actions})
    ),
    batch_body().map(lambda b: ("BatchWriteItem", b)),
)


# -- reads -----------------------------------------------------------------------

RANGE_CONDITIONS: list[tuple[str, dict[str, Any]]] = [
    ("", {}),
    (" AND begins_with(#sk, :a)", {":a": s("A#")}),
    (" AND #sk BETWEEN :a AND :b", {":a": s("A#10"), ":b": s("B#1")}),
    (" AND #sk < :a", {":a": s("B")}),
    (" AND #sk > :a", {":a": s("A#2")}),
]
EXTRAS: list[dict[str, Any]] = [
    {},
    {"FilterExpression": "n > :zero", "ExpressionAttributeValues": {":zero": {"N": "0"}}},
    {"ProjectionExpression": "PK, SK, n"},
    {"Select": "COUNT"},
]


def query_shape(
    index: str | None,
    pk: str,
    sk: str,
    value: str,
    condition: tuple[str, dict[str, Any]],
    forward: bool,
    limit: int | None,
    extra: dict[str, Any],
) -> dict[str, Any]:
    expression, values = condition
    names = {"#pk": pk} | ({"#sk": sk} if expression else {})
    shape: dict[str, Any] = {
        "TableName": TABLE,
        "KeyConditionExpression": "#pk = :p" + expression,
        "ExpressionAttributeNames": names,
        "ScanIndexForward": forward,
        **{k: v for k, v in extra.items() if k != "ExpressionAttributeValues"},
        "ExpressionAttributeValues": {
            ":p": s(value),
            **values,
            **extra.get("ExpressionAttributeValues", {}),
        },
    }
    if index:
        shape["IndexName"] = index
    if limit:
        shape["Limit"] = limit
    return shape


def query_shapes() -> list[dict[str, Any]]:
    """Every (partition, range condition, direction, limit) on every index, and the
    extras (filter, projection, COUNT) with each range condition."""
    partitions: list[tuple[str | None, str, str, str]] = [(None, PK, SK, p) for p in PARTITIONS]
    for name, pk, sk in INDEXES:
        partitions += [(name, pk, sk, value) for value in GSI_VALUES[pk]]
    shapes = []
    for partition, condition, forward, limit, extra in itertools.product(
        partitions, RANGE_CONDITIONS, (True, False), (None, 1, 2), EXTRAS
    ):
        if extra and (limit == 1 or not forward):
            continue
        index, pk, sk, value = partition
        shapes.append(query_shape(index, pk, sk, value, condition, forward, limit, extra))
    return shapes


SHAPES = query_shapes()


def outcome(engine: Engine, operation: str, body: dict[str, Any]) -> tuple[int, Any]:
    """The answer, or what moto raised (which the server would turn into a 500)."""
    try:
        return engine.call(operation, body)
    except Exception as exc:
        return 500, f"{type(exc).__name__}: {exc}"


def pages(engine: Engine, shape: dict[str, Any]) -> list[tuple[int, Any]]:
    """Every page of a query, following LastEvaluatedKey."""
    out = []
    body = dict(shape)
    for _ in range(50):
        answer = outcome(engine, "Query", body)
        out.append(answer)
        last = answer[1].get("LastEvaluatedKey") if answer[0] == 200 else None
        if not last:
            return out
        body = {**shape, "ExclusiveStartKey": last}
    raise AssertionError(f"pagination does not end: {shape}")


def run_both(sequence: list[Request]) -> tuple[Engine, Engine]:
    fixed, plain = Engine("fixed"), Engine("plain")
    create(fixed)
    create(plain)
    for token, (operation, body) in enumerate(sequence):
        if operation == "TransactWriteItems":
            # Fresh tokens: the fixed engine runs its token path, never a replay.
            body = {**body, "ClientRequestToken": f"token-{token}"}
        expected = outcome(plain, operation, body)
        assert outcome(fixed, operation, body) == expected, (operation, body, expected)
    return fixed, plain


def assert_same_reads(fixed: Engine, plain: Engine, shapes: list[dict[str, Any]]) -> None:
    for shape in shapes:
        assert pages(fixed, shape) == pages(plain, shape), shape
    scans: list[dict[str, Any]] = [{"TableName": TABLE}]
    scans += [{"TableName": TABLE, "IndexName": index} for index, _, _ in INDEXES]
    for scan in scans:
        assert outcome(fixed, "Scan", scan) == outcome(plain, "Scan", scan)


def test_there_are_many_query_shapes() -> None:
    assert len(SHAPES) > 300
    assert {shape.get("IndexName") for shape in SHAPES} == {None} | {i for i, _, _ in INDEXES}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    sequence=st.lists(writes, max_size=30),
    shapes=st.lists(st.sampled_from(SHAPES), min_size=8, max_size=16),
)
def test_random_writes_then_queries_match_plain_moto(
    sequence: list[Request], shapes: list[dict[str, Any]]
) -> None:
    fixed, plain = run_both(sequence)
    assert_same_reads(fixed, plain, shapes)


@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
@given(sequence=st.lists(writes, min_size=120, max_size=160))
def test_a_long_history_then_every_query_shape_matches_plain_moto(
    sequence: list[Request],
) -> None:
    fixed, plain = run_both(sequence)
    assert_same_reads(fixed, plain, SHAPES)
