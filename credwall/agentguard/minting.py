"""Commands that mint long-lived credentials: an agent that creates an access key, a
service-account key or a personal token leaves a new secret behind (in its transcript, in a file
it writes, in the environment of what it runs next) that nobody asked for and nobody will rotate.
Each is asked, with what it creates and what to use instead; short-lived tokens pass."""

from __future__ import annotations

import re

from .argv import has_words, operands

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .shell import Command

# (program, words that must all appear, what it creates, what to prefer)
_MINTING = (
    ("aws", ("iam", "create-access-key"), "a long-lived IAM access key",
     "short-lived credentials (aws sso login, an assumed role, OIDC in CI)"),
    ("aws", ("iam", "create-login-profile"), "a console password for an IAM user", "SSO"),
    ("aws", ("iam", "create-service-specific-credential"), "a long-lived service credential",
     "an IAM role"),
    ("gcloud", ("service-accounts", "keys", "create"), "a service-account key file (valid until deleted)",
     "service-account impersonation or workload identity federation"),
    ("gcloud", ("auth", "application-default", "login"), "user credentials stored on disk for every tool",
     "impersonation with a short lifetime"),
    ("az", ("ad", "sp", "create-for-rbac"), "a service principal with a client secret",
     "a managed identity or federated credentials (OIDC)"),
    ("az", ("ad", "sp", "credential", "reset"), "a new client secret", "federated credentials (OIDC)"),
    ("az", ("ad", "app", "credential", "reset"), "a new client secret", "federated credentials (OIDC)"),
    ("gh", ("auth", "refresh"), "a token with more scopes", "a fine-grained token scoped to one repository"),
    ("gh", ("ssh-key", "add"), "a new SSH key on the account", "a deploy key scoped to one repository"),
    ("stripe", ("login",), "a restricted API key stored on disk", "a restricted key made by a person, with an expiry"),
    ("vercel", ("tokens", "create"), "a Vercel access token", "a token made by a person, scoped and expiring"),
    ("vercel", ("login",), "a Vercel access token stored on disk", "a token made by a person, scoped and expiring"),
    ("railway", ("login",), "a Railway token stored on disk", "a project token scoped to one environment"),
    ("fly", ("tokens", "create"), "a Fly.io token", "a deploy token scoped to one app, made by a person"),
    ("flyctl", ("tokens", "create"), "a Fly.io token", "a deploy token scoped to one app, made by a person"),
    ("heroku", ("authorizations:create",), "a long-lived Heroku OAuth token", "a short-lived token"),
    ("doctl", ("auth", "init"), "a DigitalOcean token stored on disk", "a scoped, expiring token"),
    ("npm", ("token", "create"), "an npm token", "trusted publishing from CI"),
    ("docker", ("login",), "registry credentials stored on disk", "a credential helper"),
    ("glab", ("token", "create"), "a GitLab token", "a project access token with an expiry, made by a person"),
    ("vault", ("token", "create"), "a Vault token", "a short TTL and a bound policy"),
)
# `kubectl create token` is short-lived by default (an hour); a long --duration is a standing key.
_LONGEST_SHORT_HOURS = 24


def minting(cmd: Command) -> list[tuple[str, str]]:
    """(rule, why) when this simple command creates a long-lived credential."""
    name = cmd.name
    args = cmd.args
    for prog, words, what, instead in _MINTING:
        if name == prog and has_words(args, words):
            return [("mint-credential", f"creates {what}: an agent should not make standing credentials; "
                                         f"prefer {instead}")]
    if name in ("kubectl", "oc") and operands(args)[:2] == ["create", "token"]:
        hours = _duration_hours(args)
        if hours is None or hours > _LONGEST_SHORT_HOURS:
            return [("mint-credential", "creates a service-account token with a long (or unbounded) duration: "
                                         f"keep --duration at {_LONGEST_SHORT_HOURS}h or less")]
    if name in ("kubectl", "oc") and operands(args)[:2] == ["create", "secret"] and any(
            a.startswith("--from-literal") for a in args):
        return [("mint-credential", "puts a literal secret value on a command line, where the transcript keeps it")]
    return []


def _duration_hours(args: tuple[str, ...]) -> float | None:
    """The --duration of `kubectl create token` in hours; None when absent (the server's
    default, which can be long) or unreadable."""
    for i, arg in enumerate(args):
        value = arg.split("=", 1)[1] if arg.startswith("--duration=") else (
            args[i + 1] if arg == "--duration" and i + 1 < len(args) else None)
        if value is None:
            continue
        total = 0.0
        for amount, unit in re.findall(r"(\d+(?:\.\d+)?)(h|m|s|d)", value):
            total += float(amount) * {"d": 24, "h": 1, "m": 1 / 60, "s": 1 / 3600}[unit]
        return total if total else None
    return 1.0 if any(a in ("--bound-object-kind",) for a in args) else None
