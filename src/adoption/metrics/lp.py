"""The linear programme of the disclosure audit (:mod:`adoption.metrics.audit`), kept
by HiGHS between solves."""

from __future__ import annotations

import numpy as np


def solver(count: int, starts: list, columns: list, coefficients: list, rhs: list, least: np.ndarray):
    """``solve(k, sign)``: the least value of ``sign`` times variable ``k`` over ``count``
    variables no lower than ``least`` that meet the equations (a sparse row each: where it
    ``starts`` in ``columns`` and ``coefficients``, equal to its ``rhs``); -inf where it
    has no least value (a cell with no upper bound).

    HiGHS (highspy) keeps the programme and its basis between solves, so each solve after
    the first starts from the last one's optimum: a few pivots, where a programme built
    and checked anew for every bound (scipy's ``linprog``) cost ten times as much. The
    bindings' own class is used: highspy's ``Highs`` turns on its callbacks as it is made,
    which writes HiGHS's banner to the process's output (a line in a report) before any
    option can silence it.
    """
    import highspy  # imported here: a report kernel pays for it only when a cell is hidden

    model = highspy._Highs()
    model.setOptionValue("output_flag", False)
    model.addVars(count, np.asarray(least, dtype=np.float64), np.full(count, highspy.kHighsInf))
    if rhs:
        bounds = np.asarray(rhs, dtype=np.float64)
        model.addRows(len(rhs), bounds, bounds, len(columns), np.asarray(starts, dtype=np.int32),
                      np.asarray(columns, dtype=np.int32), np.asarray(coefficients, dtype=np.float64))
    every = np.arange(count, dtype=np.int32)
    status = highspy.HighsModelStatus

    def solve(k: int, sign: float) -> float:
        costs = np.zeros(count)
        costs[k] = sign
        model.changeColsCost(count, every, costs)
        for _ in range(2):
            model.run()
            found = model.getModelStatus()
            if found == status.kOptimal:
                return float(model.getInfo().objective_function_value)
            if sign < 0 and found in (status.kUnbounded, status.kUnboundedOrInfeasible):
                return -np.inf  # the table is feasible (its own values meet it): unbounded
            model.clearSolver()  # a basis left by an unbounded solve: solved again from scratch
        raise RuntimeError(f"the disclosure audit's linear programme ended as {found.name}, not optimal")

    return solve
