"""Code that prints or logs a secret (patterns/hygiene.yaml): advisory findings on realistic
files in Python, JavaScript/TypeScript, Go, shell, Dockerfiles and CI steps, near-misses that
must stay quiet, and what an advisory never does (fail the run by default, hide a credential,
get redacted, block an agent's command)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from credwall.engine.findings import ScanResult
from credwall.engine.matcher import Matcher
from credwall.pipeline import analyse_file
from tests import tokens

LOG_RULES = ("log-secret-variable", "log-secret-interpolation", "log-environment-dump", "shell-echo-secret")


def _advisories(matcher: Matcher, path: str, text: str) -> list[tuple[int, str, str]]:
    """(line, rule id, masked expression) of each advisory; the credential findings apart."""
    result = ScanResult()
    analyse_file(matcher, path, textwrap.dedent(text).encode(), result)
    assert not result.errors
    return [(f.line, f.rule_id, f.secret_masked) for f in result.findings if f.advisory]


PYTHON = '''\
import logging
import os

logger = logging.getLogger(__name__)


class Client:
    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        print("client ready, key:", self.api_key)                      # 10: flagged
        logger.debug("key prefix %s…", self.api_key[:4])                # masked: fine
        logger.info("api key set: %s", bool(self.api_key))              # presence: fine

    def login(self, password: str) -> str:
        logger.info(f"logging in with {password}")                      # 15: flagged
        token = self._post("/login", password)
        print(token)                                                    # a bare `token`: not flagged
        logger.info("OPENAI_API_KEY is not set; using the proxy")       # a key's name: fine
        return token


if __name__ == "__main__":
    print(os.environ["STRIPE_SECRET_KEY"])                              # 23: flagged
    print(os.environ)                                                   # 24: flagged (whole environment)
    print(len(os.environ["STRIPE_SECRET_KEY"]))                         # a length: fine
'''

TYPESCRIPT = '''\
import { createClient } from "./client";

export async function main(): Promise<void> {
  const apiKey = process.env.OPENAI_API_KEY ?? "";
  console.log("using key", apiKey);                                     // 5: flagged
  console.log(`key ends with …${apiKey.slice(-4)}`);                    // masked: fine
  console.debug(`env: ${process.env.STRIPE_SECRET_KEY}`);               // 7: flagged
  console.log(JSON.stringify(process.env));                             // 8: flagged
  console.log("has key:", Boolean(apiKey));                             // presence: fine
  const client = createClient({ apiKey });
  console.log(client.token);                                            // a bare token: not flagged
}
'''

GO = '''\
package main

import (
\t"fmt"
\t"log"
\t"net/http"
\t"os"
)

func handler(w http.ResponseWriter, r *http.Request) {
\taccessToken := issue(r)
\tfmt.Fprintf(w, "%s", accessToken) // the response: not a log
\tlog.Printf("issued token for %s", r.RemoteAddr)
}

func main() {
\tclientSecret := os.Getenv("OAUTH_CLIENT_SECRET")
\tfmt.Println("secret:", clientSecret)                   // 18: flagged
\tlog.Printf("db password %s", os.Getenv("DB_PASSWORD")) // 19: flagged
\tfmt.Fprintln(os.Stderr, "missing OAUTH_CLIENT_SECRET")
}
'''

SHELL = '''\
#!/usr/bin/env bash
set -euo pipefail
: "${DEPLOY_TOKEN:?DEPLOY_TOKEN must be set}"
echo "deploying with token ${DEPLOY_TOKEN}"                             # 4: flagged
echo "token length: ${#DEPLOY_TOKEN}"                                   # a length: fine
echo "$REGISTRY_PASSWORD" | docker login registry.internal -u ci --password-stdin
printf '%s' "$NPM_TOKEN" > "$HOME/.npmrc"
echo "NPM_TOKEN is not set" >&2
'''

DOCKERFILE = '''\
FROM node:22-slim
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
RUN echo "building with $NPM_TOKEN"
'''

WORKFLOW = '''\
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: echo "::add-mask::${{ secrets.NPM_TOKEN }}"
      - run: echo "${{ secrets.NPM_TOKEN }}" | npm login --registry https://registry.npmjs.org
      - run: echo ${{ secrets.NPM_TOKEN }}
      - run: echo "NPM_TOKEN=${{ secrets.NPM_TOKEN }}" >> "$GITHUB_ENV"
'''

GITLAB = '''\
publish:
  script:
    - echo "publishing as $CI_REGISTRY_USER"
    - echo "$CI_JOB_TOKEN"
    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
'''


@pytest.mark.parametrize(("path", "text", "expected"), [
    ("src/client.py", PYTHON, [(10, "log-secret-variable"), (15, "log-secret-interpolation"),
                               (23, "log-secret-variable"), (24, "log-environment-dump")]),
    ("web/main.ts", TYPESCRIPT, [(5, "log-secret-variable"), (7, "log-secret-interpolation"),
                                 (8, "log-environment-dump")]),
    ("cmd/server/main.go", GO, [(18, "log-secret-variable"), (19, "log-secret-variable")]),
    ("scripts/deploy.sh", SHELL, [(4, "shell-echo-secret")]),
    ("Dockerfile", DOCKERFILE, [(4, "shell-echo-secret")]),
    (".github/workflows/publish.yml", WORKFLOW, [(8, "shell-echo-secret")]),
    (".gitlab-ci.yml", GITLAB, [(4, "shell-echo-secret")]),
])
def test_realistic_files(matcher: Matcher, path: str, text: str, expected: list[tuple[int, str]]) -> None:
    assert [(line, rule) for line, rule, _ in _advisories(matcher, path, text)] == expected


def test_the_expression_is_reported_never_a_value(matcher: Matcher) -> None:
    found = _advisories(matcher, "src/client.py", PYTHON)
    from credwall.engine.findings import mask

    shown = [mask(e) for e in ("self.api_key", "password", 'os.environ["STRIPE_SECRET_KEY"]', "os.environ")]
    assert [masked for _, _, masked in found] == shown


def test_a_credential_and_an_advisory_on_one_line_are_both_reported(matcher: Matcher) -> None:
    """An advisory never hides a credential's finding (nor the reverse)."""
    key = tokens.github_classic(seed=90)
    result = ScanResult()
    analyse_file(matcher, "debug.py", f'github_token = "{key}"; print("token", github_token)\n'.encode(), result)
    assert sorted((f.rule_id, f.advisory) for f in result.findings) == [
        ("github-pat", False), ("log-secret-variable", True)]


def test_advisories_do_not_fail_the_run_unless_configured(tmp_path: Path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(textwrap.dedent(PYTHON))
    code, out, err = run_cli("scan", "--format", "json", "app.py")
    report = json.loads(out)
    assert code == 0 and report["findings"] == [] and len(report["advisories"]) == 4
    assert "4 advisories" in err
    (tmp_path / ".credwall.toml").write_text('advisories = "fail"\n')
    assert run_cli("scan", "app.py")[0] == 1
    (tmp_path / ".credwall.toml").write_text('disable = ["tag:logging"]\n')
    code, out, _ = run_cli("scan", "--format", "json", "app.py")
    assert (code, json.loads(out)["advisories"]) == (0, [])


def test_the_messages_give_advice_not_rotation(matcher: Matcher) -> None:
    """Advisories keep their rule's words: no "rotate this one" suffix from the CI analyser."""
    result = ScanResult()
    analyse_file(matcher, ".github/workflows/publish.yml", WORKFLOW.encode(), result)
    [echo] = [f for f in result.findings if f.rule_id == "shell-echo-secret"]
    assert "rotate" not in echo.message and "pipe it to the command" in echo.message


def test_the_redactor_leaves_advisories_alone(matcher: Matcher) -> None:
    from credwall.redact.redactor import Redactor

    text = 'print("key:", self.api_key)\necho "$DEPLOY_TOKEN"\n'
    assert Redactor(matcher).redact_text(text) == text


def test_an_agent_command_that_echoes_a_variable_is_not_a_literal_credential(matcher: Matcher) -> None:
    """Matcher.scan (what the agent guard asks: is there a credential in this text?) leaves
    advisory matches out unless asked."""
    assert matcher.scan('echo "$DEPLOY_TOKEN"') == []
    assert [m.rule.id for m in matcher.scan('echo "$DEPLOY_TOKEN"', advisories=True)] == ["shell-echo-secret"]


@pytest.mark.parametrize("rule_id", LOG_RULES)
def test_rules_are_advisory_medium_and_documented(rule_id: str) -> None:
    from credwall.engine.rules import load_rules
    from tests.conftest import REPO_ROOT

    [rule] = [r for r in load_rules(use_cache=False) if r.id == rule_id]
    assert rule.advisory and rule.confidence == "medium" and rule.family == "hygiene"
    assert rule_id in (REPO_ROOT / "docs" / "checklist.md").read_text()
