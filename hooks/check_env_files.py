"""The `credwall-env-files` pre-commit hook: committed .env files, private keys and credential files.

Files are picked by name (`credwall.analysers.registry.classify`) and judged by content:

- **env** (`.env`, `.env.local`, `prod.env`, `.envrc`, …) is blocked by its name alone: it is
  where real credentials live. Each line holding a credential gets a finding; a file without
  one still gets a single file-level finding.
- **env-template** (`.env.example`, `.sample`, `.template`, `.dist`, …) passes when every value
  is empty, a placeholder or a reference; a real-looking value is a finding on its line, so a
  real `.env` renamed to `.env.example` does not get through.
- **keyfile**: private keys and credential files. Key formats pass when they hold only public
  material (certificates, public keys, encrypted OpenPGP data); binary keystores and Terraform
  state are blocked by name; `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`,
  `.docker/config.json`, kubeconfig, `credentials`, `*credentials*.json`, … are blocked only
  when they hold a credential (`_authToken=${NPM_TOKEN}` or a bare `registry=` passes).

Nothing is executed or expanded: dotenv is parsed by `credwall.analysers.dotenv`, JSON/YAML by
`credwall.analysers.structured`. When a provider rule (`github-classic-pat`, `private-key-pem`, …) matches
a value, its finding is kept, with the file's context and what to do added to its message; the
structure-aware rules below report values no provider rule recognises; generic keyword rules
come last. Each value is reported once.

| rule id | finding |
|---|---|
| `env-file-committed` | an env file with no credential-looking value, once, at line 1 |
| `env-file-value` | a literal credential (or a random-looking value) under a key of an env file |
| `env-template-real-value` | a real-looking value in an env template |
| `private-key-file` | a private key by name or binary content: `id_rsa` (and friends) or `.ppk` with no recognisable key text, a DER private key in `.key`/`.pem`/`.p8`, an OpenPGP secret key in binary `.gpg`/`.asc`, an OpenVPN static key |
| `secret-key-file` | a `.key` file holding a bare random key (e.g. Rails `config/master.key`) |
| `keystore-file` | a PKCS#12/JKS keystore or KeePass database (`.p12`, `.pfx`, `.jks`, `.keystore`, `.pkcs12`, `.kdbx`), blocked by name |
| `terraform-state` | `*.tfstate`, `*.tfstate.backup`: state holds secrets in plain text, always blocked |
| `credential-file` | a literal credential in `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `.htpasswd`, `.pgpass`, `.s3cfg`, `.boto`, `credentials`, Docker config, `*credentials*.json`, inline OpenVPN auth |
| `kubeconfig-credentials` | `token`, `client-key-data`, `password`, auth-provider tokens in a kubeconfig |
| `gcp-service-account-file` | a Google Cloud service-account key (`"type": "service_account"` with a real `private_key`) that no provider rule matched |
"""

from __future__ import annotations

from credwall.hookkit import run_hook
from credwall.analysers.secretfiles import check

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

HOOK_ID = "credwall-env-files"


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK_ID, __doc__.splitlines()[0], check, argv)


if __name__ == "__main__":
    raise SystemExit(main())
