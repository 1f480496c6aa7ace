"""What to do about a finding, and why it matters, as data: one entry per kind of credential,
chosen by the rule's tags (first match in REMEDIES order), else its family, else the default.
The text report prints the remedy under a finding whose message carries no advice of its own
(the analysers' messages do: "use ${GITHUB_TOKEN} instead"); SARIF puts both into each rule's
`help`; docs/rules.md shows the remedy under every rule (tools/gen_rules_doc.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .engine.rules import Rule


class Remedy(NamedTuple):
    fix: str  # one line, starting with a verb
    why: str  # one or two sentences


_LEAKED = ("Anyone who can read the repository, a clone, a fork or a CI log of it can use the credential, "
           "and deleting it from the file leaves it in git history.")
_ROTATE = ("rotate it at the provider (it is in git history now), then read it at run time from the environment "
           "or a secret manager")

# (tag or family, remedy); the first whose name is among the rule's tags (or is its family) wins.
REMEDIES: tuple[tuple[str, Remedy], ...] = (
    ("env-file", Remedy("untrack the file (`git rm --cached FILE`), add it to .gitignore, and rotate what it held; "
                        "commit a `.env.example` with placeholders instead", _LEAKED)),
    ("key-file", Remedy("untrack the file (`git rm --cached FILE`), add it to .gitignore, and replace the key or "
                        "credential it holds (it is in git history now)", _LEAKED)),
    ("credential-file", Remedy("untrack the file (`git rm --cached FILE`), add it to .gitignore, and rotate the "
                               "credential; let the tool read it from the environment (`${NPM_TOKEN}`)", _LEAKED)),
    ("mcp", Remedy("replace the literal with a reference the MCP client expands (`${VAR}`, `${env:VAR}`, "
                   "`${input:id}`), then rotate the credential",
                   "MCP configs are shared with the repository and read by every agent session; " + _LEAKED)),
    ("agent", Remedy("remove the credential from the agent file, rotate it, and give the agent a reference "
                     "to an environment variable instead",
                     "Agents read these files on every session and pass them to tools and models; " + _LEAKED)),
    ("ci", Remedy("store it as a CI secret and reference it (`${{ secrets.NAME }}`, a masked variable), then "
                  "rotate this one", "CI definitions are readable by everyone with access to the repository, and "
                  "their values reach build logs; " + _LEAKED)),
    ("private-key", Remedy("replace the key pair (the private key is in git history now) and keep private keys out "
                           "of the repository: a secret manager, or a file git ignores",
                           "A private key lets anyone who has it sign, decrypt or log in as its owner. " + _LEAKED)),
    ("connection-string", Remedy("rotate the password, then build the connection string at run time from the "
                                 "environment (`DATABASE_URL`) or a secret manager", _LEAKED)),
    ("generic", Remedy("a real credential: " + _ROTATE + "; test data or an example: mark the line "
                       "`# credwall:allow`", "It looks like a credential assigned in code or config. " + _LEAKED)),
)
DEFAULT = Remedy(_ROTATE, _LEAKED)
ALLOW_HINT = ("a false positive? put `# credwall:allow` on its line, or add its fingerprint to "
              "[[tool.credwall.allow]] (docs/configuration.md)")


def remedy_for(rule: Rule | None) -> Remedy:
    if rule is None:
        return DEFAULT
    names = {*rule.tags, rule.family}
    for name, remedy in REMEDIES:
        if name in names:
            return remedy
    return DEFAULT
