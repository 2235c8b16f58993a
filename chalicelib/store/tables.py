"""Creating the table from its one definition."""

from __future__ import annotations

from collections.abc import Callable

from botocore.exceptions import ClientError

from chalicelib.config import settings
from chalicelib.store.dynamo import client, error_code
from chalicelib.store.schema import TTL_ATTRIBUTE, table_definition


def create_table(wait_seconds: float, sleep: Callable[[float], None]) -> bool:
    """Create the configured table; False if it already exists.

    Waits (polling with ``sleep``) until the table is ACTIVE.
    """
    name = settings().table_name
    ddb = client()
    try:
        ddb.create_table(**table_definition(name))
        created = True
    except ClientError as exc:
        if error_code(exc) != "ResourceInUseException":
            raise
        created = False
    waited = 0.0
    while ddb.describe_table(TableName=name)["Table"]["TableStatus"] != "ACTIVE":
        if waited >= wait_seconds:
            raise TimeoutError(f"table {name} is not ACTIVE after {wait_seconds}s")
        sleep(0.5)
        waited += 0.5
    if created:
        ddb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
    return created
