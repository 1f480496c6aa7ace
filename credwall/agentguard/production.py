"""Production environments: an operational command (cloud CLIs, cluster and database clients,
`ssh`, `docker`, `curl`, …) that names one, a `git push` to such a branch, or a task runner
operating on one (`npm run deploy:prod`) asks. The names come from the policy."""

from __future__ import annotations

from typing import Iterable

from .argv import components, operands, program_matches
from .destructive import CLOUD_CLIS, SQL_CLIENTS
from .shell import Command

# Programs that act on infrastructure, data or remote hosts: naming production there asks.
_OPERATIONAL = CLOUD_CLIS | SQL_CLIENTS | frozenset({
    "ssh", "scp", "rsync", "sftp", "mosh", "docker", "docker-compose", "podman", "podman-compose", "kubectx",
    "kubens", "kustomize", "skaffold", "tilt", "argocd", "flux", "ansible", "ansible-playbook", "salt", "chef",
    "knife", "puppet", "capistrano", "cap", "mina", "fab", "kamal", "mrsk", "curl", "wget", "http", "https", "xh",
    "xhs", "httpie", "grpcurl", "websocat", "mongosh", "mongo", "mongorestore", "mongodump", "redis-cli",
    "pg_dump", "pg_restore", "pg_dumpall", "dropdb", "createdb", "mysqldump", "mysqladmin", "rails", "rake",
    "alembic", "flyway", "liquibase", "knex", "sequelize", "typeorm", "drizzle-kit", "mix", "artisan",
    "rclone", "s3cmd", "kafka-topics", "kcat", "mc",
})
_TASK_RUNNERS = frozenset({"npm", "yarn", "pnpm", "bun", "make", "just", "task", "mage", "invoke", "nx", "turbo",
                           "lerna", "gradle", "gradlew", "mvn", "rake", "npx", "deno", "composer", "poe", "tox", "nox"})
_OPERATION_WORDS = frozenset({"deploy", "release", "publish", "migrate", "migration", "migrations", "seed", "push",
                              "destroy", "delete", "drop", "reset", "rollback", "up", "down", "apply", "sync",
                              "restore", "promote", "ship", "rollout", "teardown", "wipe", "purge"})


class Production:
    """Finds the protected environment names (`prod`, `production`, `live` by default)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(n.lower() for n in names)

    def task(self, cmd: Command) -> str | None:
        """`npm run deploy:prod`, `make migrate-production`: a task runner operating on production."""
        if cmd.name not in _TASK_RUNNERS:
            return None
        for op in operands(cmd.args):
            parts = set(components(op))
            env = parts & self.names
            if env and parts & _OPERATION_WORDS:
                return sorted(env)[0]
        return None

    def named_in(self, text: str) -> str | None:
        """The first protected name among the words of text (`prod-db.internal` → prod)."""
        if not self.names:
            return None
        for part in components(text):
            if part in self.names:
                return part
        return None

    def command(self, cmd: Command) -> str | None:
        """The protected name an operational command's arguments or assignments hold."""
        name = cmd.name
        remote = any(v.startswith("ssh ") for v in cmd.via)
        if name == "git":
            ops = operands(cmd.args)
            if ops[:1] == ["push"]:
                for ref in ops[2:]:
                    found = self.named_in(ref.split(":")[-1])
                    if found:
                        return found
            return None
        if name not in _OPERATIONAL and not remote and not program_matches(cmd, "manage.py"):
            return None
        for assign in cmd.assigns:
            found = self.named_in(assign.split("=", 1)[1])
            if found:
                return found
        for word in cmd.argv[1:]:
            text = word.text
            if text.startswith("-"):
                if "=" not in text:
                    continue
                text = text.split("=", 1)[1]
            found = self.named_in(text)
            if found:
                return found
        return None

