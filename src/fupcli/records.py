"""`@record`: small immutable value classes, declared like frozen dataclasses, built on namedtuple.

The daily commands import the scheduler, the settings and the queries on every
run, and `dataclasses` costs them: importing it loads `inspect` (with `ast`,
`dis` and `tokenize`), and each class it makes compiles its methods from source
at import, about half a millisecond apiece, some twenty milliseconds in all at
start-up. A record is a `collections.namedtuple` subclass made from the class's
annotated fields and their defaults, keeping its methods, properties and
docstring:

    @record
    class Item:
        kind: str
        due: date
        weight: float = 0.0

        @property
        def tier(self) -> int: ...

Fields are read by name, compared and hashed by value, and never assigned;
`item._replace(due=day)` makes a changed copy and `item._asdict()` a dict. A
default is shared by every instance, so mutable defaults are not allowed (use
None, or an immutable value).
"""

from __future__ import annotations

from collections import namedtuple

_SKIP = frozenset({"__dict__", "__weakref__", "__annotations__", "__module__", "__qualname__"})


def record(cls: type) -> type:
    """The namedtuple-based class for `cls` (see the module docstring)."""
    names = list(cls.__dict__.get("__annotations__", {}))
    defaults = [cls.__dict__[name] for name in names if name in cls.__dict__]
    if any(isinstance(value, (list, dict, set)) for value in defaults):
        raise TypeError(f"{cls.__name__}: a record's defaults are shared; use None or an immutable value")
    base = namedtuple(cls.__name__, names, defaults=defaults, module=cls.__module__)  # type: ignore[misc]
    body = {key: value for key, value in cls.__dict__.items() if key not in _SKIP and key not in names}
    body["__slots__"] = ()
    body["__module__"] = cls.__module__
    made = type(cls.__name__, (base,), body)
    made.__qualname__ = cls.__qualname__
    return made
