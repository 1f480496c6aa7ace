"""False-positive filters shared by every rule: pure functions of one candidate.

Each returns a short reason when the candidate is NOT a secret, else None. They run after the
regex, so they only see the few strings that already look like credentials.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import re

# Substrings that mark a value as a stand-in, in any rule (lower-cased comparison).
_PLACEHOLDER_MARKERS = (
    "example", "placeholder", "your_", "your-", "yourkey", "yourtoken", "yoursecret",
    "yourpassword", "changeme", "change_me", "change-me", "redacted", "dummy",
    "replace_me", "replaceme", "insert_", "fill_in", "fillme", "sample",
    "lorem", "ipsum", "notreal", "not_real", "not-a-real", "fake_", "_fake", "-fake",
)
# Character runs that mark elisions ("sk-xxxx", "****", "..."): in a long random value (a key
# block) they occur by chance, so they count only in values of up to this length.
_RUN_MARKERS = ("xxxx", "****", "...", "…")
_RUN_MARKER_MAX_LENGTH = 120
# Extra markers for generic (keyword = value) rules, where prose and test data are common.
_GENERIC_PLACEHOLDER_MARKERS = (
    "test", "fake", "demo", "mock", "todo", "fixme", "secret", "password", "passwd", "token",
    "apikey", "api_key", "api-key", "foobar", "qwerty", "letmein", "default", "string",
    "none", "null", "undefined", "admin", "root", "user", "your", "my_", "my-", "here",
)
_WHOLE_PLACEHOLDERS = frozenset({
    "true", "false", "yes", "no", "on", "off", "none", "null", "nil", "undefined", "empty",
    "password", "passwd", "secret", "token", "key", "apikey", "api_key", "changeme", "pass",
    "required", "optional", "string", "str", "value", "unknown", "default", "n/a", "na", "tbd",
})
_KEYBOARD_RUNS = ("qwerty", "asdfgh", "zxcvbn")
_LONGEST_COUNTING_RUN = 5  # "123456" or "abcdef" in a value means it was typed, not generated

# A value that names where the secret lives instead of holding it.
_REFERENCE_SOURCE = (
    r"""^(?:
        \$\{\{?[^}]*\}\}?          # ${VAR}, ${{ secrets.X }}
      | \$\(?[A-Za-z_][\w.]*\)?$   # $VAR, $(VAR)
      | %\(?[A-Za-z_]\w*\)?[%s]    # %VAR%, %(name)s
      | \{\{.*\}\}                 # {{ .Values.x }}, Jinja/Handlebars
      | \{[A-Za-z_0-9]*\}$         # {0}, {name}: format placeholders
      | \{[A-Za-z_][\w.]*[(\[!:}]   # {label("*")}, {cfg.pw!r}: f-string / template interpolation
      | <%.*%>                     # ERB
      | \#\{.*\}                   # Ruby interpolation
      | \[\[.*\]\]
      | (?:env|secret|vault|ssm|awssm|op|sops|keyvault)(?::|\(|://)  # env:X, vault://…, op://…
    )"""
)
_REFERENCE_CALLS = (
    "os.environ", "os.getenv", "getenv(", "process.env", "env(", "environ[", "environ.get",
    "system.getenv", "secrets.", "config.get", "settings.", "import.meta.env",
)
# Letters only (plus . - _ $ joins and trailing prose punctuation): a name or a word, not a secret.
_IDENTIFIER_SOURCE = r"^(?:[#@]|-{1,2})?[A-Za-z_$][A-Za-z_$]*(?:[./:\-][A-Za-z_$][A-Za-z_$0-9]*)*(?:\(\))?[.,:;!?]*$"
_DOTTED_CODE_SOURCE = r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:\(.*\))?$"
_PATHLIKE_SOURCE = r"^(?:[A-Za-z]:\\|\.{0,2}/|~/|[\w.-]+/[\w.-]+/)|\.(?:py|js|json|ya?ml|txt|pem|key|crt|html|xml)$"
_NUMBER_SOURCE = r"^[-+]?\d+(?:[.,]\d+)*$"
_ENV_NAME_SOURCE = r"^\$?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$"  # LINEAR_PAT2: names a variable
_DATE_SOURCE = r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}|$)"
# A package manager's version range: ^1.0.0, ~2.3, >=1.2.0, npm:^15.0.1, workspace:*, 1.x
_VERSION_SPEC_SOURCE = r"^(?:(?:npm|workspace|patch|portal|link|file):)?(?:[\^~*]|[<>]=?|=)?v?\d+(?:\.(?:\d+|[xX*])){0,3}(?:-[\w.]+)?(?:\+[\w.]+)?$|^workspace:[\^~*]?$"
_FORMAT_SOURCE = r"%[-#0 +]*\d*(?:\.\d+)?[sdrxif]|%\([A-Za-z_]\w*\)|\{\d*\}|\{[A-Za-z_]\w*(?:![rsa])?(?::[^}]*)?\}"


class _Patterns(NamedTuple):
    reference: re.Pattern[str]
    identifier: re.Pattern[str]
    dotted_code: re.Pattern[str]
    pathlike: re.Pattern[str]
    number: re.Pattern[str]
    date: re.Pattern[str]
    format: re.Pattern[str]
    env_name: re.Pattern[str]
    hash: re.Pattern[str]
    code_before: re.Pattern[str]
    angle_slot: re.Pattern[str]
    interpolation: re.Pattern[str]
    version_spec: re.Pattern[str]
    url_scheme: re.Pattern[str]
    user_name: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    """Compiled on first use: most runs never reach a filter, so start-up does not pay."""
    import re

    return _Patterns(
        reference=re.compile(_REFERENCE_SOURCE, re.VERBOSE | re.IGNORECASE),
        identifier=re.compile(_IDENTIFIER_SOURCE),
        dotted_code=re.compile(_DOTTED_CODE_SOURCE),
        pathlike=re.compile(_PATHLIKE_SOURCE),
        number=re.compile(_NUMBER_SOURCE),
        date=re.compile(_DATE_SOURCE),
        format=re.compile(_FORMAT_SOURCE),
        env_name=re.compile(_ENV_NAME_SOURCE),
        hash=re.compile(_HASH_SOURCE, re.VERBOSE),
        code_before=re.compile(_CODE_BEFORE_SOURCE),
        angle_slot=re.compile(r"<[\w .:/-]{1,40}>"),
        interpolation=re.compile(r"\$\{[A-Za-z_][\w.]*(?:[:?+=-][^}]*)?\}|\$\{\{"),
        version_spec=re.compile(_VERSION_SPEC_SOURCE),
        url_scheme=re.compile(r"^[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\s]"),
        user_name=re.compile(r"^[\w.@-]{1,64}$"),
    )


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    length = len(value)
    return -sum(n / length * math.log2(n / length) for n in Counter(value).values())


def placeholder_reason(secret: str) -> str | None:
    lowered = secret.lower()
    if lowered in _WHOLE_PLACEHOLDERS:
        return "placeholder word"
    # `<your token>`, `<TOKEN>`, `key-<id>`: an angle-bracketed slot (a lone `<` or `>` is just a
    # character a password may hold).
    if "<" in secret and (secret.startswith("<") or secret.endswith(">") or _patterns().angle_slot.search(secret)):
        return "placeholder marker '<…>'"
    if len(set(lowered)) <= 2 and len(secret) > 3:
        return "repeated character"
    for marker in _PLACEHOLDER_MARKERS:
        if marker in lowered:
            return f"placeholder marker {marker!r}"
    if len(secret) <= _RUN_MARKER_MAX_LENGTH:
        for marker in _RUN_MARKERS:
            if marker in lowered:
                return f"placeholder marker {marker!r}"
    if any(run in lowered for run in _KEYBOARD_RUNS) or _has_counting_run(lowered) or \
            (" " in lowered and _has_counting_run(lowered.replace(" ", ""))):
        return "keyboard or counting sequence"
    return None


def _has_counting_run(value: str) -> bool:
    run = 0
    for prev, cur in zip(value, value[1:]):
        run = run + 1 if ord(cur) - ord(prev) == 1 else 0
        if run >= _LONGEST_COUNTING_RUN:
            return True
    return False


def reference_reason(secret: str) -> str | None:
    if _patterns().reference.match(secret):
        return "reference to a variable"
    lowered = secret.lower()
    for call in _REFERENCE_CALLS:
        if call in lowered:
            return "reference to the environment or a secret store"
    if "${" in secret and _patterns().interpolation.search(secret):
        return "reference to a variable"
    return None


def _valid_format_string(value: str) -> bool:
    """`%s` / `{name}` placeholders in a string a formatter would accept: `m{{h}o)p` (an escaped
    brace, then an unmatched one) is a password with braces, not a template."""
    if "{" not in value:
        return True
    from string import Formatter

    try:
        list(Formatter().parse(value))
    except ValueError:
        return "%" in value and bool(_patterns().format.search(value.replace("{", "").replace("}", "")))
    return True


def _reads_as_template(value: str) -> bool:
    """`user=%s`, `%s:%s`, `{user}:{pw}`: placeholders set off from the text around them. A `%s`
    glued to letters or digits (`falcon93%sh8o`, `&%rA3` in a salt) is part of a password."""
    import re

    specifiers = list(_patterns().format.finditer(value))
    if len(specifiers) >= 2 or any(m.group().startswith("{") for m in specifiers):
        return True
    start, end = specifiers[0].span()
    # set off on both sides: `&%rA3` inside a random salt is glued to what follows
    return (start == 0 or not value[start - 1].isalnum()) and (end == len(value) or not value[end].isalnum())


def _natural_language(value: str) -> bool:
    """Two or more letters of a script beyond Latin (Greek, Cyrillic, CJK, Hangul, kana …): a
    translated interface string (`'请输入密码'`, `'Credential管理'`, `'Пароль'`), which a
    generated or typed credential almost never holds."""
    count = 0
    for char in value:
        if char >= "\u0370" and char.isalpha():
            count += 1
            if count >= 2:
                return True
    return False


def generic_value_reason(secret: str) -> str | None:
    """Extra checks for keyword = value rules: the value must look like a credential."""
    patterns = _patterns()
    lowered = secret.lower()
    judged = lowered
    user, colon, password = lowered.partition(":")
    if colon and ":" not in password and len(password) >= 6 and patterns.user_name.match(user):
        judged = password  # `root:dkb82VddSD` (curl -u, CURLOPT_USERPWD): the user name is no placeholder
    for marker in _GENERIC_PLACEHOLDER_MARKERS:
        if marker in judged:
            return f"placeholder marker {marker!r}"
    if patterns.number.match(secret) or (secret[:2] in ("0x", "0X") and _is_hex(secret[2:])):
        return "number"
    if patterns.format.search(secret) and _valid_format_string(secret) and _reads_as_template(secret):
        return "format string"
    if patterns.date.match(secret):
        return "date or time"
    if patterns.version_spec.match(secret):
        return "a dependency's version range"  # `"parse-passwd": "^1.0.0"`, `tokenx: "npm:^1.3.0"`
    if _natural_language(secret):
        return "words of a non-Latin script (an interface label)"  # `changePassword: '修改密码'`
    if patterns.env_name.match(secret):
        return "an environment variable's name"
    if any(ch.isspace() for ch in secret):
        return "contains whitespace"
    if patterns.identifier.match(secret) and not any(ch.isdigit() for ch in secret) \
            and (len(secret) < 20 or _word_parts_ratio(secret) >= 0.6):
        return "identifier"  # a long run of letters that is not made of words is generated
    if patterns.dotted_code.match(secret) and \
            max(_word_parts_ratio(part) for part in secret.split("(", 1)[0].split(".")) >= 0.5:
        return "attribute access or call"  # `self.password`, not a JWT or `s.ZC9Ecf4M…`
    if "(" in secret and secret.endswith(")"):
        return "function call"
    if secret[0] in ")]}" or "].split" in secret or ").split" in secret:
        return "code fragment"
    if secret.endswith("]") and "[" in secret and secret[:1].isalpha():
        return "subscript (code)"
    if patterns.pathlike.search(secret) and not base64_key_shape(secret):
        return "file path"
    if lowered.startswith(("http://", "https://", "ftp://", "file://")):
        return "URL"
    if "@" not in secret and patterns.url_scheme.match(secret):
        return "URL without credentials"  # `apiAddress: tcp://127.0.0.1:5705`, `redis://cache:6379/0`
    return None


# --- values that are not credentials although they sit where one would -----------------------------

# Password hashes (what a user table or htpasswd stores instead of the password), anchored at the
# value's start: modular crypt ($6$, $5$, $1$, $apr1$, $2b$ bcrypt, $y$ yescrypt, $7$ scrypt), PHC
# strings ($argon2id$v=19$…, $scrypt$…, $pbkdf2-sha256$…), Django's `<algorithm>$<iterations>$…`,
# LDAP `{SSHA}` and friends.
_HASH_SOURCE = r"""^(?:
    \$(?:2[abxy]?)\$\d\d\$[./A-Za-z0-9]{53}
  | \$(?:1|apr1|5|6|md5)\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,86}
  | \$(?:y|gy|7)\$[./A-Za-z0-9]{8,}\$
  | \$(?:argon2(?:id|i|d)|scrypt|pbkdf2(?:-sha(?:1|256|512))?|bcrypt-sha256|balloon)\$[\w.,=+/$-]{8,}
  | (?:pbkdf2_sha(?:1|256)|argon2|bcrypt_sha256|bcrypt|scrypt|sha1|md5|unsalted_sha1|unsalted_md5)\$[\w.,=+/$-]{8,}
  | \{(?:SSHA|SHA|SSHA256|SSHA512|SMD5|MD5|CRYPT|PBKDF2(?:-SHA\d+)?|ARGON2)\}[\w.+/$=-]{8,}
)"""

# Encrypted at rest: what teams should commit instead of the secret.
_ENCRYPTED_PREFIXES = ("encrypted:", "!vault", "ENC[AES256_GCM,", "ENC[", "EJ[1:", "$ANSIBLE_VAULT;", "AGE-ENCRYPTED",
                       "-----BEGIN AGE ENCRYPTED FILE-----", "vault:v1:", "vault:v2:")


def password_hash_reason(value: str) -> str | None:
    """A password hash (argon2, bcrypt, scrypt, PBKDF2, sha512-/sha256-/md5-crypt, PHC string)."""
    if "$" not in value and "{" not in value:
        return None
    return "password hash, not a password" if _patterns().hash.match(value) else None


def encrypted_reason(value: str) -> str | None:
    """dotenvx `encrypted:…`, SOPS `ENC[AES256_GCM,…]`, ejson `EJ[1:…]`, ansible-vault, Vault transit."""
    if value.startswith(_ENCRYPTED_PREFIXES):
        return "encrypted value"
    return None


@cache
def documented_example_values() -> frozenset[str]:
    """Vendors' documented public example values (patterns/documented-examples.txt)."""
    import os

    from .rules import builtin_pack_dir

    try:
        with open(os.path.join(builtin_pack_dir(), "documented-examples.txt"), encoding="utf-8") as fh:
            rows = fh.read().splitlines()
    except OSError:
        return frozenset()
    return frozenset(row.split("#", 1)[0].strip() for row in rows if row.strip() and not row.startswith("#"))


def documented_example_reason(value: str) -> str | None:
    examples = documented_example_values()
    if value in examples or (value.count(".") == 2 and value.rsplit(".", 1)[1] in examples):
        return "documented public example"
    return None


def _jwt_payload(value: str) -> dict[str, object] | None:
    """The decoded payload of a JWT-shaped value, or None."""
    import base64
    import json

    parts = value.split(".")
    if len(parts) != 3 or not value.startswith("eyJ"):
        return None
    body = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        payload = json.loads(base64.urlsafe_b64decode(body))
    except (ValueError, TypeError):
        return None
    return payload if isinstance(payload, dict) else None


def public_identifier_reason(value: str) -> str | None:
    """Identifiers that are public by design: a Supabase anon key (its JWT says "role":"anon"),
    an Ethereum-style address, a Mapbox public `pk.` token, a Stripe publishable key."""
    if value.startswith(("pk_live_", "pk_test_")):
        return "Stripe publishable key (public)"
    if value.startswith("pk.eyJ"):
        return "Mapbox public token"
    if len(value) == 42 and value.startswith(("0x", "0X")) and _is_hex(value[2:]):
        return "Ethereum-style address (public)"
    if value.startswith("eyJ") and value.count(".") == 2:
        payload = _jwt_payload(value)
        if payload is not None and payload.get("role") == "anon":
            return "Supabase anon key (public)"
    return None


def _is_hex(value: str) -> bool:
    return all(ch in "0123456789abcdefABCDEF" for ch in value)


def not_a_credential_reason(value: str) -> str | None:
    """The value is something else that sits where credentials do: a password hash, an encrypted
    value, a documented public example or a public identifier."""
    return (password_hash_reason(value) or encrypted_reason(value) or documented_example_reason(value)
            or public_identifier_reason(value))


# --- the candidate in its line ----------------------------------------------------------------------

# What may follow an identifier used as a value in code: `x = s3_credentials or None`, `f(a=b, …)`.
_CODE_CONTINUATION = (")", ",", ";", " ||", " &&", " ?", " ??", " +", "]", " |", " }")
# English words too: they say "code" only after an assignment (`x = s3_credentials or None`).
_CODE_WORD_CONTINUATION = (" or ", " and ", " if ", " else")
_QUOTES = "\"'`"
# An indented `name = ` statement, or a declaration keyword: the line is code.
_CODE_BEFORE_SOURCE = r"^[ \t]+[\w.\[\]'\"]+[ \t]+:?=[ \t]+$|\b(?:let|const|var|val|def|return|await|yield)[ \t]"


def _word_parts_ratio(value: str) -> float:
    """Share of the value's characters that belong to word-like runs (3+ letters, camelCase aware):
    `s3_credentials` 0.79, `Uint8Array` 0.9, a random token far lower."""
    import re

    letters = sum(len(part) for part in re.findall(r"[A-Z]?[a-z]{2,}|[A-Z]{3,}(?![a-z])", value) if len(part) >= 3)
    return letters / len(value) if value else 0.0


def code_identifier_reason(secret: str, before: str, after: str) -> str | None:
    """An unquoted identifier taken as a value in code: `credentials=s3_credentials or None`,
    `hashed_password=argon2_hash`, `credentialPublicKey: Uint8Array;`. `before`/`after` are the
    line's text either side of the candidate. Unquoted values in .env / YAML / INI lines are
    literals, so the line must read as code (a call, an operator after the value, an indented
    `name = value` statement)."""
    if (before and before[-1] in _QUOTES) or (after and after[0] in "\"'"):
        return None  # a quoted literal (a closing backtick alone ends a markdown code span)
    if not (secret[:1].isalpha() or secret[:1] in "_$") or not all(ch.isalnum() or ch in "_$" for ch in secret):
        return None
    if sum(ch.isdigit() for ch in secret) > 3:
        return None
    code_like = (after.startswith(_CODE_CONTINUATION) or after[:1] == "`" or "(" in before
                 or (after[:1] == "." and after[1:2].isidentifier())  # `.attribute`, not a full stop
                 or (after.startswith(_CODE_WORD_CONTINUATION) and "=" in before)
                 or bool(_patterns().code_before.search(before)))
    if not code_like:
        return None
    # Mostly dictionary-like words (`s3_credentials`, `Uint8Array`): a random value, even a
    # mixed-case one with a lower-to-upper step here and there, is not.
    if _word_parts_ratio(secret) >= 0.6:
        return "identifier in code, not a value"
    return None


_LOOPBACK_HOSTS = ("@localhost", "@127.", "@[::1]", "@0.0.0.0", "@host.docker.internal")


def loopback_url_credential(text: str, end: int) -> bool:
    """Is the candidate ending at `end` the password of a URL whose host is this machine
    (`mysql://devuser:<password>@localhost`)? Still a credential, reported at medium confidence."""
    return text.startswith(_LOOPBACK_HOSTS, end)


class LineContext(NamedTuple):
    """The text around a candidate, for the filters that need more than the value."""

    text: str  # the whole scanned text
    start: int  # of the candidate
    end: int
    line_start: int
    line_end: int

    @classmethod
    def of(cls, text: str, start: int, end: int) -> LineContext:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        return cls(text, start, end, line_start, len(text) if line_end < 0 else line_end)

    @property
    def before(self) -> str:
        return self.text[self.line_start:self.start]

    @property
    def after(self) -> str:
        return self.text[self.end:self.line_end]

    @property
    def tail(self) -> str:
        """From the candidate to the end of its line (a capture may stop short of the value's end)."""
        return self.text[self.start:self.line_end]

    def nearby(self, lines: int = 12) -> str:
        low, high = self.line_start, self.line_end
        for _ in range(lines):
            low = self.text.rfind("\n", 0, max(low - 1, 0)) + 1 if low > 0 else 0
            nxt = self.text.find("\n", high + 1)
            high = len(self.text) if nxt < 0 else nxt
        return self.text[low:high]


_FIREBASE_MARKERS = ("authDomain", "firebaseapp.com", "firebaseConfig", "messagingSenderId", "FIREBASE")
_SENTRY_MARKERS = ("sentry.io", "ingest.", "sentry_dsn", "SENTRY_DSN", "sentry_sdk", "Sentry.init")


def context_reason(secret: str, ctx: LineContext, *, generic: bool) -> str | None:
    """Filters that need the candidate's line (or a few lines around it)."""
    tail = ctx.tail
    before = ctx.before
    reason = password_hash_reason(tail) or encrypted_reason(tail)
    if reason:
        return reason
    # Inside an encrypted envelope: SOPS `ENC[AES256_GCM,data:…]`, ejson `EJ[1:…]`, dotenvx `encrypted:`.
    for opener in ("ENC[", "EJ[", "encrypted:"):
        at = before.rfind(opener)
        if at >= 0 and "]" not in before[at:] and " " not in before[at:].strip():
            return "encrypted value"
    # `${POSTGRES_PASSWORD:?Variable not set}` — a compose/shell reference, also inside a URL, and
    # whatever a rule reads inside one (`POSTGRES_PASSWORD:` looks like a key, `?Variable` its value).
    if tail.startswith("${") and (tail[2:3].isalpha() or tail[2:3] == "_"):
        return "reference to a variable"
    if "${" in before and before.rfind("${") > before.rfind("}"):
        return "inside a variable reference"
    if secret.startswith("Ag") and len(secret) >= 200 and "SealedSecret" in ctx.text:
        return "Sealed Secrets ciphertext"
    if "devstoreaccount1" in ctx.text[ctx.line_start:ctx.line_end]:
        return "Azure storage emulator account (documented key)"
    if secret.startswith("AIza") and any(marker in ctx.nearby() for marker in _FIREBASE_MARKERS):
        return "Firebase web config API key (public)"
    if before.endswith("token=") and "codecov.io/" in before and "/badge.svg?" in before:
        return "Codecov graph token in a badge URL (read-only, made for READMEs)"
    if len(secret) == 32 and _is_hex(secret) and before.endswith("://") and \
            any(marker in ctx.text[ctx.line_start:ctx.line_end] for marker in _SENTRY_MARKERS):
        return "Sentry DSN public key"
    if generic:
        return code_identifier_reason(secret, before, ctx.after)
    return None


# Formats that carry a checksum: (prefixes, full shape, validator name). A candidate of that
# exact shape whose checksum fails is a hand-made test string, whichever rule found it (a
# generic `TOKEN=` rule included).
_CHECKSUMMED_SHAPES = (
    (("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), r"gh[pousr]_[A-Za-z0-9]{36}", "github-crc32"),
    (("npm_",), r"npm_[A-Za-z0-9]{36}", "npm-crc32"),
    (("ATATT",), r"ATATT[A-Za-z0-9_=-]{60,400}[0-9A-Fa-f]{8}", "atlassian-crc32"),
    (("ATBB",), r"ATBB[A-Za-z0-9]{32}", "atlassian-crc32"),
    (("gl",), r"gl[a-z]{1,8}-[A-Za-z0-9_-]{27,300}\.(?:[0-9a-z]{2}\.)?[0-9a-z]{9}", "gitlab-routable-crc32"),
    (("glsa_",), r"glsa_[A-Za-z0-9]{32}_[0-9a-fA-F]{8}", "grafana-sa-crc32"),
    (("cfk_", "cfut_", "cfat_"), r"cf(?:k|ut|at)_[A-Za-z0-9]{40}[0-9a-fA-F]{8}", "cloudflare-crc32"),
)
_CHECKSUM_PREFIXES = tuple(p for prefixes, _, _ in _CHECKSUMMED_SHAPES for p in prefixes)


@cache
def _checksummed_shapes() -> tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...]:
    import re

    return tuple((prefixes, re.compile(shape), name) for prefixes, shape, name in _CHECKSUMMED_SHAPES)


def checksum_reason(secret: str) -> str | None:
    """A token with a vendor's checksummed shape whose checksum is wrong."""
    if not secret.startswith(_CHECKSUM_PREFIXES):
        return None
    from .checksums import VALIDATORS

    for prefixes, shape, name in _checksummed_shapes():
        if secret.startswith(prefixes) and shape.fullmatch(secret):
            return None if VALIDATORS[name](secret) else f"wrong {name} checksum (a test string)"
    return None


def base64_key_shape(value: str) -> bool:
    """Random bytes in base64 (`openssl rand -base64 32`): slashes in it are not path separators."""
    if len(value) < 20 or len(value) % 4 or "://" in value or "." in value:
        return False
    if value.startswith("/") and not (value.endswith("=") or len(value) >= 40):
        return False
    body = value.rstrip("=")
    if len(value) - len(body) > 2 or not all(ch.isalnum() or ch in "+/" for ch in body):
        return False
    return (sum(ch.isdigit() for ch in body) >= 2 and any(ch.isupper() for ch in body)
            and any(ch.islower() for ch in body) and shannon_entropy(body) >= 4.0)


# Built output folders: what a bundler writes, not what a person writes.
_BUILT_DIRS = frozenset({"dist", "build", "static", "out", ".next", "_next", "bundle", "bundles", "assets",
                        ".yarn"})  # .yarn/releases, .yarn/plugins: Yarn's own bundled code
_BUILT_SUFFIXES = (".js", ".mjs", ".cjs", ".css", ".map", ".json")
_MINIFIED_LINE = 1000


def built_bundle(path: str, text: str) -> bool:
    """A minified bundle under dist/, build/, static/…: keyword = value matches in it are the
    bundler's (mangled names, content hashes), so generic rules are not reported there; provider
    rules still are (a live key baked into a bundle is a leak)."""
    normalized = path.replace("\\", "/")
    if not normalized.endswith(_BUILT_SUFFIXES):
        return False
    parts = normalized.split("/")
    if not (".min." in parts[-1] or _BUILT_DIRS.intersection(parts[:-1])):
        return False
    longest = max((len(line) for line in text.split("\n", 50)[:50]), default=0)
    return longest >= _MINIFIED_LINE


def rejection_reason(secret: str, *, generic: bool, entropy: float | None, min_length: int) -> str | None:
    """Every shared filter, cheapest first."""
    if len(secret) < min_length:
        return "too short"
    reason = (reference_reason(secret) or placeholder_reason(secret) or checksum_reason(secret)
              or not_a_credential_reason(secret))
    if reason is None and generic:
        reason = generic_value_reason(secret)
    if reason is None and entropy is not None and shannon_entropy(secret) < entropy:
        reason = "entropy below the rule's floor"
    return reason


# Key names that say "this value is a credential" (env var names, JSON keys, YAML keys, flags).
_CREDENTIAL_KEY_PARTS = ("password", "passwd", "passphrase", "secret", "token", "apikey", "api_key",
                         "accesskey", "access_key", "privatekey", "private_key", "credential", "auth",
                         "bearer", "session", "cookie", "signing", "encryption_key", "client_secret",
                         "pwd", "pat", "license_key", "webhook", "dsn", "connection_string", "conn_str")
_NOT_CREDENTIAL_KEY_ENDINGS = ("_url", "_uri", "_path", "_file", "_id", "_name", "_type", "_dir",
                               "_endpoint", "_host", "_port", "_user", "_username", "_region", "_mode",
                               "_expires", "_expiry", "_ttl", "_header", "_method", "_enabled", "_version")


def credential_key(name: str) -> bool:
    """Does a key or variable name say its value is a credential? (GITHUB_TOKEN, apiKey,
    X-API-Key, --password; not TOKEN_URL, AUTH_METHOD, PASSWORD_FILE)."""
    import re

    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)  # apiKey -> api_Key
    lowered = snake.lower().replace("-", "_").replace(".", "_").lstrip("_")
    compact = lowered.replace("_", "")
    if lowered.endswith(_NOT_CREDENTIAL_KEY_ENDINGS):
        return False
    if compact.endswith(("url", "uri", "path", "file", "endpoint")) and "dsn" not in compact:
        return False
    parts = set(lowered.split("_"))
    if parts & {"public", "publishable", "pub"}:
        return False  # DOTENV_PUBLIC_KEY, STRIPE_PUBLISHABLE_KEY: published by design
    for part in _CREDENTIAL_KEY_PARTS:
        if "_" in part or part in ("pwd", "pat", "dsn"):
            if part in lowered and (part not in ("pwd", "pat", "dsn") or part in parts):
                return True
        elif part in compact:
            return True
    return "key" in parts


def literal_value_reason(value: str) -> str | None:
    """Why a value under a credential-named key is NOT a committed secret: empty, a reference,
    a placeholder, or too short / plain to be one. None means: a literal credential."""
    stripped = value.strip()
    if not stripped:
        return "empty"
    return (reference_reason(stripped) or placeholder_reason(stripped) or not_a_credential_reason(stripped)
            or checksum_reason(stripped) or generic_value_reason(stripped) or (None if len(stripped) >= 6 else "too short"))


# Inline allow markers: ours, and the ones gitleaks, betterleaks and detect-secrets users already
# have in their files, so a team can switch without editing them.
ALLOW_MARKERS = ("credwall:allow", "gitleaks:allow", "betterleaks:allow", "pragma: allowlist secret")
_ALLOW_NEXT_LINE = "pragma: allowlist nextline secret"


def inline_allowed(text: str, start: int) -> bool:
    """Is the line holding offset `start` marked as allowed (or the line before, for
    detect-secrets' `pragma: allowlist nextline secret`)?"""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    if "allow" in line and any(marker in line for marker in ALLOW_MARKERS):
        return True
    if line_start:
        previous = text[text.rfind("\n", 0, line_start - 1) + 1:line_start]
        return _ALLOW_NEXT_LINE in previous
    return False
