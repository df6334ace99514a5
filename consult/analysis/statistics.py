"""Tests that say whether two groups differ: per term (vectorised) and per idea.

Pure computation. Both correct for the many comparisons made at once with
Benjamini–Hochberg (SciPy's ``false_discovery_control``) at :data:`FALSE_DISCOVERY`.
"""

import numpy as np
from scipy.special import chdtrc
from scipy.stats import chi2, false_discovery_control, fisher_exact, hypergeom

FALSE_DISCOVERY = 0.05  # Benjamini–Hochberg rate
CHI2 = "χ²"
FISHER = "exact de Fisher"
# Fisher's test reads the probabilities of a half of the support in one call up to this
# many counts; beyond, SciPy's own reads them one by one (fewer computations then).
_FISHER_SPAN = 64


def usage(presence, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per feature (column of ``presence``): texts using it, weighted and distinct."""
    weighted = np.asarray(presence.T @ weights.astype(np.float64)).ravel()
    distinct = np.bincount(presence.indices, minlength=presence.shape[1])
    return weighted, distinct


def contrast(count_a, count_b, size_a, size_b, eligible) -> np.ndarray:
    """Chi² (Yates) of each eligible feature's 2×2 table (used or not × group A or B).

    Features that are not significant at a false discovery rate of
    :data:`FALSE_DISCOVERY` (Benjamini–Hochberg over the eligible features) score 0.
    """
    tested = np.flatnonzero(eligible)
    a, b = count_a[tested], count_b[tested]
    used, total = a + b, size_a + size_b
    table = np.stack([a, b, size_a - a, size_b - b])
    expected = (
        np.stack([used * size_a, used * size_b, (total - used) * size_a, (total - used) * size_b])
        / total
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.maximum(np.abs(table - expected) - 0.5, 0)
        statistic = np.nan_to_num((gap**2 / expected).sum(axis=0))
    score = np.zeros(len(count_a))
    if len(tested):
        significant = significant_after_correction(chi2.sf(statistic, 1))
        score[tested[significant]] = statistic[significant]
    return score


def corrected(p_values) -> np.ndarray:
    """``p_values`` adjusted by Benjamini–Hochberg (significant: at most
    :data:`FALSE_DISCOVERY`)."""
    p_values = np.asarray(p_values, np.float64)
    if not len(p_values):
        return p_values
    return false_discovery_control(p_values, method="bh")


def significant_after_correction(p_values) -> np.ndarray:
    """Which of ``p_values`` stay significant after Benjamini–Hochberg (boolean mask)."""
    return corrected(p_values) <= FALSE_DISCOVERY


def table_test(table: list[list[int]]) -> tuple[str, float]:
    """The test of a 2 × 2 table and its p-value: chi² (Yates), Fisher's exact test when
    an expected count is under 5.

    The chi² is SciPy's ``chi2_contingency(table, correction=True)`` computed step by
    step, the same operations in the same order (same p-value to the last bit, see the
    tests), without its checks and wrappers: a synthesis makes hundreds of these tests.
    """
    counts = np.asarray(table, np.float64)
    expected = counts.sum(axis=1, keepdims=True) * counts.sum(axis=0) / counts.sum()
    if (expected < 5).any():
        return FISHER, fisher_p_value(table)
    # Yates: each count moves towards its expected count by half a unit at most.
    gap = expected - counts
    corrected_counts = counts + np.minimum(0.5, np.abs(gap)) * np.sign(gap)
    statistic = ((corrected_counts - expected) ** 2 / expected).sum()
    # chi2.sf(statistic, 1) without its argument handling: SciPy's chi2._sf is chdtrc
    # and sf gives 1 at the support's edge (statistic 0) — same value, a tenth the cost
    return CHI2, 1.0 if statistic <= 0 else float(chdtrc(1, statistic))


def name_of_tests(tests: set[str]) -> str:
    """The tests used, named as a reader would: « test du χ² », « test exact de Fisher »."""
    if tests == {CHI2}:
        return "test du χ²"
    if CHI2 not in tests:
        return "test exact de Fisher"
    return "test du χ² (exact de Fisher pour les petits effectifs)"


def fisher_p_value(table: list[list[int]]) -> float:
    """``fisher_exact(table).pvalue`` (two-sided) for a 2 × 2 table, the same value to the
    last bit: the same steps on the same ``hypergeom`` functions, but the probabilities
    its search reads are computed in one call instead of one call each (each call of a
    ``scipy.stats`` distribution costs much more than the computation itself)."""
    (a, b), (c, d) = table
    if 0 in (a + b, c + d, a + c, b + d):
        return 1.0
    total, first_row, first_column = a + b + c + d, a + b, a + c
    mode = int((first_column + 1) * (first_row + 1) / (total + 2))
    # the search runs on the side of the mode away from a: from the mode to the far end
    low, high = (mode, first_column) if a < mode else (0, mode)
    if high - low > _FISHER_SPAN:
        return float(fisher_exact(table).pvalue)
    law = (total, first_row, first_column)
    read = _hypergeom("pmf", np.array([a, *range(low, high + 1)]), *law)
    exact, side = read[0], read[1:]
    peak = side[mode - low]
    if np.abs(exact - peak) / np.maximum(exact, peak) <= 1e-14:
        return 1.0
    bound = exact * (1 + 1e-14)
    if a < mode:
        tail = _hypergeom("cdf", a, *law)
        if side[-1] > bound:
            return float(tail)
        guess = _search(-side, -bound, low, high)
        p_value = tail + _hypergeom("sf", guess, *law)
    else:
        tail = _hypergeom("sf", a - 1, *law)
        if side[0] > bound:
            return float(tail)
        guess = _search(side, bound, low, high)
        p_value = tail + _hypergeom("cdf", guess, *law)
    return float(min(p_value, 1.0))


def _hypergeom(function: str, k, total: int, good: int, drawn: int):
    """``hypergeom.pmf``, ``.cdf`` or ``.sf`` (``function``) at integer ``k`` for valid
    counts, the same values: the law's own routine (``_pmf``…) inside its support, clipped
    to [0, 1], and at the edges the values SciPy gives (pmf 0 outside; cdf 0 below, 1 from
    the top; sf 1 below, 0 from the top), without the checks and broadcasting around each
    call, which cost ten times the computation."""
    k = np.asarray(k)
    lowest, highest = max(drawn - (total - good), 0), min(good, drawn)
    inside = (k >= lowest) & ((k <= highest) if function == "pmf" else (k < highest))
    result = np.zeros(k.shape)
    if function == "cdf":
        result[k >= highest] = 1.0
    elif function == "sf":
        result[k < lowest] = 1.0
    if inside.any():
        computed = getattr(hypergeom, f"_{function}")(k[inside], total, good, drawn)
        result[inside] = np.clip(computed, 0, 1)
    return result[()]


def _search(values: np.ndarray, target, low: int, high: int) -> int:
    """SciPy's ``_binary_search`` (used by ``fisher_exact``) over ``values[x - low]``,
    ascending from ``low`` to ``high``: the x where ``values`` reaches ``target``."""
    start = low
    while low < high:
        middle = low + (high - low) // 2
        value = values[middle - start]
        if value < target:
            low = middle + 1
        elif value > target:
            high = middle - 1
        else:
            return middle
    return low if values[low - start] <= target else low - 1
