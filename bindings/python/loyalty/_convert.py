"""Conversions between Python values and the C library's: time, money,
fractions, ids, strategy parameters. Pure Python, no extension needed."""

from __future__ import annotations

import datetime as _dt
import uuid as _uuid
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, List, Mapping, Optional, Tuple, Union

from .errors import InvalidArgument, OutOfRange

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

#: A time: an aware ``datetime`` (a naive one is taken as UTC) or int
#: milliseconds since 1970-01-01T00:00:00Z.
TimeLike = Union[_dt.datetime, int]
#: An amount of money: int minor units (cents) or an exact ``Decimal`` in the
#: currency's major unit (``Decimal("4.55")`` is 455 cents in USD).
MoneyLike = Union[int, Decimal]
#: An exact number of points or a rate: int, ``Fraction`` or an exact ``Decimal``.
FractionLike = Union[int, Fraction, Decimal]
#: A customer id: ``uuid.UUID``, its text form or its 16 bytes.
IdLike = Union[_uuid.UUID, str, bytes]
#: Strategy parameters: ``"points=1 per=100"``, a mapping (a list value
#: repeats or comma-joins), or ``(key, value)`` pairs.
ParamsLike = Union[str, Mapping[str, Any], Iterable[Tuple[str, Any]], None]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_MS = _dt.timedelta(milliseconds=1)


def check_int(value: Any, what: str) -> int:
    """An int that fits int64 (bool is refused), else TypeError / OutOfRange."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not INT64_MIN <= value <= INT64_MAX:
        raise OutOfRange(f"{what} {value} does not fit int64")
    return int(value)


def check_text(value: Any, what: str, optional: bool = False) -> Optional[str]:
    """A str without NUL characters (None allowed when optional)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if "\x00" in value:
        raise InvalidArgument(f"{what} must not contain NUL characters")
    return value


def to_ms(value: TimeLike, what: str = "time") -> int:
    """Milliseconds since the epoch from an int or a ``datetime``.

    A naive ``datetime`` is taken as UTC; microseconds below the millisecond
    are dropped (toward the past).
    """
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return check_int((value - _EPOCH) // _MS, what)
    if isinstance(value, _dt.date):
        raise TypeError(f"{what} must be a datetime or int milliseconds, not a date")
    return check_int(value, what)


def from_ms(ms: int) -> _dt.datetime:
    """The aware UTC ``datetime`` of milliseconds since the epoch."""
    try:
        return _EPOCH + ms * _MS
    except OverflowError:
        raise OutOfRange(f"time {ms} ms is outside the years datetime supports") from None


def to_minor(amount: MoneyLike, digits: int, what: str = "amount") -> int:
    """Minor units from int minor units or an exact ``Decimal`` with @p digits
    minor digits. A Decimal with more places than the currency has is
    InvalidArgument: nothing is rounded."""
    if isinstance(amount, Decimal):
        if not amount.is_finite():
            raise InvalidArgument(f"{what} {amount} is not a finite number")
        sign, digit_tuple, exponent = amount.as_tuple()
        coefficient = int("".join(map(str, digit_tuple)) or "0")
        shift = int(exponent) + digits
        if shift >= 0:
            minor = coefficient * 10**shift
        else:
            minor, rest = divmod(coefficient, 10**-shift)
            if rest:
                raise InvalidArgument(
                    f"{what} {amount} has more than {digits} decimal places: it is not a whole number of minor units"
                )
        return check_int(-minor if sign else minor, what)
    if isinstance(amount, float):
        raise TypeError(f"{what} must be int minor units or a Decimal, not float (inexact)")
    return check_int(amount, what)


def to_decimal(minor: int, digits: int) -> Decimal:
    """The ``Decimal`` amount in the major unit of @p minor minor units."""
    return Decimal(minor).scaleb(-digits)


def to_fraction(value: FractionLike, what: str = "value") -> Fraction:
    """An exact Fraction from an int, Fraction or exact Decimal (no float)."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an int, Fraction or Decimal, not bool")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidArgument(f"{what} {value} is not a finite number")
        return Fraction(value)
    if isinstance(value, float):
        raise TypeError(f"{what} must be an int, Fraction or Decimal, not float (inexact)")
    raise TypeError(f"{what} must be an int, Fraction or Decimal, not {type(value).__name__}")


def to_pair(value: FractionLike, what: str = "value") -> Tuple[int, int]:
    """(num, den) of an exact value, both fitting int64."""
    f = to_fraction(value, what)
    if not (INT64_MIN <= f.numerator <= INT64_MAX and f.denominator <= INT64_MAX):
        raise OutOfRange(f"{what} {f} does not fit an int64 fraction")
    return f.numerator, f.denominator


def from_pair(pair: Tuple[int, int]) -> Fraction:
    num, den = pair
    return Fraction(num, den)


def to_uuid(value: Any, what: str = "id") -> _uuid.UUID:
    if isinstance(value, _uuid.UUID):
        return value
    if isinstance(value, str):
        try:
            return _uuid.UUID(value)
        except ValueError:
            raise InvalidArgument(f"{what} {value!r} is not a UUID") from None
    if isinstance(value, (bytes, bytearray)):
        if len(value) != 16:
            raise InvalidArgument(f"{what} must be 16 bytes, got {len(value)}")
        return _uuid.UUID(bytes=bytes(value))
    raise TypeError(f"{what} must be a uuid.UUID, str or bytes, not {type(value).__name__}")


def _param_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        raise TypeError(f"parameter {key!r}: bool is not a parameter value")
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (Fraction, Decimal)):
        f = to_fraction(value, f"parameter {key!r}")
        return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"
    if isinstance(value, _dt.datetime):
        return str(to_ms(value, f"parameter {key!r}"))
    if isinstance(value, float):
        raise TypeError(f"parameter {key!r}: float is inexact, write a Fraction or a 'a/b' string")
    raise TypeError(f"parameter {key!r}: unsupported value type {type(value).__name__}")


def param_pairs(params: ParamsLike, extra: Mapping[str, Any]) -> Optional[List[Tuple[str, str]]]:
    """The (key, text) pairs of @p params and keyword arguments, or None when
    @p params is a str (parsed by the C library as it is) and no extra."""
    pairs: List[Tuple[str, str]] = []
    if isinstance(params, str):
        if not extra:
            return None
        for item in params.split():
            key, sep, value = item.partition("=")
            pairs.append((key, value if sep else ""))
    elif isinstance(params, Mapping):
        items: Iterable[Tuple[str, Any]] = params.items()
        pairs.extend(_expand(items))
    elif params is not None:
        pairs.extend(_expand(params))
    pairs.extend(_expand(extra.items()))
    return pairs


def _expand(items: Iterable[Tuple[str, Any]]) -> Iterable[Tuple[str, str]]:
    for key, value in items:
        key = check_text(key, "parameter key")  # type: ignore[assignment]
        if isinstance(value, (list, tuple, set, frozenset)):
            values = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
            if not values:
                raise InvalidArgument(f"parameter {key!r}: an empty list")
            yield key, ",".join(_param_value(key, v) for v in values)
        else:
            yield key, _param_value(key, value)
