"""Persistence: the single-table design; the only package that imports botocore."""

from __future__ import annotations

from msgspec import Struct

from chalicelib.store.connections import ConnectionStore
from chalicelib.store.dynamo import Db
from chalicelib.store.people import PeopleStore
from chalicelib.store.sessions import SessionStore


class Store(Struct, frozen=True):
    """Every repository, over one table."""

    db: Db
    people: PeopleStore
    connections: ConnectionStore
    sessions: SessionStore

    @classmethod
    def over(cls, db: Db) -> Store:
        return cls(
            db=db,
            people=PeopleStore(db),
            connections=ConnectionStore(db),
            sessions=SessionStore(db),
        )

    @classmethod
    def from_settings(cls) -> Store:
        return cls.over(Db.from_settings())
