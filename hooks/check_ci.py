"""The `credwall-ci` hook: literal credentials in CI definitions.

A workflow runs with the repository's permissions and its logs are widely readable, so a
credential belongs in the CI system's secret store and the workflow should only reference it.
For YAML pipelines (GitHub Actions, GitLab CI, Bitbucket Pipelines, CircleCI, Azure Pipelines,
Travis, Drone, Buildkite, Cloud Build …) every value under `env:` / `environment:` /
`variables:` / `with:` / `secrets:` / `vars:` whose key names a credential and whose value is a
literal is reported (`ci-literal-credential`) with its YAML path and the reference syntax of that
CI system. Every file, Jenkinsfiles included, is also scanned with all rules, which finds tokens
in `run:` / `script:` steps.
"""

from __future__ import annotations

from credwall.engine.filters import credential_key, literal_value_reason
from credwall.engine.findings import make_finding
from credwall.hookkit import FileCheck, read_text, run_hook

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

HOOK_ID = "credwall-ci"
_VALUE_SECTIONS = frozenset({"env", "environment", "variables", "with", "secrets", "vars", "inputs",
                             "parameters", "params", "args", "build_args", "build-args", "arguments"})

# How each CI system wants a secret referenced, keyed by a path fragment.
_REFERENCE_SYNTAX = (
    (".github/", "store it as a repository or environment secret and use ${{ secrets.%s }}"),
    (".gitlab", "store it as a masked, protected CI/CD variable and use $%s"),
    ("bitbucket-pipelines", "store it as a secured repository variable and use $%s"),
    (".circleci/", "store it in a CircleCI context or project environment variable and use $%s"),
    ("azure-pipelines", "store it as a secret pipeline variable or in a variable group and use $(%s)"),
    ("jenkinsfile", "store it in Jenkins credentials and use credentials('%s') or withCredentials"),
    (".travis", "add it with `travis encrypt` or as a repository setting and use $%s"),
    (".drone", "store it as a Drone secret and use from_secret: %s"),
    (".buildkite", "store it in the agent's secrets hook or a secrets plugin and use $%s"),
    ("cloudbuild", "store it in Secret Manager and use availableSecrets / $$%s"),
)


def reference_hint(path: str, key: str) -> str:
    import re

    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key)  # sonarToken -> SONAR_TOKEN
    name = re.sub(r"[^A-Za-z0-9]+", "_", snake).strip("_").upper() or "SECRET"
    lowered = path.replace("\\", "/").lower()
    for fragment, hint in _REFERENCE_SYNTAX:
        if fragment in lowered:
            return hint % name
    return "store it in the CI system's secret store and reference it as $%s" % name


def check(ctx: FileCheck, path: str, data: bytes) -> None:
    text = read_text(ctx, path, data)
    if text is None:
        return
    for finding in ctx.scan_text(path, text):
        ctx.add(finding)
    if path.lower().endswith((".yml", ".yaml")):
        _check_yaml(ctx, path, text)


def _check_yaml(ctx: FileCheck, path: str, text: str) -> None:
    from credwall.analysers.structured import dotted

    parsed = ctx.parse(path, text, "YAML")
    if parsed is None:
        return
    _, leaves = parsed
    for leaf in leaves:
        keys = [p for p in leaf.path if isinstance(p, str)]
        if len(keys) < 2 or keys[-2].lower() not in _VALUE_SECTIONS:
            continue
        name = keys[-1]
        if not credential_key(name) or literal_value_reason(leaf.value) is not None:
            continue
        ctx.add(make_finding(
            rule_id="ci-literal-credential", path=path, line=leaf.line, column=leaf.column,
            secret=leaf.value, confidence="high",
            message=f"{dotted(leaf.path)} is a literal credential in a CI definition: "
                    f"{reference_hint(path, name)}, then rotate this one"))


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK_ID, "Literal credentials in CI definitions.", check, argv)


if __name__ == "__main__":
    raise SystemExit(main())
