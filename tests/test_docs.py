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


def test_the_repository_passes_its_own_hook() -> None:
    """Dogfood: every tracked file outside the excluded paths of .pre-commit-config.yaml is clean."""
    import json
    import re

    import yaml

    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text())
    [hook] = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "credwall"]
    excluded = re.compile(hook["exclude"])
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=False)
    if listed.returncode != 0:
        import pytest

        pytest.skip("not a git checkout")
    files = [f for f in listed.stdout.decode().split("\0") if f and not excluded.search(f)]
    proc = subprocess.run([sys.executable, "-m", "credwall", "scan", "--format", "json", *files],
                          cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    report = json.loads(proc.stdout)
    assert report["findings"] == [], [(f["path"], f["line"], f["rule_id"]) for f in report["findings"]]
    assert proc.returncode == 0 and report["stats"]["files"] > 50
