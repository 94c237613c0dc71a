# The SWIG-generated module (bindings/loyalty.i): internal, untyped. Use the
# typed classes of the loyalty package instead.
from typing import Any

def __getattr__(name: str) -> Any: ...
