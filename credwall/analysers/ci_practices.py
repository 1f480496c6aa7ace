"""Practices to review in GitHub Actions and GitLab CI definitions (advisory findings).

- Static cloud keys where the provider federates with the CI system's OIDC tokens: a job that
  hands its steps an AWS secret access key (`AWS_SECRET_ACCESS_KEY`, configure-aws-credentials'
  `aws-secret-access-key`), a Google service-account key JSON (`credentials_json`,
  `GOOGLE_CREDENTIALS`, `gcloud auth activate-service-account --key-file`) or an Azure client
  secret (`AZURE_CLIENT_SECRET`, azure/login `creds`, `az login -p`), even from the CI system's
  secret store: the key is long-lived and works from anywhere, where a federated token lasts
  minutes and only from this repository's jobs. One finding per job and provider, on the
  setting, saying which action and setting replace it (`ci-aws-static-keys`, `ci-gcp-key-json`,
  `ci-azure-client-secret`).
- Shell tracing around secrets: `set -x` (or `bash -x`, `shell: bash -x {0}`) in a step that
  expands a secret, and GitLab's `CI_DEBUG_TRACE`, print the expanded commands to the job log,
  where CI masking only hides a secret's exact registered value (`ci-xtrace-with-secrets`).

Only names and references are read; no value is reported.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, NamedTuple

from ..engine.filters import credential_key, literal_value_reason

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.analysis import Analysis
    from .structured import Leaf

AWS, GCP, AZURE = "ci-aws-static-keys", "ci-gcp-key-json", "ci-azure-client-secret"
XTRACE = "ci-xtrace-with-secrets"
_PROVIDER_RULES = (AWS, GCP, AZURE)
_NAMES = {AWS: "a static AWS secret access key", GCP: "a Google service-account key (JSON)",
          AZURE: "an Azure client secret"}

# Environment variables (and action inputs, normalised to upper snake case) that carry the key.
_ENV_KEYS = {
    "AWS_SECRET_ACCESS_KEY": AWS,
    "GOOGLE_CREDENTIALS": GCP, "GOOGLE_APPLICATION_CREDENTIALS_JSON": GCP, "GOOGLE_CLOUD_KEYFILE_JSON": GCP,
    "GCP_SA_KEY": GCP, "GCP_SERVICE_ACCOUNT_KEY": GCP, "GCP_CREDENTIALS": GCP, "GCLOUD_SERVICE_KEY": GCP,
    "GOOGLE_SERVICE_ACCOUNT_KEY": GCP,
    "AZURE_CLIENT_SECRET": AZURE, "ARM_CLIENT_SECRET": AZURE, "AZURE_CREDENTIALS": AZURE,
}
# Inputs of the providers' own actions (`with:`), by action.
_ACTION_INPUTS = {
    "aws-actions/configure-aws-credentials": {"aws-secret-access-key": AWS},
    "google-github-actions/auth": {"credentials_json": GCP},
    "google-github-actions/setup-gcloud": {"service_account_key": GCP},
    "azure/login": {"creds": AZURE, "client-secret": AZURE},
}
# GitLab points GOOGLE_APPLICATION_CREDENTIALS at a file variable holding the key.
_GITLAB_FILE_KEYS = {"GOOGLE_APPLICATION_CREDENTIALS": GCP}

# Commands that log in with the static key itself.
_COMMANDS = (
    (AWS, re.compile(r"\baws\s+configure\s+set\s+(?:[\w.-]+\.)?aws_secret_access_key\b")),
    (AWS, re.compile(r"(?:^|[\s;&])export\s+AWS_SECRET_ACCESS_KEY=[\"']?\$\{?[A-Za-z_]")),
    (GCP, re.compile(r"\bgcloud\s+auth\s+activate-service-account\b[^\n]*--key-file")),
    (AZURE, re.compile(r"\baz\s+login\b(?![^\n]*--federated-token)[^\n]*--service-principal[^\n]*?\s"
                       r"(?:-p|--password|--client-secret|--secret)[\s=]")),
)

_ADVICE = {
    ("github", AWS): "aws-actions/configure-aws-credentials with role-to-assume (an IAM role that trusts "
                     "token.actions.githubusercontent.com) and `permissions: id-token: write`",
    ("github", GCP): "google-github-actions/auth with workload_identity_provider and service_account, and "
                     "`permissions: id-token: write`",
    ("github", AZURE): "azure/login with client-id, tenant-id and subscription-id (a federated credential on the "
                       "app registration, no secret) and `permissions: id-token: write`",
    ("gitlab", AWS): "`id_tokens:` (aud: sts.amazonaws.com) and `aws sts assume-role-with-web-identity "
                     "--web-identity-token $ID_TOKEN` (or AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN)",
    ("gitlab", GCP): "`id_tokens:` and Workload Identity Federation (`gcloud iam workload-identity-pools "
                     "create-cred-config … --credential-source-file`)",
    ("gitlab", AZURE): "`id_tokens:` (aud: api://AzureADTokenExchange) and `az login --service-principal "
                       "--federated-token $ID_TOKEN`",
}

# GitLab's top-level keys that are not jobs.
_GITLAB_RESERVED = frozenset({"stages", "variables", "default", "include", "workflow", "image", "services", "cache",
                              "before_script", "after_script", "types"})
_SCRIPT_KEYS = ("before_script", "script", "after_script")
_REFERENCE = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")
_SECRETS_EXPR = re.compile(r"\$\{\{\s*secrets\.([A-Za-z_][\w-]*)\s*\}\}")
_OTHER_EXPR = re.compile(r"\$\{\{(?![^}]*\bsecrets\.)")  # steps.*.outputs, env.*, vars.*, inputs.*
_XTRACE_ON = re.compile(r"^\s*(?:set\s+(?:-[a-wyzA-Z]*x[a-zA-Z]*\b|-o\s+xtrace\b)|set\s+-[a-zA-Z]*\s+-x\b)"
                        r"|(?:^|[;&|]\s*)(?:ba|z|k)?sh\s+-[a-zA-Z]*x[a-zA-Z]*\s")
_XTRACE_OFF = re.compile(r"^\s*set\s+(?:\+[a-zA-Z]*x|\+o\s+xtrace)\b")
_SHELL_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


class _Place(NamedTuple):
    """A job (or the workflow / the GitLab defaults) and the parts of its definition."""

    label: str  # `job deploy`, `the workflow`, `the defaults`
    path: tuple[str | int, ...]  # where it sits in the document
    value: dict[str, Any]


def analyse(a: Analysis, document: Any, leaves: list[Leaf]) -> None:
    """Advisory findings of one parsed GitHub Actions workflow or GitLab CI file."""
    system = ci_system(a.path)
    if system is None or not isinstance(document, dict) or a.text is None:
        return
    by_path = {leaf.path: leaf for leaf in leaves}
    places = list(_github_places(document) if system == "github" else _gitlab_places(document))
    wanted = [r for r in _PROVIDER_RULES if a.enabled(r)]
    for place in places:
        if wanted:
            _static_keys(a, system, place, by_path, wanted)
        if a.enabled(XTRACE):
            _xtrace(a, system, place, document, by_path)


def ci_system(path: str) -> str | None:
    norm = "/" + path.replace("\\", "/")
    name = norm.rsplit("/", 1)[-1].lower()
    if re.search(r"/\.github/workflows/[^/]+\.ya?ml$", norm):
        return "github"
    if name in (".gitlab-ci.yml", ".gitlab-ci.yaml") or re.search(r"/\.gitlab/ci/[^/]+\.ya?ml$", norm):
        return "gitlab"
    return None


# --- the places that hand values to steps ----------------------------------------------------------

def _github_places(document: dict[str, Any]) -> Iterator[_Place]:
    if isinstance(document.get("env"), dict):
        yield _Place("the workflow (every job)", (), {"env": document["env"]})
    jobs = document.get("jobs")
    if isinstance(jobs, dict):
        for name, job in jobs.items():
            if isinstance(job, dict):
                yield _Place(f"job `{name}`", ("jobs", name), job)


def _gitlab_places(document: dict[str, Any]) -> Iterator[_Place]:
    if isinstance(document.get("variables"), dict):
        yield _Place("the pipeline (every job)", (), {"variables": document["variables"]})
    default = {k: document[k] for k in _SCRIPT_KEYS if k in document}
    if isinstance(document.get("default"), dict):
        default.update({k: v for k, v in document["default"].items() if k in _SCRIPT_KEYS})
    if default:
        yield _Place("the defaults (every job)", ("default",) if "default" in document else (), default)
    for name, job in document.items():
        if isinstance(name, str) and name not in _GITLAB_RESERVED and isinstance(job, dict) \
                and ("script" in job or "extends" in job or "variables" in job or "trigger" in job):
            yield _Place(f"job `{name}`", (name,), job)


# --- static cloud keys --------------------------------------------------------------------------------

class _Key(NamedTuple):
    rule: str
    key: str  # the setting as written
    path: tuple[str | int, ...]  # of its value
    source: str  # "secrets.AWS_SECRET_ACCESS_KEY", "$PROD_AWS_SECRET", "a literal", "a command"


def _static_keys(a: Analysis, system: str, place: _Place, by_path: dict[tuple[str | int, ...], Leaf],
                 wanted: list[str]) -> None:
    found: dict[str, _Key] = {}
    for key in _keys_of(system, place):
        if key.rule in wanted and key.rule not in found:
            found[key.rule] = key
    for rule, key in found.items():
        leaf = by_path.get(key.path)
        if leaf is None:
            continue
        if key.source == "a command":
            start, end = _text_span(a.text or "", leaf, key.key)
        else:
            start, end = _key_span(a.text or "", leaf, key.key)
        what = f"{place.label} gives its steps {_NAMES[rule]} ({key.key} from {key.source})"
        a.add(rule, start, end, f"{'/'.join(map(str, place.path)) or '.'}:{key.key}",
              f"{what}: long-lived and usable from anywhere; {'GitHub Actions' if system == 'github' else 'GitLab CI'}"
              f" can get short-lived credentials over OIDC instead: {_ADVICE[(system, rule)]}, then delete the key")


def _keys_of(system: str, place: _Place) -> Iterator[_Key]:
    job = place.value
    base = place.path
    for section in ("env", "variables", "secrets"):
        yield from _mapping_keys(system, job.get(section), base + (section,))
    steps = job.get("steps")
    if isinstance(steps, list):
        for i, step in enumerate(steps):
            if not isinstance(step, dict):
                continue
            yield from _mapping_keys(system, step.get("env"), base + ("steps", i, "env"))
            uses = str(step.get("uses", "")).split("@", 1)[0].lower()
            inputs = _ACTION_INPUTS.get(uses, {})
            with_ = step.get("with")
            if isinstance(with_, dict):
                for name, value in with_.items():
                    rule = inputs.get(str(name)) or _ENV_KEYS.get(_upper_snake(str(name)))
                    source = _source(system, value)
                    if rule and source:
                        yield _Key(rule, str(name), base + ("steps", i, "with", name), source)
            if isinstance(step.get("run"), str):
                yield from _command_keys(step["run"], base + ("steps", i, "run"))
    for name in _SCRIPT_KEYS:
        script = job.get(name)
        lines = [script] if isinstance(script, str) else script if isinstance(script, list) else []
        for i, line in enumerate(lines):
            if isinstance(line, str):
                yield from _command_keys(line, base + ((name,) if isinstance(script, str) else (name, i)))


def _mapping_keys(system: str, mapping: Any, path: tuple[str | int, ...]) -> Iterator[_Key]:
    if not isinstance(mapping, dict):
        return
    for name, value in mapping.items():
        upper = _upper_snake(str(name))
        rule = _ENV_KEYS.get(upper) or (_GITLAB_FILE_KEYS.get(upper) if system == "gitlab" else None)
        leaf_path = path + (name,)
        if isinstance(value, dict) and "value" in value:  # GitLab's {value:, description:}
            value, leaf_path = value["value"], leaf_path + ("value",)
        source = _source(system, value)
        if rule and source and (upper not in _GITLAB_FILE_KEYS or source.startswith("$")):
            yield _Key(rule, str(name), leaf_path, source)


def _command_keys(script: str, path: tuple[str | int, ...]) -> Iterator[_Key]:
    for rule, pattern in _COMMANDS:
        for line in script.splitlines():
            m = pattern.search(line)
            if m is not None and "assume-role-with-web-identity" not in line:
                yield _Key(rule, m.group().strip(), path, "a command")
                break


def _source(system: str, value: Any) -> str | None:
    """Where a value comes from, when it can be a long-lived key: the CI system's secret store, a
    CI/CD variable, or a literal; None for other expressions (`steps.*.outputs` of an OIDC login),
    placeholders (`test` for LocalStack) and empty values."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    secret = _SECRETS_EXPR.search(text)
    if secret:
        return f"secrets.{secret.group(1)}"
    if _OTHER_EXPR.search(text):
        return None
    ref = _REFERENCE.match(text)
    if ref:
        name = ref.group(1)
        if system != "gitlab" or name.startswith("CI_") or "ID_TOKEN" in name.upper():
            return None  # GitLab's own variables and id_tokens are not stored keys
        return f"${name}"
    if text.startswith("$"):
        return None  # a computed value
    return "a literal" if literal_value_reason(text) is None else None


def _upper_snake(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)).upper()


# --- shell tracing --------------------------------------------------------------------------------------

def _xtrace(a: Analysis, system: str, place: _Place, document: dict[str, Any],
            by_path: dict[tuple[str | int, ...], Leaf]) -> None:
    job = place.value
    if system == "gitlab":
        for section in ("variables",):
            mapping = job.get(section)
            if isinstance(mapping, dict):
                for name in ("CI_DEBUG_TRACE", "CI_DEBUG_SERVICES"):
                    value = mapping.get(name)
                    value = value.get("value") if isinstance(value, dict) else value
                    leaf = by_path.get(place.path + (section, name)) or by_path.get(place.path + (section, name, "value"))
                    if str(value).strip().lower() in ("true", "1") and leaf is not None:
                        start, end = _key_span(a.text or "", leaf, name)
                        a.add(XTRACE, start, end, f"{'/'.join(map(str, place.path)) or '.'}:{name}",
                              f"{name} in {place.label} writes every command and the content of every variable, "
                              "masked ones included, to the job log: remove it (set it for one manual run only)")
                        return
    secret_names = _secret_env_names(job) | _secret_env_names(document if system == "github" else {})
    default_shell = str(((document.get("defaults") or {}).get("run") or {}).get("shell", "")) \
        if system == "github" and isinstance(document.get("defaults"), dict) else ""
    job_shell = str(((job.get("defaults") or {}).get("run") or {}).get("shell", "")) \
        if isinstance(job.get("defaults"), dict) else ""
    for path, script, shell, names in _scripts(system, place, secret_names, default_shell, job_shell):
        leaf = by_path.get(path)
        used = _traced_secret_use(script, shell, names) if leaf is not None else None
        if leaf is None or used is None:
            continue
        trace, line = used
        start, end = _text_span(a.text or "", leaf, line)
        shown = line if len(line) <= 60 else line[:59] + "…"
        a.add(XTRACE, start, end, f"{'/'.join(map(str, path))}:xtrace",
              f"shell tracing (`{trace}`) in {place.label} prints `{shown}` to the log with its variables "
              "expanded: CI masking hides only a secret's exact value, not what is derived from it; remove "
              "the tracing, or `set +x` before the secret is used")
        return  # one per job


def _traced_secret_use(script: str, shell: str, names: set[str]) -> tuple[str, str] | None:
    """(the tracing switch, the first line that expands a secret while it is on), or None."""
    trace = shell.strip() if _XTRACE_ON.search(shell + " ") else ""
    for raw in script.splitlines():
        line = raw.strip()
        if _XTRACE_OFF.search(line):
            trace = ""
            continue
        on = _XTRACE_ON.search(line)
        if on is not None:
            trace = line[:40]
            if _uses_secret(line[on.end():], names):
                return trace, line
            continue
        if trace and _uses_secret(line, names):
            return trace, line
    return None


def _scripts(system: str, place: _Place, names: set[str], default_shell: str,
             job_shell: str) -> Iterator[tuple[tuple[str | int, ...], str, str, set[str]]]:
    """(path, script text, shell, secret names in scope) of each script of a place."""
    job = place.value
    steps = job.get("steps") if system == "github" else None
    if isinstance(steps, list):
        for i, step in enumerate(steps):
            if isinstance(step, dict) and isinstance(step.get("run"), str):
                shell = str(step.get("shell") or job_shell or default_shell)
                yield place.path + ("steps", i, "run"), step["run"], shell, names | _secret_env_names(step)
    for key in _SCRIPT_KEYS if system == "gitlab" else ():
        script = job.get(key)
        if isinstance(script, str):
            yield place.path + (key,), script, "", names
        elif isinstance(script, list):
            lines = [(i, s) for i, s in enumerate(script) if isinstance(s, str)]
            # GitLab runs a job's lines in one shell: `set -x` on one line traces the next ones
            traced = ""
            for i, line in lines:
                yield place.path + (key, i), line, traced, names
                for part in line.splitlines():
                    if _XTRACE_OFF.search(part):
                        traced = ""
                    elif _XTRACE_ON.search(part):
                        traced = part.strip()[:40]


def _secret_env_names(mapping: Any) -> set[str]:
    """Names of the variables a definition sets from a secret (`${{ secrets.X }}`, or a
    credential-named variable from a CI/CD variable)."""
    names: set[str] = set()
    if not isinstance(mapping, dict):
        return names
    for section in ("env", "variables"):
        values = mapping.get(section)
        if isinstance(values, dict):
            for name, value in values.items():
                value = value.get("value") if isinstance(value, dict) else value
                if isinstance(value, str) and (_SECRETS_EXPR.search(value) or
                                               (credential_key(str(name)) and _REFERENCE.match(value.strip()))):
                    names.add(str(name))
    return names


def _uses_secret(line: str, names: set[str]) -> bool:
    if _SECRETS_EXPR.search(line):
        return True
    return any(name in names or credential_key(name) for name in _SHELL_VAR.findall(line))


# --- locations ------------------------------------------------------------------------------------------

def _key_span(text: str, leaf: Leaf, key: str) -> tuple[int, int]:
    """The key of a `key: value` pair on the value's line (where the finding is shown), else the value."""
    line_start = text.rfind("\n", 0, leaf.start) + 1
    found = text.rfind(key, line_start, leaf.start)
    return (found, found + len(key)) if found >= 0 else (leaf.start, max(leaf.end, leaf.start + 1))


def _text_span(text: str, leaf: Leaf, fragment: str) -> tuple[int, int]:
    """`fragment` inside a leaf's raw text (a command in a script), else the leaf."""
    found = text.find(fragment, leaf.start, leaf.end) if fragment else -1
    return (found, found + len(fragment)) if found >= 0 else (leaf.start, max(leaf.end, leaf.start + 1))
