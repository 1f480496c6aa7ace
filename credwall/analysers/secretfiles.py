"""Secret files: committed .env files, private keys, keystores and credential files, judged
by name and content. The `credwall-env-files` hook (hooks/check_env_files.py) is a thin wrapper
around `check`; its docstring lists the rule ids."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
from typing import NamedTuple

from .registry import classify
from .dotenv import parse as parse_dotenv
from ..engine.filters import (credential_key, generic_value_reason, literal_value_reason,
                              placeholder_reason, reference_reason, shannon_entropy)
from ..engine.findings import make_finding
from ..sources.files import decode

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

    from ..engine.findings import Finding
    from ..hookkit import FileCheck
    from .structured import Leaf

    # What a content check finds: values to name in messages, values that are credentials.
    _Found = tuple[list["_Region"], list["_Slot"]]
    _Finder = Callable[[FileCheck, str, str], _Found]


_KEYSTORE_KINDS = {".p12": "PKCS#12 keystore", ".pfx": "PKCS#12 keystore", ".pkcs12": "PKCS#12 keystore",
                   ".jks": "Java keystore", ".keystore": "keystore", ".kdbx": "KeePass database"}
_TFSTATE_SUFFIXES = (".tfstate", ".tfstate.backup")
_SSH_KEY_NAMES = frozenset({"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"})
_DER_SUFFIXES = (".pem", ".key", ".p8")
_PGP_SUFFIXES = (".gpg", ".asc")

# Keys whose value is a credential by the file's format: checked with the loose slot test.
_DOCKER_SLOTS = frozenset({"auth", "password", "identitytoken", "registrytoken"})
_KUBE_SLOTS = frozenset({"token", "client-key-data", "password", "access-token", "refresh-token",
                         "id-token", "client-secret"})
_NPMRC_SLOTS = frozenset({"_authtoken", "_auth", "_password", "password", "authtoken", "token"})
_INI_SLOTS = frozenset({"password", "passwd", "aws_secret_access_key", "aws_session_token",
                        "aws_security_token", "secret_key", "gs_secret_access_key",
                        "gs_oauth2_refresh_token"})
# Keys that name something other than a secret, whatever their value looks like.
_NOT_SECRET_KEY = re.compile(r"(?i)(?:^|[_.-])(?:ids?|name|url|uri|path|file|dir|host|port|user|username|email"
                             r"|region|version|sha|digest|commit|ref|tag|bucket|project|org|account|env|mode|level)$")
_KUBE_REDACTED = frozenset({"data+omitted", "redacted"})  # what `kubectl config view` prints

_OVPN_STATIC_KEY = re.compile(r"-----BEGIN OpenVPN Static key V1-----[ \t]*\r?\n"
                              r"(?:[ \t]*[0-9a-fA-F]{32}[ \t]*\r?\n){8,}")
_OVPN_INLINE_AUTH = re.compile(r"<auth-user-pass>[ \t]*\r?\n[ \t]*[^\r\n<]*\r?\n[ \t]*(?P<pw>[^\s<][^\r\n<]*)")
_GIT_CREDENTIAL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?P<user>[^:/@\s]*)(?::(?P<pw>[^@\s]*))?@(?P<host>[^/\s:?#]+)")
_HTPASSWD = re.compile(r"(?P<user>[^:#\s][^:\r\n]*):(?P<hash>\S+)")
_NETRC_TOKEN = re.compile(r'"(?:[^"\\\r\n]|\\.)*"|[^\s"]+')
_PRIVATE_KEY_BODY = re.compile(r"PRIVATE KEY-----(?:\\n|\s)+[A-Za-z0-9+/]{40}")


def check(ctx: FileCheck, path: str, data: bytes) -> None:
    norm = path.replace(os.sep, "/")
    kind = classify(path)
    if kind == "env" or kind == "env-template":
        _check_env(ctx, path, data, template=kind == "env-template")
    elif kind == "keyfile":
        _check_keyfile(ctx, path, norm, data)
    # Anything else is not this hook's business (the core hook scans it).


# --- shared: spans, regions, slots, merging --------------------------------------------------

class _Region(NamedTuple):
    """Where a named value sits (an env key, a JSON path), to name it in provider findings."""
    start: int
    end: int
    label: str


class _Slot(NamedTuple):
    """A value the file's structure says is a credential; reported unless a provider rule was."""
    start: int
    end: int
    secret: str
    rule_id: str
    message: str


def _untrack(path: str, then: str) -> str:
    return f"remove it from git (`git rm --cached {shlex.quote(path)}`), add it to .gitignore, and {then}"


def _line_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def _offset(starts: list[int], line: int, column: int) -> int:
    return starts[min(line, len(starts)) - 1] + column - 1


def _where(starts: list[int], offset: int) -> tuple[int, int]:
    """1-based (line, column) of an offset."""
    from bisect import bisect_right

    line = bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def _finding_span(starts: list[int], f: Finding) -> tuple[int, int]:
    return _offset(starts, f.line, f.column), _offset(starts, f.end_line, f.end_column)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


def _generic_ids(ctx: FileCheck) -> frozenset[str]:
    return frozenset(r.id for r in ctx.matcher.rules if r.generic)


def _report(ctx: FileCheck, path: str, text: str, scanned: list[Finding], regions: list[_Region],
            slots: list[_Slot], noun: str, advice: str) -> int:
    """Provider findings first (the file's context and advice added), then slots no provider
    finding overlaps, then generic findings on values nothing else claimed. How many added."""
    starts = _line_starts(text)
    generic = _generic_ids(ctx)
    claimed: list[tuple[int, int]] = []
    added = 0
    for f in scanned:
        if f.rule_id in generic:
            continue
        start, end = _finding_span(starts, f)
        label = next((r.label for r in regions if r.start <= start < r.end), None)
        where = f"in {label} of {noun}" if label else f"in {noun}"
        ctx.add(f._replace(message=f"{f.message}, {where}: {advice}"))
        claimed.append((start, end))
        added += 1
    for slot in slots:
        if _overlaps(claimed, slot.start, slot.end):
            continue
        line, column = _where(starts, slot.start)
        ctx.add(make_finding(rule_id=slot.rule_id, path=path, line=line, column=column, secret=slot.secret,
                             confidence="high", message=slot.message))
        claimed.append((slot.start, slot.end))
        added += 1
    for f in scanned:
        if f.rule_id not in generic:
            continue
        start, end = _finding_span(starts, f)
        if _overlaps(claimed, start, end):
            continue
        ctx.add(f._replace(message=f"{f.message}, in {noun}: {advice}"))
        claimed.append((start, end))
        added += 1
    return added


def _file_finding(ctx: FileCheck, rule_id: str, path: str, data: bytes, message: str) -> None:
    """A finding about the whole file, at line 1. Its fingerprint covers name and content, so
    allowing one file does not allow a different key committed under the same name."""
    name = path.replace(os.sep, "/").rsplit("/", 1)[-1]
    secret = f"{name}\0sha256:{hashlib.sha256(data).hexdigest()}"
    ctx.add(make_finding(rule_id=rule_id, path=path, line=1, column=1, secret=secret, confidence="high",
                         message=message))


def _decoded(ctx: FileCheck, data: bytes) -> str | None:
    decoded = decode(data)
    if decoded.text is not None and decoded.note:
        ctx.result.notes[decoded.note] += 1  # said in the summary, as the core scan does
    return decoded.text


# --- value tests -----------------------------------------------------------------------------

def _slot_reason(value: str) -> str | None:
    """Why a value in a credential slot (npmrc `_authToken`, netrc `password`, kubeconfig `token`)
    is not a credential: the slot itself says it would be one, so only empty values, references
    and placeholders are excused, not short or plain-looking ones."""
    stripped = value.strip()
    if not stripped:
        return "empty"
    if stripped.lower() in _KUBE_REDACTED:
        return "placeholder"
    return reference_reason(stripped) or placeholder_reason(stripped)


def _random_looking(value: str, min_length: int = 20) -> bool:
    """A generated-looking token: long, no blanks, mixed-case letters and digits (or long hex),
    not a placeholder or reference, high enough entropy."""
    if not min_length <= len(value) <= 8192 or any(ch.isspace() for ch in value):
        return False
    if reference_reason(value) or placeholder_reason(value):
        return False
    has_digit = any(ch.isdigit() for ch in value)
    hexlike = len(value) >= 32 and has_digit and all(ch in "0123456789abcdefABCDEF" for ch in value)
    mixed = has_digit and any(ch.isupper() for ch in value) and any(ch.islower() for ch in value)
    return (hexlike or mixed) and shannon_entropy(value) >= 3.3


def _credential_value(key: str, value: str) -> bool:
    """Would this KEY=value hold a credential? A credential-named key with a literal value, or a
    random-looking value under a key that does not name an identifier (`STRIPE_PRICE_ID`,
    `BUILD_SHA`), when the value is not a URL, path or other code-shaped string."""
    if credential_key(key):
        return literal_value_reason(value) is None or _random_looking(value)
    return (_random_looking(value) and _NOT_SECRET_KEY.search(key) is None
            and generic_value_reason(value) is None)


# --- env files -------------------------------------------------------------------------------

def _check_env(ctx: FileCheck, path: str, data: bytes, template: bool) -> None:
    name = path.replace(os.sep, "/").rsplit("/", 1)[-1]
    text = _decoded(ctx, data)
    if text is None:
        if template:
            ctx.error(path, "not a text file (binary content): cannot check that the template holds placeholders only")
        else:
            _file_finding(ctx, "env-file-committed", path, data,
                          "committed env file (binary content): " + _untrack(path, "rotate the credentials it held"))
        return
    parsed = parse_dotenv(text)
    scanned = ctx.scan_text(path, text)
    starts = _line_starts(text)
    generic = _generic_ids(ctx)
    generic_spans = [_finding_span(starts, f) for f in scanned if f.rule_id in generic]
    regions: list[_Region] = []
    slots: list[_Slot] = []
    for entry in parsed.entries:
        start = starts[entry.line - 1]
        end = starts[entry.end_line] if entry.end_line < len(starts) else len(text)
        regions.append(_Region(start, end, entry.key))
        if not (_credential_value(entry.key, entry.value) or _overlaps(generic_spans, start, end)):
            continue
        value_start = _offset(starts, entry.line, entry.column)
        if template:
            message = (f"{entry.key} in env template {name} holds a real-looking value: templates must hold "
                       f"placeholders only; write an empty value, a placeholder or a ${{VAR}} reference, "
                       f"and rotate the credential if it was real")
            slots.append(_Slot(value_start, end, entry.value, "env-template-real-value", message))
        else:
            what = "literal credential" if credential_key(entry.key) else "credential-looking value"
            message = f"{what} in {entry.key} in committed env file: {_untrack(path, f'rotate {entry.key}')}"
            slots.append(_Slot(value_start, end, entry.value, "env-file-value", message))
    if template:
        noun, advice = (f"env template {name}",
                        "templates must hold placeholders only; replace the value with a placeholder or a "
                        "${VAR} reference, and rotate the credential")
    else:
        noun, advice = "committed env file", _untrack(path, "rotate the credential")
    added = _report(ctx, path, text, scanned, regions, slots, noun, advice)
    if not added and not template:
        _file_finding(ctx, "env-file-committed", path, data,
                      "committed env file (no credential-looking value in it yet): "
                      + _untrack(path, "commit a placeholder-only .env.example instead"))


# --- key and credential files ----------------------------------------------------------------

def _check_keyfile(ctx: FileCheck, path: str, norm: str, data: bytes) -> None:
    name = norm.rsplit("/", 1)[-1].lower()
    if name.endswith(_TFSTATE_SUFFIXES):
        _file_finding(ctx, "terraform-state", path, data,
                      "Terraform state holds resource secrets (database passwords, keys, tokens) in plain text: "
                      + _untrack(path, "keep state in an encrypted remote backend; rotate the secrets it held"))
        return
    suffix = name[name.rfind("."):] if "." in name else ""
    if suffix in _KEYSTORE_KINDS:
        _file_finding(ctx, "keystore-file", path, data,
                      f"{_KEYSTORE_KINDS[suffix]} committed (binary, holds private keys or passwords): "
                      + _untrack(path, "replace the keys it holds; keep keystores in a secret store"))
        return
    text = _decoded(ctx, data)
    if text is None:
        _check_binary_key(ctx, path, name, data)
        return
    scanned = ctx.scan_text(path, text)
    finder, noun, advice = _format(path, norm, name, text)
    if finder is _json_credentials and '"service_account"' in text and _PRIVATE_KEY_BODY.search(text):
        # One service-account key, one finding: its private_key_id only names the same key.
        scanned = [f for f in scanned if f.rule_id != "gcp-service-account-key-id"]
    regions, slots = finder(ctx, path, text)
    added = _report(ctx, path, text, scanned, regions, slots, noun, advice)
    if not added and (name in _SSH_KEY_NAMES or name.endswith(".ppk")):
        _file_finding(ctx, "private-key-file", path, data,
                      f"private key file by its name ({name}): " + _untrack(path, "replace the key pair"))


def _format(path: str, norm: str, name: str, text: str) -> tuple[_Finder, str, str]:
    """The content check for a keyfile, the noun naming it and the advice for its findings."""
    rotate = _untrack(path, "rotate the credential")
    if name == ".npmrc":
        return (_npmrc, name,
                "replace the value with an environment reference (`_authToken=${NPM_TOKEN}`) and revoke the token")
    if name in (".netrc", "_netrc"):
        return _netrc, f"credential file {name}", rotate
    if name == ".git-credentials":
        return _git_credentials, f"credential file {name}", rotate
    if name == ".htpasswd":
        return _htpasswd, f"password file {name} (hashes crack offline)", _untrack(path, "change the passwords")
    if name == ".pgpass":
        return _pgpass, f"credential file {name}", _untrack(path, "change the password")
    if name == ".dockercfg" or norm.endswith(".docker/config.json"):
        return _docker, "Docker config", _untrack(path, "use a credential helper (credsStore); change the password")
    if name == "kubeconfig" or norm.endswith(".kube/config"):
        return (_kubeconfig, f"kubeconfig {name}",
                _untrack(path, "use an exec credential plugin; revoke the credential"))
    if name.endswith(".json") or (name == "credentials" and text.lstrip("\ufeff \t\r\n").startswith("{")):
        if '"service_account"' in text:
            return (_json_credentials, f"service-account key file {name}",
                    _untrack(path, "delete the key in Google Cloud IAM (`gcloud iam service-accounts keys delete`)"))
        return _json_credentials, f"credential file {name}", rotate
    if name in (".pypirc", ".s3cfg", ".boto", "credentials"):
        return _ini, f"credential file {name}", rotate
    if name.endswith(".ovpn"):
        return _ovpn, f"OpenVPN config {name}", _untrack(path, "replace the key or password")
    key_advice = _untrack(path, "replace the key pair: once pushed, a private key is compromised")
    if name.endswith(".key"):
        return _bare_key, f"key file {name}", key_advice
    return _no_slots, f"key file {name}", key_advice


def _no_slots(ctx: FileCheck, path: str, text: str) -> _Found:
    """PEM/OpenSSH/PGP/PuTTY key files: the provider rules find private keys; certificates,
    public keys and encrypted OpenPGP messages match none and pass."""
    return [], []


def _bare_key(ctx: FileCheck, path: str, text: str) -> _Found:
    """A .key file holding one random token: a symmetric key such as Rails' master.key."""
    token = text.strip("\ufeff \t\r\n")
    if not _random_looking(token, min_length=16):
        return [], []
    start = text.index(token)
    message = ("bare secret key in a .key file (e.g. Rails config/master.key): "
               + _untrack(path, "generate a new key and re-encrypt what the old one protected"))
    return [], [_Slot(start, start + len(token), token, "secret-key-file", message)]


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line without its line end) for each line."""
    out = []
    offset = 0
    for raw in text.split("\n"):
        out.append((offset, raw.rstrip("\r")))
        offset += len(raw) + 1
    return out


def _unquote(value: str) -> tuple[str, int]:
    """A value without matching surrounding quotes, and how far its text moved right."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1], 1
    return value, 0


def _pairs(text: str, separators: str) -> list[tuple[int, str, str, str]]:
    """INI-style `key = value` lines: (value offset, section, key, value). `#` and `;` comment
    lines and `[section]` headers are not pairs; the first separator on a line splits it."""
    pairs = []
    section = ""
    for offset, line in _lines(text):
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip()
            continue
        cut = min((i for i in (line.find(s) for s in separators) if i > 0), default=-1)
        if cut < 0:
            continue
        key = line[:cut].strip()
        rest = line[cut + 1:]
        value_start = cut + 1 + (len(rest) - len(rest.lstrip()))
        value, shift = _unquote(rest.strip())
        pairs.append((offset + value_start + shift, section, key, value))
    return pairs


def _npmrc(ctx: FileCheck, path: str, text: str) -> _Found:
    """`//registry.npmjs.org/:_authToken=…`, `_auth=…`, `_password=…`; `registry=` passes."""
    regions: list[_Region] = []
    slots: list[_Slot] = []
    for start, _section, key, value in _pairs(text, "="):
        end = start + len(value)
        regions.append(_Region(start, max(end, start + 1), key))
        setting = key.rsplit(":", 1)[-1].lower()
        if setting in _NPMRC_SLOTS and _slot_reason(value) is None:
            message = (f"literal npm credential in {key} in .npmrc: replace it with an environment reference "
                       f"(`{key}=${{NPM_TOKEN}}`) and revoke the token")
            slots.append(_Slot(start, end, value, "credential-file", message))
    return regions, slots


def _ini(ctx: FileCheck, path: str, text: str) -> _Found:
    """.pypirc, .s3cfg, .boto, AWS `credentials`: credential-named keys with literal values."""
    name = path.replace(os.sep, "/").rsplit("/", 1)[-1]
    regions: list[_Region] = []
    slots: list[_Slot] = []
    for start, section, key, value in _pairs(text, "=:"):
        label = f"[{section}] {key}" if section else key
        end = start + len(value)
        regions.append(_Region(start, max(end, start + 1), label))
        lowered = key.lower()
        if lowered in _INI_SLOTS:
            credential = _slot_reason(value) is None
        else:
            credential = credential_key(key) and _credential_value(key, value)
        if credential:
            message = f"literal credential {label} in {name}: {_untrack(path, 'rotate the credential')}"
            slots.append(_Slot(start, end, value, "credential-file", message))
    return regions, slots


def _netrc(ctx: FileCheck, path: str, text: str) -> _Found:
    """`machine host login user password secret`, on one line or several; macdef bodies skipped."""
    name = path.replace(os.sep, "/").rsplit("/", 1)[-1]
    tokens: list[tuple[int, str]] = []
    in_macdef = False
    for offset, line in _lines(text):
        if in_macdef:
            in_macdef = bool(line.strip())  # a macro body ends at a blank line
            continue
        if line.lstrip().startswith("#"):
            continue
        for m in _NETRC_TOKEN.finditer(line):
            tokens.append((offset + m.start(), m.group()))
            if m.group() == "macdef":
                in_macdef = True
    regions: list[_Region] = []
    slots: list[_Slot] = []
    machine = "default"
    for i, (offset, token) in enumerate(tokens):
        if token == "machine" and i + 1 < len(tokens):
            machine = tokens[i + 1][1]
        elif token == "default":
            machine = "default"
        elif token in ("password", "passwd", "account") and i + 1 < len(tokens):
            value_offset, raw = tokens[i + 1]
            value, shift = _unquote(raw)
            label = f"{token} of machine {machine}"
            regions.append(_Region(value_offset, value_offset + len(raw), label))
            if _slot_reason(value) is None:
                message = f"{label} in {name}: {_untrack(path, 'change the password')}"
                slots.append(_Slot(value_offset + shift, value_offset + shift + len(value), value,
                                   "credential-file", message))
    return regions, slots


def _git_credentials(ctx: FileCheck, path: str, text: str) -> _Found:
    """`https://user:token@host` lines, as `git credential-store` writes them; a token may also
    sit in the user part (`https://<token>:x-oauth-basic@github.com`, `https://<token>@host`)."""
    regions: list[_Region] = []
    slots: list[_Slot] = []
    for offset, line in _lines(text):
        m = _GIT_CREDENTIAL.search(line)
        if m is None:
            continue
        label = f"the credential for {m.group('host')}"
        regions.append(_Region(offset + m.start(), offset + m.end(), label))
        password = m.group("pw") or ""
        if password and password.lower() != "x-oauth-basic":
            group, secret = "pw", password if _slot_reason(password) is None else ""
        else:
            group, secret = "user", m.group("user") if _random_looking(m.group("user"), min_length=16) else ""
        if secret:
            message = f"{label} in .git-credentials: {_untrack(path, 'revoke the token')}"
            slots.append(_Slot(offset + m.start(group), offset + m.end(group), secret, "credential-file", message))
    return regions, slots


def _htpasswd(ctx: FileCheck, path: str, text: str) -> _Found:
    """`user:hash` lines: hashes of web passwords, crackable offline."""
    regions: list[_Region] = []
    slots: list[_Slot] = []
    for offset, line in _lines(text):
        m = _HTPASSWD.match(line.lstrip())
        if m is None:
            continue
        shift = len(line) - len(line.lstrip())
        start, end = offset + shift + m.start("hash"), offset + shift + m.end("hash")
        label = f"the password hash of {m.group('user')}"
        regions.append(_Region(offset, offset + len(line), label))
        if _slot_reason(m.group("hash")) is None:
            message = f"{label} in .htpasswd (crackable offline): {_untrack(path, 'change the password')}"
            slots.append(_Slot(start, end, m.group("hash"), "credential-file", message))
    return regions, slots


def _pgpass(ctx: FileCheck, path: str, text: str) -> _Found:
    """`host:port:database:user:password` lines (`\\:` escapes a colon)."""
    regions: list[_Region] = []
    slots: list[_Slot] = []
    for offset, line in _lines(text):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        colons = [m.start() for m in re.finditer(r"(?<!\\):", line)]
        if len(colons) < 4:
            continue
        start = colons[3] + 1
        password = line[start:]
        label = f"the password for {line[:colons[3]]}"
        regions.append(_Region(offset, offset + len(line), label))
        if _slot_reason(password) is None:
            message = f"{label} in .pgpass: {_untrack(path, 'change the password')}"
            slots.append(_Slot(offset + start, offset + len(line), password, "credential-file", message))
    return regions, slots


def _leaves(ctx: FileCheck, path: str, text: str, kind: str) -> list[Leaf] | None:
    from .structured import StructureError, load_json, load_yaml

    try:
        _data, leaves = (load_yaml if kind == "YAML" else load_json)(text)
    except StructureError as exc:
        ctx.error(path, f"malformed {kind}: {exc}")
        return None
    return leaves


def _leaf_span(text: str, starts: list[int], leaf: Leaf) -> tuple[int, int]:
    """Where a leaf's value is written: a JSON string to its closing quote, else to the line end."""
    start = _offset(starts, leaf.line, leaf.column)
    if text.startswith('"', start):
        pos = start + 1
        while pos < len(text) and text[pos] != '"':
            pos += 2 if text[pos] == "\\" else 1
        return start, min(pos + 1, len(text))
    eol = text.find("\n", start)
    return start, len(text) if eol < 0 else eol


def _leaf_regions(text: str, leaves: list[Leaf]) -> tuple[list[int], list[tuple[Leaf, str, int, int]]]:
    from .structured import dotted

    starts = _line_starts(text)
    return starts, [(leaf, dotted(leaf.path), *_leaf_span(text, starts, leaf)) for leaf in leaves]


def _last_key(leaf: Leaf) -> str:
    return next((p for p in reversed(leaf.path) if isinstance(p, str)), "")


def _docker(ctx: FileCheck, path: str, text: str) -> _Found:
    """`auths.<registry>.auth` (base64 user:password), `password`, `identitytoken`; a config
    with only `credsStore`/`credHelpers` passes."""
    leaves = _leaves(ctx, path, text, "JSON")
    regions: list[_Region] = []
    slots: list[_Slot] = []
    for leaf, label, start, end in _leaf_regions(text, leaves or [])[1]:
        regions.append(_Region(start, end, label))
        if _last_key(leaf).lower() in _DOCKER_SLOTS and _slot_reason(leaf.value) is None:
            message = (f"registry credential at {label} in Docker config: "
                       + _untrack(path, "use a credential helper (credsStore); change the password"))
            slots.append(_Slot(start, end, leaf.value, "credential-file", message))
    return regions, slots


def _kubeconfig(ctx: FileCheck, path: str, text: str) -> _Found:
    """`users[].user.token`, `client-key-data`, `password`, auth-provider tokens. Certificates
    (`client-certificate-data`, `certificate-authority-data`) and exec plugins pass."""
    leaves = _leaves(ctx, path, text, "YAML")
    regions: list[_Region] = []
    slots: list[_Slot] = []
    for leaf, label, start, end in _leaf_regions(text, leaves or [])[1]:
        regions.append(_Region(start, end, label))
        if _last_key(leaf).lower() in _KUBE_SLOTS and _slot_reason(leaf.value) is None:
            message = (f"kubeconfig credential at {label}: "
                       + _untrack(path, "use an exec credential plugin; revoke the credential"))
            slots.append(_Slot(start, end, leaf.value, "kubeconfig-credentials", message))
    return regions, slots


def _json_credentials(ctx: FileCheck, path: str, text: str) -> _Found:
    """`*credentials*.json`, service-account keys, `credentials` holding JSON: a Google
    service-account key (type service_account with a real private_key), and credential-named
    keys with literal values (`client_secret`, `refresh_token`, `password`)."""
    name = path.replace(os.sep, "/").rsplit("/", 1)[-1]
    leaves = _leaves(ctx, path, text, "JSON")
    service_account = any(leaf.path == ("type",) and leaf.value == "service_account" for leaf in leaves or [])
    regions: list[_Region] = []
    slots: list[_Slot] = []
    for leaf, label, start, end in _leaf_regions(text, leaves or [])[1]:
        regions.append(_Region(start, end, label))
        key = _last_key(leaf)
        if service_account and leaf.path == ("private_key",):
            if _PRIVATE_KEY_BODY.search(leaf.value):
                message = (f"Google Cloud service-account key ({label}) in {name}: "
                           + _untrack(path, "delete the key in IAM (`gcloud iam service-accounts keys delete`)"))
                slots.append(_Slot(start, end, leaf.value, "gcp-service-account-file", message))
            continue
        if key.lower() in _INI_SLOTS:
            credential = _slot_reason(leaf.value) is None
        else:
            credential = credential_key(key) and _credential_value(key, leaf.value)
        if credential:
            message = f"literal credential at {label} in {name}: {_untrack(path, 'rotate the credential')}"
            slots.append(_Slot(start, end, leaf.value, "credential-file", message))
    return regions, slots


def _ovpn(ctx: FileCheck, path: str, text: str) -> _Found:
    """OpenVPN configs with inline secrets: a static key (`<tls-auth>`, `<tls-crypt>`, `<secret>`)
    or an inline `<auth-user-pass>` password. Inline private keys are found by the provider
    rules; certificates (`<ca>`, `<cert>`) pass."""
    slots: list[_Slot] = []
    for m in _OVPN_STATIC_KEY.finditer(text):
        message = "OpenVPN static key (tls-auth/tls-crypt/secret): " + _untrack(path, "generate a new static key")
        slots.append(_Slot(m.start(), m.end(), m.group(), "private-key-file", message))
    for m in _OVPN_INLINE_AUTH.finditer(text):
        if _slot_reason(m.group("pw")) is None:
            message = "inline <auth-user-pass> password in OpenVPN config: " + _untrack(path, "change the password")
            slots.append(_Slot(m.start("pw"), m.end("pw"), m.group("pw"), "credential-file", message))
    return [], slots


# --- binary key files ------------------------------------------------------------------------

def _check_binary_key(ctx: FileCheck, path: str, name: str, data: bytes) -> None:
    key_advice = _untrack(path, "replace the key pair: once pushed, a private key is compromised")
    if name.endswith(_PGP_SUFFIXES):
        if _pgp_packet_tag(data) in (5, 7):  # Secret-Key, Secret-Subkey
            _file_finding(ctx, "private-key-file", path, data, f"OpenPGP secret key (binary): {key_advice}")
        return  # encrypted data, public keys, signatures: what may be committed
    if name.endswith(_DER_SUFFIXES):
        kind = _der_kind(data)
        if kind in ("certificate", "public"):
            return
        what = ("DER private key" if kind == "private"
                else "binary key file, not a recognisable certificate or public key")
        _file_finding(ctx, "private-key-file", path, data, f"{what}: {key_advice}")
        return
    if name in _SSH_KEY_NAMES or name.endswith(".ppk"):
        _file_finding(ctx, "private-key-file", path, data, f"private key file by its name ({name}): {key_advice}")
        return
    ctx.error(path, "not a text file (binary content)")


def _pgp_packet_tag(data: bytes) -> int | None:
    """The tag of an OpenPGP packet stream's first packet (RFC 4880 4.2), or None."""
    if not data or not data[0] & 0x80:
        return None
    first = data[0]
    return first & 0x3F if first & 0x40 else (first >> 2) & 0x0F


def _der_kind(data: bytes) -> str | None:
    """"private", "public" or "certificate" for the DER structures a key file holds, else None.

    PKCS#1/SEC1/PKCS#8 private keys open with a small version INTEGER; X.509 certificates and
    CSRs with a to-be-signed SEQUENCE whose first element is [0] or an INTEGER; public keys
    (SubjectPublicKeyInfo) with an AlgorithmIdentifier then a BIT STRING, encrypted PKCS#8 with
    an AlgorithmIdentifier then an OCTET STRING."""
    def header(pos: int) -> tuple[int, int, int] | None:  # (tag, content start, content length)
        if pos + 2 > len(data):
            return None
        tag, length = data[pos], data[pos + 1]
        pos += 2
        if length & 0x80:
            count = length & 0x7F
            if not 0 < count <= 4 or pos + count > len(data):
                return None
            length = int.from_bytes(data[pos:pos + count], "big")
            pos += count
        return tag, pos, length

    outer = header(0)
    if outer is None or outer[0] != 0x30:
        return None
    first = header(outer[1])
    if first is None:
        return None
    if first[0] == 0x02:
        small_version = first[2] == 1 and first[1] < len(data) and data[first[1]] in (0, 1)
        return "private" if small_version else None
    if first[0] != 0x30:
        return None
    inner = header(first[1])
    second = header(first[1] + first[2])
    if inner is not None and inner[0] in (0xA0, 0x02):
        return "certificate"
    if second is not None and second[0] == 0x03:
        return "public"
    if second is not None and second[0] == 0x04:
        return "private"
    return None

