"""The analysts' named SPARQL queries (the ``*.rq`` files beside this module).

This package holds the query files; the code that lists, loads, binds and runs
them lives in :mod:`fengong.querylib` (a module ``fengong/queries.py`` would be
shadowed by this package) and is re-exported here, so both spellings work.

>>> from fengong.queries import load_query
>>> load_query("agency-workload").title_zh
'各单位工作量（牵头、参加、成果）'
"""

from fengong.querylib import *  # noqa: F401,F403 - the public API, re-exported
from fengong.querylib import __all__  # noqa: F401
