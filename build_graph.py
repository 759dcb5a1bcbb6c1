#!/usr/bin/env python3
"""Build the knowledge graph: ``python build_graph.py [DOC ...] [-o DIR]`` does what ``fengong build`` does."""

import sys

if __name__ == "__main__":
    try:
        from fengong.cli import main
    except ImportError:
        sys.exit("build_graph.py: fengong is not installed; run `pip install -e .` in this directory first")
    main(["build", *sys.argv[1:]])
