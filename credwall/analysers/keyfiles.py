"""Key and credential files: private keys (PEM, OpenSSH, PuTTY, DER, OpenPGP), keystores,
Terraform state, and the credential files of common tools (.npmrc, .pypirc, .netrc,
.git-credentials, .htpasswd, .pgpass, .s3cfg, .boto, AWS `credentials`, Docker config,
kubeconfig, `*credentials*.json` and service-account keys, OpenVPN configs).

Each format has a finder that names its values (`[default] aws_secret_access_key`, `users[0].
user.token`) and says which of them are credentials by the format itself (a value in a
credential slot needs only to be a literal, not to look random). Provider rules found in the
file get the value's name and the advice; a private key file no rule recognised is reported by
its name (`private-key-file`).
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple

from ..engine.filters import credential_key
from .values import credential_value, random_looking, slot_reason, untrack, value_span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

    from ..engine.analysis import Analysis
    from .structured import Leaf

    # What a content check finds: values to name in messages, values that are credentials.
    _Found = tuple[list["_Region"], list["_Slot"]]
    _Finder = Callable[[Analysis, str], _Found]


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

_OVPN_STATIC_KEY = re.compile(r"-----BEGIN OpenVPN Static key V1-----[ \t]*\r?\n"
                              r"(?:[ \t]*[0-9a-fA-F]{32}[ \t]*\r?\n){8,}")
_OVPN_INLINE_AUTH = re.compile(r"<auth-user-pass>[ \t]*\r?\n[ \t]*[^\r\n<]*\r?\n[ \t]*(?P<pw>[^\s<][^\r\n<]*)")
_GIT_CREDENTIAL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?P<user>[^:/@\s]*)(?::(?P<pw>[^@\s]*))?@(?P<host>[^/\s:?#]+)")
_HTPASSWD = re.compile(r"(?P<user>[^:#\s][^:\r\n]*):(?P<hash>\S+)")
_NETRC_TOKEN = re.compile(r'"(?:[^"\\\r\n]|\\.)*"|[^\s"]+')
_PRIVATE_KEY_BODY = re.compile(r"PRIVATE KEY-----(?:\\n|\s)+[A-Za-z0-9+/]{40}")


class _Region(NamedTuple):
    """Where a named value sits (an ini key, a JSON path), to name it in provider findings."""
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


# --- key and credential files ----------------------------------------------------------------

def analyse(a: Analysis) -> None:
    path = a.path
    norm = path.replace(os.sep, "/")
    name = norm.rsplit("/", 1)[-1].lower()
    if name.endswith(_TFSTATE_SUFFIXES):
        a.matches = []  # one finding for the file: every value in it is a secret to rotate
        a.add_file("terraform-state",
                   "Terraform state holds resource secrets (database passwords, keys, tokens) in plain text: "
                   + untrack(path, "keep state in an encrypted remote backend; rotate the secrets it held"))
        return
    suffix = name[name.rfind("."):] if "." in name else ""
    if suffix in _KEYSTORE_KINDS:
        a.add_file("keystore-file", f"{_KEYSTORE_KINDS[suffix]} committed (binary, holds private keys or passwords): "
                   + untrack(path, "replace the keys it holds; keep keystores in a secret store"))
        return
    text = a.text
    if text is None:
        _check_binary_key(a, path, name, a.data)
        return
    finder, noun, advice = _format(path, norm, name, text)
    if finder is _json_credentials and '"service_account"' in text and _PRIVATE_KEY_BODY.search(text):
        # One service-account key, one finding: its private_key_id only names the same key.
        a.matches = [m for m in a.matches if m.rule.id != "gcp-service-account-key-id"]
    regions, slots = finder(a, path, text)
    a.default_suffix = f", in {noun}: {advice}"
    for region in regions:
        a.region(region.start, region.end, f", in {region.label} of {noun}: {advice}")
    for slot in slots:
        a.add(slot.rule_id, slot.start, slot.end, slot.secret, slot.message)
    if name in _SSH_KEY_NAMES or name.endswith(".ppk"):
        a.add_file("private-key-file", f"private key file by its name ({name}): " + untrack(path, "replace the key pair"),
                   fallback=True)


def _format(path: str, norm: str, name: str, text: str) -> tuple[_Finder, str, str]:
    """The content check for a keyfile, the noun naming it and the advice for its findings."""
    rotate = untrack(path, "rotate the credential")
    if name == ".npmrc":
        return (_npmrc, name,
                "replace the value with an environment reference (`_authToken=${NPM_TOKEN}`) and revoke the token")
    if name in (".netrc", "_netrc"):
        return _netrc, f"credential file {name}", rotate
    if name == ".git-credentials":
        return _git_credentials, f"credential file {name}", rotate
    if name == ".htpasswd":
        return _htpasswd, f"password file {name} (hashes crack offline)", untrack(path, "change the passwords")
    if name == ".pgpass":
        return _pgpass, f"credential file {name}", untrack(path, "change the password")
    if name == ".dockercfg" or norm.endswith(".docker/config.json") or (name.endswith(".json") and '"auths"' in text):
        return _docker, "Docker config", untrack(path, "use a credential helper (credsStore); change the password")
    if name == "kubeconfig" or norm.endswith(".kube/config"):
        return (_kubeconfig, f"kubeconfig {name}",
                untrack(path, "use an exec credential plugin; revoke the credential"))
    if name.endswith(".json") or (name == "credentials" and text.lstrip("\ufeff \t\r\n").startswith("{")):
        if '"service_account"' in text:
            return (_json_credentials, f"service-account key file {name}",
                    untrack(path, "delete the key in Google Cloud IAM (`gcloud iam service-accounts keys delete`)"))
        return _json_credentials, f"credential file {name}", rotate
    if name in (".pypirc", ".s3cfg", ".boto", "credentials"):
        return _ini, f"credential file {name}", rotate
    if name.endswith(".ovpn"):
        return _ovpn, f"OpenVPN config {name}", untrack(path, "replace the key or password")
    key_advice = untrack(path, "replace the key pair: once pushed, a private key is compromised")
    if name.endswith(".key"):
        return _bare_key, f"key file {name}", key_advice
    return _no_slots, f"key file {name}", key_advice


def _no_slots(a: Analysis, path: str, text: str) -> _Found:
    """PEM/OpenSSH/PGP/PuTTY key files: the provider rules find private keys; certificates,
    public keys and encrypted OpenPGP messages match none and pass."""
    return [], []


def _bare_key(a: Analysis, path: str, text: str) -> _Found:
    """A .key file holding one random token: a symmetric key such as Rails' master.key."""
    token = text.strip("\ufeff \t\r\n")
    if not random_looking(token, min_length=16):
        return [], []
    start = text.index(token)
    message = ("bare secret key in a .key file (e.g. Rails config/master.key): "
               + untrack(path, "generate a new key and re-encrypt what the old one protected"))
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


def _npmrc(a: Analysis, path: str, text: str) -> _Found:
    """`//registry.npmjs.org/:_authToken=…`, `_auth=…`, `_password=…`; `registry=` passes."""
    regions: list[_Region] = []
    slots: list[_Slot] = []
    for start, _section, key, value in _pairs(text, "="):
        end = start + len(value)
        regions.append(_Region(start, max(end, start + 1), key))
        setting = key.rsplit(":", 1)[-1].lower()
        if setting in _NPMRC_SLOTS and slot_reason(value) is None:
            message = (f"literal npm credential in {key} in .npmrc: replace it with an environment reference "
                       f"(`{key}=${{NPM_TOKEN}}`) and revoke the token")
            slots.append(_Slot(start, end, value, "credential-file", message))
    return regions, slots


def _ini(a: Analysis, path: str, text: str) -> _Found:
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
            credential = slot_reason(value) is None
        else:
            credential = credential_key(key) and credential_value(key, value)
        if credential:
            message = f"literal credential {label} in {name}: {untrack(path, 'rotate the credential')}"
            slots.append(_Slot(start, end, value, "credential-file", message))
    return regions, slots


def _netrc(a: Analysis, path: str, text: str) -> _Found:
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
            if slot_reason(value) is None:
                message = f"{label} in {name}: {untrack(path, 'change the password')}"
                slots.append(_Slot(value_offset + shift, value_offset + shift + len(value), value,
                                   "credential-file", message))
    return regions, slots


def _git_credentials(a: Analysis, path: str, text: str) -> _Found:
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
            group, secret = "pw", password if slot_reason(password) is None else ""
        else:
            group, secret = "user", m.group("user") if random_looking(m.group("user"), min_length=16) else ""
        if secret:
            message = f"{label} in .git-credentials: {untrack(path, 'revoke the token')}"
            slots.append(_Slot(offset + m.start(group), offset + m.end(group), secret, "credential-file", message))
    return regions, slots


def _htpasswd(a: Analysis, path: str, text: str) -> _Found:
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
        if slot_reason(m.group("hash"), hashes_count=True) is None:
            message = f"{label} in .htpasswd (crackable offline): {untrack(path, 'change the password')}"
            slots.append(_Slot(start, end, m.group("hash"), "credential-file", message))
    return regions, slots


def _pgpass(a: Analysis, path: str, text: str) -> _Found:
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
        if slot_reason(password) is None:
            message = f"{label} in .pgpass: {untrack(path, 'change the password')}"
            slots.append(_Slot(offset + start, offset + len(line), password, "credential-file", message))
    return regions, slots


def _leaves(a: Analysis, path: str, text: str, kind: str) -> list[Leaf] | None:
    parsed = a.parse(kind)
    return parsed[1] if parsed is not None else None


def _leaf_regions(text: str, leaves: list[Leaf]) -> tuple[None, list[tuple[Leaf, str, int, int]]]:
    """Each leaf with its dotted path and where its value is written."""
    from .structured import dotted

    return None, [(leaf, dotted(leaf.path), leaf.start, leaf.end) for leaf in leaves]


def _last_key(leaf: Leaf) -> str:
    return next((p for p in reversed(leaf.path) if isinstance(p, str)), "")


def _docker(a: Analysis, path: str, text: str) -> _Found:
    """`auths.<registry>.auth` (base64 user:password), `password`, `identitytoken`; a config
    with only `credsStore`/`credHelpers` passes."""
    leaves = _leaves(a, path, text, "JSON")
    regions: list[_Region] = []
    slots: list[_Slot] = []
    for leaf, label, start, end in _leaf_regions(text, leaves or [])[1]:
        regions.append(_Region(start, end, label))
        key = _last_key(leaf).lower()
        if key in _DOCKER_SLOTS and slot_reason(leaf.value) is None:
            start, end = value_span(text, start, end, leaf.value)
            if key == "auth":  # base64 of user:password: a token as the password is its provider's finding
                _decoded_auth(a, leaf.value, start, end)
            message = (f"registry credential at {label} in Docker config: "
                       + untrack(path, "use a credential helper (credsStore); change the password"))
            slots.append(_Slot(start, end, leaf.value, "credential-file", message))
    return regions, slots


def _decoded_auth(a: Analysis, value: str, start: int, end: int) -> None:
    import base64
    import binascii

    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return
    a.matches.extend(m for m in a.scan_value(decoded, start, end) if not m.rule.generic)


def _kubeconfig(a: Analysis, path: str, text: str) -> _Found:
    """`users[].user.token`, `client-key-data`, `password`, auth-provider tokens. Certificates
    (`client-certificate-data`, `certificate-authority-data`) and exec plugins pass."""
    leaves = _leaves(a, path, text, "YAML")
    regions: list[_Region] = []
    slots: list[_Slot] = []
    for leaf, label, start, end in _leaf_regions(text, leaves or [])[1]:
        regions.append(_Region(start, end, label))
        if _last_key(leaf).lower() in _KUBE_SLOTS and slot_reason(leaf.value) is None:
            message = (f"kubeconfig credential at {label}: "
                       + untrack(path, "use an exec credential plugin; revoke the credential"))
            slots.append(_Slot(start, end, leaf.value, "kubeconfig-credentials", message))
    return regions, slots


def _json_credentials(a: Analysis, path: str, text: str) -> _Found:
    """`*credentials*.json`, service-account keys, `credentials` holding JSON: a Google
    service-account key (type service_account with a real private_key), and credential-named
    keys with literal values (`client_secret`, `refresh_token`, `password`)."""
    name = path.replace(os.sep, "/").rsplit("/", 1)[-1]
    leaves = _leaves(a, path, text, "JSON")
    service_account = any(leaf.path == ("type",) and leaf.value == "service_account" for leaf in leaves or [])
    regions: list[_Region] = []
    slots: list[_Slot] = []
    for leaf, label, start, end in _leaf_regions(text, leaves or [])[1]:
        regions.append(_Region(start, end, label))
        key = _last_key(leaf)
        if service_account and leaf.path == ("private_key",):
            if _PRIVATE_KEY_BODY.search(leaf.value):
                message = (f"Google Cloud service-account key ({label}) in {name}: "
                           + untrack(path, "delete the key in IAM (`gcloud iam service-accounts keys delete`)"))
                slots.append(_Slot(start, end, leaf.value, "gcp-service-account-file", message))
            continue
        if key.lower() in _INI_SLOTS:
            credential = slot_reason(leaf.value) is None
        else:
            credential = credential_key(key) and credential_value(key, leaf.value)
        if credential:
            message = f"literal credential at {label} in {name}: {untrack(path, 'rotate the credential')}"
            slots.append(_Slot(start, end, leaf.value, "credential-file", message))
    return regions, slots


def _ovpn(a: Analysis, path: str, text: str) -> _Found:
    """OpenVPN configs with inline secrets: a static key (`<tls-auth>`, `<tls-crypt>`, `<secret>`)
    or an inline `<auth-user-pass>` password. Inline private keys are found by the provider
    rules; certificates (`<ca>`, `<cert>`) pass."""
    slots: list[_Slot] = []
    for m in _OVPN_STATIC_KEY.finditer(text):
        message = "OpenVPN static key (tls-auth/tls-crypt/secret): " + untrack(path, "generate a new static key")
        slots.append(_Slot(m.start(), m.end(), m.group(), "openvpn-static-key", message))
    for m in _OVPN_INLINE_AUTH.finditer(text):
        if slot_reason(m.group("pw")) is None:
            message = "inline <auth-user-pass> password in OpenVPN config: " + untrack(path, "change the password")
            slots.append(_Slot(m.start("pw"), m.end("pw"), m.group("pw"), "credential-file", message))
    return [], slots


# --- binary key files ------------------------------------------------------------------------

def _check_binary_key(a: Analysis, path: str, name: str, data: bytes) -> None:
    key_advice = untrack(path, "replace the key pair: once pushed, a private key is compromised")
    if name.endswith(_PGP_SUFFIXES):
        if _pgp_packet_tag(data) in (5, 7):  # Secret-Key, Secret-Subkey
            a.add_file("private-key-file", f"OpenPGP secret key (binary): {key_advice}")
        return  # encrypted data, public keys, signatures: what may be committed
    if name.endswith(_DER_SUFFIXES):
        kind = _der_kind(data)
        if kind in ("certificate", "public"):
            return
        what = ("DER private key" if kind == "private"
                else "binary key file, not a recognisable certificate or public key")
        a.add_file("private-key-file", f"{what}: {key_advice}")
        return
    if name in _SSH_KEY_NAMES or name.endswith(".ppk"):
        a.add_file("private-key-file", f"private key file by its name ({name}): {key_advice}")
        return
    a.error("not a text file (binary content)")


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

