"""The wheel carries hooks/ and patterns/ inside the credwall package, and no bare `hooks`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from tests.conftest import REPO_ROOT


def test_wheel_contents(tmp_path: Path) -> None:
    # Built from a clean copy: a stale build/lib in the checkout would mask a missing package.
    source = tmp_path / "src"
    shutil.copytree(REPO_ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", ".venv"))
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path),
                           str(source)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    [wheel] = tmp_path.glob("credwall-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packs = sorted(p.name for p in (REPO_ROOT / "patterns").glob("*.yaml"))
    assert sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("credwall/patterns/") and n.endswith(".yaml")) == packs
    assert "credwall/patterns/ruleset.marshal" in names  # the packs' parsed form (setup.py)
    assert "credwall/hooks/check_secrets.py" in names
    assert "credwall/patterns/documented-examples.txt" in names  # the documented-example filter's list
    assert "credwall/agentguard/cli.py" in names  # the agent guard ships too
    assert "credwall/importers/gitleaks/reader.py" in names
    # every subpackage is listed in pyproject's `packages` (a new one is easily forgotten)
    for init in sorted((REPO_ROOT / "credwall").glob("**/__init__.py")):
        assert "credwall/" + init.relative_to(REPO_ROOT / "credwall").as_posix() in names, init.parent.name
    assert not any(n.startswith("hooks/") or n.startswith("patterns/") for n in names)


def test_every_hook_entry_is_a_console_script() -> None:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    scripts = (REPO_ROOT / "pyproject.toml").read_text()
    readme = (REPO_ROOT / "README.md").read_text()
    for hook in hooks:
        assert f"\n{hook['entry'].split()[0]} = " in scripts
        assert f"`{hook['id']}`" in readme
