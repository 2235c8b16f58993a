"""Pure domain rules: no I/O, no boto3, no request objects; the clock is a parameter.

Value types here (and across ``chalicelib``) are frozen ``msgspec.Struct``
classes rather than frozen dataclasses: a dataclass compiles its generated
methods with ``exec`` when its module is imported, about 0.4 ms a class on
Python 3.11, which came to some 15 ms of every Lambda cold start. Structs are
built in C; ``msgspec.structs.replace`` stands in for ``dataclasses.replace``.
"""
