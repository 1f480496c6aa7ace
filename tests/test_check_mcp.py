"""The `credwall-mcp` hook (hooks/check_mcp.py, credwall/mcp.py), called in-process as pre-commit
would, on real-shaped configs of every MCP client it knows."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from credwall.engine.findings import fingerprint
from credwall.hooks.check_mcp import main
from tests import tokens


class Repo:
    """A bare `git init` work tree as cwd: all the hook needs (no commits, no identity)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, name: str, content: str | bytes) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Repo:  # type: ignore[no-untyped-def]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    return Repo(tmp_path)


def _run(capsys, *paths: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(paths))
    out, err = capsys.readouterr()
    return code, out, err


def _where(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of needle's first occurrence."""
    offset = text.index(needle)
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _no_leak(secret: str, *streams: str) -> None:
    for stream in streams:
        assert secret not in stream


def _eq(flag: str, value: str) -> str:
    return flag + "=" + value


def _opaque(seed: int) -> str:
    """A 24-character random value: no provider rule knows it, so only the key name can flag it."""
    return tokens.rand(20, seed=seed) + "9Qz7"


# --- every client's file, by name -----------------------------------------------------------------

class Client(NamedTuple):
    path: str
    text: str  # VALUE marks the credential; the key is GITHUB_PERSONAL_ACCESS_TOKEN unless noted
    json_path: str
    advice: str  # a fragment of the suggested reference syntax
    reference: str  # what that client would have instead
    quoted: bool = True  # the reported column is the opening quote (JSON, quoted YAML), else the value


_SERVER_JSON = """{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": {
        "GITHUB_PERSONAL_ACCESS_TOKEN": "VALUE"
      }
    }
  }
}
"""

CLIENTS = {
    "claude-code": Client(".mcp.json", _SERVER_JSON, "mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN",
                          '"${GITHUB_PERSONAL_ACCESS_TOKEN}" instead (Claude Code expands ${VAR} and ${VAR:-default})',
                          "${GITHUB_PERSONAL_ACCESS_TOKEN:-}"),
    "claude-plugin": Client("plugins/gh/github.mcp.json",
                            '{\n  "github": {\n    "command": "${CLAUDE_PLUGIN_ROOT}/bin/gh-mcp",\n'
                            '    "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "VALUE"}\n  }\n}\n',
                            "github.env.GITHUB_PERSONAL_ACCESS_TOKEN", '"${GITHUB_PERSONAL_ACCESS_TOKEN}"',
                            "${GH_TOKEN}"),
    "claude-settings": Client(".claude/settings.json",
                              '{\n  "permissions": {"allow": ["Bash(npm test)"]},\n'
                              + _SERVER_JSON.split("\n", 1)[1].rsplit("}", 1)[0] + "}\n",
                              "mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN", "Claude Code", "${GH_TOKEN}"),
    "claude-settings-local": Client(".claude/settings.local.json", _SERVER_JSON,
                                    "mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN", "Claude Code", "$GH_TOKEN"),
    "claude-desktop": Client("claude_desktop_config.json", _SERVER_JSON,
                             "mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN",
                             "Claude Desktop does not expand variables", "${GH_TOKEN}"),
    "cursor": Client(".cursor/mcp.json", _SERVER_JSON, "mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN",
                     '"${env:GITHUB_PERSONAL_ACCESS_TOKEN}" instead (Cursor expands ${env:VAR})',
                     "${env:GITHUB_PERSONAL_ACCESS_TOKEN}"),
    "vscode": Client(".vscode/mcp.json",
                     '{\n  "inputs": [\n    {"type": "promptString", "id": "github-token", "description": "GitHub PAT",'
                     ' "password": true}\n  ],\n  "servers": {\n    "github": {\n      "type": "stdio",\n'
                     '      "command": "docker",\n      "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN",'
                     ' "ghcr.io/github/github-mcp-server"],\n'
                     '      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "VALUE"}\n    }\n  }\n}\n',
                     "servers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN",
                     '"${input:github-personal-access-token}" instead with an "inputs" entry', "${input:github-token}"),
    "windsurf": Client("mcp_config.json",
                       '{\n  "mcpServers": {\n    "github": {\n      "serverUrl": "https://api.githubcopilot.com/mcp/",\n'
                       '      "headers": {\n        "Authorization": "Bearer VALUE"\n      }\n    }\n  }\n}\n',
                       "mcpServers.github.headers.Authorization", '"Bearer ${env:GITHUB_TOKEN}" instead (Windsurf',
                       "${env:GITHUB_PAT}"),
    "gemini": Client(".gemini/settings.json",
                     '{\n  "theme": "GitHub",\n  "mcpServers": {\n    "github": {\n      "command": "npx",\n'
                     '      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "VALUE"},\n      "trust": false\n    }\n  }\n}\n',
                     "mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN",
                     '"$GITHUB_PERSONAL_ACCESS_TOKEN" or "${GITHUB_PERSONAL_ACCESS_TOKEN}"', "$GITHUB_TOKEN"),
    "cline": Client("cline_mcp_settings.json",
                    _SERVER_JSON.replace('"args"', '"disabled": false,\n      "autoApprove": ["get_token"],\n      "args"'),
                    "mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN",
                    'use a reference such as "${GITHUB_PERSONAL_ACCESS_TOKEN}"', "${GITHUB_TOKEN}"),
    "roo": Client(".roo/mcp.json", _SERVER_JSON, "mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN",
                  "${env:GITHUB_PERSONAL_ACCESS_TOKEN}", "${env:GITHUB_TOKEN}"),
    "roo-global": Client("mcp_settings.json", _SERVER_JSON, "mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN",
                         "Roo Code expands", "${env:GITHUB_TOKEN}"),
    "kiro": Client(".kiro/settings/mcp.json", _SERVER_JSON, "mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN",
                   "use a reference such as", "${GITHUB_TOKEN}"),
    "amazonq": Client(".amazonq/mcp.json", _SERVER_JSON, "mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN",
                      "use a reference such as", "${GITHUB_TOKEN}"),
    "codex": Client(".codex/config.toml",
                    '# Codex CLI\nmodel = "o4-mini"\n\n[mcp_servers.github]\ncommand = "npx"\n'
                    'args = ["-y", "@modelcontextprotocol/server-github"]\n'
                    'env = { "GITHUB_PERSONAL_ACCESS_TOKEN" = "VALUE" }\n',
                    "mcp_servers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN",
                    'env_vars = ["GITHUB_PERSONAL_ACCESS_TOKEN"] so Codex passes', "${GITHUB_TOKEN}", quoted=False),
    "yaml": Client(".mcp.yaml",
                   "# team MCP servers\nmcpServers:\n  github:\n    command: npx\n    env:\n"
                   '      GITHUB_PERSONAL_ACCESS_TOKEN: "VALUE"\n',
                   "mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN", "use a reference such as", "${GITHUB_TOKEN}"),
    "yaml-list": Client("mcp.yml",  # Continue's shape: servers as a list with names
                        "name: GitHub tools\nversion: 0.0.1\nschema: v1\nmcpServers:\n  - name: github\n"
                        "    command: npx\n    env:\n      GITHUB_PERSONAL_ACCESS_TOKEN: VALUE\n",
                        "mcpServers[0].env.GITHUB_PERSONAL_ACCESS_TOKEN",
                        '"${GITHUB_PERSONAL_ACCESS_TOKEN}"', "${{ secrets.GITHUB_TOKEN }}", quoted=False),
}


@pytest.fixture(params=sorted(CLIENTS))
def client(request) -> Client:  # type: ignore[no-untyped-def]
    return CLIENTS[request.param]


def test_literal_token_is_blocked_with_json_path_line_and_client_advice(repo, capsys, client) -> None:  # type: ignore[no-untyped-def]
    secret = tokens.github_classic(seed=41)
    text = client.text.replace("VALUE", secret)
    repo.write(client.path, text)
    code, out, err = _run(capsys, client.path)
    assert code == 1, out + err
    line, column = _where(text, secret)  # the secret's own position
    found = [f for f in out.splitlines() if "agent-local-file-committed" not in f]  # settings.local.json itself
    assert len(found) == 1, out  # one finding per value
    assert found[0].startswith(f"{client.path}:{line}:{column}: github-pat "), out
    assert f" in {client.json_path};" in out
    assert client.advice in out
    assert f"{len(out.splitlines())} finding" in err
    _no_leak(secret, out, err)


def test_key_named_literal_is_blocked(repo, capsys, client) -> None:  # type: ignore[no-untyped-def]
    secret = _opaque(seed=42)
    text = client.text.replace("VALUE", secret)
    repo.write(client.path, text)
    code, out, err = _run(capsys, client.path)
    assert code == 1, out + err
    assert f": mcp-literal-credential {client.json_path} holds a literal credential; " in out
    assert client.advice in out
    _no_leak(secret, out, err)


def test_reference_and_placeholders_pass(repo, capsys, client) -> None:  # type: ignore[no-untyped-def]
    for value in (client.reference, "<your-github-token>", "YOUR_GITHUB_TOKEN_HERE", "ghp_" + "x" * 36, ""):
        repo.write(client.path, client.text.replace("VALUE", value))
        code, out, err = _run(capsys, client.path)
        if client.path.endswith("settings.local.json"):  # committing the file is itself a finding
            assert code == 1 and out.count("\n") == 1 and "agent-local-file-committed" in out, (value, out, err)
            continue
        assert (code, out) == (0, ""), (value, out, err)
        assert "no secrets found; scanned 1 file" in err


# --- where a credential hides in a server entry --------------------------------------------------

def _mcp(servers: dict) -> str:  # type: ignore[type-arg]
    return json.dumps({"mcpServers": servers}, indent=2) + "\n"


def test_headers_are_checked_by_name_and_scheme(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    bearer, api_key, ref = _opaque(1), _opaque(2), "Bearer ${LINEAR_TOKEN}"
    text = _mcp({"linear": {"type": "http", "url": "https://mcp.linear.app/mcp",
                            "headers": {"Authorization": f"Bearer {bearer}", "X-API-Key": api_key,
                                        "X-Request-Source": "claude-code-9f2k"}},
                 "safe": {"type": "sse", "url": "https://mcp.example.com/sse", "headers": {"Authorization": ref}}})
    repo.write(".mcp.json", text)
    code, out, err = _run(capsys, ".mcp.json")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2, out
    line, column = _where(text, bearer)
    assert lines[0].startswith(f".mcp.json:{line}:{column}: mcp-literal-credential mcpServers.linear.headers.Authorization")
    assert '"Bearer ${LINEAR_TOKEN}"' in lines[0]  # the scheme stays in the suggested value
    assert "mcpServers.linear.headers.X-API-Key holds a literal credential" in lines[1]
    _no_leak(bearer, out, err)
    _no_leak(api_key, out, err)


def test_args_flags_docker_env_and_assignments(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    values = [_opaque(n) for n in range(10, 16)]
    stripe = tokens.stripe_live(seed=17)
    args = ["-y", "some-mcp-server",
            "--api-key", values[0],          # [2] flag, value in the next argument
            _eq("--token", values[1]),       # [4] flag with =
            "-e", f"BRAVE_API_KEY={values[2]}",  # [5] [6] docker run -e KEY=VALUE
            "-e", "PASSED_THROUGH_TOKEN",    # [7] [8] docker pass-through: nothing committed
            f"SENTRY_AUTH_TOKEN={values[3]}",  # [9] bare KEY=VALUE
            stripe,                          # [10] bare value a provider rule knows
            "--header", f"Authorization: Bearer {values[4]}",  # [11] [12] mcp-remote style
            "--port", "8080", "--log-level", "debug",
            "--password", "${DB_PASSWORD}", _eq("--secret", values[5][:3])]  # reference; too short
    repo.write(".cursor/mcp.json", _mcp({"srv": {"command": "npx", "args": args}}))
    code, out, err = _run(capsys, ".cursor/mcp.json")
    assert code == 1
    found = [line.split(": ", 1)[1].split(" ", 1) for line in out.splitlines()]
    assert [(rule, message.split(" ", 1)[0]) for rule, message in found] == [
        ("mcp-literal-credential", "mcpServers.srv.args[3]"),
        ("mcp-literal-credential", "mcpServers.srv.args[4]"),
        ("mcp-literal-credential", "mcpServers.srv.args[6]"),
        ("mcp-literal-credential", "mcpServers.srv.args[9]"),
        ("stripe-secret-key", "Stripe"),
        ("mcp-literal-credential", "mcpServers.srv.args[12]"),
    ], out
    assert "args[3] (value of --api-key)" in out and "args[4] (value of --token)" in out
    assert "args[6] (BRAVE_API_KEY=… after -e)" in out and '"${env:BRAVE_API_KEY}" in its place' in out
    assert "in mcpServers.srv.args[10];" in out
    assert "args[12] (header Authorization)" in out
    for secret in values + [stripe]:
        _no_leak(secret, out, err)


def test_urls_userinfo_and_query_credentials(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    password, key = _opaque(20), _opaque(21)
    text = _mcp({
        "db": {"url": f"https://admin:{password}@mcp.internal.example.com/sse"},
        "search": {"serverUrl": f"https://mcp.search.example.com/mcp?api_key={key}&region=eu"},
        "gem": {"httpUrl": "https://mcp.example.com/mcp?token=${SEARCH_TOKEN}&key=<your-key>"},
        "plain": {"url": "https://mcp.example.com/mcp?page=2&format=json"},
    })
    repo.write(".gemini/settings.json", text)
    code, out, err = _run(capsys, ".gemini/settings.json")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2, out
    assert "mcpServers.db.url (password in user:pass@)" in lines[0] and '"$DB_PASSWORD"' in lines[0]
    assert lines[1].startswith(f".gemini/settings.json:{_where(text, key)[0]}:")
    assert "mcp-literal-credential mcpServers.search.serverUrl (query parameter api_key)" in lines[1]
    _no_leak(password, out, err)
    _no_leak(key, out, err)


def test_command_string_inline_assignment(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    secret = _opaque(22)
    repo.write(".mcp.json", _mcp({
        "a": {"command": f"NOTION_API_TOKEN={secret} npx -y @notionhq/notion-mcp-server"},
        "b": {"command": "sh", "args": ["-c", f"cd /srv && API_SECRET='{secret}' exec node server.js"]},
        "c": {"command": "env NOTION_API_TOKEN=$NOTION_API_TOKEN npx server"},
    }))
    code, out, err = _run(capsys, ".mcp.json")
    assert code == 1
    assert "mcpServers.a.command (NOTION_API_TOKEN=…) holds a literal credential" in out
    assert "mcpServers.b.args[1] (API_SECRET=…) holds a literal credential" in out
    assert "mcpServers.c" not in out
    _no_leak(secret, out, err)


def test_command_is_never_executed(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.write(".mcp.json", _mcp({"x": {"command": "touch pwned-by-command", "args": ["pwned-by-args"]},
                                      "y": {"command": "sh", "args": ["-c", "touch pwned-by-shell"]}}))
    assert _run(capsys, ".mcp.json")[0] == 0
    assert not list(repo.path.glob("pwned*"))


def test_vscode_input_default_is_caught_and_the_reference_passes(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    secret, other = _opaque(23), _opaque(24)
    text = json.dumps({
        "inputs": [{"type": "promptString", "id": "perplexity-key", "description": "Perplexity API Key",
                    "password": True, "default": secret},
                   {"type": "promptString", "id": "region", "description": "Region", "default": "eu-west-1"},
                   {"type": "promptString", "id": "pin", "description": "Unlock code", "password": True,
                    "default": other}],
        "servers": {"perplexity": {"type": "stdio", "command": "npx", "args": ["-y", "server-perplexity-ask"],
                                   "env": {"PERPLEXITY_API_KEY": "${input:perplexity-key}"}}},
    }, indent=2)
    repo.write(".vscode/mcp.json", text)
    code, out, err = _run(capsys, ".vscode/mcp.json")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2, out
    assert lines[0].startswith(f".vscode/mcp.json:{_where(text, secret)[0]}:")
    assert "inputs[0].default (default of a promptString input) holds a literal credential" in lines[0]
    assert 'remove the "default"' in lines[0]
    assert "inputs[2].default" in lines[1]  # "password": true declares it a secret whatever its name
    _no_leak(secret, out, err)


def test_default_in_a_reference_is_committed_text(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    secret = _opaque(25)
    repo.write(".mcp.json", _mcp({"s": {"env": {"API_TOKEN": f"${{API_TOKEN:-{secret}}}",
                                                    "MODE_TOKEN": "${MODE_TOKEN:-}"}}}))
    code, out, err = _run(capsys, ".mcp.json")
    assert code == 1
    assert out.count("\n") == 1
    assert "mcpServers.s.env.API_TOKEN (the default of ${VAR:-…}) holds a literal credential" in out
    _no_leak(secret, out, err)


def test_codex_pass_through_and_header_advice(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    bearer, header = _opaque(26), _opaque(27)
    # Variable names with digits: literals to the key-name check, so these keys must be skipped.
    pat, key = "LINEAR_PAT" + "2", "LINEAR_KEY" + "9"
    text = ('[mcp_servers.github]\ncommand = "npx"\nenv_vars = ["GITHUB_PAT2", "X9_TOKEN"]\n\n'
            f'[mcp_servers.linear]\nurl = "https://mcp.linear.app/mcp"\nbearer_token_env_var = "{pat}"\n'
            f'env_http_headers = {{ "X-Api-Key" = "{key}" }}\n\n'
            f'[mcp_servers.remote]\nurl = "https://mcp.example.com/mcp"\n'
            f'http_headers = {{ "Authorization" = "Bearer {bearer}", "X-Api-Key" = "{header}" }}\n')
    repo.write(".codex/config.toml", text)
    code, out, err = _run(capsys, ".codex/config.toml")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2, out
    assert all(line.startswith(f".codex/config.toml:{_where(text, bearer)[0]}:") for line in lines)
    assert 'use bearer_token_env_var = "REMOTE_TOKEN"' in out
    assert 'use env_http_headers = { "X-Api-Key" = "REMOTE_X_API_KEY" }' in out
    _no_leak(bearer, out, err)


def test_one_finding_per_value_and_core_fingerprint(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    secret = tokens.anthropic_key(seed=28)
    repo.write(".mcp.json", _mcp({"claude": {"env": {"ANTHROPIC_API_KEY": secret}}}))
    code = main([".mcp.json", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1
    report = json.loads(out)
    assert [f["rule_id"] for f in report["findings"]] == ["anthropic-api-key"]  # not also the key-name rule
    # the same fingerprint the core hook gives this secret, so baselines and allow-lists carry over
    assert report["findings"][0]["fingerprint"] == fingerprint("anthropic-api-key", secret)
    _no_leak(secret, out, err)


# --- formats ---------------------------------------------------------------------------------------

def test_jsonc_comments_trailing_commas_and_secrets_in_comments(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    secret, commented = _opaque(30), tokens.github_classic(seed=31)
    text = ('// VS Code reads this file as JSONC\n{\n  /* servers */\n  "servers": {\n    "api": {\n'
            '      "type": "http",\n      "url": "https://mcp.example.com",\n'
            f'      "headers": {{ "Authorization": "Bearer {secret}", }}, // trailing comma\n'
            f'    }},\n  }},\n  // old token: {commented}\n}}\n')
    repo.write(".vscode/mcp.json", text)
    code, out, err = _run(capsys, ".vscode/mcp.json")
    assert code == 1, err
    lines = out.splitlines()
    line, column = _where(text, '"Bearer')
    column += len('"Bearer ')  # the secret itself, after the scheme
    assert line == 8
    assert lines[0].startswith(f".vscode/mcp.json:8:{column}: mcp-literal-credential servers.api.headers.Authorization")
    assert lines[1].startswith(".vscode/mcp.json:11:") and "github-pat" in lines[1]  # this hook owns the file
    _no_leak(secret, out, err)
    _no_leak(commented, out, err)


def test_credential_outside_the_servers_table_of_an_mcp_file(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    secret, provider = _opaque(32), tokens.stripe_live(seed=33)
    repo.write("mcp_config.json", json.dumps({"apiKey": secret, "billing": {"note": provider},
                                                  "mcpServers": {"x": {"command": "uvx", "args": ["srv"]}}}, indent=1))
    code, out, err = _run(capsys, "mcp_config.json")
    assert code == 1
    assert "mcp-literal-credential apiKey holds a literal credential; keep it out of the committed config" in out
    assert "stripe-secret-key" in out and "in billing.note;" in out
    _no_leak(secret, out, err)


@pytest.mark.parametrize(("name", "text", "message"), [
    (".mcp.json", '{\n  "mcpServers": {\n    "a": {"command": "npx",}\n    "b": {}\n  }\n}\n',
     "malformed JSON: line 4, column 5: expected , or }"),
    (".cursor/mcp.json", '{"mcpServers": {"a": {"command": "npx"}}', "malformed JSON: line 1, column 41: expected , or }"),
    (".mcp.yaml", "mcpServers:\n  a:\n    command: [npx\n  b: 1\n", "malformed YAML: line "),
    (".codex/config.toml", '[mcp_servers.a]\ncommand = "npx\n', "malformed TOML: "),
    ("claude_desktop_config.json", "", "malformed JSON: line 1, column 1: unexpected end of document"),
])
def test_malformed_files_fail_closed_naming_the_file(repo, capsys, name, text, message) -> None:  # type: ignore[no-untyped-def]
    repo.write(name, text)
    code, out, err = _run(capsys, name)
    assert code == 2
    assert f"credwall: error: {name}: {message}" in err
    assert "Traceback" not in out + err and "scan INCOMPLETE" in err


def test_yaml_alias_bomb_is_refused_quickly(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{n}: &a{n} [{', '.join(['*a' + str(n - 1)] * 9)}]" for n in range(1, 10)]
    repo.write(".mcp.yaml", "\n".join(levels) + "\nmcpServers: *a9\n")
    started = time.perf_counter()
    code, out, err = _run(capsys, ".mcp.yaml")
    assert time.perf_counter() - started < 2.0
    assert code == 2
    assert "credwall: error: .mcp.yaml: malformed YAML: " in err and "refused" in err
    assert "Traceback" not in err


def test_binary_file_fails_closed(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.write(".mcp.json", b"\x00\x01\x02mcpServers\xff\xfe\x00")
    code, _, err = _run(capsys, ".mcp.json")
    assert code == 2 and ".mcp.json: not a text file" in err


# --- found by shape ------------------------------------------------------------------------------

def test_servers_table_found_by_shape_in_any_file(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    secret = _opaque(40)
    repo.write("config/agents.json", json.dumps({"agents": [{"name": "triage", "mcpServers": {
        "sentry": {"command": "npx", "env": {"SENTRY_AUTH_TOKEN": secret}}}}]}))
    repo.write(".vscode/settings.json", json.dumps({"editor.tabSize": 2, "mcp": {"servers": {
        "s": {"type": "http", "url": "https://x.example.com", "headers": {"Authorization": f"Bearer {secret}"}}}}}))
    repo.write(".zed/settings.json", json.dumps({"context_servers": {"pg": {"command": {
        "path": "npx", "args": ["-y", "postgres-mcp", f"--password={secret}"], "env": {"PG_TOKEN": secret}}}}}))
    repo.write("deploy/librechat.yaml", f"version: 1.2.1\nmcpServers:\n  gh:\n    type: sse\n"
                                            f"    url: https://mcp.example.com/sse\n    headers:\n      X-Auth-Token: {secret}\n")
    code, out, err = _run(capsys, "config/agents.json", ".vscode/settings.json", ".zed/settings.json",
                          "deploy/librechat.yaml")
    assert code == 1
    assert "agents[0].mcpServers.sentry.env.SENTRY_AUTH_TOKEN holds a literal credential; use a reference" in out
    assert "mcp.servers.s.headers.Authorization holds" in out and "${input:" in out  # VS Code settings
    assert "context_servers.pg.command.args[2] (value of --password)" in out
    assert "context_servers.pg.command.env.PG_TOKEN" in out
    assert "deploy/librechat.yaml:7:21: mcp-literal-credential mcpServers.gh.headers.X-Auth-Token" in out
    assert out.count("\n") == 5
    _no_leak(secret, out, err)


def test_files_without_servers_are_ignored(repo, capsys) -> None:  # type: ignore[no-untyped-def]
    secret = _opaque(41)
    repo.write("package.json", json.dumps({"name": "x", "config": {"token": secret}}))
    repo.write("inventory.yaml", f"servers:\n  web1:\n    host: 10.0.0.1\n    password: {secret}\n")
    repo.write("notes.txt", f"mcpServers token {secret}\n")
    code, out, err = _run(capsys, "package.json", "inventory.yaml", "notes.txt")
    assert (code, out) == (0, "")
    assert "no secrets found" in err


# --- reuse by the agent-files hook ---------------------------------------------------------------

def test_inspect_servers_reports_and_returns_what_it_examined(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from credwall.analysers.mcp import inspect_servers
    from credwall.analysers.structured import load_json
    from credwall.engine.analysis import Analysis, resolve
    from credwall.engine.session import load_matcher

    secret = _opaque(50)
    text = json.dumps({"env": {"ANTHROPIC_API_KEY": "x"}, "mcpServers": {"db": {"env": {"DB_PASSWORD": secret}}}})
    document, leaves = load_json(text)
    matcher = load_matcher()
    analysis = Analysis(".claude/settings.json", "agent-settings", text.encode(), text, matcher, matcher.rules_by_id)
    examined = inspect_servers(analysis, document, leaves)
    findings = resolve(analysis).findings
    assert [(f.rule_id, f.line, f.column) for f in findings] == [("mcp-literal-credential", 1, text.index(secret) + 1)]
    assert "mcpServers.db.env.DB_PASSWORD" in findings[0].message
    assert examined == {("mcpServers", "db", "env", "DB_PASSWORD")}  # the caller checks env itself
    assert inspect_servers(analysis, {"env": {}}, []) == set()


def test_agent_settings_are_judged_the_same_by_both_hooks(git_repo, capsys) -> None:  # type: ignore[no-untyped-def]
    """.claude/settings.json is an MCP config and an agent file: both hooks give the same answer."""
    from credwall.hooks.check_agent_files import main as agent_main

    git_repo.write(".pre-commit-config.yaml", "repos:\n- repo: local\n  hooks:\n  - id: credwall-mcp\n"
                                              "  - id: credwall-agent-files\n")
    git_repo.write(".claude/settings.json", _mcp({"s": {"env": {"API_TOKEN": _opaque(51)}}}))
    code, out, err = _run(capsys, ".claude/settings.json")
    assert code == 1 and "mcp-literal-credential mcpServers.s.env.API_TOKEN" in out
    assert agent_main([".claude/settings.json"]) == 1
    assert capsys.readouterr().out == out
