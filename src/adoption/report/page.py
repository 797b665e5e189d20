"""The parts of a report page a notebook cell shows: the synthetic-data banner, the title,
headings, notes, the disclosure footnote and where the numbers come from. All words come
from the text catalogue (:mod:`adoption.report.text`).
"""

from __future__ import annotations

from IPython.display import HTML, Markdown

from ..core.io import CleanData
from ..core.schema import Enterprises as E
from ..metrics import disclosure
from ..metrics.disclosure import DOMINANCE, MIN_COUNT, SYMBOL
from ..core.scope import NATIONAL, parse_scope
from ..metrics.maps import DEFAULT_MAP, check_map, scope_area, unit_name
from ..metrics.scope import coverage
from .escape import html_text
from .formats import fmt_dec, fmt_int, fmt_pct
from .tables import CITED
from .text import banner_key, has_label, label, on_map


def disclosure_footnote(lang: str, *, min_count: int = MIN_COUNT, dominance: float = DOMINANCE) -> str:
    """The sentence explaining :data:`~adoption.metrics.disclosure.SYMBOL` in ``lang``.

    >>> "fewer than 3 firms" in disclosure_footnote("en"), "trên 85%" in disclosure_footnote("vi")
    (True, True)
    """
    share = f"{dominance:.0%}"
    return label("disclosure_footnote", lang, symbol=SYMBOL, min_count=min_count, median_min=disclosure.MEDIAN_MIN_FIRMS,
                 share=share.replace(".", ",") if lang == "vi" else share)


# Key of the audit summary in the metadata of the disclosure note's output, which the
# build copies into the report's provenance (:mod:`adoption.report.execute`).
AUDIT_METADATA = "adoption_disclosure_audit"


class _Note:
    """Markdown output carrying metadata (IPython shows ``(data, metadata)`` reprs)."""

    def __init__(self, text: str, metadata: dict) -> None:
        self.text, self.metadata = text, metadata

    def _repr_markdown_(self):
        return self.text, self.metadata


def disclosure_note(lang: str) -> _Note:
    """The footnote explaining the disclosure symbol, in italics, and what the audit by
    linear programming of this report's protected tables found."""
    audit = disclosure.audit_summary()
    text = f"*{disclosure_footnote(lang)}*"
    if audit["primary_cells"]:
        margin = audit["smallest_margin"]
        # An infinite margin: no hidden cell is bounded at all (every figure of its table hidden).
        key = "disclosure_audit" if margin != float("inf") else "disclosure_audit_unbounded"
        text += "\n\n*" + label(key, lang, tables=fmt_int(audit["tables"], lang),
                                   cells=fmt_int(audit["cells_checked"], lang), margin=fmt_dec(margin, lang)) + "*"
    return _Note(text, {AUDIT_METADATA: audit})


def heading(key: str, lang: str, *, level: int = 2, classification: str | None = None,
            map_: str | None = None) -> Markdown:
    """A Markdown heading from the label ``key`` (in its wording for ``map_``, see
    :func:`adoption.report.text.on_map`), for a notebook cell's output; a sector table's
    heading names its ``classification`` (``"vsic2018"`` or ``"vsic2025"``)."""
    values = {"classification": label(f"classification_{classification}", lang)} if classification else {}
    return Markdown(f"{'#' * level} {label(on_map(key, map_), lang, **values)}")


def classification_note(classification: str, lang: str) -> Markdown:
    """Under a sector table: the classification it uses, how each code's version is
    decided, and the row of firms it cannot place, in italics."""
    return Markdown("*" + label("classification_note", lang, classification=label(f"classification_{classification}", lang)) + "*")


def title(lang: str, *, district: str | None = None, report: str = "report_title", scope: str = "scope_note",
          map_: str = DEFAULT_MAP, data: CleanData | None = None, province: str | None = None) -> HTML:
    """The report title (label ``report``), the area it covers (the province on the 2023
    map, the former province's area of Ho Chi Minh City on the 2025 map, or the one unit
    ``district`` of that map) and the map its places are shown on.

    Clean data made for another scope than Bình Dương (``data``'s quality.json, see
    :mod:`adoption.core.scope`) name that area instead: the province, or the whole country,
    whose firms are placed at province level (``<report>_area`` words the title where it
    names the area). ``province`` (a GSO code or name) is the one province a report of
    such data covers."""
    area = scope_area(data.quality) if data is not None else None
    if province is not None:
        area = parse_scope(province)
    if area is None:
        place = unit_name(district, map_) if district else label(on_map("province", map_), lang)
        heading, map_line = label(on_map(report, map_), lang), label(f"map_{check_map(map_)}", lang)
    else:
        name = label("scope_national", lang) if area.code == NATIONAL else area.name
        place = unit_name(district, map_) if district else name
        heading = label(f"{report}_area", lang, area=name) if has_label(f"{report}_area") else label(report, lang)
        map_line = label("map_scope", lang)
    return HTML(f"<h1>{html_text(heading)}</h1>\n"
                f"<p><strong>{html_text(place)}</strong>. {html_text(label(on_map(scope, map_), lang))}</p>\n"
                f'<p class="adoption-map">{html_text(map_line)}</p>')


def key_findings(sentences: list[str], lang: str) -> HTML:
    """The key findings, first on the page: a few sentences computed from the data by
    library functions (each report's own), as a list under their heading; where every one
    would reveal a firm (or the data give none), a sentence saying so, not an empty list.

    >>> "Key findings" in key_findings([], "en").data and "No finding" in key_findings([], "en").data
    True
    """
    items = "".join(f"<li>{html_text(sentence)}</li>" for sentence in sentences)
    body = f"<ul>{items}</ul>" if sentences else f"<p>{html_text(label('key_findings_none', lang))}</p>"
    return HTML(f'<section class="adoption-key-findings"><h2>{html_text(label("key_findings", lang))}</h2>'
                f"{body}</section>")


def how_to_read(key: str, lang: str, *, map_: str | None = None) -> HTML:
    """Two or three sentences on how to read the report (the label ``key``, in its wording for ``map_``)."""
    return HTML(f'<p class="adoption-how-to-read"><strong>{html_text(label("how_to_read", lang))}.</strong> '
                f"{html_text(label(on_map(key, map_), lang))}</p>")


def note(key: str, lang: str, *, map_: str | None = None) -> Markdown:
    """A short explanatory note (the label ``key``, in its wording for ``map_``) in italics."""
    return Markdown(f"*{label(on_map(key, map_), lang)}*")


def over_time_note(series, lang: str) -> Markdown:
    """What the lines of :func:`adoption.metrics.adoption.adoption_over_time` divide by,
    and what the register cannot tell about earlier months, in italics."""
    return Markdown("*" + label("over_time_note", lang, undated=fmt_int(series.attrs.get("undated", 0), lang),
                                today=fmt_int(series.attrs.get("firms_today"), lang)) + "*")


def banner(data: CleanData, lang: str) -> HTML:
    """A visible banner when the data are synthetic (saying, on data of another scope than
    Bình Dương, that only its part is calibrated); empty output otherwise."""
    if not data.synthetic:
        return HTML("")
    # Only Bình Dương's part of a synthetic register is calibrated to published figures.
    text = html_text(label(banner_key(data.quality), lang))
    return HTML(f'<div class="adoption-synthetic-banner" role="alert">{text}</div>')


def sources(data: CleanData, lang: str) -> HTML:
    """Where the numbers come from: input files (their rows in all: a file's own count
    would tell how many records a small place has where a register comes one file a
    province; ``quality.json`` keeps each), the published figures this report's tables
    showed (:data:`adoption.report.tables.CITED`), reference data. File names and sources
    are data: shown literally, never as markup."""
    read = data.quality.get("files", {})
    files = "".join(f"<li><code>{html_text(rel)}</code></li>" for rel in sorted(read))
    total = sum(int(info.get("rows_read", 0)) for info in read.values())
    published = "".join(f"<li>{html_text(source)}</li>" for source in CITED)
    shown = f"<p><strong>{html_text(label('published_sources', lang))}</strong></p><ul>{published}</ul>" if published else ""
    return HTML(
        f"<p><strong>{html_text(label('register_files', lang))}</strong>: {fmt_int(total, lang)} "
        f"{html_text(label('rows', lang))}</p><ul>{files}</ul>"
        f"{shown}<p>{html_text(label('reference_sources', lang))}</p>"
    )


# The label naming each clean column in the list of what a report could not show.
_GAP_LABELS = {E.in_industrial_park: "industrial_park"}


def coverage_note(firms, data: CleanData, columns: list[str], lang: str) -> Markdown | HTML:
    """What the report could not show: for each of ``columns`` that some firms lack (a
    register without the column, blank or unrecognised values), one line saying how many
    firms are known and what the figures that use it do. Empty output when every firm has
    every column.
    """
    table = coverage(firms, columns, data.quality)
    lines = []
    for row in table.itertuples(index=False):
        if row.known == row.firms:
            continue
        name = label(_GAP_LABELS.get(row.column, row.column), lang)
        unknown = row.firms - row.known
        if row.column == E.status:
            consequence = (label("gap_status_all", lang) if row.known == 0
                           else label("gap_status_some", lang, unknown=fmt_int(unknown, lang)))
        else:
            consequence = label("gap_not_shown" if row.known == 0 else "gap_known_only", lang)
        if row.known == 0:
            lines.append(label("gap_absent" if row.absent else "gap_blank", lang, column=name, consequence=consequence))
        else:
            lines.append(label("gap_partial", lang, column=name, consequence=consequence, known=fmt_int(row.known, lang),
                               firms=fmt_int(row.firms, lang), share=_share(row.share_known, lang)))
    if not lines:
        return HTML("")
    return Markdown(f"## {label('gaps', lang)}\n\n" + "\n".join(f"- {line}" for line in lines))


def _share(share: float, lang: str) -> str:
    """A share strictly between 0 and 1, never rounded to 0% or 100%.

    >>> _share(2999 / 3000, "en"), _share(0.5, "vi"), _share(0.0004, "en")
    ('> 99.9%', '50,0%', '< 0.1%')
    """
    if share > 0.999:
        return "> " + fmt_pct(0.999, lang)
    if share < 0.001:
        return "< " + fmt_pct(0.001, lang)
    return fmt_pct(share, lang)
