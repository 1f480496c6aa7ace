"""Writing an import as a credwall YAML rule pack: `dump_pack`.

The pack is meant to be read and edited: `imported: true` (examples optional, so `credwall
rules check` passes rules that have none yet), one entry per rule in the order of the TOML, the
global content allowlists once as the pack-level `allowlist`, the path allowlists under
`path_allowlists` (docs/rule-format.md), and the import's problems as comments on top. What it
writes loads with `credwall.engine.rules.load_pack` and `credwall.engine.path_allowlists`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .reader import DEFAULT_FAMILY, NO_KEYWORDS_REASON

if TYPE_CHECKING:
    from ...engine.path_allowlists import PathAllowlist
    from ...engine.rules import Allowlist
    from .reader import ImportResult


def _allowlist_yaml(allowlist: Allowlist) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if allowlist.target != "secret":
        entry["target"] = allowlist.target
    if allowlist.regexes:
        entry["regexes"] = list(allowlist.regexes)
    if allowlist.stopwords:
        entry["stopwords"] = list(allowlist.stopwords)
    if allowlist.require_all:
        entry["condition"] = "and"
    return entry


def _path_allowlist_yaml(entry: PathAllowlist) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if entry.rule_ids:
        out["rules"] = list(entry.rule_ids)
    out["paths"] = list(entry.paths)
    if entry.only:
        out["only"] = True
    if entry.content is not None:
        out.update(_allowlist_yaml(entry.content))
        out["condition"] = "and"
    return out


def dump_pack(result: ImportResult, *, source: str = "", family: str | None = None) -> str:
    """The imported rules as an editable credwall YAML pack (`imported: true`, `examples: []`),
    the problems as comments on top, and the path allowlists under `path_allowlists`."""
    import yaml

    rules = []
    for rule in result.rules:
        entry: dict[str, Any] = {"id": rule.id, "description": rule.description}
        if rule.keywords:
            entry["keywords"] = list(rule.keywords)
        else:
            entry["no_keywords_reason"] = rule.no_keywords_reason or NO_KEYWORDS_REASON
        entry["regex"] = rule.regex
        if rule.entropy is not None:
            entry["entropy"] = rule.entropy
        entry["confidence"] = rule.confidence
        if rule.lines != 1:
            entry["lines"] = rule.lines
        if rule.tags:
            entry["tags"] = list(rule.tags)
        own = [a for a in rule.allowlists if a not in result.shared_allowlists]
        if own:
            entry["allowlist"] = [_allowlist_yaml(a) for a in own]
        entry["examples"] = [dict(text=e.text, secret=e.secret) for e in rule.examples]
        rules.append(entry)
    data: dict[str, Any] = {"family": family or (result.rules[0].family if result.rules else DEFAULT_FAMILY),
                            "imported": True}
    if result.shared_allowlists:
        data["allowlist"] = [_allowlist_yaml(a) for a in result.shared_allowlists]
    data["rules"] = rules
    if result.path_allowlists:
        data["path_allowlists"] = [_path_allowlist_yaml(p) for p in result.path_allowlists]
    header = [f"# credwall rule pack imported from {source or 'a gitleaks/betterleaks config'}.",
              "# `imported: true` lets `credwall rules check` pass rules without examples; add examples",
              "# (text + the secret it holds) so the check can prove each rule finds what it should.",
              "# The pack-level `allowlist` applies to every rule; `path_allowlists` are applied by the",
              "# scan layer (they need the file path). An `entropy` floor just above gitleaks' value keeps",
              "# its meaning: gitleaks drops a secret at or below the value, credwall below the floor."]
    if result.problems:
        header.append("# Import notes:")
        header.extend(f"#   {' '.join(str(p).split())}" for p in result.problems)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=1 << 16)
    return "\n".join(header) + "\n" + body
