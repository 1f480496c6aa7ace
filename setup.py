"""Build step: the parsed form of the built-in rule packs ships inside the wheel.

Everything else is declared in pyproject.toml. The wheel's `credwall/patterns/ruleset.marshal`
lets an installed credwall load its rules without parsing YAML and without trusting the
user-writable cache (see credwall/engine/rulecache.py). Editable installs skip it: a source
checkout reads its packs through the user cache instead.
"""

from __future__ import annotations

import os
import sys

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithRuleset(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        try:
            from credwall.engine.rulecache import write_shipped
        finally:
            sys.path.pop(0)
        written = write_shipped(os.path.join(self.build_lib, "credwall", "patterns"))
        self.announce(f"wrote {written}", level=2)


setup(cmdclass={"build_py": BuildPyWithRuleset})
