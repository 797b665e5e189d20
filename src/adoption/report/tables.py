"""Tables for a reader: metric tables with labelled columns, group names, numbers
formatted for the report's language, and the disclosure symbol in hidden cells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from IPython.display import Markdown
from pandas.io.formats.style import Styler

from ..core.schema import Enterprises as E
from ..metrics.disclosure import SYMBOL
from .escape import escaped, html_text
from .formats import COLUMN_FORMATS, fmt_dec, fmt_int, fmt_pct, fmt_signed, group_labels, value_label
from .text import has_label, label


def _frame(rows: pd.DataFrame, index_name: str) -> Styler:
    """Rows of formatted text as a table without the positional index, every cell escaped."""
    styled = escaped(rows.style.hide(axis="index"))
    return styled.set_table_styles([{"selector": "td:first-child", "props": [("text-align", "left")]}])


# The sources of the published figures the tables of this report have shown, in order of
# first use; :func:`adoption.report.page.sources` lists them at the end. A report kernel
# starts empty, so each report lists its own.
CITED: dict[str, None] = {}


def cite(styled: Styler, sources, lang: str, *, caption: bool = True) -> Styler:
    """Record the published ``sources`` a table uses and, with ``caption``, write them under
    it ("Source: ..."), escaped like every cell."""
    names = list(dict.fromkeys(str(s).strip() for s in sources if not pd.isna(s) and str(s).strip()))
    CITED.update(dict.fromkeys(names))
    if not caption or not names:
        return styled
    styled = styled.set_caption(html_text(label("source_line", lang, sources="; ".join(names))))
    return styled.set_table_styles([{"selector": "caption", "props": [("caption-side", "bottom"), ("text-align", "left"),
                                                                      ("font-size", "0.85em"), ("padding-top", "0.4em")]}],
                                   overwrite=False)


def text_table(columns: dict[str, list[str]]) -> Styler:
    """A table of text already formatted for the reader, one list a column, first column
    left-aligned, every cell escaped.

    >>> text_table({"Rank": ["1st"], "Source": ["dti.gov.vn"]}).data.columns.tolist()
    ['Rank', 'Source']
    """
    frame = pd.DataFrame(columns)
    return _frame(frame, frame.columns[0])


def formatted(values: pd.Series, fmt, lang: str, hidden=None) -> list[str]:
    """Formatted values: the disclosure symbol for hidden ones, a dash for other nulls.

    Without a ``hidden`` mask every null is taken as hidden (protected tables null them).
    """
    flags = [pd.isna(v) for v in values] if hidden is None else list(hidden)
    return [SYMBOL if flag else "–" if pd.isna(v) else fmt(v, lang) for v, flag in zip(values, flags)]


def adoption_table(table: pd.DataFrame, lang: str) -> Styler | Markdown:
    """An ``adoption_by`` table with labels and numbers formatted for ``lang``.

    Hidden cells (a protected table) show the disclosure symbol, explained by
    :func:`disclosure_note`. An empty table (no firm with a known value) gives a note
    saying so instead.
    """
    key = table.columns[0]
    dimension = "district" if key == E.district_code else key
    if table.empty and table.attrs.get("withheld"):  # even the list of groups would reveal firms
        return withheld(lang)
    if table.empty:  # no firm has a known value of the dimension (a register without the column)
        return not_available(dimension, lang)
    rows = pd.DataFrame({
        label(dimension, lang): group_labels(table, lang).to_numpy(),
        label("firms", lang): formatted(table["firms"], fmt_int, lang),
        label("adopters", lang): formatted(table["adopters"], fmt_int, lang),
        label("adoption_rate", lang): formatted(table["adoption_rate"], fmt_pct, lang),
        label("share_of_firms", lang): formatted(table["share_of_firms"], fmt_pct, lang),
    })
    return _frame(rows, label(dimension, lang))


def withheld(lang: str) -> Markdown:
    """The note shown instead of a protected table that no choice of hidden cells protects
    (:attr:`adoption.metrics.disclosure.Protected.withheld`)."""
    return Markdown(f"*{label('table_withheld', lang)}*")


def not_available(column: str, lang: str) -> Markdown:
    """The note shown instead of a breakdown that no firm's data allow."""
    name = label(column, lang) if has_label(column) else column
    return Markdown(f"*{label('not_available', lang, column=name.lower())}*")


def platform_table(table: pd.DataFrame, lang: str) -> Styler | Markdown:
    """An ``adoption_by_platform`` table with labels and numbers formatted for ``lang``."""
    if table.empty and table.attrs.get("withheld"):  # its list would tell that a firm adopts
        return withheld(lang)
    rows = pd.DataFrame({
        label("platform", lang): [value_label("platform", p, lang) for p in table["platform"]],
        label("firms", lang): formatted(table["firms"], fmt_int, lang),
        label("share_of_firms", lang): formatted(table["share_of_firms"], fmt_pct, lang),
    })
    return _frame(rows, label("platform", lang))


def headline_table(figures: pd.Series, lang: str) -> Styler:
    """Headline figures (from :func:`adoption.metrics.headline`) as a two-column table; the
    disclosure symbol for those a protected headline hides."""
    hidden = set(figures.attrs.get("hidden", []))
    values = [SYMBOL if key in hidden else fmt_pct(v, lang) if key == "adoption_rate" else fmt_int(v, lang)
              for key, v in figures.items()]
    rows = pd.DataFrame({label("figure", lang): [label(k, lang) for k in figures.index], label("value", lang): values})
    return _frame(rows, label("figure", lang))


def comparison_table(comparison: pd.DataFrame, lang: str) -> Styler | Markdown:
    """A ``compare_published`` table with labels and numbers formatted for ``lang``; a
    published figure of another unit says it is not comparable instead of a difference;
    of data without a firm of Bình Dương, whose figures they are, a note instead of the table."""
    if comparison.attrs.get("province_only") and comparison.attrs.get("province_firms") == 0:
        return Markdown(f"*{label('compare_none', lang)}*")
    hidden = comparison["hidden"] if "hidden" in comparison.columns else pd.Series(False, index=comparison.index)
    comparable = comparison["comparable"] if "comparable" in comparison.columns else pd.Series(True, index=comparison.index)
    rows = pd.DataFrame({
        label("figure", lang): [label(k, lang) for k in comparison["key"]],
        label("computed", lang): formatted(comparison["computed"], fmt_int, lang, hidden),
        label("published", lang): [fmt_int(v, lang) for v in comparison["published"]],
        label("difference", lang): [SYMBOL if flag else label("not_comparable", lang) if not same else "–" if pd.isna(d)
                                    else f"{fmt_signed(d, lang, fmt_int)} ({fmt_pct(r, lang)})" for d, r, flag, same in
                                    zip(comparison["difference"], comparison["relative_difference"], hidden, comparable)],
        label("source", lang): comparison["source"].to_numpy(),
    })
    styled = _frame(rows, label("figure", lang))
    styled = cite(styled, comparison["source"], lang, caption=False)
    if comparison.attrs.get("province_only"):  # firms of several provinces: Bình Dương's compared
        styled = styled.set_caption(html_text(label("compare_province_only", lang))).set_table_styles(
            [{"selector": "caption", "props": [("caption-side", "top"), ("text-align", "left")]}], overwrite=False)
    return styled.set_table_styles([{"selector": "td:last-child", "props": [("text-align", "left")]}], overwrite=False)


def budget_table(table: pd.DataFrame, lang: str) -> Styler:
    """A ``workforce.budget`` table: each year's budget, and each denominator with the year
    and the firms it counts, in the table itself.

    >>> from adoption.metrics.workforce import budget
    >>> firms = pd.DataFrame({"employees": pd.array([10, 20, 30], dtype="Int64"),
    ...     "registered_on": pd.to_datetime(["2020-05-01", "2022-12-31", "2023-03-01"])})
    >>> budget_table(budget(firms), "en").data.iloc[0, 3]
    '2 (registered by 31 Dec 2022, not recorded as closed in the 2023 register)'
    """
    def basis(row) -> str:
        if row.register_year is None or pd.isna(row.register_year):
            return label("basis_register_undated", lang)
        if row.enterprises_year != row.register_year:
            return label("basis_registered_by", lang, year=int(row.enterprises_year), register_year=int(row.register_year))
        return label("basis_register", lang, register_year=int(row.register_year))

    def workers_basis(row) -> str:
        if row.register_year is None or pd.isna(row.register_year):
            return label("basis_workers_undated", lang)
        return label("basis_workers", lang, register_year=int(row.workers_year))

    rows = pd.DataFrame({
        label("year", lang): table["year"].astype(int).astype(str).to_numpy(),
        label("budget_kind", lang): table[f"label_{lang}"].to_numpy(),
        label("budget_vnd", lang): [fmt_int(v, lang) for v in table["budget_vnd"]],
        label("enterprises_denominator", lang): [f"{fmt_int(row.enterprises, lang)} ({basis(row)})" for row in table.itertuples()],
        label("per_enterprise_vnd", lang): [fmt_int(v, lang) for v in table["per_enterprise_vnd"]],
        label("workers_denominator", lang): [f"{fmt_int(row.workers, lang)} ({workers_basis(row)})" for row in table.itertuples()],
        label("per_worker_vnd", lang): [fmt_int(v, lang) for v in table["per_worker_vnd"]],
        label("source", lang): table["source"].to_numpy(),
    })
    return cite(_frame(rows, label("year", lang)), table["source"], lang, caption=False)


def park_workers_table(table: pd.DataFrame, lang: str) -> Styler:
    """A ``workforce.park_workers`` table: each source's workers in industrial parks, what
    it counts and where it comes from.

    >>> frame = pd.DataFrame({"figure": ["records", "published"], "workers": [1_200_575.5, 1_200_000.0], "firms": None,
    ...     "quarters": [4, None], "first_period": ["2023-Q1", None], "last_period": ["2023-Q4", None],
    ...     "source": ["w.csv", "a newspaper"]})
    >>> park_workers_table(frame, "en").data.values.tolist()[0]
    ['Park workforce records: average of 4 quarters, 2023-Q1 to 2023-Q4', '1,200,576', 'w.csv']
    """
    def what(row) -> str:
        if row.figure == "records":
            return label("park_workers_records", lang, quarters=int(row.quarters), first=row.first_period, last=row.last_period)
        if row.figure == "register":
            return label("park_workers_register", lang, firms=fmt_int(row.firms, lang))
        return label("park_workers_published", lang)

    rows = pd.DataFrame({
        label("figure", lang): [what(row) for row in table.itertuples()],
        label("park_workers_count", lang): [fmt_int(v, lang) for v in table["workers"]],
        label("source", lang): table["source"].to_numpy(),
    })
    published = table.loc[table["figure"] == "published", "source"]  # the others are input files
    return cite(_frame(rows, label("figure", lang)), published, lang, caption=False)


def metric_table(table: pd.DataFrame, lang: str, *, columns: list[str] | None = None) -> Styler | Markdown:
    """Any metric table for a reader: labelled columns, group names, formatted numbers,
    ``x`` for hidden cells, and ``ci_low``/``ci_high`` shown as one interval column.

    >>> frame = pd.DataFrame({"period": ["2023-Q1"], "coverage": [0.25]})
    >>> metric_table(frame, "en").data.columns.tolist()
    ['Quarter', 'Coverage (hours delivered / required)']
    """
    if table.empty and table.attrs.get("empty_group"):  # no firm of the sector group at all
        return Markdown(f"*{label('group_empty', lang, group=label(table.attrs['empty_group'], lang))}*")
    if table.empty and table.attrs.get("too_few"):  # 1 or 2 firms: their rows would be their profile
        return Markdown(f"*{label('group_too_few', lang, group=label(table.attrs['too_few'], lang))}*")
    if table.empty and table.attrs.get("withheld"):  # even the list of groups would reveal firms
        return withheld(lang)
    if table.empty:  # no group with a known value (a register without the column)
        return not_available(table.columns[0] if len(table.columns) else "value", lang)
    columns = columns or [c for c in table.columns if c not in ("hidden", "n_eff", "se", "quarters", "source", "label_en")]
    rows_hidden = table["hidden"].to_numpy(dtype=bool) if "hidden" in table.columns else np.zeros(len(table), bool)
    cells_hidden = table.attrs.get("hidden_cells", {})  # a figure of a row hidden on its own
    out = {}
    for column in columns:
        values = table[column]
        kind = COLUMN_FORMATS.get(column)
        hidden = rows_hidden | np.asarray(cells_hidden.get(column, False), dtype=bool)
        if column == "ci_low":
            out[label("ci", lang)] = [SYMBOL if flag else "–" if pd.isna(a) else f"{fmt_pct(a, lang)} – {fmt_pct(b, lang)}"
                                      for a, b, flag in zip(table["ci_low"], table["ci_high"], hidden)]
        elif column == "ci_high":
            continue
        elif kind == "int":
            out[label(column, lang)] = formatted(values, fmt_int, lang, hidden)
        elif kind == "pct":
            out[label(column, lang)] = formatted(values, fmt_pct, lang, hidden)
        elif kind == "dec":
            out[label(column, lang)] = formatted(values, fmt_dec, lang, hidden)
        else:
            out[label(column, lang)] = [value_label(column, v, lang) for v in values]
    rows = pd.DataFrame(out)
    styled = _frame(rows, rows.columns[0])
    return cite(styled, table["source"], lang) if "source" in table.columns and "source" not in columns else styled
