"""A view as one self-contained, offline HTML page (vis-network inlined, no CDN, no ``lib/``).

pyvis 0.3.2's page template loads Bootstrap from a CDN, writes a ``lib/`` folder
into the working directory, prints the heading twice and fills its lists in
quadratic time, and importing it costs over a second. So this module writes
pyvis's options model out itself (:func:`vis_options`), builds the node and edge
lists directly (linear), and renders its own template (``assets/page.html``) with
vis-network's JavaScript and CSS inlined from ``assets/`` (vendored from the
pyvis wheel, MIT licence in ``assets/vis-network.LICENSE``).

Text from documents enters the page only as JSON inside
``<script type="application/json">`` with ``<``, ``>``, ``&``, U+2028 and U+2029
escaped (:func:`script_json`), and the page's script puts it into the DOM with
``textContent``; the few strings written into HTML go through ``html.escape``.

>>> script_json({"text": "</script><b>"})
'{"text": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
"""

from __future__ import annotations

import dataclasses
import functools
import html
import json
import math
import random
import shlex
from importlib import resources
from pathlib import Path
from string import Template

from .. import __version__
from ..atomic import write_text
from .labels import chrome, chrome_table, term_label
from .style import (
    BOTTLENECK_SHAPE,
    DEFAULT_KIND_COLOUR,
    DIM_COLOUR,
    EDGE_STYLE,
    FOCUS_BORDER,
    FONT_FACE,
    KIND_COLOUR,
    NODE_STYLE,
    OVERLOADED_BORDER,
    PHYSICS_MAX_NODES,
)
from .views import ACTOR_TYPES, View

__all__ = ["render_html", "write_view", "vis_options", "vis_nodes", "vis_edges", "positions", "script_json", "asset"]

#: Escapes that keep JSON inert inside a <script> element and valid JavaScript.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(obj) -> str:
    """*obj* as JSON that cannot end the ``<script>`` element it is placed in.

    >>> script_json({"a": "</script>&\\u2028"})
    '{"a": "\\\\u003c/script\\\\u003e\\\\u0026\\\\u2028"}'
    """
    text = json.dumps(obj, ensure_ascii=False)
    # One replace per character: ~10x faster than str.translate on the megabytes of a large view.
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return text


@functools.lru_cache(maxsize=None)
def asset(name: str) -> str:
    """Text of a file in ``fengong/viz/assets`` (source-map comments dropped: nothing to fetch)."""
    text = (resources.files("fengong.viz") / "assets" / name).read_text(encoding="utf-8")
    # split on "\n" only: splitlines() would also break the U+2028 and \x1c inside the minified strings
    text = "\n".join(line for line in text.split("\n") if not line.startswith("//# sourceMappingURL"))
    closing = {".js": "</script", ".css": "</style"}.get(Path(name).suffix)
    if closing and closing in text.lower():  # would end the element it is inlined in
        raise ValueError(f"asset {name} contains {closing}")
    return text


def _darken(colour: str, factor: float = 0.72) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * factor) for c in (r, g, b)))


def _fill(colour: str, border: str | None = None) -> dict:
    border = border or _darken(colour)
    return {
        "background": colour, "border": border,
        "highlight": {"background": colour, "border": "#111111"},
        "hover": {"background": colour, "border": "#111111"},
    }


def positions(view: View, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Force-directed positions (vis units) for large views, so the browser does no physics.

    igraph's Fruchterman-Reingold (C, 300 iterations) lays out 835 agencies in 0.6 s CPU, where
    networkx's (Python, kept as the fallback without igraph) took 6 s. The same *seed*, the same positions.
    """
    ids = [n.id for n in view.nodes]
    n = max(len(ids), 1)
    index = {node: i for i, node in enumerate(ids)}
    links = [(index[e.source], index[e.target]) for e in view.edges if e.source in index and e.target in index]
    try:
        import igraph
    except ImportError:
        return _nx_positions(view, seed)
    rng = random.Random(seed)
    start = [[rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)] for _ in ids]
    g = igraph.Graph(n=len(ids), edges=links)
    # igraph draws from the global RNG it is given (ties, coinciding nodes): a seeded one keeps pages stable.
    igraph.set_random_number_generator(random.Random(seed))
    try:
        # Unweighted: weighted by shared tasks, the agencies of one plan (dozens of tasks per tie)
        # collapse onto one spot; line widths still show how strong each tie is.
        coords = g.layout_fruchterman_reingold(niter=300, seed=start).coords
    finally:
        igraph.set_random_number_generator(random)
    # Centred and scaled like networkx's spring_layout(scale=…): a wide scale keeps clusters of
    # many small agencies from piling up at the first zoom level.
    cx = sum(x for x, _ in coords) / n
    cy = sum(y for _, y in coords) / n
    extent = max((max(abs(x - cx), abs(y - cy)) for x, y in coords), default=0.0) or 1.0
    scale = 45.0 * math.sqrt(n) / extent
    return {node: (float((x - cx) * scale), float((y - cy) * scale)) for node, (x, y) in zip(ids, coords)}


def _nx_positions(view: View, seed: int) -> dict[str, tuple[float, float]]:
    """networkx's spring layout: the fallback of :func:`positions` when python-igraph is missing."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(n.id for n in view.nodes)
    for e in view.edges:
        g.add_edge(e.source, e.target, weight=e.weight)
    n = max(len(view.nodes), 1)
    # networkx's sparse Fruchterman-Reingold costs O(n) Python steps per iteration: fewer on big graphs.
    iterations = 50 if n <= 500 else max(15, 25000 // n)
    pos = nx.spring_layout(g, seed=seed, weight="weight", scale=45.0 * math.sqrt(n), k=2.0 / math.sqrt(n), iterations=iterations)
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def _fg(fg_facts, lang: str) -> list[list]:
    return [[chrome(key, lang), value] for key, value in fg_facts]


def vis_nodes(view: View, pos: dict[str, tuple[float, float]] | None = None) -> list[dict]:
    """vis-network node objects; each carries its facts and facets under ``fg``."""
    out = []
    for n in view.nodes:
        style = NODE_STYLE.get(n.type, NODE_STYLE["Task"])
        node = {"id": n.id, "label": n.label, "shape": style["shape"], "size": style["size"]}
        if view.legend == "kinds":
            node["color"] = _fill(KIND_COLOUR.get(n.kind or "", DEFAULT_KIND_COLOUR))
            node["borderWidth"] = 1.5
            if "bottleneck" in n.flags:
                node["shape"] = BOTTLENECK_SHAPE
            if "overloaded" in n.flags:
                node["color"] = _fill(KIND_COLOUR.get(n.kind or "", DEFAULT_KIND_COLOUR), OVERLOADED_BORDER["color"])
                node["borderWidth"] = OVERLOADED_BORDER["width"]
        else:
            node["color"] = _fill(style["color"])
        if "focus" in n.flags:
            node["color"] = _fill(style["color"], FOCUS_BORDER["color"])
            node["borderWidth"] = FOCUS_BORDER["width"]
            node["size"] = style["size"] * 2
        if n.value is not None and n.type in ACTOR_TYPES:
            node["value"] = n.value
        if n.type == "Deliverable":
            node["font"] = {"size": 10, "color": "#777777"}
        if pos and n.id in pos:
            node["x"], node["y"] = pos[n.id]
        node["fg"] = {
            "type": n.type, "names": n.names, "name": n.names[-1] if view.lang == "en" else n.names[0], "facts": _fg(n.facts, view.lang), "search": n.search,
            "section": n.section, "sections": n.sections, "roles": n.roles, "years": n.years,
        }
        out.append(node)
    return out


def vis_edges(view: View) -> list[dict]:
    """vis-network edge objects: style by relation; collaboration width by shared tasks."""
    labels = {n.id: n.label for n in view.nodes}
    strongest = max((e.weight for e in view.edges), default=1.0) or 1.0
    out = []
    for e in view.edges:
        style = EDGE_STYLE[e.relation]
        edge = {
            "id": e.id, "from": e.source, "to": e.target, "width": style["width"], "dashes": style["dashes"],
            "color": {"color": style["color"], "highlight": "#222222", "hover": "#222222", "inherit": False},
        }
        if style["arrows"]:
            edge["arrows"] = {"to": {"enabled": True, "scaleFactor": 0.45}}
        if e.relation == "collaborates":
            edge["value"] = e.weight
            # Fainter single shared tasks, darker strong ties: the backbone stands out of the hairball.
            edge["color"]["opacity"] = round(0.25 + 0.65 * e.weight / strongest, 2)
        names = [f"{labels.get(e.source, '')} — {labels.get(e.target, '')}"]
        edge["fg"] = {"names": names, "facts": _fg(e.facts, view.lang), "sections": e.sections, "roles": e.roles, "years": e.years}
        out.append(edge)
    return out


def vis_options(view: View, physics: bool) -> dict:
    """vis-network options: pyvis 0.3.2's options model (force_atlas_2based, continuous smooth
    edges, as it wrote them), spelled out here because importing pyvis costs a second and a half."""
    kinds = view.legend == "kinds"
    opts: dict = {
        "configure": {"enabled": False},
        "edges": {"color": {"inherit": True}, "smooth": {"enabled": True, "type": "continuous"}},
        "interaction": {"dragNodes": True, "hideEdgesOnDrag": len(view.edges) > 800, "hideNodesOnDrag": False},
        "physics": {"enabled": physics,
                    "stabilization": {"enabled": True, "fit": True, "iterations": 1000, "onlyDynamicEdges": False, "updateInterval": 50}},
    }
    if physics:
        opts["physics"]["forceAtlas2Based"] = {
            "avoidOverlap": 1.0 if kinds else 0.6, "centralGravity": 0.015, "damping": 0.6,
            "gravitationalConstant": -130 if kinds else -60, "springConstant": 0.04, "springLength": 170 if kinds else 90,
        }
        opts["physics"]["solver"] = "forceAtlas2Based"
    many = len(view.nodes) > 120
    if not physics or len(view.edges) > 1500:
        opts["edges"]["smooth"] = {"enabled": False}  # straight lines draw fastest
    opts["edges"]["color"] = {"inherit": False}
    opts["edges"]["scaling"] = {"min": 1, "max": 14}
    opts["edges"]["selectionWidth"] = 1.5
    opts["nodes"] = {
        "font": {"face": FONT_FACE, "size": 14, "color": "#222222", "strokeWidth": 3, "strokeColor": "#ffffff"},
        "scaling": {"min": 10, "max": 48, "label": {"enabled": True, "min": 15, "max": 30, "drawThreshold": 6}},
    }
    if view.lang == "en":  # English names are long: wrap them; Chinese short names fit on one line
        opts["nodes"]["widthConstraint"] = {"maximum": 180}
    if physics:
        opts["physics"]["stabilization"].update({"iterations": 600 if many else 400, "updateInterval": 25, "fit": True})
        opts["physics"]["minVelocity"] = 0.75
    opts["layout"] = {"randomSeed": 7, "improvedLayout": len(view.nodes) <= 100}
    opts["interaction"].update({"hover": True, "tooltipDelay": 150, "navigationButtons": False,
                                "keyboard": {"enabled": True, "bindToWindow": False}, "multiselect": False})
    return opts


# --- the page's chrome ----------------------------------------------------------------

_SHAPE_SVG = {
    "dot": '<circle cx="8" cy="8" r="6"/>',
    "square": '<rect x="2" y="2" width="12" height="12"/>',
    "triangle": '<polygon points="8,1.5 15,14.5 1,14.5"/>',
    "triangleDown": '<polygon points="1,1.5 15,1.5 8,14.5"/>',
    "hexagon": '<polygon points="4.5,2 11.5,2 15,8 11.5,14 4.5,14 1,8"/>',
    "diamond": '<polygon points="8,1 15,8 8,15 1,8"/>',
}


def _swatch(shape: str, fill: str, border: str | None = None, width: float = 1.2) -> str:
    body = _SHAPE_SVG.get(shape, _SHAPE_SVG["dot"])
    stroke = html.escape(border or _darken(fill))
    return (f'<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">'
            f'<g fill="{html.escape(fill)}" stroke="{stroke}" stroke-width="{width}">{body}</g></svg>')


def _line(style: dict) -> str:
    dash = style["dashes"]
    dasharray = f' stroke-dasharray="{" ".join(str(x) for x in dash)}"' if dash else ""
    width = min(style["width"], 4)
    return (f'<svg width="30" height="10" aria-hidden="true"><line x1="1" y1="5" x2="29" y2="5" '
            f'stroke="{html.escape(style["color"])}" stroke-width="{width}"{dasharray}/></svg>')


def _li(icon: str, text: str, count: int | None = None, check: str | None = None) -> str:
    label = html.escape(text)
    tail = f'<span class="fg-count">{count}</span>' if count is not None else ""
    if check:
        return (f'<li><label><input type="checkbox" checked data-fg-type="{html.escape(check)}"> {icon} {label}</label>{tail}</li>')
    return f"<li>{icon} <span>{label}</span>{tail}</li>"


def _legend(view: View) -> str:
    lang = view.lang
    parts = [f"<h2>{html.escape(chrome('legend', lang))}</h2>", "<ul>"]
    counts: dict[str, int] = {}
    for n in view.nodes:
        counts[n.type] = counts.get(n.type, 0) + 1
    for t, style in NODE_STYLE.items():
        if t in counts:
            fill = style["color"] if view.legend == "types" else DEFAULT_KIND_COLOUR
            parts.append(_li(_swatch(style["shape"], fill), term_label(t, lang), counts[t], check=t))
    parts.append("</ul><ul>")
    if view.legend == "kinds":
        kinds: dict[str, int] = {}
        for n in view.nodes:
            kinds[n.kind or "OtherKind"] = kinds.get(n.kind or "OtherKind", 0) + 1
        parts.append(f'<li class="fg-note">{html.escape(chrome("colour_kind", lang))}</li>')
        for kind, colour in KIND_COLOUR.items():
            if kind in kinds:
                parts.append(_li(_swatch("dot", colour), term_label(kind, lang), kinds[kind]))
        parts.append("</ul><ul>")
        parts.append(_li(_swatch("dot", "#dddddd"), chrome("size_load", lang)))
        parts.append(_li(_swatch("dot", "#dddddd", OVERLOADED_BORDER["color"], 3), chrome("mark_overloaded", lang)))
        parts.append(_li(_swatch(BOTTLENECK_SHAPE, "#dddddd"), chrome("mark_bottleneck", lang)))
        parts.append(_li(_line(EDGE_STYLE["collaborates"] | {"width": 3}), chrome("edge_collaborates", lang)))
    else:
        present = {e.relation for e in view.edges}
        for rel, key in (("leads", "edge_leads"), ("participatesIn", "edge_participates"),
                         ("hasDeliverable", "edge_deliverable"), ("mentionsPlace", "edge_place")):
            if rel in present:
                parts.append(_li(_line(EDGE_STYLE[rel]), chrome(key, lang)))
    parts.append("</ul>")
    for note in view.notes:
        parts.append(f'<p class="fg-note">{html.escape(note)}</p>')
    return "\n".join(parts)


def _select(ident: str, label: str, options: list[tuple[str, str]], lang: str) -> str:
    opts = [f'<option value="">{html.escape(chrome("all", lang))}</option>']
    opts += [f'<option value="{html.escape(v)}">{html.escape(text)}</option>' for v, text in options]
    return f'<label>{html.escape(label)} <select id="{ident}">{"".join(opts)}</select></label>'


def _controls(view: View) -> str:
    lang = view.lang
    names = sorted({name for n in view.nodes if n.type != "Deliverable" for name in n.names})
    datalist = "".join(f'<option value="{html.escape(name)}">' for name in names)
    parts = [
        f'<input type="search" id="fg-search" list="fg-names" autocomplete="off" placeholder="{html.escape(chrome("search", lang))}" '
        f'aria-label="{html.escape(chrome("search", lang))}">',
        f'<datalist id="fg-names">{datalist}</datalist>',
        f'<button type="button" id="fg-find">{html.escape(chrome("find", lang))}</button>',
        '<span id="fg-status" role="status"></span>',
    ]
    if len(view.sections) > 1:
        parts.append(_select("fg-filter-section", chrome("filter_section", lang), [(str(k), t) for k, t in view.sections], lang))
    roles = sorted({r for n in view.nodes for r in n.roles})
    if roles:
        parts.append(_select("fg-filter-role", chrome("filter_role", lang),
                             [(r, term_label({"lead": "LeadRole", "participant": "ParticipantRole"}[r], lang)) for r in roles], lang))
    if len(view.years) > 1:
        parts.append(_select("fg-filter-year", chrome("filter_year", lang), [(str(y), str(y)) for y in view.years], lang))
    parts.append(f'<button type="button" id="fg-fit">{html.escape(chrome("fit", lang))}</button>')
    parts.append(f'<button type="button" id="fg-reset">{html.escape(chrome("reset", lang))}</button>')
    if view.groups and len(view.sections) > 1:
        parts.append(f'<button type="button" id="fg-group">{html.escape(chrome("group_sections", lang))}</button>')
    return "\n".join(parts)


def _omitted(view: View) -> list[list]:
    """[name, search keys, command that draws it] of each agency a capped agencies view leaves out."""
    lang = " --lang en" if view.lang == "en" else ""
    out = []
    for name, keys, spec in view.omitted:
        kind, _, arg = spec.partition(":")
        out.append([name, keys, f"fengong viz --view {kind} {shlex.quote(arg)}{lang}"])
    return out


def render_html(view: View, home: str | None = None) -> str:
    """The whole page of *view*; *home* is a relative link back to an index page."""
    physics = len(view.nodes) <= PHYSICS_MAX_NODES
    pos = None if physics else positions(view)
    lang = view.lang
    notes = list(view.notes)
    if not physics:
        notes.append(chrome("positions_fixed", lang))
    view_for_legend = dataclasses.replace(view, notes=notes)
    data = {
        "nodes": vis_nodes(view, pos),
        "edges": vis_edges(view),
        "options": vis_options(view, physics),
        "chrome": chrome_table(lang),
        "sections": [[k, t] for k, t in view.sections] if view.groups else [],
        "omitted": _omitted(view),
        "dim": DIM_COLOUR,
        "dimFont": "rgba(0,0,0,0.18)",
        "fontColor": "#222222",
    }
    subtitle = f"{view.source} · " if view.source else ""
    subtitle += chrome("nodes_edges", lang, nodes=len(view.nodes), edges=len(view.edges))
    link = f'<a class="fg-home" href="{html.escape(home)}">{html.escape(chrome("home", lang))}</a>' if home else ""
    page = Template(asset("page.html"))
    return page.substitute(
        lang="zh-Hans" if lang == "zh" else "en",
        version=html.escape(__version__),
        title=html.escape(view.title),
        subtitle=html.escape(subtitle),
        home=link,
        controls=_controls(view),
        legend=_legend(view_for_legend),
        details=html.escape(chrome("details", lang)),
        details_hint=html.escape(chrome("details_hint", lang)),
        laying_out=html.escape(chrome("laying_out", lang)),
        data=script_json(data),
        vis_css=asset("vis-network.css"),
        page_css=asset("view.css"),
        vis_js=asset("vis-network.min.js"),
        page_js=asset("view.js"),
    )


def write_view(view: View, path: str | Path, home: str | None = None) -> Path:
    """Render *view* and write it to *path* as UTF-8, atomically."""
    write_text(path, render_html(view, home))  # as given: "dir/" is no file name, Path() would drop the "/"
    return Path(path)
