"""Every LOYALTY_E* status has its exception class; no call returns a status."""

from __future__ import annotations

import pickle

import pytest

import loyalty
from loyalty import capi, errors
from conftest import buy, calculator, customer

CLASSES = [
    (loyalty.InvalidArgument, capi.LOYALTY_EINVAL, "LOYALTY_EINVAL", ValueError),
    (loyalty.OutOfMemory, capi.LOYALTY_ENOMEM, "LOYALTY_ENOMEM", MemoryError),
    (loyalty.NotFound, capi.LOYALTY_ENOTFOUND, "LOYALTY_ENOTFOUND", LookupError),
    (loyalty.DuplicateKey, capi.LOYALTY_EDUPLICATE, "LOYALTY_EDUPLICATE", loyalty.LoyaltyError),
    (loyalty.Conflict, capi.LOYALTY_ECONFLICT, "LOYALTY_ECONFLICT", loyalty.LoyaltyError),
    (loyalty.InsufficientPoints, capi.LOYALTY_EINSUFFICIENT, "LOYALTY_EINSUFFICIENT", loyalty.LoyaltyError),
    (loyalty.OutOfRange, capi.LOYALTY_ERANGE, "LOYALTY_ERANGE", OverflowError),
    (loyalty.Corrupt, capi.LOYALTY_ECORRUPT, "LOYALTY_ECORRUPT", loyalty.LoyaltyError),
    (loyalty.LoyaltyIOError, capi.LOYALTY_EIO, "LOYALTY_EIO", OSError),
    (loyalty.UserCallbackError, capi.LOYALTY_EUSER, "LOYALTY_EUSER", loyalty.LoyaltyError),
    (loyalty.CurrencyError, capi.LOYALTY_ECURRENCY, "LOYALTY_ECURRENCY", ValueError),
    (loyalty.StateError, capi.LOYALTY_ESTATE, "LOYALTY_ESTATE", RuntimeError),
    (loyalty.Canceled, capi.LOYALTY_ECANCELED, "LOYALTY_ECANCELED", loyalty.LoyaltyError),
]


@pytest.mark.parametrize("cls,code,status,builtin", CLASSES)
def test_every_status_has_a_class(cls, code, status, builtin):
    assert cls.CODE == code
    assert capi.loyalty_status_name(code) == status
    exc = errors._error_from_status(code, "the message")
    assert type(exc) is cls
    assert isinstance(exc, loyalty.LoyaltyError) and isinstance(exc, builtin)
    assert (exc.code, exc.status, exc.message, str(exc)) == (code, status, "the message", "the message")
    assert repr(exc) == f"{cls.__name__}('the message', code={code})"
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is cls and again.code == code and again.message == "the message"


def test_the_classes_cover_every_status_of_the_library():
    assert len(CLASSES) == -capi.LOYALTY_ECANCELED  # -1 .. -13, no gaps
    assert {cls.CODE for cls, *_ in CLASSES} == set(range(capi.LOYALTY_ECANCELED, 0))
    unknown = errors._error_from_status(-99, "odd")
    assert type(unknown) is loyalty.LoyaltyError and unknown.code == -99


def test_raised_by_the_library_with_its_message():
    c = calculator()
    a = customer(1)
    cases = [
        (loyalty.InvalidArgument, lambda: setattr(a, "email", "not-an-address"),
         "loyalty_customer_set_email"),
        (loyalty.NotFound, lambda: c.add("nope", "x", ""), "nope"),
        (loyalty.DuplicateKey, lambda: a.add_tag("vip") or a.add_tag("vip"), "vip"),
        (loyalty.OutOfRange, lambda: c.add("base_rate", "b", "points=1 per=0"), "'per'"),
        (loyalty.CurrencyError, lambda: loyalty.Purchase("k", a, 0, "usd"), "usd"),
        (loyalty.NotFound, lambda: a.remove_tag("never"), "never"),
        (loyalty.InvalidArgument, lambda: buy(a, 0, ("t", 0, 100)), "quantity"),
        (loyalty.CurrencyError, lambda: loyalty.minor_digits("XXX"), "XXX"),
        (loyalty.InvalidArgument, lambda: loyalty.time_from_civil(2027, 2, 29), "loyalty_time_from_civil"),
        (loyalty.InvalidArgument, lambda: loyalty.parse_fraction("1.5"), "1.5"),
        (loyalty.OutOfRange, lambda: loyalty.parse_fraction("9223372036854775808"), ""),
    ]
    for cls, call, needle in cases:
        with pytest.raises(cls) as info:
            call()
        assert needle in info.value.message, (cls, info.value.message)
        assert info.value.code == cls.CODE
        assert capi.loyalty_last_error_code() == cls.CODE


def test_state_error_for_closed_objects():
    c = calculator()
    a = customer(1)
    p = buy(a, 0)
    for obj, use in [(c, lambda: c.add("base_rate", "b", "points=1 per=1")), (a, lambda: a.name),
                     (p, lambda: p.total), (c, lambda: c.compute(a, p))]:
        obj.close()
        with pytest.raises(loyalty.StateError, match="closed"):
            use()
    assert repr(c) == "<Calculator (closed)>" and repr(a) == "<Customer (closed)>"


def test_python_type_errors_stay_python_errors():
    with pytest.raises(TypeError):
        loyalty.Customer(name=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        buy(customer(1), 0.5)  # type: ignore[arg-type]
    with pytest.raises(loyalty.InvalidArgument):
        loyalty.Customer(name="a\x00b")
