"""The `credwall-ci` hook (hooks/check_ci.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from credwall.hooks.check_ci import main
from tests import tokens


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    return tmp_path


def _write(root: Path, rel: str, text: str) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return rel


LITERAL = tokens.rand(16, seed=81) + "4k"


@pytest.mark.parametrize(("rel", "text", "line", "hint"), [
    (".github/workflows/deploy.yml",
     f"on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      DEPLOY_TOKEN: {LITERAL}\n",
     6, "${{ secrets.DEPLOY_TOKEN }}"),
    (".gitlab-ci.yml", f"variables:\n  REGISTRY_PASSWORD: \"{LITERAL}\"\nbuild:\n  script: [make]\n", 2, "$REGISTRY_PASSWORD"),
    ("bitbucket-pipelines.yml",
     f"pipelines:\n  default:\n    - step:\n        script:\n          - make\n        variables:\n          API_KEY: {LITERAL}\n",
     7, "$API_KEY"),
    (".circleci/config.yml",
     f"version: 2.1\njobs:\n  b:\n    docker:\n      - image: cimg/base\n    environment:\n      NPM_TOKEN: {LITERAL}\n",
     7, "$NPM_TOKEN"),
    ("azure-pipelines.yml", f"variables:\n  sonarToken: '{LITERAL}'\nsteps:\n  - script: make\n", 2, "$(SONAR_TOKEN)"),
])
def test_literal_credentials_in_each_ci_system(here: Path, capsys: pytest.CaptureFixture[str], rel: str,
                                               text: str, line: int, hint: str) -> None:
    _write(here, rel, text)
    assert main([rel]) == 1
    out, err = capsys.readouterr()
    assert f"{rel}:{line}:" in out and "ci-literal-credential" in out
    assert hint in out
    assert LITERAL not in out + err
    assert out.count("\n") == 1  # the generic keyword rule does not report the same value again


def test_references_and_plain_settings_pass(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(here, ".github/workflows/ci.yml",
           "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env:\n      TOKEN: ${{ secrets.TOKEN }}\n"
           "      NODE_ENV: production\n      API_KEY: $API_KEY\n      PASSWORD_FILE: /run/secrets/db\n"
           "    steps:\n      - uses: actions/checkout@v4\n        with:\n          token: ${{ github.token }}\n"
           "          fetch-depth: 0\n")
    assert main([".github/workflows/ci.yml"]) == 0, capsys.readouterr().out


def test_provider_token_in_a_run_step(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tokens.github_classic(seed=82)
    _write(here, ".github/workflows/ci.yml",
           f"on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n"
           f"          git clone https://x-access-token:{secret}@github.com/o/r\n")
    assert main([".github/workflows/ci.yml"]) == 1
    out = capsys.readouterr().out
    assert ".github/workflows/ci.yml:7:" in out and "github-pat" in out


def test_jenkinsfile_is_scanned_as_text(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tokens.stripe_live(seed=83)
    _write(here, "Jenkinsfile", f"pipeline {{\n  environment {{\n    STRIPE_KEY = '{secret}'\n  }}\n}}\n")
    assert main(["Jenkinsfile"]) == 1
    assert "Jenkinsfile:3:" in capsys.readouterr().out


def test_malformed_yaml_is_a_clear_error(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(here, ".gitlab-ci.yml", "build:\n  script: [make\n")
    assert main([".gitlab-ci.yml"]) == 2
    err = capsys.readouterr().err
    assert ".gitlab-ci.yml: malformed YAML: line" in err and "Traceback" not in err
