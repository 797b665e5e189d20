"""Design-based estimates from a stratified sample: the share of a domain (a size class,
a section, the whole population) with its linearised variance, its coefficient of
variation and a quality letter.

The survey draws firms from strata with known sizes. A share of a domain is the ratio
``p = sum(w y d) / sum(w d)`` (``w`` the design weight, ``y`` the answer, ``d`` 1 for
respondents of the domain). Its variance is the Taylor (linearised) variance of a ratio
under stratified simple random sampling without replacement::

    z_i = d_i (y_i - p) / sum(w d)
    var = sum over strata h of (1 - n_h / N_h) n_h / (n_h - 1) sum_i in h (w_i z_i - mean_h(w z))^2

Every respondent enters the variance, those outside the domain with ``z = 0``: a domain
is estimated as a domain, not as a sample of its own. ``N_h`` is the sum of the stratum's
weights (the weights are ``N_h / n_h``); a take-all stratum (``n_h = N_h``) adds no
variance, so a domain observed only in take-all strata is a census, with no interval.
A sampled stratum with a single respondent (``n_h = 1 < N_h``, common when strata are
the 36 units of the 2025 map by size class) has a variance that cannot be estimated: for
the variance only, it is collapsed with the others of its size class
(:func:`variance_strata`), which errs on the side of a larger variance, never a smaller one.
The interval is ``p +/- 1.96 sqrt(var)``, except where the normal approximation breaks
down (fewer than :data:`MIN_EXPECTED` effective yes or no answers, or a share of 0 or 1
in sampled strata): there it is the Wilson interval on the design's effective sample
size, and the ``method`` column says so. The tests check these figures against samplics.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

Z95 = 1.959963984540054
# Statistics Canada's quality indicators for estimates, by coefficient of variation:
# A under 5%, B under 10%, C under 15%, D under 25%, E under 35% (use with caution),
# F 35% or more (too unreliable to be published).
QUALITY_LETTERS = (("A", 0.05), ("B", 0.10), ("C", 0.15), ("D", 0.25), ("E", 0.35))
TOO_UNRELIABLE = "F"
# Below this many effective "yes" (or "no") answers the normal interval is not trusted.
MIN_EXPECTED = 5
# How an estimate's interval was made (the ``method`` column).
CENSUS, TAYLOR, WILSON = "census", "taylor", "wilson"


def quality_letter(cv: float) -> str:
    """The quality letter of an estimate with coefficient of variation ``cv``; empty for
    none (a census has no sampling error; a share of 0 has no CV).

    >>> [quality_letter(c) for c in (0.0499, 0.05, 0.12, 0.3, 0.35, float("nan"))]
    ['A', 'B', 'C', 'E', 'F', '']
    """
    if cv is None or math.isnan(cv):
        return ""
    return next((letter for letter, limit in QUALITY_LETTERS if cv < limit), TOO_UNRELIABLE)


def wilson(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a share ``p`` observed on ``n`` (possibly effective) units.

    >>> [round(x, 4) for x in wilson(0.5, 100)]
    [0.4038, 0.5962]
    """
    if n <= 0 or math.isnan(p):
        return float("nan"), float("nan")
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def stratum_fpc(strata, weights) -> np.ndarray:
    """Each respondent's finite-population correction ``1 - n_h / N_h``, with ``N_h`` the
    sum of its stratum's weights: 0 in a take-all stratum.

    >>> stratum_fpc(["a", "a", "b"], [10.0, 10.0, 1.0]).tolist()
    [0.9, 0.9, 0.0]
    """
    frame = pd.DataFrame({"stratum": np.asarray(strata), "w": np.asarray(weights, dtype=float)})
    grouped = frame.groupby("stratum", sort=False)["w"]
    n, population = grouped.transform("size").to_numpy(float), grouped.transform("sum").to_numpy(float)
    return np.clip(1 - n / np.maximum(np.round(population), n), 0.0, 1.0)


def variance_strata(strata, weights) -> np.ndarray:
    """The strata the variance is computed over: the design's, except that each sampled
    stratum of a single respondent (``n_h = 1 < N_h``, ``N_h`` the sum of its weights) is
    collapsed with the others of its size class (a label's text after its last ``|``):
    those of one respondent together; a lone one with the smallest stratum of its size
    class that has a sampling error (of any class when its own has none). A take-all
    stratum of one firm adds no variance and stays as it is; so does a lone stratum with
    nothing to join (the estimate then has no sampling error from it).

    >>> variance_strata(["721|micro", "722|micro", "723|micro", "723|micro", "724|large"], [5, 4, 3, 3, 1]).tolist()
    ['micro (collapsed)', 'micro (collapsed)', '723|micro', '723|micro', '724|large']
    >>> variance_strata(["721|micro", "723|micro", "723|micro"], [5, 3, 3]).tolist()
    ['723|micro', '723|micro', '723|micro']
    """
    labels = np.asarray(strata).astype(str).astype(object)
    frame = pd.DataFrame({"stratum": labels, "w": np.asarray(weights, dtype=float)})
    grouped = frame.groupby("stratum", sort=False)["w"]
    n = grouped.transform("size").to_numpy(float)
    population = np.maximum(np.round(grouped.transform("sum").to_numpy(float)), n)
    lone = (n == 1) & (population > 1)
    if not lone.any():
        return labels
    out = labels.copy()
    size = np.array([label.rsplit("|", 1)[-1] for label in labels], dtype=object)
    sampled = (n >= 2) & (population > n)
    for cls in sorted(set(size[lone])):
        rows = np.flatnonzero(lone & (size == cls))
        if len(rows) >= 2:
            out[rows] = f"{cls} (collapsed)"
            continue
        hosts = sampled & (size == cls) if (sampled & (size == cls)).any() else sampled
        if hosts.any():  # the smallest such stratum, the first by label among equals
            out[rows] = min(zip(n[hosts], labels[hosts]))[1]
    return out


def domain_share(y, in_domain, weights, strata) -> dict:
    """Share of ``y`` among the respondents ``in_domain``, estimated from the whole sample
    (``weights``, ``strata``): ``share``, ``se``, ``cv``, ``quality``, ``ci_low``,
    ``ci_high``, ``method`` (:data:`CENSUS`, :data:`TAYLOR` or :data:`WILSON`),
    ``respondents`` and ``n_eff`` (the design's effective sample size).

    >>> out = domain_share([1, 0, 1, 1], [True, True, True, True], [1.0, 1.0, 1.0, 1.0], ["L"] * 4)
    >>> out["share"], out["se"], out["method"], out["quality"], out["ci_low"]
    (0.75, 0.0, 'census', '', nan)
    """
    y = np.asarray(y, dtype=float)
    d = np.asarray(in_domain, dtype=bool)
    w = np.asarray(weights, dtype=float)
    strata = np.asarray(strata)
    respondents = int(d.sum())
    total = float((w * d).sum())
    if respondents == 0 or total <= 0:
        nan = float("nan")
        return {"share": nan, "se": nan, "cv": nan, "quality": "", "ci_low": nan, "ci_high": nan,
                "method": "", "respondents": respondents, "n_eff": 0.0}
    p = float((w * y * d).sum() / total)
    z = np.where(d, (y - p) / total, 0.0)
    var = _stratified_variance(w * z, variance_strata(strata, w), stratum_fpc(strata, w))
    se = math.sqrt(var)
    sampled = bool((stratum_fpc(strata, w)[d] > 0).any())
    if not sampled:  # every respondent of the domain in a take-all stratum: a census
        nan = float("nan")  # no sampling error: no interval, no CV
        return {"share": p, "se": 0.0, "cv": nan, "quality": "", "ci_low": nan, "ci_high": nan,
                "method": CENSUS, "respondents": respondents, "n_eff": float(respondents)}
    kish = float(total**2 / (w[d] ** 2).sum())
    n_eff = p * (1 - p) / var if var > 0 else kish
    cv = se / p if p > 0 else float("nan")
    if var <= 0 or min(p, 1 - p) * n_eff < MIN_EXPECTED:
        low, high = wilson(p, n_eff)
        method = WILSON
    else:
        low, high = max(0.0, p - Z95 * se), min(1.0, p + Z95 * se)
        method = TAYLOR
    return {"share": p, "se": se, "cv": cv, "quality": quality_letter(cv), "ci_low": low, "ci_high": high,
            "method": method, "respondents": respondents, "n_eff": n_eff}


def _stratified_variance(u: np.ndarray, strata: np.ndarray, fpc: np.ndarray) -> float:
    """``sum_h (1 - f_h) n_h / (n_h - 1) sum_i (u_i - mean_h u)^2``, ``f_h`` each respondent's
    own; a stratum of one respondent adds nothing (see :func:`variance_strata`)."""
    frame = pd.DataFrame({"stratum": strata, "u": u, "fpc": fpc})
    grouped = frame.groupby("stratum", sort=False)
    n = grouped["u"].transform("size").to_numpy(float)
    centred = (frame["u"] - grouped["u"].transform("mean")).to_numpy()
    factor = np.where(n > 1, frame["fpc"].to_numpy() * n / np.maximum(n - 1, 1), 0.0)
    return float((factor * centred**2).sum())
