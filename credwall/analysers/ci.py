"""CI definitions: literal credentials where the CI system's secret reference belongs.

A workflow runs with the repository's permissions and its logs are widely readable, so a
credential belongs in the CI system's secret store and the workflow should only reference it.
For YAML pipelines (GitHub Actions, GitLab CI, Bitbucket Pipelines, CircleCI, Azure Pipelines,
Travis, Drone, Buildkite, Cloud Build …) every value under `env:` / `environment:` /
`variables:` / `with:` / `secrets:` / `vars:` whose key names a credential and whose value is a
literal is reported (`ci-literal-credential`) with its YAML path and the reference syntax of that
CI system. Pattern rules cover the whole file, Jenkinsfiles included (tokens in `run:` /
`script:` steps), and their findings get the same advice.

GitHub Actions and GitLab CI files also get advisory findings (ci_practices.py): static cloud
keys where OIDC federation exists, and shell tracing around secrets.
"""

from __future__ import annotations

from ..engine.filters import credential_key, literal_value_reason
from .values import value_span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.analysis import Analysis

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


def analyse(a: Analysis) -> None:
    if a.text is None:
        a.error("not a text file (binary content)")
        return
    a.default_suffix = f", in a CI definition: {reference_hint(a.path, 'SECRET')}, then rotate this one"
    if not a.path.lower().endswith((".yml", ".yaml")):
        return
    from .structured import dotted

    parsed = a.parse("YAML")
    if parsed is None:
        return
    for leaf in parsed[1]:
        keys = [p for p in leaf.path if isinstance(p, str)]
        if len(keys) < 2 or keys[-2].lower() not in _VALUE_SECTIONS:
            continue
        name = keys[-1]
        hint = f"{reference_hint(a.path, name)}, then rotate this one"
        a.region(leaf.start, leaf.end, f" in {dotted(leaf.path)} of a CI definition: {hint}")
        if not credential_key(name) or literal_value_reason(leaf.value) is not None:
            continue
        start, end = value_span(a.text, leaf.start, leaf.end, leaf.value)
        a.add("ci-literal-credential", start, end, leaf.value,
              f"{dotted(leaf.path)} is a literal credential in a CI definition: {hint}")
    from .ci_practices import analyse as review_practices

    review_practices(a, parsed[0], parsed[1])  # advisories: static cloud keys, shell tracing
