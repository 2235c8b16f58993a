"""The service's benchmark: ``python -m bench`` (``make bench``); ``--quick`` for a self-check.

What it measures, and why each figure is taken the way it is, is written up in
``docs/PERFORMANCE.md``. The package never changes the service: it drives the
app through Chalice's test client, moto in process, botocore's ``Stubber``,
fresh processes (cold start) and the ``make run`` stack (HTTP).
"""
