"""The local DynamoDB emulator's engine: moto 5.2.5 with flat transactions and indexed queries.

``python -m devstack.dynamodb`` serves it (see that module for the CLI, the
snapshot format and the control endpoints). The pieces:

- :mod:`devstack.emulator.index`: which items carry which value of each GSI
  partition attribute, kept on every write path;
- :mod:`devstack.emulator.tables`: moto's ``Table`` reading one partition per
  query instead of the whole table;
- :mod:`devstack.emulator.backend`: moto's backend whose transactions copy only
  the items they touch, and that remembers ``ClientRequestToken``;
- :mod:`devstack.emulator.tokens`: the idempotency-token ledger;
- :mod:`devstack.emulator.engine`: the backends of one emulator and the
  in-process way to call them with DynamoDB's wire format;
- :mod:`devstack.emulator.wire`: the item operations' answers written with
  ``json.dumps`` instead of moto's model-walking serializer;
- :mod:`devstack.emulator.app`: the WSGI application (DynamoDB, fault
  injection, stats);
- :mod:`devstack.emulator.snapshot`: persistence (the snapshot format);
- :mod:`devstack.emulator.compat`: what of moto's internals this relies on.
"""
