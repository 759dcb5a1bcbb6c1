"""Interactive, offline views of the graph: which nodes and edges (:mod:`.views`), and the page (:mod:`.page`).

>>> from fengong.viz import VIEW_KINDS
>>> list(VIEW_KINDS)
['full', 'agencies', 'agency', 'section', 'city']
"""

from .views import VIEW_KINDS, View, build_view, load_context

__all__ = ["VIEW_KINDS", "View", "build_view", "load_context"]
