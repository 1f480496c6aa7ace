"""The `credwall-env-files` hook: committed .env files, private keys and credential files.

The env-file and key-file part of the `credwall` hook, for teams that want only that part:
the same analysers, the same findings (see docs/hooks.md and patterns/context.yaml for the rule
ids: env-file-value, env-template-real-value, env-file-committed, private-key-file,
secret-key-file, keystore-file, terraform-state, credential-file, kubeconfig-credentials,
gcp-service-account-file, openvpn-static-key, and every pattern rule in those files)."""

from __future__ import annotations

from credwall.hookkit import run_hook

TYPE_CHECKING = False  # no `typing` before git starts: see credwall.cli
if TYPE_CHECKING:
    from typing import Sequence

HOOK_ID = "credwall-env-files"


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK_ID, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
