"""One escaping rule for everything a report shows that came from data or file names.

Text reaches a reader through three channels, and each has its own way to be misread:
HTML (a table cell, a list item: ``<img onerror=...>`` would run), Markdown (a backtick
or ``<`` would open code or HTML) and chart text (matplotlib reads ``$...$`` as maths).
Data never goes into Markdown here: it is written as HTML with :func:`html_text`, tables
are escaped by :func:`escaped`, and chart labels pass through :func:`chart_text`.
"""

from __future__ import annotations

import html

from pandas.io.formats.style import Styler


def html_text(value: object) -> str:
    """``value`` as text that HTML shows literally.

    >>> html_text('<img src=x onerror="alert(1)"> & co')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; co'
    """
    return html.escape(str(value), quote=True)


def escaped(styler: Styler) -> Styler:
    """A table whose every cell and column header shows its text literally."""
    return styler.format(escape="html").format_index(escape="html", axis=1)


def chart_text(value: object) -> str:
    """``value`` as chart text that matplotlib shows literally (no maths between ``$``).

    >>> chart_text("KCN $A$")
    'KCN \\\\$A\\\\$'
    """
    return str(value).replace("$", r"\$")
