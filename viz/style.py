"""How things look: shapes, colours and line styles, as tables.

Views say *what* a node or edge is (its type, kind, relation, flags); these
tables say how it is drawn, so a change of palette never touches the logic.
Colours are Tableau 10, which stays distinguishable for most colour-blind
readers; red is kept for the "overloaded" mark alone.

>>> NODE_STYLE["Agency"]["shape"]
'dot'
>>> EDGE_STYLE["participatesIn"]["dashes"]
[6, 5]
"""

from __future__ import annotations

__all__ = [
    "FONT_FACE",
    "NODE_STYLE",
    "EDGE_STYLE",
    "KIND_COLOUR",
    "DEFAULT_KIND_COLOUR",
    "OVERLOADED_BORDER",
    "FOCUS_BORDER",
    "BOTTLENECK_SHAPE",
    "DIM_COLOUR",
    "PHYSICS_MAX_NODES",
]

#: Canvas font stack: vis-network draws labels on a canvas, so Chinese needs a CJK font by name.
FONT_FACE = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"

#: Node type → shape, fill colour and base size (vis-network units).
NODE_STYLE: dict[str, dict] = {
    "Task": {"shape": "square", "color": "#4e79a7", "size": 12},
    "Target": {"shape": "triangle", "color": "#59a14f", "size": 13},
    "WorkRequirement": {"shape": "square", "color": "#76b7b2", "size": 12},
    "Agency": {"shape": "dot", "color": "#f28e2b", "size": 14},
    "CollectiveActor": {"shape": "dot", "color": "#edc948", "size": 14},
    "Post": {"shape": "dot", "color": "#b07aa1", "size": 12},
    "Place": {"shape": "hexagon", "color": "#9c755f", "size": 10},
    "Deliverable": {"shape": "triangleDown", "color": "#bab0ac", "size": 7},
}

#: Edge relation → line style. Leads are thick and solid, participation dashed.
EDGE_STYLE: dict[str, dict] = {
    "leads": {"width": 3.0, "dashes": False, "color": "#3b3b3b", "arrows": "to"},
    "participatesIn": {"width": 1.2, "dashes": [6, 5], "color": "#8c8c8c", "arrows": "to"},
    "hasDeliverable": {"width": 0.8, "dashes": False, "color": "#c8c8c8", "arrows": ""},
    "mentionsPlace": {"width": 1.0, "dashes": [2, 4], "color": "#b59b86", "arrows": ""},
    "collaborates": {"width": 1.0, "dashes": False, "color": "#6e6e6e", "arrows": ""},
}

#: Agency kind (local name of the org:classification concept) → fill colour, agencies view.
KIND_COLOUR: dict[str, str] = {
    "Department": "#4e79a7",
    "Commission": "#f28e2b",
    "Bureau": "#59a14f",
    "Office": "#76b7b2",
    "LocalGovernment": "#edc948",
    "LocalGovernmentCollective": "#b07aa1",
    "DepartmentCollective": "#ff9da7",
    "CentralBranch": "#9c755f",
    "StateEnterprise": "#86bcb6",
    "LeadingGroup": "#d4a6c8",
    "PublicInstitution": "#8cd17d",
    "OtherKind": "#bab0ac",
}
DEFAULT_KIND_COLOUR = "#bab0ac"

#: Border of an overloaded agency: the only red on the page.
OVERLOADED_BORDER = {"color": "#d62728", "width": 5}
#: Border of the node an agency or city view is about.
FOCUS_BORDER = {"color": "#111111", "width": 4}
#: Shape of a coordination bottleneck in the agencies view.
BOTTLENECK_SHAPE = "diamond"
#: Colour of nodes and edges outside the clicked node's neighbourhood.
DIM_COLOUR = "rgba(200,200,200,0.35)"

#: Above this many nodes, positions are computed in Python and physics stays off.
PHYSICS_MAX_NODES = 300
