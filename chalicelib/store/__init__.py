"""Persistence: the single-table design; the only package that imports boto3."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.store.connections import ConnectionStore
from chalicelib.store.dynamo import Db
from chalicelib.store.people import PeopleStore


@dataclass(frozen=True)
class Store:
    """Every repository, over one table."""

    db: Db
    people: PeopleStore
    connections: ConnectionStore

    @classmethod
    def over(cls, db: Db) -> Store:
        return cls(db=db, people=PeopleStore(db), connections=ConnectionStore(db))

    @classmethod
    def from_settings(cls) -> Store:
        return cls.over(Db.from_settings())
