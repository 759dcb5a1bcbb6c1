"""Inline SVG charts for the analysis report, drawn in Python (no JavaScript, no fonts shipped).

Text stays text inside the SVG, so the browser renders Chinese with the page's
font stack; every string from a document goes through :func:`html.escape`.
Two charts:

* :func:`load_bars` — one stacked horizontal bar per agency: the parts of its
  load that come from leads, participations and deliverables owed as lead, with
  the overload fence drawn as a dashed line;
* :func:`deadline_heat` — a heat strip of agencies × years: how many
  deliverables each agency owes as lead in each year, deadline peaks outlined.

>>> from fengong.analysis import AgencyStats
>>> a = AgencyStats("x", "统计局", "Statistics Bureau", "bureau", False, leads=1, participations=3,
...                 deliverables_as_lead=1, load=5.5, deadlines={2020: 1})
>>> svg = load_bars([a], {"leads": 2, "participations": 1, "deliverables_as_lead": 0.5})
>>> svg.startswith("<svg") and "统计局" in svg
True
"""

from __future__ import annotations

import unicodedata
from html import escape

__all__ = ["load_bars", "deadline_heat", "text_width", "heat_colour", "FONT_STACK", "PALETTE"]

#: Font stack of every SVG text (and of the report page).
FONT_STACK = '"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",sans-serif'
#: Colours of the load parts and flags (colour-blind safe Okabe–Ito hues).
PALETTE = {"leads": "#0072B2", "participations": "#56B4E9", "deliverables_as_lead": "#E69F00",
           "fence": "#D55E00", "flag": "#B00020", "grid": "#DDDDDD", "text": "#222222", "empty": "#F3F3F3"}
#: Chart labels, (zh, en).
LABELS = {
    "leads": ("牵头", "leads"),
    "participations": ("参加", "participations"),
    "deliverables_as_lead": ("牵头应交成果", "deliverables as lead"),
    "fence": ("超负荷界线", "overload fence"),
    "load": ("负荷", "load"),
    "overloaded": ("超负荷", "overloaded"),
    "peak": ("截止高峰", "deadline peak"),
    "year": ("年", "year"),
    "title_bars": ("各单位负荷", "Load per agency"),
    "title_heat": ("牵头应交成果的年度分布", "Deliverables due as lead, by year"),
}
_ROW = 22
_FONT = 12


def _label(key: str, lang: str) -> str:
    zh, en = LABELS[key]
    return f"{zh} {en}" if lang == "zh" else f"{en} {zh}"


def text_width(text: str, size: float = _FONT) -> float:
    """Approximate rendered width of *text* in pixels (wide CJK glyphs count double).

    >>> text_width("统计局", 12), text_width("abc", 10)
    (36.0, 18.0)
    """
    return float(sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6 for c in text))


def _fit(text: str, width: float, size: float = _FONT) -> str:
    if text_width(text, size) <= width:
        return text
    out = ""
    for c in text:
        if text_width(out + c + "…", size) > width:
            break
        out += c
    return out + "…"


def heat_colour(value: int, top: int) -> str:
    """Fill of a heat-strip cell: light grey for 0, then white→dark orange by value/top.

    >>> heat_colour(0, 5), heat_colour(5, 5)
    ('#F3F3F3', '#7f2704')
    """
    if value <= 0 or top <= 0:
        return PALETTE["empty"]
    lo, hi = (0xFE, 0xE6, 0xCE), (0x7F, 0x27, 0x04)
    f = min(value / top, 1.0)
    return "#" + "".join(f"{round(a + (b - a) * f):02x}" for a, b in zip(lo, hi))


def _name(agency, lang: str) -> str:
    return agency.name_zh if lang == "zh" or not agency.name_en else agency.name_en


def _svg_open(width: float, height: float, title: str) -> list[str]:
    return [
        # inline SVG in HTML5 needs no xmlns, and the page then names no URL at all
        f'<svg role="img" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{escape(FONT_STACK)}" font-size="{_FONT}" fill="{PALETTE["text"]}">',
        f"<title>{escape(title)}</title>",
    ]


def load_bars(agencies, weights: dict, lang: str = "zh", fence: float | None = None, width: int = 760) -> str:
    """Stacked bars of load per agency (in the order given), as one ``<svg>`` element.

    *weights* are the load weights of ``analysis.yaml``; *fence* the overload
    threshold (a dashed line). Overloaded agencies are named in red, bold.
    """
    agencies = list(agencies)
    label_w = 170 if lang == "zh" else 260
    plot_x, right = label_w + 10, 60
    plot_w = width - plot_x - right
    parts = ("leads", "participations", "deliverables_as_lead")
    legend = [(f"{_label(key, lang)} ×{weights[key]:g}", key) for key in parts]
    if fence is not None:
        legend.append((f"{_label('fence', lang)} {fence:g}", "fence"))
    marks, x, y = [], plot_x, 8
    for text, key in legend:  # legend entries wrap onto a new line at the right edge
        w = 16 + text_width(text) + 18
        if x > plot_x and x + w > width:
            x, y = plot_x, y + 18
        if key == "fence":
            marks.append(f'<line x1="{x}" y1="{y + 6}" x2="{x + 12}" y2="{y + 6}" stroke="{PALETTE["fence"]}" stroke-width="2" stroke-dasharray="4 3"/>')
        else:
            marks.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{PALETTE[key]}"/>')
        marks.append(f'<text x="{x + 16}" y="{y + 10}">{escape(text)}</text>')
        x += w
    top_y = y + 32
    height = top_y + _ROW * max(len(agencies), 1) + 40
    axis_y = height - 34
    vmax = max([a.load for a in agencies] + [fence or 0, 1])
    scale = plot_w / vmax
    out = _svg_open(width, height, _label("title_bars", lang)) + marks
    for i, a in enumerate(agencies):
        y = top_y + i * _ROW
        name = _name(a, lang)
        style = f' font-weight="bold" fill="{PALETTE["flag"]}"' if a.overloaded else ""
        out.append(f'<text x="{label_w}" y="{y + 15}" text-anchor="end"{style}><title>{escape(a.name_zh)} {escape(a.name_en)}</title>'
                   f"{escape(_fit(name, label_w))}</text>")
        x = plot_x
        values = {"leads": a.leads, "participations": a.participations, "deliverables_as_lead": a.deliverables_as_lead}
        for key in parts:
            w = weights[key] * values[key] * scale
            if w <= 0:
                continue
            tip = f"{a.name_zh} · {_label(key, lang)}: {values[key]} ×{weights[key]:g} = {weights[key] * values[key]:g}"
            out.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{_ROW - 8}" fill="{PALETTE[key]}"><title>{escape(tip)}</title></rect>')
            x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + 15}">{a.load:g}</text>')
    if fence is not None and fence <= vmax:
        fx = plot_x + fence * scale
        out.append(f'<line x1="{fx:.1f}" y1="{top_y - 4}" x2="{fx:.1f}" y2="{axis_y}" stroke="{PALETTE["fence"]}" '
                   f'stroke-width="1.5" stroke-dasharray="4 3"/>')
    out.append(f'<line x1="{plot_x}" y1="{axis_y}" x2="{plot_x + plot_w}" y2="{axis_y}" stroke="{PALETTE["grid"]}"/>')
    for tick in _ticks(vmax):
        tx = plot_x + tick * scale
        out.append(f'<line x1="{tx:.1f}" y1="{axis_y}" x2="{tx:.1f}" y2="{axis_y + 4}" stroke="#888"/>')
        out.append(f'<text x="{tx:.1f}" y="{axis_y + 16}" text-anchor="middle" font-size="10">{tick:g}</text>')
    out.append(f'<text x="{plot_x + plot_w}" y="{axis_y + 28}" text-anchor="end" font-size="10">{escape(_label("load", lang))}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _ticks(vmax: float) -> list[float]:
    step = 1.0
    for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        step = float(s)
        if vmax / s <= 8:
            break
    return [i * step for i in range(int(vmax // step) + 1)]


def deadline_heat(agencies, min_peak: int, lang: str = "zh", max_years: int = 40) -> str:
    """Heat strip of deliverables due as lead: one row per agency that owes any, one column per year.

    Years run without gaps from the first to the last (at most *max_years*
    columns; beyond that only the years that occur). Cells with at least
    *min_peak* deliverables (a deadline peak) are outlined.
    """
    rows = [a for a in agencies if a.deadlines]
    years = sorted({y for a in rows for y in a.deadlines})
    if years and years[-1] - years[0] < max_years:
        years = list(range(years[0], years[-1] + 1))
    label_w = 170 if lang == "zh" else 260
    cell_w, top_y = 44, 52
    width = label_w + 10 + cell_w * max(len(years), 1) + 20
    height = top_y + _ROW * max(len(rows), 1) + 40
    vmax = max([n for a in rows for n in a.deadlines.values()] + [1])
    out = _svg_open(width, height, _label("title_heat", lang))
    x0 = label_w + 10
    for j, year in enumerate(years):
        out.append(f'<text x="{x0 + j * cell_w + cell_w / 2:.0f}" y="{top_y - 8}" text-anchor="middle">{year}</text>')
    for i, a in enumerate(rows):
        y = top_y + i * _ROW
        style = f' font-weight="bold" fill="{PALETTE["flag"]}"' if a.overloaded else ""
        out.append(f'<text x="{label_w}" y="{y + 15}" text-anchor="end"{style}><title>{escape(a.name_zh)} {escape(a.name_en)}</title>'
                   f"{escape(_fit(_name(a, lang), label_w))}</text>")
        for j, year in enumerate(years):
            n = a.deadlines.get(year, 0)
            fill = heat_colour(n, vmax)
            peak = n >= min_peak
            stroke = f' stroke="{PALETTE["text"]}" stroke-width="2.5"' if peak else ' stroke="#FFFFFF"'
            tip = f"{a.name_zh} · {year}: {n}"
            out.append(f'<rect x="{x0 + j * cell_w}" y="{y}" width="{cell_w}" height="{_ROW}" fill="{fill}"{stroke}>'
                       f"<title>{escape(tip)}</title></rect>")
            if n:
                colour = "#FFFFFF" if n / vmax > 0.5 else PALETTE["text"]
                bold = ' font-weight="bold"' if peak else ""
                out.append(f'<text x="{x0 + j * cell_w + cell_w / 2:.0f}" y="{y + 15}" text-anchor="middle" fill="{colour}"{bold}>{n}</text>')
    ly = height - 22
    out.append(f'<rect x="{x0}" y="{ly}" width="16" height="12" fill="{heat_colour(vmax, vmax)}" stroke="{PALETTE["text"]}" stroke-width="2.5"/>')
    out.append(f'<text x="{x0 + 22}" y="{ly + 11}">{escape(_label("peak", lang))} ≥ {min_peak}</text>')
    out.append("</svg>")
    return "\n".join(out)
