from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO_ROOT


def test_rules_doc_is_up_to_date() -> None:
    proc = subprocess.run([sys.executable, str(REPO_ROOT / "tools" / "gen_rules_doc.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    test_cmd = next(line.split("#")[0].strip() for line in readme.splitlines()
                    if "pytest" in line and line.strip().startswith("pip"))
    assert test_cmd in ci
