from __future__ import annotations

import pytest

from credwall.engine.filters import (generic_value_reason, placeholder_reason, reference_reason,
                              rejection_reason, shannon_entropy)


@pytest.mark.parametrize("value", [
    "your-api-key", "YOUR_TOKEN_HERE", "xxxxxxxxxxxxxxxx", "<TOKEN>", "changeme", "AKIAIOSFODNN7EXAMPLE",
    "sk-proj-**************", "REDACTED", "aaaaaaaaaaaa", "1234567890abcdef", "dummy-secret-value",
])
def test_placeholders(value: str) -> None:
    assert placeholder_reason(value) is not None


@pytest.mark.parametrize("value", [
    "${DB_PASSWORD}", "$API_TOKEN", "${{ secrets.NPM_TOKEN }}", "{{ .Values.apiKey }}", "%API_KEY%",
    "os.environ['KEY']", "process.env.STRIPE_KEY", "env:OPENAI_API_KEY", "op://vault/item/field",
    "{0}", "%(password)s", "<%= ENV['TOKEN'] %>", "#{secret}", '{label("*")}', "{cfg.password!r}",
])
def test_references(value: str) -> None:
    assert reference_reason(value) is not None


@pytest.mark.parametrize("value", [
    "get_password()", "self.password", "settings.SECRET_KEY", "1234567890", "/etc/ssl/private/key.pem",
    "https://auth.example.org/token", "two words", "DEFAULT_PASSWORD", "config.db.pass", "%s:%s", "{user}:{pw}",
    "entry.", "LINEAR_PAT2", "$GITHUB_TOKEN_V2", "-style", "--force", ")[1].split(b",
])
def test_generic_values_that_are_code(value: str) -> None:
    assert generic_value_reason(value) is not None


@pytest.mark.parametrize("value", ["Vq8#tz2Lm!p0", "q7Zt2Vx9LmR4pW8sKd3N", "hunter42x", "Zq81nLx0Vt7RkP2w"])
def test_real_looking_values_pass(value: str) -> None:
    assert rejection_reason(value, generic=True, entropy=1.5, min_length=4) is None


def test_entropy() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)
    assert rejection_reason("abababab12", generic=False, entropy=3.5, min_length=1) == "entropy below the rule's floor"


def test_min_length() -> None:
    assert rejection_reason("Zq8", generic=False, entropy=None, min_length=8) == "too short"


# --- false-alarm classes (issue 12); values built at run time -----------------------------------

import base64
import json
import random
import string

from credwall.engine.filters import (LineContext, base64_key_shape, built_bundle, code_identifier_reason,
                                     context_reason, documented_example_reason, documented_example_values,
                                     encrypted_reason, literal_value_reason, not_a_credential_reason,
                                     password_hash_reason, public_identifier_reason)

_RNG = random.Random(12)
_CRYPT64 = "./" + string.digits + string.ascii_letters


def _r(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(n))


def _b64(n: int) -> str:
    return base64.b64encode(bytes(_RNG.getrandbits(8) for _ in range(n))).decode()


def _ctx(line: str, value: str, text: str | None = None) -> LineContext:
    text = line if text is None else text
    start = text.index(value)
    return LineContext.of(text, start, start + len(value))


@pytest.mark.parametrize("value", [
    "$argon2id$v=19$m=65536,t=3,p=4$" + _b64(16).rstrip("=") + "$" + _b64(32).rstrip("="),
    "$argon2i$v=19$m=4096,t=3,p=1$" + _b64(16).rstrip("=") + "$" + _b64(32).rstrip("="),
    "pbkdf2_sha256$870000$" + _r(22) + "$" + _b64(32),
    "$2b$12$" + _r(53, _CRYPT64), "$2a$10$" + _r(53, _CRYPT64), "$2y$13$" + _r(53, _CRYPT64),
    "$scrypt$ln=16,r=8,p=1$" + _b64(16).rstrip("=") + "$" + _b64(32).rstrip("="),
    "scrypt$" + _r(22) + "$16384$8$1$" + _b64(64),
    "$6$rounds=656000$" + _r(16, _CRYPT64) + "$" + _r(86, _CRYPT64), "$6$" + _r(16, _CRYPT64) + "$" + _r(86, _CRYPT64),
    "$5$" + _r(16, _CRYPT64) + "$" + _r(43, _CRYPT64), "$1$" + _r(8, _CRYPT64) + "$" + _r(22, _CRYPT64),
    "$apr1$" + _r(8, _CRYPT64) + "$" + _r(22, _CRYPT64), "$pbkdf2-sha256$29000$" + _r(22, _CRYPT64) + "$" + _r(43, _CRYPT64),
    "{SSHA}" + _b64(24),
])
def test_password_hashes(value: str) -> None:
    assert password_hash_reason(value) is not None
    assert not_a_credential_reason(value) is not None
    # a rule that captured only the start (`,` ends an unquoted value) is caught in its line
    line = f"ADMIN_PASSWORD={value}"
    assert context_reason(value[:12], _ctx(line, value[:12], line), generic=True) is not None


@pytest.mark.parametrize("value", ["$ecret" + _r(10), "Zq8$tz2Lm!p0x", "$2b$" + _r(20), "pbkdf2", "$6$short"])
def test_password_like_values_are_not_hashes(value: str) -> None:
    assert password_hash_reason(value) is None


@pytest.mark.parametrize("value", [
    "encrypted:" + _b64(110),
    "ENC[AES256_GCM,data:" + _b64(12) + ",iv:" + _b64(32) + ",tag:" + _b64(16) + ",type:str]",
    "EJ[1:" + _b64(32) + ":" + _b64(24) + ":" + _b64(40) + "]",
    "$ANSIBLE_VAULT;1.1;AES256", "!vault",
])
def test_encrypted_values(value: str) -> None:
    assert encrypted_reason(value) is not None
    assert literal_value_reason(value) is not None


def test_encrypted_envelope_seen_from_inside() -> None:
    """A rule whose capture starts inside `ENC[…,data:<here>` is still inside an envelope."""
    data = _b64(24)
    line = f"    password: ENC[AES256_GCM,data:{data},iv:{_b64(32)},tag:{_b64(16)},type:str]"
    assert context_reason(data, _ctx(line, data), generic=True) == "encrypted value"


def test_sealed_secret_ciphertext_needs_the_kind() -> None:
    cipher = base64.b64encode(b"\x02\x00" + bytes(_RNG.getrandbits(8) for _ in range(540))).decode()
    sealed = f"kind: SealedSecret\nspec:\n  encryptedData:\n    DB_PASSWORD: {cipher}\n"
    assert context_reason(cipher, _ctx(sealed, cipher, sealed), generic=True) == "Sealed Secrets ciphertext"
    plain = f"kind: Secret\nstringData:\n    DB_PASSWORD: {cipher}\n"
    assert context_reason(cipher, _ctx(plain, cipher, plain), generic=True) is None


def test_documented_examples_come_from_the_shipped_list() -> None:
    values = documented_example_values()
    azurite = next(v for v in values if len(v) == 88 and v.endswith("=="))
    assert documented_example_reason(azurite) is not None
    jwt_example = next(v for v in values if v.startswith("eyJ"))
    signature = jwt_example.rsplit(".", 1)[1]
    edited = "eyJhbGciOiJIUzI1NiJ9." + base64.urlsafe_b64encode(b'{"sub":"42"}').decode().rstrip("=") + "." + signature
    assert documented_example_reason(edited) is not None
    assert documented_example_reason(_b64(64)) is None


def test_azurite_account_line() -> None:
    key = _b64(64)
    line = f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};"
    assert context_reason(key, _ctx(line, key), generic=False) is not None


@pytest.mark.parametrize("line", [
    "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?Variable not set}",
    "DATABASE_URL: postgresql://app:${POSTGRES_PASSWORD:?Variable not set}@db:5432/app",
    "SECRET_KEY: ${SECRET_KEY?err}", "PASSWORD=${DB_PASSWORD:-fallback}",
])
def test_compose_references(line: str) -> None:
    value = line[line.index("${"):].split("}")[0].split(" ")[0]
    assert context_reason(value, _ctx(line, value), generic=True) is not None
    inner = "?Variable"
    if inner in line:  # what a key=value rule reads inside the reference
        assert context_reason(inner, _ctx(line, inner), generic=True) == "inside a variable reference"


@pytest.mark.parametrize(("line", "value"), [
    ("    return boto3.client('s3', credentials=s3_credentials or None)", "s3_credentials"),
    ("    return User(email=email, hashed_password=argon2_hash)", "argon2_hash"),
    ("  credentialPublicKey: Uint8Array;", "Uint8Array"),
    ("let sessionToken: Uint8Array | null = null;", "Uint8Array"),
    ("    token = jwt_token_v2", "jwt_token_v2"),
])
def test_identifiers_taken_as_values(line: str, value: str) -> None:
    start = line.index(value)
    assert code_identifier_reason(value, line[:start], line[start + len(value):]) is not None
    assert context_reason(value, _ctx(line, value), generic=True) is not None


@pytest.mark.parametrize(("template", "value"), [
    ('PASSWORD="{}"', "Harbor" + "42#kQz"), ("DB_PASSWORD={}", "q7Zt2Vx9" + "LmR4pW8s"),
    ("password: {}", "hunter" + "42x"), ("API_TOKEN='{}'", "Dragon" + "12"), ("    pw = '{}'", "Orchid" + "12"),
])
def test_literal_values_are_not_identifiers(template: str, value: str) -> None:
    line = template.format(value)
    start = line.index(value)
    assert code_identifier_reason(value, line[:start], line[start + len(value):]) is None


def test_vue_binding_is_not_reported(matcher) -> None:  # type: ignore[no-untyped-def]
    text = "<span class=\"err\">{{ errors.first('password') }}</span>\n<p v-if=\"errors.has('password')\">x</p>\n"
    assert matcher.scan(text) == []


def _jwt(payload: dict[str, object]) -> str:
    def enc(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return enc({"alg": "HS256", "typ": "JWT"}) + "." + enc(payload) + "." + _r(43)


def test_public_identifiers() -> None:
    assert public_identifier_reason(_jwt({"iss": "supabase", "ref": _r(20), "role": "anon"})) is not None
    assert public_identifier_reason(_jwt({"iss": "supabase", "ref": _r(20), "role": "service_role"})) is None
    assert public_identifier_reason("0x" + _r(40, "0123456789abcdef")) is not None
    assert public_identifier_reason("0x" + _r(64, "0123456789abcdef")) is None  # a private key's length
    assert public_identifier_reason("pk.eyJ1Ijoi" + _r(60)) is not None
    assert public_identifier_reason("pk_live_" + _r(24)) is not None
    assert public_identifier_reason("sk_live_" + _r(24)) is None


def test_firebase_web_config_and_sentry_dsn_in_context() -> None:
    key = "AIza" + _r(35)
    config = f'const firebaseConfig = {{\n  apiKey: "{key}",\n  authDomain: "demo.firebaseapp.com",\n}};\n'
    assert context_reason(key, _ctx(config, key, config), generic=False) is not None
    assert context_reason(key, _ctx(f"GEMINI_API_KEY={key}", key), generic=False) is None
    public = _r(32, "0123456789abcdef")
    dsn = f"SENTRY_DSN=https://{public}@o123456.ingest.sentry.io/765432"
    assert context_reason(public, _ctx(dsn, public), generic=False) is not None


def test_base64_secrets_with_slashes_are_not_paths() -> None:
    value = ""
    while value.count("/") < 2:
        value = _b64(32)
    assert base64_key_shape(value)
    assert generic_value_reason(value) is None
    assert generic_value_reason("src/components/Button/index.ts") is not None
    assert not base64_key_shape("config/settings/production")


def test_built_bundles() -> None:
    minified = "var a=1;" * 400
    assert built_bundle("web/dist/assets/index-3f9a.js", minified)
    assert built_bundle("app/static/js/main.8c1f.js", minified)
    assert built_bundle("vendor/lib.min.js", minified)
    assert not built_bundle("web/src/index.js", minified)  # written, not built
    assert not built_bundle("web/dist/index.js", "var a = 1;\n" * 400)  # not minified
    assert built_bundle(".yarn/releases/yarn-4.1.0.cjs", minified)  # Yarn's own bundled release


def test_built_bundle_keeps_provider_findings_and_counts_the_rest(tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    bundle = tmp_path / "dist" / "app.js"
    bundle.parent.mkdir()
    live = "sk_" + "live_" + _r(24)
    bundle.write_text("var a=function(e){return e};" * 60 + f'secretKey:"{_r(24)}",s=Stripe("{live}");' + "var b=2;" * 60)
    code, out, err = run_cli("scan", "--format", "json", str(tmp_path))
    assert code == 1
    assert [f["rule_id"] for f in json.loads(out)["findings"]] == ["stripe-secret-key"]
    assert "keyword=value matches in minified built bundles not reported" in err


@pytest.mark.parametrize("value", ["0x0dead1beef7cafe2", "auth[2]", "sim_auth[0]"])
def test_hex_numbers_and_subscripts_are_code(value: str) -> None:
    assert generic_value_reason(value) is not None


def test_spaced_alphabet_is_a_placeholder() -> None:
    assert placeholder_reason("abcd efgh ijkl mnop") is not None
    assert placeholder_reason(" ".join(_r(4, string.ascii_lowercase) for _ in range(4))) is None


@pytest.mark.parametrize("template", ["(pw:{})", "IDENTIFIED BY {};", "login(user, {}) or die"])
def test_random_mixed_case_values_in_code_context_are_not_identifiers(template: str) -> None:
    value = "Ihq" + "Sb1Gg" if "pw" in template else "SqLpa5" + "sW0rD"
    line = template.format(value)
    start = line.index(value)
    assert code_identifier_reason(value, line[:start], line[start + len(value):]) is None


def test_braces_in_a_password_are_not_a_format_string() -> None:
    assert generic_value_reason("{login}:{pw}") == "format string"
    assert generic_value_reason("m{{h}o)p" + "$#q7Z}") is None  # an escaped brace, then an unmatched one


def test_dotted_random_values_are_not_attribute_access() -> None:
    assert generic_value_reason("settings.DB_HOST2") == "attribute access or call"
    assert generic_value_reason("self.connection.cursor()") is not None
    jwt = "eyJhbGciOiJIUzI1NiJ9." + _r(30) + "." + _r(43)
    assert generic_value_reason(jwt) is None
    assert generic_value_reason("s." + _r(24)) is None


def test_url_credentials_on_localhost_are_medium_confidence(matcher) -> None:  # type: ignore[no-untyped-def]
    password = "mySecret" + "2024"
    local = matcher.scan(f"DATABASE_URL=mysql://devuser:{password}@localhost:3306/app\n")
    remote = matcher.scan(f"DATABASE_URL=mysql://devuser:{password}@db.internal:3306/app\n")
    assert [(m.secret, m.rule.confidence) for m in local] == [(password, "medium")]
    assert [(m.secret, m.rule.confidence) for m in remote] == [(password, "high")]
    assert matcher.scan("DATABASE_URL=mysql://devuser:password@localhost/app\n") == []


def test_typed_parameter_with_a_dotted_type_is_code() -> None:
    assert generic_value_reason("ed25519.Ed25519PrivateKey") is not None


def test_percent_glued_inside_a_password_is_not_a_format_string() -> None:
    assert generic_value_reason("login=%s") == "format string"
    assert generic_value_reason("%s:%s") == "format string"
    assert generic_value_reason("falcon93" + "%sh8oQ") is None
    assert generic_value_reason("Juniper45" + "%7f60") is None


def test_base64_with_double_and_leading_slashes_is_not_a_path() -> None:
    for value in ("F4NRed/KNCLHWp4/y2//" + "7hXnSv5QDumjEdaQI1wDaM0=", "/02//QfZcFCz0Y3IVBu" + "tE4DPD7aX8XxvJpH+/BylCSY="):
        assert base64_key_shape(value)
        assert generic_value_reason(value) is None
    assert generic_value_reason("//cdn.example.org/assets/app.js") is not None


def test_prose_after_a_value_is_not_code() -> None:
    value = "falcon47" + "_UekG"
    line = f"- log in as admin with the password {value} and open Settings."
    start = line.index(value)
    assert code_identifier_reason(value, line[:start], line[start + len(value):]) is None
    assert code_identifier_reason("s3_credentials", "    x = f(credentials=", " or None)") is not None


# Found scanning real repositories (a Java service's console, a TypeScript library, an HTTP
# client): values under credential-named keys that are not credentials.
@pytest.mark.parametrize("value", ["^1.0.0", "npm:^15.0.1", "~2.3", ">=1.2.0", "1.x", "workspace:*", "v1.2.3-beta.1"])
def test_dependency_version_ranges_are_not_values(value: str) -> None:
    # `"parse-passwd": "^1.0.0"` in package-lock.json, `tokenx: "npm:^1.3.0"` in yarn.lock
    assert generic_value_reason(value) == "a dependency's version range"


@pytest.mark.parametrize("value", ["修改密码", "请输入密码", "Credential管理", "Пароль", "パスワードを入力", "비밀번호 확인"])
def test_interface_labels_in_other_scripts_are_not_values(value: str) -> None:
    # `changePassword: '修改密码'` in a locale file
    assert generic_value_reason(value) is not None


@pytest.mark.parametrize("value", ["tcp://127.0.0.1:5705", "redis://cache:6379/0", "amqp://rabbit.internal/vhost"])
def test_urls_without_credentials_are_not_values(value: str) -> None:
    # `apiAddress` of a committed StorageOS Secret (base64 of an address, not a credential)
    assert generic_value_reason(value) is not None
    assert generic_value_reason(value.replace("://", "://svc:Zx7pLq4Wr9@")) is None  # a URL's password is


@pytest.mark.parametrize("value", ["Zx7pLq4Wr9", "s3cr3t-v2.1x", "ünïcödé99Q", "Tq7#mLw2pZ"])
def test_passwords_are_not_version_ranges_or_labels(value: str) -> None:
    assert generic_value_reason(value) is None


def test_codecov_badge_token_is_public() -> None:
    token = _r(10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    line = f"[![codecov](https://codecov.io/gh/acme/lib/graph/badge.svg?token={token})](https://codecov.io/gh/acme/lib)"
    assert context_reason(token, _ctx(line, token), generic=True) is not None
    upload = f"CODECOV_TOKEN={token}"
    assert context_reason(token, _ctx(upload, token), generic=True) is None  # the upload token is a secret


def test_a_user_name_does_not_make_a_password_a_placeholder() -> None:
    # `CURLOPT_USERPWD, "root:…"`, `curl -u admin:…`: judge the password, not the account
    password = _r(6, "abcdefghjkmnpqrstuvwxyz") + "82" + _r(4, "ABCDEFGHJKLMNPQRSTUVWXYZ")
    assert generic_value_reason(f"root:{password}") is None
    assert generic_value_reason(f"user:{password}") is None
    assert generic_value_reason("root:password") is not None
    assert generic_value_reason("admin:admin") is not None


def test_long_random_letters_are_not_an_identifier() -> None:
    # 32 random letters (no digit) under CURLOPT_PASSWORD; a camelCase name stays an identifier
    assert generic_value_reason("KiASRCRiGFLPDiIdZZLBXaNzXCMEdYIs") is None
    assert generic_value_reason("credentialPublicKey") == "identifier"
    assert generic_value_reason("XMLHTTPREQUESTHANDLER") == "identifier"


def test_a_format_specifier_glued_to_letters_is_part_of_a_salt() -> None:
    # a WordPress salt is 64 random printable characters: `%r` in it is chance, not a template
    salt = "~iTE3hJ9JWOptY~6ht]veOO]/q88S9*5,okmF&" + "%rA3ol[/S[/3~/QVQBwLs$kR+B"
    assert generic_value_reason(salt) is None
    assert generic_value_reason("user=%s") is not None
    assert generic_value_reason("Bearer %s") is not None
