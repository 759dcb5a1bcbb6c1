"""Every docstring example in the package runs and gives what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import fengong
import fengong.viz

# fengong.viz is installed from viz/, outside graph/, so it is walked on its own.
MODULES = sorted(
    {"fengong.viz"}
    | {
        name
        for package in (fengong, fengong.viz)
        for _, name, _ in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
        if not name.endswith("__main__")
    }
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert failed == 0, f"{failed} of {attempted} examples failed in {name}"


def test_every_module_documents_itself():
    missing = [n for n in MODULES if not (importlib.import_module(n).__doc__ or "").strip()]
    assert missing == []
