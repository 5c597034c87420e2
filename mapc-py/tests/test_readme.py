"""The README's Python section does not lie: every ```python block of it
runs (from the repository root) and its asserts hold."""

import os
import re

import pytest

from conftest import ROOT


def python_section_blocks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_python_section_has_examples():
    assert len(python_section_blocks()) >= 3


@pytest.mark.parametrize("index", range(len(python_section_blocks())))
def test_a_readme_example_runs(index, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = python_section_blocks()[index]
    exec(compile(code, f"README.md python block {index + 1}", "exec"), {})
