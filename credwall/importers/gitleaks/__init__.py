"""`credwall rules import`: a gitleaks (v8) or betterleaks TOML config as a credwall rule pack.

- `reader`: the TOML read into credwall rules, path allowlists and `Problem`s (`import_gitleaks`);
- `re2_syntax` and `re2_to_regex`: a Go RE2 regex parsed, then written as a credwall rule regex
  with gitleaks' secret group made explicit (`translate_go_regex`);
- `expr_filter`: the part of betterleaks' `filter` expressions that maps onto credwall;
- `pack_writer`: the result as an editable YAML pack (`dump_pack`).

What an imported pack's `path_allowlists` do while scanning is engine work:
`credwall.engine.path_allowlists`.
"""

from __future__ import annotations

from .pack_writer import dump_pack
from .reader import ImportResult, Problem, import_gitleaks

__all__ = ["ImportResult", "Problem", "dump_pack", "import_gitleaks"]
