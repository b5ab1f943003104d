"""Kubernetes resource quantities, compared by value and shown as written.

>>> Quantity("1Gi") == Quantity("1024Mi"), Quantity("1") == Quantity("1000m"), Quantity("1") == Quantity("1k")
(True, True, False)
>>> str(Quantity("500m"))
'500m'
"""
from __future__ import annotations

import re
from fractions import Fraction

_FORM = re.compile(r"^([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$")
_SCALE = {None: Fraction(1), "n": Fraction(1, 10**9), "u": Fraction(1, 10**6), "m": Fraction(1, 1000),
          "k": Fraction(10**3), "M": Fraction(10**6), "G": Fraction(10**9), "T": Fraction(10**12),
          "P": Fraction(10**15), "E": Fraction(10**18),
          **{suffix: Fraction(1024 ** (i + 1)) for i, suffix in enumerate(("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"))}}


def amount(text: str) -> Fraction | None:
    """The value of a quantity, or None when `text` is not one.

    >>> amount("2Gi"), amount("1e3"), amount("ten")
    (Fraction(2147483648, 1), Fraction(1000, 1), None)
    """
    found = _FORM.match(text.strip())
    if not found:
        return None
    number, exponent, suffix = found.groups()
    value = Fraction(number)
    return value * Fraction(10) ** int(exponent[1:]) if exponent else value * _SCALE[suffix]


class Quantity(str):
    """A quantity as written; equal to another with the same value."""

    def __new__(cls, text: object) -> Quantity:
        made = super().__new__(cls, str(text))
        made.value = amount(made)
        return made

    value: Fraction | None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Quantity) and self.value is not None and other.value is not None:
            return self.value == other.value
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.value) if self.value is not None else str.__hash__(self)
