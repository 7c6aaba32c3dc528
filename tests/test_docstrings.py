"""Every example in the package's docstrings runs and prints what it
shows."""

import doctest
import importlib
import pkgutil

import pytest

import seqecho

MODULES = sorted(
    name
    for _, name, _ in pkgutil.iter_modules(
        seqecho.__path__, prefix="seqecho."
    )
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failed, attempted = doctest.testmod(
        module, optionflags=doctest.ELLIPSIS, verbose=False
    )
    assert failed == 0, f"{failed} of {attempted} examples failed in {name}"
