"""A labelled evaluation corpus for detection quality, generated at run time.

    python bench/detection_corpus.py OUT_DIR [--seed 12]

Writes realistic files (code in a dozen languages, .env, MCP configs, agent files, CI YAML,
Kubernetes, Helm values, Terraform, notebooks, SQL seeds, logs, credential files) into OUT_DIR,
and OUT_DIR/labels.jsonl with one row per labelled line:

    {"path": "python/settings_03.py", "line": 12, "is_secret": true, "class": "dynatrace"}

Every file belongs to one class. Positive classes hold real-shaped secrets (one or more labelled
lines); negative classes hold hard negatives (labelled `"is_secret": false`: the line a scanner is
tempted to report). Any finding in a file that is not on a positive line is a false alarm of the
file's class. About half the files are negatives.

Secret-shaped strings are generated here from random bodies (with correct checksums where the
format has one) and never committed: this script is the only copy. Documented public example
values (the Azurite key, …) are read from credwall's own `documented-examples.txt`, the list its
filter uses. Deterministic for a given seed. Standard library plus credwall only.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import string
import uuid
import zlib
from pathlib import Path
from typing import Callable, NamedTuple, Union
from urllib.parse import quote

ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
BASE32_LOWER = "abcdefghijklmnopqrstuvwxyz234567"
CRYPT64 = "./" + string.digits + string.ascii_uppercase + string.ascii_lowercase

# A line of a file: plain text, or (text, True) for a secret, (text, False) for a hard negative.
Item = Union[str, tuple[str, bool]]


class Label(NamedTuple):
    path: str
    line: int
    secret: bool
    cls: str


def S(text: str) -> tuple[str, bool]:
    return (text, True)


def N(text: str) -> tuple[str, bool]:
    return (text, False)


class Gen:
    """Random material from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def s(self, n: int, alphabet: str = ALNUM) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def pick(self, seq):  # type: ignore[no-untyped-def]
        return self.rng.choice(seq)

    def b64bytes(self, n: int, urlsafe: bool = False) -> str:
        raw = bytes(self.rng.getrandbits(8) for _ in range(n))
        return (base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)).decode()

    def password(self) -> str:
        """A human-made but real password: a word, digits and a symbol, mixed case."""
        words = ["Harbor", "tangerine", "Quokka", "velvet", "Marlin", "cobalt", "Juniper", "saffron", "Orchid", "falcon"]
        return self.pick(words) + self.s(2, string.digits) + self.pick("!#%*+-_") + self.s(4, ALNUM)

    def word(self) -> str:
        return self.pick(["orbit", "acme", "nimbus", "kestrel", "larch", "tundra", "quartz", "meridian"])


# --- token formats (public format facts; random bodies) --------------------------------------------

def _b36(n: int, width: int) -> str:
    from credwall.engine.checksums import base36

    return base36(n, width)


def _b62(n: int, width: int) -> str:
    from credwall.engine.checksums import base62

    return base62(n, width)


def github_pat(g: Gen) -> str:
    body = g.s(30)
    return "gh" + "p_" + body + _b62(zlib.crc32(body.encode()), 6)


def atlassian_token(g: Gen) -> str:
    body = "ATATT3" + "xFfGF0" + g.s(170, B64URL) + "="
    return body + format(zlib.crc32(body.encode()), "08X")


def bitbucket_app_password(g: Gen) -> str:
    body = "AT" + "BB" + g.s(24)
    return body + format(zlib.crc32(body.encode()), "08X")


def gitlab_routable(g: Gen, prefix: str = "glpat-") -> str:
    routing = b"c:1\no:" + g.s(5, LOWER_ALNUM).encode() + b"\nu:" + g.s(3, LOWER_ALNUM).encode()
    raw = bytes(g.rng.getrandbits(8) for _ in range(16)) + routing + bytes([len(routing)])
    payload = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    body = prefix + payload + ".01." + _b36(len(payload), 2)
    return body + _b36(zlib.crc32(body.encode()), 7)


def grafana_sa(g: Gen) -> str:
    body = "gl" + "sa_" + g.s(32)
    return body + "_" + zlib.crc32(body.encode()).to_bytes(4, "little").hex()


def npm_token(g: Gen) -> str:
    body = g.s(30)
    return "np" + "m_" + body + _b62(zlib.crc32(body.encode()), 6)


def tamper(token: str, g: Gen) -> str:
    """One character of the random body changed: the checksum no longer holds."""
    index = g.rng.randrange(len(token) // 3, len(token) - 10)
    while not token[index].isalnum():
        index -= 1
    ch = token[index]
    pool = string.digits if ch.isdigit() else (string.ascii_uppercase if ch.isupper() else string.ascii_lowercase)
    return token[:index] + g.pick([c for c in pool if c != ch]) + token[index + 1:]


def jwt(g: Gen, payload: dict[str, object], alg: str = "HS256") -> str:
    def enc(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()

    return enc({"alg": alg, "typ": "JWT"}) + "." + enc(payload) + "." + g.b64bytes(32, urlsafe=True).rstrip("=")


def discord_bot_token(g: Gen) -> str:
    user_id = str(g.rng.randrange(10 ** 17, 10 ** 19))
    first = base64.b64encode(user_id.encode()).decode().rstrip("=")
    return first + "." + g.s(6, B64URL) + "." + g.s(g.pick([27, 38]), B64URL)


def dynatrace_token(g: Gen) -> str:
    upper = string.ascii_uppercase + string.digits
    return "dt0c01." + g.s(24, upper) + "." + g.s(64, upper)


def azure_devops_pat_new(g: Gen) -> str:
    return g.s(52) + "JQQJ99" + g.s(1) + g.pick("ABCDEFGHIJKL") + g.s(16) + "AZDO" + g.s(4)


def pem_body(g: Gen) -> str:
    """A PKCS#8 RSA private key's DER, base64: starts MIIEv…AgEAMA0GCSqGSIb3DQEBAQUABIIE."""
    der = (b"\x30\x82\x04\xbd\x02\x01\x00\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00"
           b"\x04\x82\x04\xa7\x30\x82\x04\xa3\x02\x01\x00\x02\x82\x01\x01\x00"
           + bytes(g.rng.getrandbits(8) for _ in range(1150)))
    return base64.b64encode(der).decode()


def openssl_base64_32(g: Gen, min_slashes: int = 2) -> str:
    """`openssl rand -base64 32` output holding at least `min_slashes` slashes."""
    while True:
        value = g.b64bytes(32)
        if value.count("/") >= min_slashes:
            return value


# --- password hashes, encrypted values --------------------------------------------------------------

def argon2_hash(g: Gen) -> str:
    return (f"$argon2id$v=19$m=65536,t=3,p=4${g.b64bytes(16).rstrip('=')}${g.b64bytes(32).rstrip('=')}")


def django_pbkdf2(g: Gen) -> str:
    return f"pbkdf2_sha256$870000${g.s(22)}${g.b64bytes(32)}"


def bcrypt_hash(g: Gen) -> str:
    return f"${g.pick(['2a', '2b', '2y'])}$12${g.s(53, CRYPT64)}"


def sha512_crypt(g: Gen) -> str:
    rounds = g.pick(["", "rounds=656000$"])
    return f"$6${rounds}{g.s(16, CRYPT64)}${g.s(86, CRYPT64)}"


def sha256_crypt(g: Gen) -> str:
    return f"$5${g.s(16, CRYPT64)}${g.s(43, CRYPT64)}"


def md5_crypt(g: Gen) -> str:
    return f"${g.pick(['1', 'apr1'])}${g.s(8, CRYPT64)}${g.s(22, CRYPT64)}"


def scrypt_hash(g: Gen) -> str:
    if g.rng.random() < 0.5:
        return f"$scrypt$ln=16,r=8,p=1${g.b64bytes(16).rstrip('=')}${g.b64bytes(32).rstrip('=')}"
    return f"scrypt${g.s(22)}$16384$8$1${g.b64bytes(64)}"


def sops_value(g: Gen, plain_len: int = 16) -> str:
    return (f"ENC[AES256_GCM,data:{g.b64bytes(plain_len)},iv:{g.b64bytes(32)},tag:{g.b64bytes(16)},type:str]")


def vault_block(g: Gen, indent: str) -> list[str]:
    lines = [indent + "$ANSIBLE_VAULT;1.1;AES256"]
    lines += [indent + g.s(80, HEX) for _ in range(5)]
    return lines


def sealed_value(g: Gen) -> str:
    # 2-byte length of the RSA-wrapped session key (512 for RSA-4096), the key, then AES-GCM data.
    raw = b"\x02\x00" + bytes(g.rng.getrandbits(8) for _ in range(512 + g.pick([28, 40, 60])))
    return base64.b64encode(raw).decode()


def documented_examples() -> list[str]:
    """The documented public example values credwall's filter knows (shipped with its packs)."""
    from credwall.engine.filters import documented_example_values

    return sorted(documented_example_values())


# --- rendering an assignment in a language -----------------------------------------------------------

def _camel(key: str) -> str:
    parts = key.lower().split("_")
    return parts[0] + "".join(p.title() for p in parts[1:])


LANGS: dict[str, tuple[str, list[str], Callable[[str, str], str], list[str]]] = {
    # name: (extension, header lines, assignment, footer lines)
    "python": ("py", ['"""Service settings."""', "import os", "", 'DEBUG = os.getenv("DEBUG") == "1"',
                      'TIMEOUT_SECONDS = 30'], lambda k, v: f'{k.upper()} = "{v}"',
               ["", "def client_options():", "    return {\"timeout\": TIMEOUT_SECONDS}"]),
    "javascript": ("js", ["'use strict';", "const axios = require('axios');", ""],
                   lambda k, v: f"const {_camel(k)} = '{v}';", ["", "module.exports = { axios };"]),
    "typescript": ("ts", ["import { Injectable } from '@angular/core';", "", "export const environment = {",
                          "  production: true,"], lambda k, v: f"  {_camel(k)}: '{v}',", ["};"]),
    "go": ("go", ["package config", "", "import \"time\"", "", "const RequestTimeout = 30 * time.Second", ""],
           lambda k, v: f'const {_camel(k)} = "{v}"', ["", "func Timeout() time.Duration { return RequestTimeout }"]),
    "java": ("java", ["package com.orbit.billing;", "", "public final class Settings {",
                      "    public static final int RETRIES = 3;"],
             lambda k, v: f'    private static final String {k.upper()} = "{v}";', ["}"]),
    "kotlin": ("kt", ["package com.orbit.app", "", "object Config {", "    const val RETRIES = 3"],
               lambda k, v: f'    const val {k.upper()} = "{v}"', ["}"]),
    "ruby": ("rb", ["# frozen_string_literal: true", "", "module Orbit", "  RETRIES = 3"],
             lambda k, v: f"  {k.upper()} = '{v}'", ["end"]),
    "php": ("php", ["<?php", "", "return ["], lambda k, v: f"    '{k.lower()}' => '{v}',", ["];"]),
    "rust": ("rs", ["use std::time::Duration;", "", "pub const TIMEOUT: Duration = Duration::from_secs(30);"],
             lambda k, v: f'pub const {k.upper()}: &str = "{v}";', [""]),
    "csharp": ("cs", ["namespace Orbit.Billing", "{", "    public static class Settings", "    {"],
               lambda k, v: f'        public const string {_camel(k)[0].upper() + _camel(k)[1:]} = "{v}";',
               ["    }", "}"]),
    "swift": ("swift", ["import Foundation", "", "enum Config {"], lambda k, v: f'    static let {_camel(k)} = "{v}"',
              ["}"]),
    "shell": ("sh", ["#!/usr/bin/env bash", "set -euo pipefail", ""], lambda k, v: f'export {k.upper()}="{v}"',
              ["", "exec ./bin/server \"$@\""]),
    "scala": ("scala", ["package orbit", "", "object Settings {"], lambda k, v: f'  val {_camel(k)} = "{v}"', ["}"]),
    "env": ("env", ["# local settings", "PORT=8080", "LOG_LEVEL=info"], lambda k, v: f"{k.upper()}={v}",
            ["NODE_ENV=production"]),
    "yaml": ("yaml", ["service:", "  name: billing", "  replicas: 2", "  settings:"],
             lambda k, v: f"    {k.lower()}: \"{v}\"", ["  region: eu-west-1"]),
    "json": ("json", ["{", '  "name": "billing",', '  "port": 8080,'], lambda k, v: f'  "{_camel(k)}": "{v}",',
             ['  "debug": false', "}"]),
    "toml": ("toml", ["[service]", 'name = "billing"', "port = 8080", ""], lambda k, v: f'{k.lower()} = "{v}"', [""]),
    "properties": ("properties", ["server.port=8080", "spring.application.name=billing"],
                   lambda k, v: f"{k.lower().replace('_', '.')}={v}", ["logging.level.root=INFO"]),
}
CODE_LANGS = ["python", "javascript", "typescript", "go", "java", "kotlin", "ruby", "php", "rust", "csharp",
              "swift", "shell", "scala"]
CONFIG_LANGS = ["env", "yaml", "json", "toml", "properties"]


class Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.labels: list[Label] = []
        self.counts: dict[str, int] = {}

    def write(self, cls: str, rel: str, items: list[Item]) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        lines: list[str] = []
        for item in items:
            text, is_secret = item if isinstance(item, tuple) else (item, None)
            if is_secret is not None:
                self.labels.append(Label(rel, len(lines) + 1, is_secret, cls))
            lines.extend(text.split("\n"))
        path.write_text("\n".join(lines) + "\n", "utf-8")
        self.counts[cls] = self.counts.get(cls, 0) + 1

    def code(self, cls: str, lang: str, name: str, key: str, value: str, is_secret: bool,
             before: list[Item] | None = None) -> None:
        ext, header, assign, footer = LANGS[lang]
        items: list[Item] = [*header, *(before or []), (assign(key, value), is_secret), *footer]
        self.write(cls, f"{lang}/{name}.{ext}", items)


# --- the classes -------------------------------------------------------------------------------------

def provider_formats(w: Writer, g: Gen) -> None:
    """Provider formats the issue lists as missed or too strict, each in several languages."""
    formats: dict[str, tuple[list[str], Callable[[], str]]] = {
        "dynatrace": (["DT_API_TOKEN", "DYNATRACE_TOKEN", "dt_token"], lambda: dynatrace_token(g)),
        "notion-legacy": (["NOTION_TOKEN", "NOTION_SECRET", "notion_api_key"], lambda: "secret_" + g.s(43)),
        "braintree": (["BRAINTREE_ACCESS_TOKEN", "BT_TOKEN", "gateway_token"],
                      lambda: "access_token$production$" + g.s(16, LOWER_ALNUM) + "$" + g.s(32, HEX)),
        "mailgun": (["MAILGUN_API_KEY", "MG_KEY", "mailgun_key"],
                    lambda: g.pick(["key-" + g.s(32, HEX), g.s(32, HEX) + "-" + g.s(8, HEX) + "-" + g.s(8, HEX)])),
        "azure-devops-pat": (["AZURE_DEVOPS_PAT", "ADO_TOKEN", "AZDO_PAT", "SYSTEM_ACCESSTOKEN"],
                             lambda: g.pick([g.s(52, BASE32_LOWER), azure_devops_pat_new(g)])),
        "cloudflare-global-key": (["CLOUDFLARE_API_KEY", "CF_API_KEY", "cloudflare_global_key"], lambda: g.s(37, HEX)),
        "discord-bot-token": (["DISCORD_TOKEN", "BOT_TOKEN", "discord_bot"], lambda: discord_bot_token(g)),
        "shopify": (["SHOPIFY_ACCESS_TOKEN", "SHOPIFY_API_SECRET", "shopify_token"],
                    lambda: g.pick(["shpat_", "shpca_", "shppa_", "shpss_"]) + g.s(32, HEX)),
        "checksummed-tokens": (["ATLASSIAN_API_TOKEN", "BITBUCKET_APP_PASSWORD", "GITLAB_TOKEN", "GRAFANA_TOKEN"],
                               lambda: g.pick([atlassian_token, bitbucket_app_password, gitlab_routable, grafana_sa])(g)),
    }
    for cls, (keys, make) in formats.items():
        for i, lang in enumerate(g.rng.sample(CODE_LANGS + CONFIG_LANGS, 6)):
            w.code(cls, lang, f"{cls}_{i}", g.pick(keys), make(), True)
    # Discord tokens with no keyword at all (a bot's run call), Braintree in compose with `$$`.
    for i in range(2):
        w.write("discord-bot-token", f"bots/discord_bot_{i}.py", [
            "import discord", "", "client = discord.Client(intents=discord.Intents.default())", "",
            "@client.event", "async def on_ready():", "    print('ready')", "",
            S(f"client.run('{discord_bot_token(g)}')")])
    for i in range(2):
        token = "access_token$$production$$" + g.s(16, LOWER_ALNUM) + "$$" + g.s(32, HEX)
        w.write("braintree", f"deploy/compose_{i}/docker-compose.yml", [
            "services:", "  checkout:", "    image: orbit/checkout:1.4", "    environment:",
            "      RAILS_ENV: production", S(f"      BRAINTREE_ACCESS_TOKEN: {token}")])
    # Twilio: account SID + auth token pairs (the SID is an identifier; the token is the secret).
    for i, lang in enumerate(["python", "env", "yaml", "javascript", "ruby", "json"]):
        sid, token = "AC" + g.s(32, HEX), g.s(32, HEX)
        ext, header, assign, footer = LANGS[lang]
        w.write("twilio-pair", f"{lang}/twilio_{i}.{ext}", [*header, assign("twilio_account_sid", sid),
                                                             S(assign("twilio_auth_token", token)), *footer])
    # SMTP app passwords (four groups of four letters) with mail context.
    for i in range(5):
        pw = " ".join(g.s(4, string.ascii_lowercase) for _ in range(4))
        shape = i % 3
        if shape == 0:
            items: list[Item] = ["EMAIL_HOST=smtp.gmail.com", "EMAIL_PORT=587", "EMAIL_HOST_USER=ops@orbit.dev",
                                 S(f'EMAIL_HOST_PASSWORD="{pw}"')]
            w.write("smtp-app-password", f"smtp/mail_{i}.env", items)
        elif shape == 1:
            w.write("smtp-app-password", f"smtp/mailer_{i}.py", [
                "import smtplib", "", "server = smtplib.SMTP('smtp.gmail.com', 587)", "server.starttls()",
                S(f"server.login('alerts@orbit.dev', '{pw}')")])
        else:
            w.write("smtp-app-password", f"smtp/values_{i}.yaml", [
                "smtp:", "  host: smtp.gmail.com", "  port: 587", "  user: noreply@orbit.dev",
                S(f"  app_password: '{pw}'")])


def bearer_prefixed(w: Writer, g: Gen) -> None:
    for i in range(5):
        token = g.pick(["nbt_" + g.s(12) + "." + g.s(40), "tfp_" + g.s(10) + "." + g.s(48),
                        "nbt_" + g.s(12, LOWER_ALNUM) + "." + g.s(40)])
        shape = i % 3
        if shape == 0:
            items: list[Item] = ["#!/bin/sh", S(f'curl -s -H "Authorization: Bearer {token}" \\'),
                                 "  https://netbox.orbit.internal/api/dcim/devices/"]
            w.write("bearer-prefixed", f"scripts/netbox_{i}.sh", items)
        elif shape == 1:
            w.write("bearer-prefixed", f"http/netbox_{i}.http", [
                "GET https://netbox.orbit.internal/api/ipam/prefixes/", "Accept: application/json",
                S(f"Authorization: Bearer {token}")])
        else:
            w.write("bearer-prefixed", f"python/netbox_client_{i}.py", [
                "import requests", "", "session = requests.Session()",
                S(f'session.headers["Authorization"] = "Bearer {token}"')])


def pem_headerless(w: Writer, g: Gen) -> None:
    for i in range(5):
        body = pem_body(g)
        shape = i % 3
        if shape == 0:
            w.write("pem-headerless", f"java/Signer{i}.java", [
                "package com.orbit.sign;", "", "public final class Signer {",
                S(f'    private static final String KEY_BODY = "{body[:1600]}";'),
                '    static String pem() {',
                '        return "-----BEGIN PRIVATE KEY-----\\n" + KEY_BODY + "\\n-----END PRIVATE KEY-----";',
                "    }", "}"])
        elif shape == 1:
            w.write("pem-headerless", f"python/signing_{i}.py", [
                "from cryptography.hazmat.primitives import serialization", "",
                S(f'PRIVATE_KEY_B64 = "{body[:1600]}"'), "",
                "def load():",
                '    pem = "-----BEGIN PRIVATE KEY-----\\n" + PRIVATE_KEY_B64 + "\\n-----END PRIVATE KEY-----\\n"',
                "    return serialization.load_pem_private_key(pem.encode(), password=None)"])
        else:
            w.write("pem-headerless", f"go/keys_{i}.go", [
                "package keys", "", S(f'const signingKeyDER = "{body[:1600]}"'), "",
                'func PEM() string { return "-----BEGIN PRIVATE KEY-----\\n" + signingKeyDER + "\\n-----END PRIVATE KEY-----" }'])


def pem_in_logs(w: Writer, g: Gen) -> None:
    """A key printed by a build step: every line carries the log's prefix."""
    for i, prefix in enumerate(["#7 0.312 ", "2026-04-26T12:36:01Z ", "[build] "]):
        body = pem_body(g)
        chunks = [body[j:j + 64] for j in range(0, 640, 64)]
        w.write("pem-in-log", f"logs/build_{i}.log", [
            f"{prefix}RUN openssl genpkey -algorithm RSA -out key.pem && cat key.pem",
            S(f"{prefix}-----BEGIN PRIVATE KEY-----"), *[prefix + c for c in chunks], f"{prefix}-----END PRIVATE KEY-----",
            f"{prefix}DONE 0.4s"])
    pub = base64.b64encode(b"\x30\x82\x01\x22\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00\x03\x82"
                           + bytes(g.rng.getrandbits(8) for _ in range(270))).decode()
    w.write("public-key-material", "logs/build_pub.log", [
        N("#7 0.312 -----BEGIN PUBLIC KEY-----"), *["#7 0.312 " + pub[j:j + 64] for j in range(0, 320, 64)],
        "#7 0.312 -----END PUBLIC KEY-----"])


def base64_slashes(w: Writer, g: Gen) -> None:
    keys = ["AUTH_SECRET", "NEXTAUTH_SECRET", "SESSION_SECRET", "JWT_SECRET", "SECRET_KEY_BASE", "ENCRYPTION_KEY"]
    for i, lang in enumerate(["env", "env", "yaml", "shell", "python", "json"]):
        w.code("base64-slashes", lang, f"auth_secret_{i}", keys[i], openssl_base64_32(g, 2 + i % 3), True)


def url_localhost(w: Writer, g: Gen) -> None:
    for i in range(6):
        scheme = g.pick(["mysql", "postgresql", "mongodb", "redis", "amqp"])
        user = g.pick(["devuser", "app", "orbit", "svc_api"])
        pw = g.pick([g.password(), g.s(10, string.ascii_lowercase) + g.s(4, string.digits)])
        host = g.pick(["localhost", "127.0.0.1", "localhost:5432", "127.0.0.1:3306"])
        url = f"{scheme}://{user}:{quote(pw, safe='')}@{host}/orbit"  # percent-encoded, as a URL must be
        lang = ["env", "python", "yaml", "javascript", "properties", "json"][i]
        w.code("url-localhost", lang, f"database_{i}", "database_url", url, True)


def keyword_elsewhere(w: Writer, g: Gen) -> None:
    """Keyword context on another line or column: SQL seeds, markdown tables, agent-file prose."""
    for i in range(3):
        stripe = "sk_" + "live_" + g.s(24)
        w.write("sql-seed", f"db/seeds/00{i}_settings.sql", [
            "-- settings for the billing service", "BEGIN;",
            "INSERT INTO settings (key, value) VALUES ('currency', 'EUR');",
            S(f"UPDATE settings SET value = '{g.s(40)}' WHERE key = 'stripe_secret';"),
            S(f"INSERT INTO integrations (name, secret) VALUES ('azure_devops_pat', '{g.s(52, BASE32_LOWER)}');"),
            S(f"INSERT INTO api_keys (provider, api_key) VALUES ('stripe', '{stripe}');"),
            "COMMIT;"])
    for i in range(3):
        w.write("markdown-table", f"docs/setup_{i}.md", [
            "# Staging environment", "", "| Variable | Value |", "|---|---|", "| AUTH0_DOMAIN | orbit.eu.auth0.com |",
            S(f"| AUTH0_CLIENT_SECRET | {g.s(64, B64URL)} |"),
            S(f"| DATABASE_PASSWORD | `{g.password()}` |"), "| LOG_LEVEL | debug |"])
    for i, name in enumerate(["CLAUDE.md", "AGENTS.md", ".cursorrules", "GEMINI.md"]):
        pw = g.password()
        w.write("agent-prose", f"agents/repo_{i}/{name}", [
            "# Working on this repository", "", "- Run `make test` before every commit.",
            "- The staging admin panel is at https://staging.orbit.internal/admin.",
            S(f"- To check the UI, log in as admin with the password {pw} and open Settings."),
            "- Never push to main directly."])


def structured_decoders(w: Writer, g: Gen) -> None:
    """The other engineer's analysers: measured here so they show when they land."""
    for i in range(3):
        pw = g.password()
        w.write("k8s-secret-base64", f"k8s/secret_{i}.yaml", [
            "apiVersion: v1", "kind: Secret", "metadata:", f"  name: db-{i}", "type: Opaque", "data:",
            "  username: " + base64.b64encode(b"orbit").decode(),
            S("  password: " + base64.b64encode(pw.encode()).decode())])
    for i in range(3):
        auth = base64.b64encode(f"deploy:{g.password()}".encode()).decode()
        w.write("docker-config-auth", f"docker/config_{i}/config.json", [
            "{", '  "auths": {', '    "registry.orbit.dev": {', S(f'      "auth": "{auth}"'), "    }", "  }", "}"])
    for i in range(3):
        key = "sk-" + "proj-" + g.s(48, B64URL) + "T3BlbkFJ" + g.s(48, B64URL)
        w.write("jupyter-notebook", f"notebooks/explore_{i}.ipynb", [
            "{", ' "cells": [', "  {", '   "cell_type": "code",', '   "metadata": {},', '   "source": [',
            '    "import openai\\n",', S(f'    "client = openai.OpenAI(api_key=\\"{key}\\")\\n"'),
            "   ]", "  }", " ],", ' "nbformat": 4,', ' "nbformat_minor": 5', "}"])
    for i in range(3):
        w.write("postman-collection", f"postman/orbit_{i}.postman_collection.json", [
            "{", '  "info": {"name": "orbit", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},',
            '  "item": [{"name": "list", "request": {"method": "GET", "header": [', '    {"key": "Authorization",',
            S(f'     "value": "Bearer {g.s(40)}"'), "    }]}}]", "}"])
    for i in range(3):
        inner = json.dumps({"DB_HOST": "db", "DB_PASSWORD": g.password()})
        w.write("json-in-json", f"deploy/task_{i}.json", [
            "{", '  "family": "api",', S(f'  "environment": {json.dumps(inner)}'), "}"])
    for i in range(3):
        w.write("mcp-args", f"mcp/project_{i}/.mcp.json", [
            "{", '  "mcpServers": {', '    "search": {', '      "command": "npx",',
            S(f'      "args": ["-y", "@orbit/search-mcp", "--api-key", "{g.s(40)}"]'), "    }", "  }", "}"])
    for i in range(3):
        w.write("terraform-variable", f"terraform/stack_{i}/variables.tf", [
            'variable "region" {', '  default = "eu-west-1"', "}", "", 'variable "datadog_api_key" {',
            "  type      = string", "  sensitive = true", S(f'  default   = "{g.s(32, HEX)}"'), "}"])


def ordinary(w: Writer, g: Gen) -> None:
    """Ordinary secrets in ordinary places: the bread and butter, in every file kind."""
    for i, lang in enumerate(CODE_LANGS):
        make = g.pick([lambda: "sk_" + "live_" + g.s(24), lambda: github_pat(g), lambda: "xox" + "b-" + str(
            g.rng.randrange(10 ** 11, 10 ** 12)) + "-" + str(g.rng.randrange(10 ** 12, 10 ** 13)) + "-" + g.s(24),
            lambda: "AK" + "IA" + g.s(16, string.ascii_uppercase + "234567"), lambda: npm_token(g),
            lambda: "SG." + g.s(22, B64URL) + "." + g.s(43, B64URL)])
        w.code("provider-in-code", lang, f"client_{i}", g.pick(["api_token", "service_key", "deploy_token"]), make(), True)
    for i in range(4):
        w.write("ci-yaml", f"ci/project_{i}/.github/workflows/deploy.yml", [
            "name: deploy", "on: [push]", "jobs:", "  deploy:", "    runs-on: ubuntu-latest", "    env:",
            "      NODE_VERSION: 20", "      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}",
            S(f"      SLACK_WEBHOOK: https://hooks.slack.com/services/T{g.s(8, string.ascii_uppercase + string.digits)}/B{g.s(10, string.ascii_uppercase + string.digits)}/{g.s(24)}"),
            "    steps:", "      - uses: actions/checkout@v4"])
    for i in range(4):
        w.write("helm-values", f"helm/chart_{i}/values.yaml", [
            "replicaCount: 2", "image:", "  repository: orbit/api", "  tag: 1.9.2", "postgresql:", "  auth:",
            "    username: orbit", S(f"    password: {g.password()}"), "    database: orbit"])
    for i in range(3):
        w.write("credential-file", f"home_{i}/.pgpass", [S(f"db.orbit.internal:5432:orbit:orbit:{g.password()}")])
        w.write("credential-file", f"home_{i}/.aws/credentials", [
            "[default]", S("aws_access_key_id = AK" + "IA" + g.s(16, string.ascii_uppercase + "234567")),
            S(f"aws_secret_access_key = {g.s(40, B64)}"), "region = eu-west-1"])
    for i in range(3):
        w.write("log", f"logs/app_{i}.log", [
            "2026-03-02T10:00:01Z INFO starting api on :8080",
            S(f"2026-03-02T10:00:02Z DEBUG request headers={{'Authorization': 'Bearer {g.s(40)}'}}"),
            "2026-03-02T10:00:02Z INFO GET /health 200 3ms"])


# --- hard negatives ------------------------------------------------------------------------------------

def password_hashes(w: Writer, g: Gen) -> None:
    makers = [argon2_hash, django_pbkdf2, bcrypt_hash, sha512_crypt, sha256_crypt, md5_crypt, scrypt_hash]
    for i, make in enumerate(makers):
        h = make(g)
        shape = i % 4
        if shape == 0:
            w.write("password-hash", f"db/seeds/users_{i}.sql", [
                "INSERT INTO users (email, password, is_admin) VALUES",
                N(f"  ('admin@orbit.dev', '{h}', true);")])
        elif shape == 1:
            w.write("password-hash", f"python/fixtures_{i}.py", [
                "ADMIN = {", '    "username": "admin",', N(f'    "password": "{h}",'), "}"])
        elif shape == 2:
            w.write("password-hash", f"config/users_{i}.yaml", [
                "users:", "  - name: ops", N(f"    password_hash: '{h}'"), N(f"    password: \"{make(g)}\"")])
        else:
            w.write("password-hash", f"env/admin_{i}.env", ["ADMIN_USER=admin", N(f"ADMIN_PASSWORD='{h}'")])
    w.write("password-hash", "etc/htpasswd", [N(f"admin:{md5_crypt(g)}"), N(f"ops:{bcrypt_hash(g)}")])


def wrong_checksums(w: Writer, g: Gen) -> None:
    makers = [("ATLASSIAN_API_TOKEN", atlassian_token), ("BITBUCKET_APP_PASSWORD", bitbucket_app_password),
              ("GITLAB_TOKEN", gitlab_routable), ("GRAFANA_SA_TOKEN", grafana_sa), ("GITHUB_TOKEN", github_pat),
              ("NPM_TOKEN", npm_token)]
    for i, (key, make) in enumerate(makers):
        lang = ["env", "yaml", "python", "json", "shell", "typescript"][i]
        w.code("wrong-checksum", lang, f"tokens_{i}", key, tamper(make(g), g), False)


def encrypted_values(w: Writer, g: Gen) -> None:
    for i in range(2):
        w.write("encrypted-value", f"dotenvx_{i}/.env.production", [
            "#/-------------------[DOTENV_PUBLIC_KEY]--------------------/",
            "#/            public-key encryption for .env files          /",
            "#/----------------------------------------------------------/",
            f'DOTENV_PUBLIC_KEY_PRODUCTION="02{g.s(64, HEX)}"', "",
            N(f'DATABASE_PASSWORD="encrypted:{g.b64bytes(110)}"'),
            N(f'STRIPE_SECRET_KEY="encrypted:{g.b64bytes(130)}"')])
    for i in range(2):
        w.write("encrypted-value", f"sops_{i}/secrets.enc.yaml", [
            "database:", N(f"    password: {sops_value(g)}"), N(f"    api_token: {sops_value(g, 40)}"),
            "sops:", "    age:", f"        - recipient: age1{g.s(58, '023456789acdefghjklmnpqrstuvwxyz')}",
            "          enc: |", "            -----BEGIN AGE ENCRYPTED FILE-----",
            f"            {g.b64bytes(45)}", "            -----END AGE ENCRYPTED FILE-----",
            "    lastmodified: \"2026-02-11T09:12:44Z\"",
            N(f"    mac: {sops_value(g, 32)}"), "    version: 3.9.1"])
    for i in range(2):
        w.write("encrypted-value", f"ejson_{i}/secrets.ejson", [
            "{", f'  "_public_key": "{g.s(64, HEX)}",',
            N(f'  "database_password": "EJ[1:{g.b64bytes(32)}:{g.b64bytes(24)}:{g.b64bytes(40)}]",'),
            N(f'  "api_secret": "EJ[1:{g.b64bytes(32)}:{g.b64bytes(24)}:{g.b64bytes(48)}]"'), "}"])
    for i in range(2):
        w.write("encrypted-value", f"ansible_{i}/group_vars/all/vault.yml", [
            "db_user: orbit", N("db_password: !vault |"), *vault_block(g, "  "), "smtp_host: smtp.orbit.dev"])
    for i in range(2):
        w.write("encrypted-value", f"k8s/sealed_{i}.yaml", [
            "apiVersion: bitnami.com/v1alpha1", "kind: SealedSecret", "metadata:", f"  name: api-{i}",
            "  namespace: prod", "spec:", "  encryptedData:",
            N(f"    DB_PASSWORD: {sealed_value(g)}"), N(f"    API_TOKEN: {sealed_value(g)}"),
            "  template:", "    metadata:", f"      name: api-{i}"])


def documented(w: Writer, g: Gen) -> None:
    examples = documented_examples()
    azurite = next(v for v in examples if v.endswith("==") and len(v) == 88)
    w.write("documented-example", "azurite/local.settings.json", [
        "{", '  "IsEncrypted": false,', '  "Values": {',
        N('    "AzureWebJobsStorage": "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;'
          f'AccountKey={azurite};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"'), "  }", "}"])
    w.write("documented-example", "azurite/.env.test", [
        "AZURE_STORAGE_ACCOUNT=devstoreaccount1", N(f"AZURE_STORAGE_KEY={azurite}")])
    for i, value in enumerate(examples):
        w.write("documented-example", f"docs/example_{i}.py", [
            '"""Example from the vendor\'s documentation."""', N(f'api_token = "{value}"')])


def compose_references(w: Writer, g: Gen) -> None:
    for i in range(4):
        w.write("compose-reference", f"compose_{i}/docker-compose.yml", [
            "services:", "  db:", "    image: postgres:16", "    environment:",
            N("      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?Variable not set}"),
            N("      POSTGRES_USER: ${POSTGRES_USER:-app}"), "  api:", "    environment:",
            N("      DATABASE_URL: postgresql://app:${POSTGRES_PASSWORD:?Variable not set}@db:5432/app"),
            N("      SECRET_KEY: ${SECRET_KEY?err}"), N("      REDIS_URL: redis://:${REDIS_PASSWORD}@cache:6379/0")])


def identifiers(w: Writer, g: Gen) -> None:
    w.write("identifier-value", "python/storage.py", [
        "def make_client(s3_credentials=None, region=None):",
        N("    return boto3.client('s3', credentials=s3_credentials or None, region_name=region)"), "",
        "def create_user(email, password):", "    argon2_hash = hasher.hash(password)",
        N("    return User(email=email, hashed_password=argon2_hash)"),
        N("    token = jwt_token_v2"), N("    api_key = settings_v2.api_key")])
    w.write("identifier-value", "typescript/webauthn.ts", [
        "export interface Authenticator {", N("  credentialPublicKey: Uint8Array;"), "  counter: number;",
        N("  credentialID: Base64URLString;"), "}", N("let sessionToken: Uint8Array | null = null;")])
    w.write("identifier-value", "vue/LoginForm.vue", [
        "<template>", '  <input v-model="form.password" type="password" name="password" />',
        N("  <span class=\"err\">{{ errors.first('password') }}</span>"),
        N('  <p v-if="errors.has(\'password_confirmation\')">{{ errors.first(\'password_confirmation\') }}</p>'),
        "</template>"])
    w.write("identifier-value", "go/user.go", [
        "type User struct {", N('\tPassword string `json:"password" db:"password_hash"`'),
        N("\tAPIToken sql.NullString"), "}", N("var secretKey = cfg.SecretKeyV2")])
    w.write("identifier-value", "java/Auth.java", [
        N("String password = passwordEncoder.encode(rawPassword2);"),
        N("SecretKeySpec secretKey = new SecretKeySpec(keyBytes, \"HmacSHA256\");")])


def minified(w: Writer, g: Gen) -> None:
    for i, folder in enumerate(["dist/assets", "static/js", "build/static/js", "public/build"]):
        parts = []
        for _ in range(60):
            parts.append(f"function {g.s(2, string.ascii_lowercase)}(e,t){{return e.{g.pick(['token', 'password', 'secret'])}"
                         f"===t?{{tokenHash:\"{g.s(32, HEX)}\",secretKey:e.secretKey,sessionToken:\"{g.s(24)}\"}}:null}}")
            parts.append(f"var {g.s(2, string.ascii_lowercase)}={{apiKey:\"{g.s(20)}\",password:\"{g.s(14)}\"}};")
        w.write("minified-bundle", f"web_{i}/{folder}/index-{g.s(8, HEX)}.js", [N("".join(parts))])
    # A live key inside a bundle is still a leak (built from a secret someone committed).
    line = "".join(f"var {g.s(2, string.ascii_lowercase)}=function(e){{return e*{i}}};" for i in range(200))
    w.write("bundle-live-key", f"web_live/dist/app-{g.s(8, HEX)}.js", [
        S(line + f'var stripe=Stripe("{"sk_" + "live_" + g.s(24)}");' + line)])


def public_identifiers(w: Writer, g: Gen) -> None:
    ref = g.s(20, string.ascii_lowercase)
    anon = jwt(g, {"iss": "supabase", "ref": ref, "role": "anon", "iat": 1735000000, "exp": 2050576000})
    w.write("public-identifier", "web/.env.local", [
        f"NEXT_PUBLIC_SUPABASE_URL=https://{ref}.supabase.co", N(f"NEXT_PUBLIC_SUPABASE_ANON_KEY={anon}"),
        N(f"SENTRY_DSN=https://{g.s(32, HEX)}@o{g.rng.randrange(10**5, 10**7)}.ingest.sentry.io/{g.rng.randrange(10**5, 10**7)}"),
        N(f"NEXT_PUBLIC_MAPBOX_TOKEN=pk.{jwt(g, {'u': 'orbit', 'a': g.s(12, LOWER_ALNUM)}).split('.', 1)[1]}"),
        N(f"STRIPE_PUBLISHABLE_KEY=pk_live_{g.s(99)}")])
    w.write("public-identifier", "web/src/firebase.js", [
        "import { initializeApp } from 'firebase/app';", "", "const firebaseConfig = {",
        N(f'  apiKey: "AIza{g.s(35, B64URL)}",'), '  authDomain: "orbit-prod.firebaseapp.com",',
        '  projectId: "orbit-prod",', f'  appId: "1:{g.rng.randrange(10**11, 10**12)}:web:{g.s(22, HEX)}",', "};",
        "export const app = initializeApp(firebaseConfig);"])
    w.write("public-identifier", "contracts/deploy.yaml", [
        "network: mainnet", N(f"token_address: 0x{g.s(40, HEX)}"), N(f"treasury_wallet: \"0x{g.s(40, '0123456789abcdefABCDEF')}\""),
        N(f"secret_santa_contract: 0x{g.s(40, HEX)}")])
    w.write("public-identifier", "python/sentry_setup.py", [
        "import sentry_sdk", "", N(f'sentry_sdk.init(dsn="https://{g.s(32, HEX)}@o{g.rng.randrange(10**5, 10**7)}.ingest.us.sentry.io/{g.rng.randrange(10**5, 10**7)}")')])
    w.write("public-identifier", "web/supabase.ts", [
        "import { createClient } from '@supabase/supabase-js';",
        N(f"const supabaseAnonKey = '{jwt(g, {'iss': 'supabase', 'ref': ref, 'role': 'anon', 'iat': 1735000000, 'exp': 2050576000})}';"),
        f"export const supabase = createClient('https://{ref}.supabase.co', supabaseAnonKey);"])
    # The service-role key of the same project IS a secret.
    w.write("supabase-service-role", "server/.env", [
        f"SUPABASE_URL=https://{ref}.supabase.co",
        S(f"SUPABASE_SERVICE_ROLE_KEY={jwt(g, {'iss': 'supabase', 'ref': ref, 'role': 'service_role', 'iat': 1735000000, 'exp': 2050576000})}")])


def ordinary_negatives(w: Writer, g: Gen) -> None:
    """Placeholders and references in the same file kinds as the ordinary positives."""
    for i, lang in enumerate(CODE_LANGS[:6] + CONFIG_LANGS):
        value = g.pick(["${API_TOKEN}", "your-api-key-here", "<paste token>", "changeme", "xxxxxxxxxxxxxxxx"])
        w.code("placeholder", lang, f"sample_{i}", "api_token", value, False)


def code_idioms(w: Writer, g: Gen) -> None:
    """Credentials in code idioms other than `name = value`: a comparison, an environment
    lookup's fallback, a C macro, a call's argument after its name, curl -u on a continuation
    line, an ID/PW pair in notes, a key label as a console shows it."""
    w.write("code-idioms", "python/auth_check.py", [
        "def login(user, password):", S(f'    if password == "{g.password()}":'), "        return True", "    return False"])
    w.write("code-idioms", "python/settings_env.py", [
        "import os", S(f'DB_PASSWORD = os.getenv("DB_PASSWORD", "{g.password()}")'),
        S(f'SECRET_KEY = os.environ.get("SECRET_KEY") or "{g.s(40)}"')])
    w.write("code-idioms", "javascript/config_env.js", [
        S(f"const jwtSecret = process.env.JWT_SECRET || '{g.s(32)}';"), "module.exports = { jwtSecret };"])
    w.write("code-idioms", "c/credentials.h", [
        "#pragma once", S(f'#define DB_PASSWORD "{g.password()}"'), "#define DB_PORT 5432"])
    w.write("code-idioms", "c/fetch.c", [
        "#include <curl/curl.h>", "void fetch(CURL *curl) {",
        S(f'    curl_easy_setopt(curl, CURLOPT_USERPWD, "deploy:{g.password()}");'), "}"])
    w.write("code-idioms", "java/Mailer.java", [
        "Properties props = new Properties();", 'props.setProperty("mail.smtp.host", "smtp.orbit.dev");',
        S(f'props.setProperty("mail.smtp.password", "{g.password()}");')])
    w.write("code-idioms", "scripts/reindex.sh", [
        "#!/bin/sh", "curl -X POST https://search.orbit.internal:9200/_reindex \\",
        S(f"  --user elastic:{g.s(18)} \\"), "  -H 'Content-Type: application/json' -d @body.json"])
    w.write("code-idioms", "docs/servers.md", [
        "## staging", "- host: 10.20.0.7", S(f"- ID/PW: admin/{g.password()}"), "- backups nightly"])
    w.write("code-idioms", "docs/aws-console.txt", [
        S("Access key ID: AK" + "IA" + g.s(16, string.ascii_uppercase + "234567")), S(f"Secret access key: {g.s(40, B64)}")])
    cf_body = g.s(40)
    w.write("code-idioms", "env/cloudflare.env", [
        S("CLOUDFLARE_API_TOKEN=cfut_" + cf_body + format(zlib.crc32(cf_body.encode()), "08x"))])


def more_negatives(w: Writer, g: Gen) -> None:
    """Hard negatives for the shapes the rules above look for."""
    w.write("prose-negative", "agents/repo_n0/CLAUDE.md", [
        "# Notes", N("- The password field must hold at least 12 characters."),
        N("- Reset the password via the link; it expires in 24h."),
        N("- Set the password to $STAGING_PASSWORD before running the e2e suite."),
        "- Never commit `.env`."])
    w.write("prose-negative", "docs/setup_n1.md", [
        "| Variable | Value |", "|---|---|", N("| API_TOKEN | see the team vault |"),
        N("| SESSION_SECRET | required | string | signs cookies |"), N("| DATABASE_PASSWORD | `${DATABASE_PASSWORD}` |")])
    w.write("sql-negative", "db/seeds/010_settings.sql", [
        N("UPDATE settings SET value = 'EUR' WHERE key = 'currency';"),
        N("INSERT INTO config (k, v) VALUES ('password_min_length', '12');"),
        N("INSERT INTO config (k, v) VALUES ('token_ttl_seconds', '3600');")])
    w.write("cli-negative", "scripts/login.sh", [
        "#!/bin/sh", N('echo "$REGISTRY_PASSWORD" | docker login --username ci --password-stdin registry.orbit.dev'),
        N("vault login -method=userpass username=ci password=\"$VAULT_PASSWORD\""),
        N("pg_dump --no-password --file=/backups/orbit.sql orbit"), N("gh auth login --with-token < token.txt")])
    w.write("placeholder-url", "env/local.env", [
        N("DATABASE_URL=postgres://postgres:postgres@localhost:5432/app_test"),
        N("REDIS_URL=redis://:password@localhost:6379/0"), N("AMQP_URL=amqp://guest:guest@localhost:5672/")])
    w.write("template-values", "javascript/client.js", [
        N("const headers = { Authorization: `Bearer ${session.accessToken}` };"),
        N('const env = JSON.parse("{\\"DB_PASSWORD\\": \\"${DB_PASSWORD}\\"}");'),
        N('props.setProperty("mail.smtp.password", System.getenv("SMTP_PASSWORD"));')])
    cert = base64.b64encode(b"\x30\x82\x03\x77\x30\x82\x02\x5f\xa0\x03\x02\x01\x02\x02\x09"
                            + bytes(g.rng.getrandbits(8) for _ in range(300))).decode()
    w.write("public-key-material", "java/TrustStore.java", [
        N(f'    private static final String CA_CERT_B64 = "{cert}";'),
        N(f'    private static final String SERVER_PUBKEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{g.s(43, B64)} ops@orbit";')])
    w.write("digest-values", "logs/audit.log", [
        N(f"2026-03-02T10:00:02Z INFO token rotated token_sha256={g.s(64, HEX)} user=ops"),
        N(f"2026-03-02T10:00:03Z INFO api_key_fingerprint={g.s(40, HEX)} revoked=false"),
        N(f'{{"event": "login", "password_hash_version": 2, "secret_digest": "{g.s(64, HEX)}"}}')])
    w.write("digest-values", "config/integrity.yaml", [
        N(f"token_checksum: sha256:{g.s(64, HEX)}"), N(f"client_secret_md5: {g.s(32, HEX)}")])


def prose_other_languages(w: Writer, g: Gen) -> None:
    """Passwords in wiki exports and agent files written in other languages (the label is not
    English), and the same files' policy sentences, references and masked values."""
    templates = [
        ("ko", "서버 접속 정보 - 계정: deploy / 비밀번호: {pw}", "비밀번호는 12자 이상이어야 합니다."),
        ("ko", "관리자 비번은 {pw} 입니다.", "비번: ${{ADMIN_PASSWORD}}"),
        ("ko", "테스트 계정 패스워드({pw})", "패스워드를 SHA256으로 저장합니다."),
        ("zh", "测试环境数据库密码：{pw}", "密码：请联系管理员"),
        ("ja", "ステージングのパスワード: {pw}", "パスワード: ********"),
        ("ru", "Доступ к панели — логин admin, пароль: {pw}", "пароль: <ваш пароль>"),
        ("tr", "Yönetici şifre: {pw}", "şifre en az 12 karakter olmalı"),
        ("es", "usuario: soporte, contraseña: {pw}", "contraseña: ${{DB_PASSWORD}}"),
        ("de", "Das Passwort für den Testserver lautet {pw}.", "Das Passwort muss mindestens 12 Zeichen lang sein."),
        ("nl", "Het wachtwoord is {pw}", "Het wachtwoord staat in de kluis."),
        ("fr", "Le mot de passe est {pw}", "Le mot de passe est stocké dans le coffre."),
        ("pt", "Usuário: suporte / senha: {pw}", "senha = request.form[\"senha\"]"),
    ]
    for i, (lang, positive, negative) in enumerate(templates):
        name = g.pick(["README.md", "CLAUDE.md", "AGENTS.md", "docs/onboarding.md"])
        w.write("prose-other-languages", f"i18n/{lang}_{i}/{name}", [
            "# " + g.word(), "", S(positive.format(pw=g.password())), N(negative), "- make test"])


def more_provider_formats(w: Writer, g: Gen) -> None:
    """Token formats added after 0.2.0 (public format facts; random bodies)."""
    values = [
        ("SWARM_WORKER_TOKEN", "SWMTKN-1-" + g.s(50, string.ascii_lowercase + string.digits) + "-"
         + g.s(25, string.ascii_lowercase + string.digits)),
        ("CLOJARS_PASSWORD", "CLOJARS_" + g.s(60, "0123456789abcdef")),
        ("COCKROACH_API_KEY", "CCDB1_" + g.s(22) + "_" + g.s(40)),
        ("LLAMA_CLOUD_API_KEY", "llx-" + g.s(48)),
        ("FT_CLIENT_SECRET", "s-s4t2" + g.pick(["ud", "af"]) + "-" + g.s(64, "0123456789abcdef")),
        ("CONFIGCAT_SDK_KEY", "configcat-sdk-1/" + g.s(22, B64URL) + "/" + g.s(22, B64URL)),
        ("DEVIN_API_KEY", "cog_" + g.s(52, BASE32_LOWER)),
        ("DEVIN_SERVICE_KEY", "apk_" + base64.b64encode(f"org-{g.s(32, '0123456789abcdef')}:{g.s(32, '0123456789abcdef')}"
                                                          .encode()).decode()),
        ("SUMO_ACCESS_ID", "su" + g.s(12)),
    ]
    for i, (key, value) in enumerate(values):
        w.write("more-providers", f"services/svc_{i}/.env.production", [
            "NODE_ENV=production", S(f"{key}={value}"), "LOG_LEVEL=info"])
    schemes = [("Api-Token", g.s(40, "0123456789abcdef")), ("SSWS", "00" + g.s(40, B64URL)),
               ("GenieKey", str(uuid.UUID(int=g.rng.getrandbits(128)))), ("", str(uuid.UUID(int=g.rng.getrandbits(128))))]
    for i, (scheme, value) in enumerate(schemes):
        header = f"Authorization: {scheme} {value}" if scheme else f"Authorization: {value}"
        w.write("auth-header-schemes", f"scripts/call_{i}.sh", [
            "#!/bin/sh", "set -eu", S(f'curl -fsS -H "{header}" https://api.internal/v1/status'),
            N('curl -fsS -H "Authorization: Bearer $API_TOKEN" https://api.internal/v1/status')])


def more_code_idioms(w: Writer, g: Gen) -> None:
    """Credential idioms added after 0.2.0: PHP constants (wp-config.php), URL credentials of any
    scheme, MySQL's IDENTIFIED WITH <plugin> BY, Go-style single-dash flags, user:password pairs
    whose user is `root`."""
    pw = g.password().replace("#", "!")
    salt = g.s(64, ALNUM + "!@$%^&*()-_[]+=,.;:/?|~")
    w.write("more-idioms", "site/wp-config.php", [
        "<?php", S(f"define( 'DB_PASSWORD', '{pw}' );"), S(f"define( 'AUTH_KEY', '{salt}' );"),
        N("define( 'LOGGED_IN_KEY', 'put your unique phrase here' );"), "define( 'WP_DEBUG', false );"])
    w.write("more-idioms", "cams/stream.py", [
        "import cv2", S(f'cap = cv2.VideoCapture("rtsp://admin:{g.password().replace("#", "!")}@10.20.0.{g.rng.randint(2, 250)}:554/stream1")'),
        N('cap2 = cv2.VideoCapture("rtsp://user:password@camera.local/stream")')])
    w.write("more-idioms", "db/users.sql", [
        S(f"ALTER USER 'etl'@'%' IDENTIFIED WITH caching_sha2_password BY '{g.password()}';"),
        N("ALTER USER 'ro'@'%' IDENTIFIED WITH mysql_native_password AS '*" + g.s(40, "0123456789ABCDEF") + "';")])
    w.write("more-idioms", "deploy/run.sh", [
        "#!/bin/sh", S(f"./relay -addr :8443 -token={g.s(24)} -tls"), N("./relay -token-file /run/secrets/relay -tls"),  # credwall:allow (a template, filled at run time)
        S(f'curl -fsS -u root:{g.password().replace("#", "!")} https://nexus.internal/service/rest/v1/status')])


GENERATORS = [provider_formats, bearer_prefixed, pem_headerless, pem_in_logs, base64_slashes, url_localhost, keyword_elsewhere,
              structured_decoders, ordinary, password_hashes, wrong_checksums, encrypted_values, documented,
              compose_references, identifiers, minified, public_identifiers, ordinary_negatives, code_idioms,
              more_negatives, prose_other_languages, more_provider_formats, more_code_idioms]


def generate(root: Path, seed: int = 12) -> list[Label]:
    """Write the corpus under root (which must be empty or absent) and return its labels."""
    root.mkdir(parents=True, exist_ok=True)
    writer = Writer(root)
    for number, make in enumerate(GENERATORS):
        make(writer, Gen(seed * 1000 + number))
    with open(root / "labels.jsonl", "w", encoding="utf-8") as fh:
        for label in writer.labels:
            fh.write(json.dumps({"path": label.path, "line": label.line, "is_secret": label.secret,
                                 "class": label.cls}) + "\n")
    return writer.labels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    labels = generate(args.out, args.seed)
    files = len({label.path for label in labels})
    positives = sum(label.secret for label in labels)
    print(f"wrote {files} files, {positives} secret lines and {len(labels) - positives} hard-negative lines "
          f"to {args.out} (labels.jsonl); digest {hashlib.sha256(str(labels).encode()).hexdigest()[:12]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
