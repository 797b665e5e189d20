"""The audit's attacker (``adoption.metrics.audit.intervals``, HiGHS through highspy, one
programme re-solved cell after cell) against programmes written here and solved one by
one with scipy's ``linprog``, on random tables of one to three axes; and a hand-worked
table."""

import subprocess
import sys

import numpy as np
import pytest
from scipy.optimize import linprog

from adoption.metrics.audit import intervals


def _table(rng, shape, kind="counts"):
    """A table of random values whose last index on every axis holds the sum along that
    axis: small counts (zeros among them), large counts, or design-based estimates (sums
    of weights, fractional)."""
    size = [n - 1 for n in shape]
    if kind == "counts":
        return _with_totals(rng.choice([0, 1, 2, 3, 5, 8, 20, 150], size=size))
    if kind == "large":
        return _with_totals(rng.integers(0, 10_000_000, size=size))
    return _with_totals(np.round(rng.gamma(0.8, 900.0, size=size), 2))


def _with_totals(inner):
    """``inner`` with a total appended on every axis (the sum along it)."""
    inner = np.asarray(inner, dtype=float)
    shape = tuple(n + 1 for n in inner.shape)
    values = np.zeros(shape)
    values[tuple(slice(0, n - 1) for n in shape)] = inner
    for axis in range(len(shape)):
        parts = [slice(None)] * len(shape)
        parts[axis] = slice(0, -1)
        total = [slice(None)] * len(shape)
        total[axis] = -1
        values[tuple(total)] = values[tuple(parts)].sum(axis=axis)
    return values


def _bounds_one_by_one(values, hidden):
    """Each hidden cell's least and greatest value: for every cell, a programme of its own
    (a variable per cell of the table, the shown ones fixed; every line along every axis
    sums to its total) solved twice."""
    shape, size = values.shape, values.size
    equations = []
    for axis, n in enumerate(shape):
        if n < 2:
            continue
        for rest in np.ndindex(*(shape[:axis] + shape[axis + 1:])):
            row = np.zeros(shape)
            at = [*rest[:axis], slice(0, n - 1), *rest[axis:]]
            row[tuple(at)] = 1
            at[axis] = n - 1
            row[tuple(at)] = -1
            equations.append(row.ravel())
    fixed = [(v, v) for v in values.ravel()]
    bounds = [(0, None) if h else f for h, f in zip(hidden.ravel(), fixed)]
    low, high = np.full(shape, np.nan), np.full(shape, np.nan)
    for flat in np.flatnonzero(hidden.ravel()):
        goal = np.zeros(size)
        goal[flat] = 1
        least = linprog(goal, A_eq=equations or None, b_eq=[0] * len(equations) or None, bounds=bounds, method="highs")
        most = linprog(-goal, A_eq=equations or None, b_eq=[0] * len(equations) or None, bounds=bounds, method="highs")
        cell = np.unravel_index(flat, shape)
        low[cell] = least.fun
        high[cell] = -most.fun if most.status == 0 else np.inf  # status 3: unbounded
    return low, high


@pytest.mark.parametrize("axes, kind, tables", [(1, "counts", 40), (2, "counts", 40), (3, "counts", 40),
                                                (2, "large", 15), (3, "large", 10), (2, "estimates", 15),
                                                (3, "estimates", 10)])
def test_intervals_are_those_of_a_programme_per_cell(axes, kind, tables):
    rng = np.random.default_rng(20261206 + axes + len(kind))
    unbounded, tolerance = 0, 1e-7 if kind == "counts" else 1e-9  # relative, beyond counts' absolute 1e-7
    for _ in range(tables):
        shape = tuple(int(n) for n in rng.integers(2, 6, size=axes))
        values = _table(rng, shape, kind)
        hidden = rng.random(shape) < rng.choice([0.2, 0.5, 0.9])
        low, high = intervals(values, hidden)
        expected_low, expected_high = _bounds_one_by_one(values, hidden)
        assert np.array_equal(np.isnan(low), ~hidden) and np.array_equal(np.isnan(high), ~hidden)
        np.testing.assert_allclose(low[hidden], expected_low[hidden], atol=1e-7, rtol=tolerance)
        assert np.array_equal(np.isinf(high), np.isinf(expected_high))
        np.testing.assert_allclose(high[hidden], expected_high[hidden], atol=1e-7, rtol=tolerance)
        unbounded += int(np.isinf(high).sum())
    assert unbounded > 0  # some tables hide a whole line and its total: cells with no upper bound


def test_a_hidden_block_by_hand():
    # 1 2 | 3      x00 = a, x01 = 3 - a, x10 = 5 - a, x11 = 4 + a, every cell >= 0:
    # 4 5 | 9      a runs from 0 to 3.
    # 5 7 | 12
    values = np.array([[1.0, 2, 3], [4, 5, 9], [5, 7, 12]])
    hidden = np.zeros((3, 3), dtype=bool)
    hidden[:2, :2] = True
    low, high = intervals(values, hidden, only={(0, 0), (1, 1)})
    assert low[0, 0] == 0 and high[0, 0] == 3 and low[1, 1] == 4 and high[1, 1] == 7
    assert np.isnan(low[0, 1]) and np.isnan(high[1, 0])  # not asked for


def test_the_audit_writes_nothing_to_the_process_output():
    # A report's kernel passes what its process writes (C libraries too) into the notebook.
    code = ("import numpy as np\nfrom adoption.metrics.audit import intervals\n"
            "v = np.array([[1., 2, 3], [4, 5, 9], [5, 7, 12]])\nh = np.zeros((3, 3), dtype=bool)\nh[:2, :2] = True\n"
            "intervals(v, h)\nintervals(v, h)\n"
            "assert np.isinf(intervals(v, np.ones((3, 3), dtype=bool))[1]).all()\n")  # unbounded solves too
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""


def test_a_table_whose_solve_after_an_unbounded_one_ends_unknown():
    # HiGHS 1.16 ends one solve of this table as "unknown", from the basis an unbounded
    # solve left: the audit solves it again, and the bounds are those of fresh programmes.
    values = _with_totals([[[5, 2, 150, 20, 5]], [[2, 1, 3, 8, 2]], [[3, 8, 150, 1, 20]]])
    hidden = np.array([[[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]], [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 1]],
                       [[1, 0, 1, 1, 1, 1], [0, 0, 1, 1, 1, 1]], [[1, 1, 1, 1, 1, 1], [0, 1, 1, 1, 1, 1]]], dtype=bool)
    assert values[3, 1].tolist() == [10, 11, 303, 29, 27, 380]
    low, high = intervals(values, hidden)
    expected_low, expected_high = _bounds_one_by_one(values, hidden)
    np.testing.assert_allclose(low[hidden], expected_low[hidden], atol=1e-7, rtol=0)
    np.testing.assert_allclose(high[hidden], expected_high[hidden], atol=1e-7, rtol=0)


class _Unsure:
    """highspy's model, but ending the solves numbered in ``unknown`` (from 1) as "unknown"
    (as HiGHS may from the basis an unbounded solve left); counts the solver's resets."""

    def __init__(self, model, unknown):
        self.model, self.unknown, self.cleared, self.runs = model, unknown, 0, 0

    def __getattr__(self, name):
        return getattr(self.model, name)

    def run(self):
        self.runs += 1
        return self.model.run()

    def getModelStatus(self):
        import highspy

        return highspy.HighsModelStatus.kUnknown if self.runs in self.unknown else self.model.getModelStatus()

    def clearSolver(self):
        self.cleared += 1
        return self.model.clearSolver()


@pytest.mark.parametrize("unknown", [{1}, {2}])  # the least value's solve, the greatest's
def test_a_solve_ended_unknown_is_solved_again_from_scratch(monkeypatch, unknown):
    import highspy

    made = []
    real = highspy._Highs
    monkeypatch.setattr(highspy, "_Highs", lambda: made.append(_Unsure(real(), unknown)) or made[-1])
    values = np.array([[1.0, 2, 3], [4, 5, 9], [5, 7, 12]])
    hidden = np.zeros((3, 3), dtype=bool)
    hidden[:2, :2] = True
    low, high = intervals(values, hidden, only={(1, 1)})
    assert (low[1, 1], high[1, 1]) == (4, 7)  # bounded: "unknown" is neither 0 nor unbounded
    assert made[0].cleared == 1


def test_a_solve_that_stays_unknown_is_an_error_not_a_bound(monkeypatch):
    import highspy

    real = highspy._Highs
    monkeypatch.setattr(highspy, "_Highs", lambda: _Unsure(real(), {1, 2}))
    hidden = np.zeros((3, 3), dtype=bool)
    hidden[:2, :2] = True
    with pytest.raises(RuntimeError, match="kUnknown"):
        intervals(np.array([[1.0, 2, 3], [4, 5, 9], [5, 7, 12]]), hidden)


def test_a_shown_cell_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError, match="finite value in every shown cell"):
        intervals(np.array([np.nan, 2.0, 3.0]), np.array([False, True, True]))


class _Undecided(_Unsure):
    """highspy's model, but ending an unbounded solve, or the solves numbered in
    ``unknown``, as "unbounded or infeasible" (as HiGHS's presolve may)."""

    def getModelStatus(self):
        import highspy

        found = self.model.getModelStatus()
        if self.runs in self.unknown or found == highspy.HighsModelStatus.kUnbounded:
            return highspy.HighsModelStatus.kUnboundedOrInfeasible
        return found


def test_unbounded_or_infeasible_is_no_upper_bound_but_never_a_lower_one(monkeypatch):
    # The table's own values meet its programme: "unbounded or infeasible" for a greatest
    # value is unbounded. For a least value (never unbounded: every cell is at least 0) it
    # is no answer: solved again, then an error.
    import highspy

    real = highspy._Highs
    values = np.array([[1.0, 2, 3], [4, 5, 9], [5, 7, 12]])
    monkeypatch.setattr(highspy, "_Highs", lambda: _Undecided(real(), set()))
    low, high = intervals(values, np.ones((3, 3), dtype=bool))
    assert np.isinf(high).all() and (low == 0).all()
    made = []
    monkeypatch.setattr(highspy, "_Highs", lambda: made.append(_Undecided(real(), {1})) or made[-1])
    hidden = np.zeros((3, 3), dtype=bool)
    hidden[:2, :2] = True
    low, high = intervals(values, hidden, only={(1, 1)})
    assert (low[1, 1], high[1, 1], made[0].cleared) == (4, 7, 1)
    monkeypatch.setattr(highspy, "_Highs", lambda: _Undecided(real(), {1, 2}))
    with pytest.raises(RuntimeError, match="kUnboundedOrInfeasible"):
        intervals(values, hidden)
