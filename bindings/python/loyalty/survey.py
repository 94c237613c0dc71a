"""Survey scores: CES and CSAT from counts of answers, exact.

>>> loyalty.survey.csat([1, 2, 3, 4, 10])      # answers with scores 1..5
Fraction(7, 10)
>>> loyalty.survey.ces({9: 2, 10: 1, 5: 3}, scale=10)
Fraction(1, 2)
>>> loyalty.percent(Fraction(7, 10))
'70.00'

The top two answers are positive; no answers gives None. See
docs/ANALYTICS.md and :mod:`loyalty.analytics`.
"""

from .analytics import ces, csat, percent

__all__ = ["ces", "csat", "percent"]
