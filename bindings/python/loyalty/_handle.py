"""The base of every Python object that owns a C handle."""

from __future__ import annotations

from typing import Any, Optional, TypeVar

from .errors import StateError

_H = TypeVar("_H", bound="Handle")


class Handle:
    """Owns one SWIG handle (``self._h``).

    ``close()`` drops the reference: the C object is freed at once, or as
    soon as a computation running on another thread that still reads it
    returns. Garbage collection does the same for handles never closed, so
    objects may be dropped in any order. ``with`` closes on exit.
    """

    __slots__ = ("_h", "__weakref__")

    def __init__(self, handle: Any) -> None:
        self._h: Optional[Any] = handle

    def _handle(self) -> Any:
        h = self._h
        if h is None:
            raise StateError(f"this {type(self).__name__} is closed", StateError.CODE)
        return h

    def close(self) -> None:
        """Release the C object. Closing twice is harmless."""
        self._h = None

    @property
    def closed(self) -> bool:
        return self._h is None

    def __enter__(self: _H) -> _H:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class Expired:
    """Shared by a strategy input and its views: false once the call returned."""

    __slots__ = ("alive",)

    def __init__(self) -> None:
        self.alive = True

    def check(self, what: str) -> None:
        if not self.alive:
            raise StateError(
                f"this {what} belongs to a custom strategy call that has returned: copy what you need during the call",
                StateError.CODE,
            )
