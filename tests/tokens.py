"""Synthetic secret-shaped strings, built at run time so this repository passes its own hook.

Each builder joins a prefix and a random body; nothing here is a real credential."""

from __future__ import annotations

import random
import string
import zlib

from credwall.engine.checksums import base62

_ALNUM = string.ascii_letters + string.digits


def rand(n: int, alphabet: str = _ALNUM, seed: int | None = None) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(n))


def github_classic(kind: str = "p", seed: int | None = 1) -> str:
    body = rand(30, seed=seed)
    return "gh" + kind + "_" + body + base62(zlib.crc32(body.encode()), 6)


def aws_key_id(seed: int | None = 2) -> str:
    return "AK" + "IA" + rand(16, string.ascii_uppercase + "234567", seed=seed)


def aws_secret(seed: int | None = 3) -> str:
    return rand(40, _ALNUM + "/+", seed=seed)


def anthropic_key(seed: int | None = 4) -> str:
    return "sk-" + "ant-api03-" + rand(93, _ALNUM + "_-", seed=seed) + "AA"


def stripe_live(seed: int | None = 5) -> str:
    return "sk_" + "live_" + rand(24, seed=seed)


def password(seed: int | None = 6) -> str:
    return rand(12, seed=seed) + "#7"


# --- key material and credential-file values (tests/test_check_env_files.py) -------------------

def _random_bytes(n: int, seed: int | None) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.getrandbits(8) for _ in range(n))


def _armor(label: str, der: bytes, width: int = 64) -> str:
    import base64

    body = base64.b64encode(der).decode()
    lines = [body[i:i + width] for i in range(0, len(body), width)]
    return "-----BEGIN " + label + "-----\n" + "\n".join(lines) + "\n-----END " + label + "-----\n"


def der_private_key(seed: int | None = 7) -> bytes:
    """PKCS#8 PrivateKeyInfo shape: SEQUENCE { INTEGER 0, … } with a random body."""
    body = b"\x02\x01\x00" + _random_bytes(600, seed)
    return b"\x30\x82" + len(body).to_bytes(2, "big") + body


def der_certificate(seed: int | None = 8) -> bytes:
    """X.509 shape: SEQUENCE { SEQUENCE { [0] version, … } … } with a random body."""
    tbs = b"\xa0\x03\x02\x01\x02" + _random_bytes(400, seed)
    inner = b"\x30\x82" + len(tbs).to_bytes(2, "big") + tbs
    return b"\x30\x82" + len(inner).to_bytes(2, "big") + inner


def der_public_key(seed: int | None = 9) -> bytes:
    """SubjectPublicKeyInfo shape: SEQUENCE { SEQUENCE { OID … }, BIT STRING … }."""
    algorithm = b"\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00"
    bits = b"\x03\x82\x01\x0f\x00" + _random_bytes(270, seed)
    body = algorithm + bits
    return b"\x30\x82" + len(body).to_bytes(2, "big") + body


def pem_private_key(kind: str = "RSA ", seed: int | None = 7) -> str:
    """`kind` is "RSA ", "EC " or "" (PKCS#8)."""
    return _armor(kind + "PRIVATE" + " KEY", der_private_key(seed))


def pem_certificate(seed: int | None = 8) -> str:
    return _armor("CERTIFICATE", der_certificate(seed))


def pem_public_key(seed: int | None = 9) -> str:
    return _armor("PUBLIC KEY", der_public_key(seed))


def openssh_private_key(seed: int | None = 10) -> str:
    return _armor("OPENSSH PRIVATE" + " KEY", b"openssh-key-v1\x00" + _random_bytes(400, seed), width=70)


def pgp_private_key(seed: int | None = 11) -> str:
    return _armor("PGP PRIVATE" + " KEY BLOCK", b"\x95\x03\xc6\x04" + _random_bytes(500, seed))


def pgp_secret_key_packets(seed: int | None = 11) -> bytes:
    """A binary OpenPGP Secret-Key packet (old format, tag 5) and a random body."""
    return b"\x95\x01\xd8\x04" + _random_bytes(470, seed)


def pgp_encrypted_packets(seed: int | None = 12) -> bytes:
    """A binary OpenPGP message: Public-Key Encrypted Session Key packet (new format, tag 1)."""
    return b"\xc1\xc0\x4c\x03" + _random_bytes(300, seed)


def pkcs12(seed: int | None = 13) -> bytes:
    body = b"\x02\x01\x03\x30\x82\x09\x00\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01\x00" + _random_bytes(2300, seed)
    return b"\x30\x82" + len(body).to_bytes(2, "big") + body


def npm_token(seed: int | None = 14) -> str:
    body = rand(30, seed=seed)
    return "npm" + "_" + body + base62(zlib.crc32(body.encode()), 6)


def pypi_token(seed: int | None = 15) -> str:
    return "pypi-" + "AgEIcHlwaS5vcmc" + rand(80, _ALNUM + "_-", seed=seed)


def bearer(n: int = 40, seed: int | None = 16) -> str:
    """A random opaque token with no provider prefix (a kubeconfig token, a session secret)."""
    return rand(n, seed=seed)


def gcp_service_account(seed: int | None = 17) -> str:
    """A service-account key JSON as Google writes it (private_key with \\n escapes)."""
    import json

    key = pem_private_key("", seed)
    return json.dumps({
        "type": "service_account", "project_id": "demo-project", "private_key_id": rand(40, "0123456789abcdef", seed=seed),
        "private_key": key, "client_email": "deployer@demo-project.iam.gserviceaccount.com",
        "client_id": rand(21, "0123456789", seed=seed), "token_uri": "https://oauth2.googleapis.com/token",
    }, indent=2) + "\n"


# --- home-directory credentials (tests/test_audit.py) --------------------------------------------

def openssh_private_key_unencrypted(seed: int | None = 18) -> str:
    """An OpenSSH private key as `ssh-keygen -N ''` writes it: cipher and KDF "none"."""
    def string(value: bytes) -> bytes:
        return len(value).to_bytes(4, "big") + value

    body = (b"openssh-key-v1\x00" + string(b"none") + string(b"none") + string(b"") + (1).to_bytes(4, "big")
            + string(_random_bytes(51, seed)) + string(_random_bytes(150, seed)))
    return _armor("OPENSSH PRIVATE" + " KEY", body, width=70)


def openssh_private_key_encrypted(seed: int | None = 19) -> str:
    """The same with a passphrase: cipher aes256-ctr, KDF bcrypt."""
    def string(value: bytes) -> bytes:
        return len(value).to_bytes(4, "big") + value

    body = (b"openssh-key-v1\x00" + string(b"aes256-ctr") + string(b"bcrypt") + string(_random_bytes(24, seed))
            + (1).to_bytes(4, "big") + string(_random_bytes(51, seed)) + string(_random_bytes(160, seed)))
    return _armor("OPENSSH PRIVATE" + " KEY", body, width=70)


# --- checksummed formats (tests/test_checksums.py, bench/detection_corpus.py) ---------------------

_URLSAFE = _ALNUM + "-_"


def atlassian_api_token(seed: int | None = 20) -> str:
    """ATATT3xFfGF0 + base64url body + `=` + hex CRC32 of everything before it."""
    body = "ATATT3" + "xFfGF0" + rand(170, _URLSAFE, seed=seed) + "="
    return body + format(zlib.crc32(body.encode()), "08X")


def bitbucket_app_password(seed: int | None = 21) -> str:
    body = "AT" + "BB" + rand(24, seed=seed)
    return body + format(zlib.crc32(body.encode()), "08X")


def gitlab_routable_token(prefix: str = "glpat-", seed: int | None = 22) -> str:
    """GitLab's routable format: base64url(random 16 bytes + routing payload + its length), then
    `.01.`, the payload's length in base 36 and a base-36 CRC32 of everything before."""
    import base64

    from credwall.engine.checksums import base36

    routing = b"c:1\no:" + rand(4, "0123456789abcdefghijklmnopqrstuvwxyz", seed=seed).encode() + b"\nu:9f"
    raw = _random_bytes(16, seed) + routing + bytes([len(routing)])
    payload = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    body = prefix + payload + ".01." + base36(len(payload), 2)
    return body + base36(zlib.crc32(body.encode()), 7)


def grafana_service_account_token(seed: int | None = 23) -> str:
    body = "gl" + "sa_" + rand(32, seed=seed)
    return body + "_" + zlib.crc32(body.encode()).to_bytes(4, "little").hex()


def cloudflare_token(prefix: str = "cfut_", seed: int | None = 24) -> str:
    body = rand(40, seed=seed)
    return prefix + body + format(zlib.crc32(body.encode()), "08x")


if __name__ == "__main__":  # `python -m tests.tokens github_classic`: one token, drawn at random (the docs' examples)
    import sys

    print(globals()[sys.argv[1]](*(int(a) for a in sys.argv[2:]), seed=None)
          if sys.argv[1] != "rand" else rand(int(sys.argv[2])))
