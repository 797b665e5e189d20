"""Alt text of charts, written from the data drawn.

Each chart function describes what a sighted reader takes from it (the title, the values
in order, the reference lines, what is hidden) with :func:`describe`. In a report kernel
the description travels with the chart's PNG as its ``alt`` metadata, and the HTML export
writes it into the ``<img alt>``; outside a kernel (tests, scripts) it stays on the
figure as ``figure.adoption_alt``.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from .formats import fmt_pct
from .text import label

# Values listed in an alt text before the rest are summarised as "and N more".
MAX_LISTED = 12


def listing(names, values, lang: str, intervals=None) -> str:
    """``name value%`` pairs joined by semicolons, each with its interval when
    ``intervals`` gives ``(low, high)`` pairs, the first :data:`MAX_LISTED` of them.

    >>> listing(["A", "B"], [0.5, 0.25], "en", intervals=[(0.4, 0.6), (None, None)])
    'A 50.0% (40.0%–60.0%); B 25.0%'
    """
    entries = [f"{name} {fmt_pct(value, lang)}" for name, value in zip(names, values)]
    if intervals is not None:
        entries = [entry if low is None or high is None or low != low or high != high
                   else f"{entry} ({fmt_pct(low, lang)}–{fmt_pct(high, lang)})"
                   for entry, (low, high) in zip(entries, intervals)]
    more = len(entries) - MAX_LISTED
    return "; ".join(entries[:MAX_LISTED]) + (f"; (+{more})" if more > 0 else "")


def describe(figure: Figure, text: str) -> None:
    """Give ``figure`` the alt text ``text``, shown to screen readers in the HTML."""
    figure.adoption_alt = " ".join(str(text).split())
    _install()


def _png_with_alt(figure: Figure):
    """The figure as the inline backend draws it, with its alt text. A figure laid out by
    matplotlib's constrained layout already fits its canvas: it is drawn once, without the
    extra drawing that ``bbox_inches="tight"`` does to measure it."""
    from IPython.core.pylabtools import print_figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    fitted = isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine)
    data = print_figure(figure, "png", bbox_inches=None if fitted else "tight", base64=True)
    text = getattr(figure, "adoption_alt", None)
    return (data, {"alt": text}) if text else data


def _install() -> None:
    """In an IPython kernel, draw figures to PNG through :func:`_png_with_alt` (the inline
    backend's drawing, plus the alt text); elsewhere nothing."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the report stack
        return
    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["image/png"]
    if formatter.type_printers.get(Figure) is not _png_with_alt:
        formatter.for_type(Figure, _png_with_alt)


def chart_alt(title: str, names, values, lang: str, *, reference: str | None = None, hidden: int = 0,
              intervals=None) -> str:
    """The alt text of a chart of one value a group: its title, each group's value (and
    interval), the reference line and how many groups are hidden.

    >>> chart_alt("Adoption by size", ["Micro", "Large"], [0.4, 0.9], "en", reference="All: 50.0%", hidden=1)
    'Adoption by size: Micro 40.0%; Large 90.0%. Reference line: All: 50.0%. 1 groups hidden for confidentiality.'
    """
    text = label("alt_values", lang, title=title, values=listing(names, values, lang, intervals))
    if reference:
        text += " " + label("alt_reference", lang, reference=reference)
    if hidden:
        text += " " + label("alt_hidden", lang, count=hidden)
    return text
