"""The `credwall-env-files` hook (hooks/check_env_files.py), called in-process as pre-commit would.

Every fixture is built at run time from tests/tokens.py, so this repository passes its own hook."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from credwall.hooks.check_env_files import main
from tests import tokens

if TYPE_CHECKING:
    from tests.conftest import GitRepo


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Write files, run the hook on them, return (exit code, stdout, stderr). Outside a git work
    tree (no repository matters here, and none is set up per test), every file is this hook's."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))

    def go(files: dict[str, str | bytes], *args: str) -> tuple[int, str, str]:
        for name, content in files.items():
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode() if isinstance(content, str) else content)
        code = main([*files, *args])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return go


def secret_free(output: str, *secrets: str) -> None:
    """No secret appears in the output, nor any line of a multi-line one (a PEM body)."""
    for secret in secrets:
        for part in secret.splitlines() or [secret]:
            if len(part) >= 8 and not part.startswith("-----"):
                assert part not in output


def lines_of(out: str) -> list[str]:
    """`path:line:column: rule-id` of each finding."""
    return [" ".join(line.split(" ", 2)[:2]) for line in out.splitlines()]


# --- env files ---------------------------------------------------------------------------------

def test_env_file_reports_each_credential_line(run) -> None:  # type: ignore[no-untyped-def]
    ghp, password, session, pem = tokens.github_classic(), tokens.password(), tokens.bearer(), tokens.pem_private_key()
    pem_lines = pem.count("\n")
    text = (f"# app settings\nDEBUG=true\nexport GITHUB_TOKEN={ghp}\nDB_PASSWORD=\"{password}\"\n"
            f"TLS_KEY=\"{pem}\"\nSESSION_SECRET='{session}' # rotated weekly\nAPP_NAME=shop\n")
    code, out, err = run({".env": text})
    assert code == 1
    assert lines_of(out) == [
        ".env:3:21: github-pat",
        ".env:4:14: env-file-value",
        ".env:5:10: private-key-pem",
        f".env:{6 + pem_lines}:17: env-file-value",
    ]
    assert "in GITHUB_TOKEN of committed env file" in out
    assert "literal credential in DB_PASSWORD" in out and "rotate DB_PASSWORD" in out
    assert "in TLS_KEY of committed env file" in out
    assert "literal credential in SESSION_SECRET" in out
    assert "`git rm --cached .env`" in out and "add it to .gitignore" in out
    assert "env-file-committed" not in out  # the line findings already block the file
    assert "4 findings in 1 file" in err
    secret_free(out + err, ghp, password, session, pem)


def test_env_file_without_credentials_gets_one_file_finding(run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run({".env": "DEBUG=1\nPORT=3000\nNODE_ENV=development\nDB_PASSWORD=postgres\n"})
    assert code == 1
    assert lines_of(out) == [".env:1:1: env-file-committed"]
    assert "remove it from git (`git rm --cached .env`), add it to .gitignore" in out
    assert ".env.example" in out


@pytest.mark.parametrize("name", [".env.local", "prod.env", ".envrc", "config/.env.production", ".env-staging"])
def test_env_names_are_blocked(run, name: str) -> None:  # type: ignore[no-untyped-def]
    stripe = tokens.stripe_live()
    text = f"use nix\nexport STRIPE_SECRET_KEY={stripe}\nlayout python\n"  # direnv lines are skipped
    code, out, err = run({name: text})
    assert code == 1
    assert out.startswith(f"{name}:2:")
    assert "in STRIPE_SECRET_KEY of committed env file" in out
    assert f"git rm --cached {name}" in out
    secret_free(out + err, stripe)


def test_token_in_a_comment_line_is_reported(run) -> None:  # type: ignore[no-untyped-def]
    ghp = tokens.github_classic(seed=40)
    code, out, _ = run({".env": f"A=1\n# old: {ghp}\n"})
    assert code == 1
    assert lines_of(out) == [".env:2:8: github-pat"]
    assert "in committed env file" in out


def test_yaml_ish_lines_and_crlf_keep_line_numbers(run) -> None:  # type: ignore[no-untyped-def]
    password = tokens.password(seed=41)
    code, out, _ = run({".env": f"A: 1\r\n\r\nAPI_PASSWORD: '{password}'\r\nB=2\r\n"})
    assert code == 1
    assert lines_of(out) == [".env:3:16: env-file-value"]


def test_random_value_under_a_plain_key_is_a_credential(run) -> None:  # type: ignore[no-untyped-def]
    blob = tokens.bearer(48, seed=42)
    text = f"SENTRY_THING={blob}\nURL=https://example.org/a/b\nSTRIPE_PRICE_ID=price_{tokens.bearer(24, seed=65)}\n"
    code, out, _ = run({".env": text})
    assert code == 1
    assert lines_of(out) == [".env:1:14: env-file-value"]  # an identifier-named key is not a secret
    assert "credential-looking value in SENTRY_THING" in out


def test_utf16_env_with_bom_is_decoded(run) -> None:  # type: ignore[no-untyped-def]
    ghp = tokens.github_classic(seed=43)
    code, out, err = run({".env": f"A=1\nGH_TOKEN={ghp}\n".encode("utf-16")})
    assert code == 1
    assert lines_of(out) == [".env:2:10: github-pat"]
    assert "decoded 1 utf-16" in err


def test_invalid_utf8_env_is_decoded_lossily(run) -> None:  # type: ignore[no-untyped-def]
    ghp = tokens.github_classic(seed=44)
    code, out, err = run({".env": b"NAME=caf\xe9\xff\n" + f"GH_TOKEN={ghp}\n".encode()})
    assert code == 1
    assert lines_of(out) == [".env:2:10: github-pat"]
    assert "decoded 1 lossy" in err


def test_empty_env_is_still_a_committed_env_file(run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run({".env": ""})
    assert code == 1
    assert lines_of(out) == [".env:1:1: env-file-committed"]


def test_binary_env_is_blocked_by_name_and_binary_template_fails_closed(run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run({".env": b"K=\x00\x01\x02"})
    assert code == 1
    assert lines_of(out) == [".env:1:1: env-file-committed"]
    code, out, err = run({".env.example": b"K=\x00\x01\x02"})
    assert code == 2
    assert out == ""
    assert ".env.example: not a text file" in err


# --- env templates -----------------------------------------------------------------------------

PLACEHOLDER_TEMPLATE = """\
# Copy to .env and fill in.
DEBUG=true
PORT=3000
NODE_ENV=development
NODE_OPTIONS=--max-old-space-size=4096
DATABASE_URL=postgres://postgres:postgres@localhost:5432/app
POSTGRES_PASSWORD=postgres
GITHUB_TOKEN=
OPENAI_API_KEY=your-openai-api-key
STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx
SECRET_KEY=change-me-to-a-long-random-string
AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}
JWT_SECRET="<generate with openssl rand -hex 32>"
export SESSION_SECRET=
TLS_KEY="-----BEGIN PRIVATE KEY-----
...
-----END PRIVATE KEY-----"
API_URL=https://api.example.com/v1
STRIPE_PRICE_ID=price_1MoBy5LkdIwHu7ixZhnattbh
BUILD_SHA=9fceb02d0ae598e95dc970b74767f19372d61af8
"""


@pytest.mark.parametrize("name", [".env.example", ".env.sample", ".env.template", ".env.dist", "example.env",
                                  "config/.env.production.example"])
def test_placeholder_only_template_passes(run, name: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run({name: PLACEHOLDER_TEMPLATE})
    assert (code, out) == (0, "")
    assert "no secrets found; scanned 1 file" in err


def test_real_env_renamed_to_example_is_blocked(run) -> None:  # type: ignore[no-untyped-def]
    ghp, password, session = tokens.github_classic(seed=45), tokens.password(seed=46), tokens.bearer(seed=47)
    text = f"PORT=3000\nGITHUB_TOKEN={ghp}\nDB_PASSWORD={password}\nSESSION_SECRET={session}\n"
    code, out, err = run({".env.example": text})
    assert code == 1
    assert lines_of(out) == [
        ".env.example:2:14: github-pat",
        ".env.example:3:13: env-template-real-value",
        ".env.example:4:16: env-template-real-value",
    ]
    assert "in GITHUB_TOKEN of env template .env.example: templates must hold placeholders only" in out
    assert "DB_PASSWORD in env template .env.example holds a real-looking value" in out
    assert "env-file-committed" not in out
    secret_free(out + err, ghp, password, session)


def test_template_with_a_real_private_key(run) -> None:  # type: ignore[no-untyped-def]
    pem = tokens.pem_private_key("EC ")
    code, out, err = run({".env.sample": f"A=\nTLS_KEY=\"{pem}\"\n"})
    assert code == 1
    assert lines_of(out) == [".env.sample:2:10: private-key-pem"]
    secret_free(out + err, pem)


# --- private keys and certificates -------------------------------------------------------------

def test_openssh_private_key_file(run) -> None:  # type: ignore[no-untyped-def]
    key = tokens.openssh_private_key()
    code, out, err = run({"id_rsa": key})
    assert code == 1
    assert lines_of(out) == ["id_rsa:1:1: private-key-openssh"]
    assert "in key file id_rsa" in out and "`git rm --cached id_rsa`" in out and "replace the key pair" in out
    secret_free(out + err, key)


@pytest.mark.parametrize("name", ["id_ed25519", ".ssh/id_ecdsa", "deploy.ppk"])
def test_private_key_names_are_blocked_without_recognisable_content(run, name: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run({name: "not what a key looks like\n"})
    assert code == 1
    assert lines_of(out) == [f"{name}:1:1: private-key-file"]


@pytest.mark.parametrize("name", ["server.key", "tls/private.pem", "AuthKey_ABC123.p8"])
def test_pem_private_key_is_blocked(run, name: str) -> None:  # type: ignore[no-untyped-def]
    key = tokens.pem_private_key("")
    code, out, err = run({name: key})
    assert code == 1
    assert lines_of(out) == [f"{name}:1:1: private-key-pem"]
    secret_free(out + err, key)


def test_certificate_bundle_with_a_key_is_blocked_at_the_key(run) -> None:  # type: ignore[no-untyped-def]
    cert, key = tokens.pem_certificate(), tokens.pem_private_key()
    code, out, _ = run({"bundle.pem": cert + key})
    assert code == 1
    assert lines_of(out) == [f"bundle.pem:{cert.count(chr(10)) + 1}:1: private-key-pem"]


@pytest.mark.parametrize("name, content", [
    ("cert.pem", tokens.pem_certificate()),
    ("chain.pem", tokens.pem_certificate(seed=1) + tokens.pem_certificate(seed=2)),
    ("public.pem", tokens.pem_public_key()),
    ("signing.key", tokens.pem_public_key()),
    ("example.key", "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n"),
    ("empty.key", ""),
    ("id_rsa.pub", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ" + tokens.rand(300, seed=3) + " dev@laptop\n"),
    ("cert.der.pem", tokens.der_certificate()),
    ("public.key", tokens.der_public_key()),
])
def test_public_material_passes(run, name: str, content: str | bytes) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run({name: content})
    assert (code, out) == (0, "")
    assert "no secrets found" in err


def test_der_private_key_is_blocked(run) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run({"client.key": tokens.der_private_key()})
    assert code == 1
    assert lines_of(out) == ["client.key:1:1: private-key-file"]
    assert "DER private key" in out
    assert "not a text file" not in err


@pytest.mark.parametrize("name", ["client.p12", "client.pfx", "release.jks", "debug.keystore", "vault.kdbx"])
def test_binary_keystores_are_blocked_by_name(run, name: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run({name: tokens.pkcs12()})
    assert code == 1
    assert lines_of(out) == [f"{name}:1:1: keystore-file"]
    assert f"`git rm --cached {name}`" in out
    assert "error" not in err and "binary content" not in err


def test_openpgp_keys(run) -> None:  # type: ignore[no-untyped-def]
    armored = tokens.pgp_private_key()
    code, out, err = run({"signing.asc": armored})
    assert (code, lines_of(out)) == (1, ["signing.asc:1:1: private-key-pgp"])
    secret_free(out + err, armored)
    code, out, _ = run({"secring.gpg": tokens.pgp_secret_key_packets()})
    assert (code, lines_of(out)) == (1, ["secring.gpg:1:1: private-key-file"])
    assert "OpenPGP secret key" in out
    public = tokens.pem_public_key().replace("PUBLIC KEY", "PGP PUBLIC KEY BLOCK")
    code, out, _ = run({"KEYS.asc": public, "backup.gpg": tokens.pgp_encrypted_packets()})
    assert (code, out) == (0, "")  # public keys and encrypted data are what may be committed


def test_bare_secret_key_file(run) -> None:  # type: ignore[no-untyped-def]
    key = tokens.rand(32, "0123456789abcdef", seed=48)
    code, out, err = run({"config/master.key": key + "\n"})
    assert code == 1
    assert lines_of(out) == ["config/master.key:1:1: secret-key-file"]
    secret_free(out + err, key)


def test_openvpn_config(run) -> None:  # type: ignore[no-untyped-def]
    static = "\n".join(tokens.rand(32, "0123456789abcdef", seed=i) for i in range(16))
    password = tokens.password(seed=49)
    text = (f"client\nremote vpn.example.org 1194\n<ca>\n{tokens.pem_certificate()}</ca>\n"
            f"<tls-auth>\n-----BEGIN OpenVPN Static key V1-----\n{static}\n-----END OpenVPN Static key V1-----\n</tls-auth>\n"
            f"<auth-user-pass>\nalice\n{password}\n</auth-user-pass>\n")
    code, out, err = run({"office.ovpn": text})
    assert code == 1
    rules = [line.split(" ")[1] for line in out.splitlines()]
    assert rules == ["openvpn-static-key", "credential-file"]
    secret_free(out + err, static, password)
    code, out, _ = run({"cert-only.ovpn": f"client\n<ca>\n{tokens.pem_certificate()}</ca>\nauth-user-pass creds.txt\n"})
    assert (code, out) == (0, "")


# --- credential files --------------------------------------------------------------------------

def test_terraform_state_is_always_blocked(run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run({"infra/terraform.tfstate": '{"version": 4, "resources": []}\n',
                        "infra/terraform.tfstate.backup": ""})
    assert code == 1
    assert lines_of(out) == ["infra/terraform.tfstate:1:1: terraform-state",
                             "infra/terraform.tfstate.backup:1:1: terraform-state"]
    assert "plain text" in out and "remote backend" in out


def test_npmrc(run) -> None:  # type: ignore[no-untyped-def]
    npm = tokens.npm_token()
    basic = base64.b64encode(f"ci:{tokens.password(seed=50)}".encode()).decode()
    text = f"registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={npm}\n//npm.corp.example/:_auth={basic}\n"
    code, out, err = run({".npmrc": text})
    assert code == 1
    assert lines_of(out) == [".npmrc:2:34: npm-access-token", ".npmrc:3:27: credential-file"]
    assert "in //registry.npmjs.org/:_authToken of .npmrc" in out
    assert "${NPM_TOKEN}" in out
    secret_free(out + err, npm, basic)


@pytest.mark.parametrize("text", [
    "registry=https://registry.npmjs.org/\nsave-exact=true\n",
    "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nalways-auth=true\n",
    "@corp:registry=https://npm.corp.example/\n//npm.corp.example/:_authToken=\"${CORP_NPM_TOKEN}\"\n",
])
def test_npmrc_without_credentials_passes(run, text: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run({".npmrc": text})
    assert (code, out) == (0, "")


def test_pypirc(run) -> None:  # type: ignore[no-untyped-def]
    pypi, password = tokens.pypi_token(), tokens.password(seed=51)
    text = (f"[distutils]\nindex-servers = pypi testpypi\n\n[pypi]\nusername = __token__\npassword = {pypi}\n\n"
            f"[testpypi]\nrepository: https://test.pypi.org/legacy/\nusername: alice\npassword: {password}\n")
    code, out, err = run({".pypirc": text})
    assert code == 1
    assert lines_of(out) == [".pypirc:6:12: pypi-upload-token", ".pypirc:11:11: credential-file"]
    assert "[testpypi] password" in out
    secret_free(out + err, pypi, password)


def test_netrc(run) -> None:  # type: ignore[no-untyped-def]
    password = tokens.password(seed=52)
    other = tokens.password(seed=67)
    text = (f"# ci\nmachine api.example.org\n  login bot\n  password {password}\n"
            f"macdef init\necho password not-a-token-{tokens.rand(12, seed=68)}\n\n"  # a macro body, then a blank line
            f"machine ftp.example.org login anonymous password {other}\ndefault login anonymous password \"\"\n")
    code, out, err = run({".netrc": text})
    assert code == 1
    assert lines_of(out) == [".netrc:4:12: credential-file", ".netrc:8:50: credential-file"]
    assert "password of machine api.example.org in .netrc" in out
    assert "password of machine ftp.example.org in .netrc" in out
    secret_free(out + err, password, other)


def test_git_credentials(run) -> None:  # type: ignore[no-untyped-def]
    token, user_token = tokens.bearer(seed=53), tokens.bearer(seed=64)
    text = f"https://bot:{token}@git.example.org\nhttps://github.com\nhttps://{user_token}:x-oauth-basic@github.com\n"
    code, out, err = run({".git-credentials": text})
    assert code == 1
    assert lines_of(out) == [".git-credentials:1:13: http-basic-auth-url", ".git-credentials:3:9: credential-file"]
    assert "in the credential for git.example.org of credential file .git-credentials" in out
    assert "the credential for github.com in .git-credentials" in out
    assert "git rm --cached .git-credentials" in out
    secret_free(out + err, token, user_token)


def test_docker_config(run) -> None:  # type: ignore[no-untyped-def]
    auth = base64.b64encode(f"bot:{tokens.password(seed=54)}".encode()).decode()
    config = json.dumps({"auths": {"ghcr.io": {"auth": auth}, "docker.io": {}}, "credsStore": "desktop"}, indent=2)
    code, out, err = run({".docker/config.json": config})
    assert code == 1
    assert lines_of(out) == [".docker/config.json:4:16: credential-file"]  # the value, after its quote
    assert "at auths.ghcr.io.auth in Docker config" in out
    secret_free(out + err, auth)
    code, out, _ = run({"home/.docker/config.json": json.dumps({"auths": {"ghcr.io": {}}, "credsStore": "osxkeychain"})})
    assert (code, out) == (0, "")


def test_a_docker_config_copied_anywhere_and_a_token_in_its_auth(run) -> None:  # type: ignore[no-untyped-def]
    """A Docker client config is known by its `auths` table wherever it was copied to; a token
    used as the registry password is decoded from the base64 `auth` and named by its provider."""
    token = tokens.github_classic(seed=55)
    auth = base64.b64encode(f"bot:{token}".encode()).decode()
    config = json.dumps({"auths": {"ghcr.io": {"auth": auth}}}, indent=2)
    code, out, err = run({"deploy/registry/config.json": config})
    assert code == 1
    assert lines_of(out) == ["deploy/registry/config.json:4:16: github-pat"]
    secret_free(out + err, auth)
    secret_free(out + err, token)


def test_malformed_json_fails_closed_naming_the_file(run) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run({".docker/config.json": '{"auths": {"ghcr.io": {"auth": }}\n'})
    assert code == 2
    assert ".docker/config.json: malformed JSON: line 1" in err


def test_kubeconfig(run) -> None:  # type: ignore[no-untyped-def]
    token, password, oidc = tokens.bearer(seed=55), tokens.password(seed=56), tokens.bearer(seed=69)
    client_key = base64.b64encode(tokens.pem_private_key().encode()).decode()
    text = (f"apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster:\n"
            f"    certificate-authority-data: {base64.b64encode(tokens.pem_certificate().encode()).decode()}\n"
            f"users:\n- name: ci\n  user:\n    token: {token}\n- name: admin\n  user:\n"
            f"    client-key-data: {client_key}\n- name: basic\n  user:\n    username: admin\n    password: {password}\n"
            f"- name: oidc\n  user:\n    auth-provider:\n      name: oidc\n      config:\n        client-id: kubectl\n"
            f"        client-secret: {oidc}\n        idp-issuer-url: https://id.example.org\n")
    code, out, err = run({".kube/config": text})
    assert code == 1
    assert lines_of(out) == [".kube/config:10:12: kubeconfig-credentials",
                             ".kube/config:13:22: kubernetes-client-key-data",
                             ".kube/config:17:15: kubeconfig-credentials",
                             ".kube/config:24:24: kubeconfig-credentials"]
    assert "users[3].user.auth-provider.config.client-secret" in out
    assert "kubeconfig credential at users[0].user.token" in out
    assert "in users[1].user.client-key-data of kubeconfig config" in out
    assert "users[2].user.password" in out
    secret_free(out + err, token, client_key, password, oidc)


def test_kubeconfig_with_exec_plugin_passes(run) -> None:  # type: ignore[no-untyped-def]
    text = ("apiVersion: v1\nusers:\n- name: gke\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n"
            "      command: gke-gcloud-auth-plugin\n- name: viewed\n  user:\n    token: REDACTED\n"
            "    client-key-data: DATA+OMITTED\n")
    code, out, _ = run({"kubeconfig": text})
    assert (code, out) == (0, "")


def test_gcp_service_account_key_is_one_finding(run) -> None:  # type: ignore[no-untyped-def]
    sa = tokens.gcp_service_account()
    code, out, err = run({"deploy-service-account.json": sa})
    assert code == 1
    assert lines_of(out) == ["deploy-service-account.json:5:19: gcp-service-account-private-key"]
    assert "gcloud iam service-accounts keys delete" in out
    secret_free(out + err, json.loads(sa)["private_key"])


def test_gcp_service_account_key_no_provider_rule_reads(run) -> None:  # type: ignore[no-untyped-def]
    sa = json.loads(tokens.gcp_service_account(seed=66))
    header, *body, footer, _ = sa["private_key"].split("\n")
    sa["private_key"] = header + "\n" + "\n\n".join(body) + "\n" + footer + "\n"  # blank lines: no PEM rule matches
    code, out, err = run({"ci-service-account.json": json.dumps(sa, indent=2)})
    assert code == 1
    assert lines_of(out) == ["ci-service-account.json:5:18: gcp-service-account-file"]
    assert "Google Cloud service-account key (private_key) in ci-service-account.json" in out
    secret_free(out + err, *body)


def test_gcp_service_account_with_a_placeholder_key_passes(run) -> None:  # type: ignore[no-untyped-def]
    sa = json.loads(tokens.gcp_service_account())
    sa["private_key"] = "-----BEGIN PRIVATE KEY-----\n<paste the key here>\n-----END PRIVATE KEY-----\n"
    sa["private_key_id"] = "<key id>"
    code, out, _ = run({"gcp-credentials.json": json.dumps(sa, indent=2)})
    assert (code, out) == (0, "")


def test_credentials_json_with_a_client_secret(run) -> None:  # type: ignore[no-untyped-def]
    secret, refresh = tokens.bearer(35, seed=57), tokens.bearer(60, seed=58)
    doc = {"installed": {"client_id": "123-abc.apps.googleusercontent.com", "client_secret": secret,
                         "redirect_uris": ["http://localhost"], "token_uri": "https://oauth2.googleapis.com/token"},
           "refresh_token": refresh}
    code, out, err = run({"credentials.json": json.dumps(doc, indent=2)})
    assert code == 1
    assert lines_of(out) == ["credentials.json:4:22: credential-file", "credentials.json:10:20: credential-file"]
    assert "at installed.client_secret in credentials.json" in out and "at refresh_token" in out
    secret_free(out + err, secret, refresh)


@pytest.mark.parametrize("name, template, line", [
    (".aws/credentials", "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = {secret}\nregion = eu-west-1\n", 3),
    (".s3cfg", "[default]\naccess_token =\nsecret_key = {secret}\nuse_https = True\n", 3),
    (".boto", "[Credentials]\ngs_oauth2_refresh_token = {secret}\n", 2),
    (".htpasswd", "# admins\nalice:{secret}\n", 2),
    (".pgpass", "# local\ndb.internal:5432:app:app_user:{secret}\n", 2),
])
def test_other_credential_files(run, name: str, template: str, line: int) -> None:  # type: ignore[no-untyped-def]
    secret = "$apr1$" + tokens.rand(8, seed=59) + "$" + tokens.rand(22, seed=60) if name == ".htpasswd" else tokens.password(seed=61)
    code, out, err = run({name: template.format(secret=secret)})
    assert code == 1
    assert len(out.splitlines()) == 1
    assert out.startswith(f"{name}:{line}:")
    secret_free(out + err, secret)


@pytest.mark.parametrize("name, text", [
    (".aws/credentials", "[default]\naws_access_key_id =\naws_secret_access_key = ${AWS_SECRET}\nsso_session = my-sso\n"),
    (".pgpass", "db.internal:5432:app:app_user:\n"),
    (".netrc", "machine github.com login bot password ${GITHUB_TOKEN}\n"),
    (".pypirc", "[pypi]\nusername = __token__\npassword = <your token>\n"),
])
def test_credential_files_without_credentials_pass(run, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run({name: text})
    assert (code, out) == (0, "")


# --- scope, output, ownership ------------------------------------------------------------------

def test_ordinary_files_are_ignored(run) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run({"app.py": f"TOKEN = '{tokens.github_classic(seed=62)}'\n", "README.md": "hello\n"})
    assert (code, out) == (0, "")  # the core `credwall` hook scans these, not this one


def test_json_output_carries_rule_ids_and_fingerprints_not_secrets(run) -> None:  # type: ignore[no-untyped-def]
    password = tokens.password(seed=63)
    code, out, err = run({".env": f"DB_PASSWORD={password}\n"}, "--format", "json")
    assert code == 1
    report = json.loads(out)
    [finding] = report["findings"]
    assert (finding["rule_id"], finding["path"], finding["line"], finding["column"]) == ("env-file-value", ".env", 1, 13)
    assert len(finding["fingerprint"]) == 64
    secret_free(out + err, password)


def test_no_hook_stands_aside_for_another(git_repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    """Which hooks .pre-commit-config.yaml enables changes nothing: the main hook and the
    env-files hook both judge .env, with the same finding (a SKIPped hook weakens nothing)."""
    from credwall.hooks.check_secrets import main as core_main

    git_repo.write(".env", "A=1\n")
    for config in ("repos:\n- repo: local\n  hooks:\n  - id: credwall\n",
                   "repos:\n- repo: local\n  hooks:\n  - id: credwall\n  - id: credwall-env-files\n"):
        git_repo.write(".pre-commit-config.yaml", config)
        assert main([".env"]) == 1
        env_hook = lines_of(capsys.readouterr().out)
        assert core_main([".env"]) == 1
        core_hook = lines_of(capsys.readouterr().out)
        assert env_hook == core_hook == [".env:1:1: env-file-committed"]
