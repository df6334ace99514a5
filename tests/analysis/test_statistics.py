import numpy as np

from consult.analysis import statistics


def _hand_benjamini_hochberg(p_values, rate=0.05):
    order = np.argsort(p_values, kind="stable")
    limits = rate * np.arange(1, len(order) + 1) / len(order)
    passed = np.flatnonzero(np.asarray(p_values)[order] <= limits)
    mask = np.zeros(len(p_values), bool)
    if len(passed):
        mask[order[: passed[-1] + 1]] = True
    return mask


def test_benjamini_hochberg_keeps_what_the_step_up_rule_keeps():
    rng = np.random.default_rng(0)
    for _ in range(50):
        p = np.concatenate([rng.uniform(0, 0.01, 5), rng.uniform(0, 1, 30)])
        assert (statistics.significant_after_correction(p) == _hand_benjamini_hochberg(p)).all()
    assert statistics.significant_after_correction([]).tolist() == []


def test_contrast_scores_only_the_terms_that_differ():
    count_a = np.array([80.0, 10.0, 0.0])
    count_b = np.array([10.0, 10.0, 1.0])
    score = statistics.contrast(count_a, count_b, 100, 100, np.array([True, True, False]))
    assert score[0] > 0
    assert score[1] == 0
    assert score[2] == 0


def test_small_tables_get_fishers_exact_test():
    assert statistics.table_test([[2, 8], [1, 9]])[0] == statistics.FISHER
    assert statistics.table_test([[60, 40], [30, 70]])[0] == statistics.CHI2
    assert statistics.name_of_tests({statistics.CHI2, statistics.FISHER}).startswith("test du χ²")


def test_table_test_gives_scipys_chi2_contingency_p_value_exactly():
    from scipy.stats import chi2_contingency

    rng = np.random.default_rng(1)
    compared = 0
    for _ in range(800):
        a, b = rng.integers(0, 400, 2).tolist()
        size_a, size_b = a + int(rng.integers(0, 3000)), b + int(rng.integers(0, 3000))
        table = [[a, size_a - a], [b, size_b - b]]
        test, p = statistics.table_test(table)
        if test != statistics.CHI2:
            continue
        compared += 1
        assert p == float(chi2_contingency(np.asarray(table, np.float64)).pvalue), table
    assert compared > 400


def test_fisher_p_value_is_scipys_fisher_exact_to_the_last_bit():
    from scipy.stats import fisher_exact

    rng = np.random.default_rng(2)
    tables = [[[0, 5], [0, 7]], [[3, 0], [4, 0]], [[1, 1], [1, 1]], [[9, 1154], [1, 682]]]
    for _ in range(1500):
        small = rng.integers(0, 12, 2).tolist()
        large = rng.integers(0, [30, 3000, 30, 3000][rng.integers(0, 4)], 2).tolist()
        tables.append([[small[0], large[0]], [small[1], large[1]]])
        tables.append(rng.integers(0, 90, (2, 2)).tolist())  # spans past _FISHER_SPAN too
    for size in range(1, 60):  # symmetric laws: the two tails tie up to rounding
        tables += [[[a, size - a], [size - a, a]] for a in range(size + 1)]
        tables += [[[a, size - a], [size + 1 - a, a]] for a in range(size + 1)]
    for table in tables:
        assert statistics.fisher_p_value(table) == float(fisher_exact(table).pvalue), table
