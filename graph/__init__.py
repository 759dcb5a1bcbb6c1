"""fengong (分工): Chinese task-allocation plans as a knowledge graph of who is responsible for what.

The flow runs one way::

    bytes --read--> text --parse--> Plan records --model--> RDF dataset --> query / analyze / matrix / viz / serve

>>> import fengong
>>> fengong.__version__
'0.1.0'
"""

__version__ = "0.1.0"
__all__ = ["__version__", "FengongError", "MAX_SECONDS"]

#: The longest time limit any command takes: a week (timers overflow far above it).
MAX_SECONDS = 7 * 24 * 3600.0


class FengongError(Exception):
    """An error meant for the user: one line, naming the file and the reason.

    The CLI prints ``str(error)`` and exits with code 2, without a traceback.

    >>> str(FengongError("plan.txt: empty file"))
    'plan.txt: empty file'
    """
