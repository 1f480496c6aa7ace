"""CI practices (credwall/analysers/ci_practices.py): static cloud keys where OIDC federation
replaces them, and shell tracing around secrets, in realistic GitHub Actions and GitLab CI
files; near-misses (OIDC logins, LocalStack's dummy keys, tracing away from secrets) stay quiet."""

from __future__ import annotations

import json
from pathlib import Path

from credwall.engine.findings import ScanResult
from credwall.engine.matcher import Matcher
from credwall.pipeline import analyse_file
from tests import tokens

STATIC = ("ci-aws-static-keys", "ci-gcp-key-json", "ci-azure-client-secret")


def _found(matcher: Matcher, path: str, text: str) -> list[tuple[int, str, str]]:
    result = ScanResult()
    analyse_file(matcher, path, text.encode(), result)
    assert not result.errors, result.errors
    return [(f.line, f.rule_id, f.message) for f in result.findings]


DEPLOY = """\
name: deploy
on:
  push:
    branches: [main]
env:
  AWS_REGION: eu-west-1
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      localstack:
        image: localstack/localstack:3
    env:
      AWS_ACCESS_KEY_ID: test
      AWS_SECRET_ACCESS_KEY: test
    steps:
      - uses: actions/checkout@v4
      - run: pytest -q
  site:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}
          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
          aws-region: ${{ env.AWS_REGION }}
      - run: aws s3 sync dist s3://shop-site --delete
  api:
    needs: test
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        id: creds
        with:
          role-to-assume: arn:aws:iam::123456789012:role/shop-deploy
          aws-region: eu-west-1
          output-credentials: true
      - run: ./deploy-api.sh
        env:
          AWS_SECRET_ACCESS_KEY: ${{ steps.creds.outputs.aws-secret-access-key }}
  run:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - uses: google-github-actions/auth@v2
        with:
          credentials_json: ${{ secrets.GCP_SA_KEY }}
      - uses: google-github-actions/deploy-cloudrun@v2
        with:
          service: shop
  infra:
    runs-on: ubuntu-latest
    env:
      ARM_CLIENT_ID: ${{ vars.ARM_CLIENT_ID }}
      ARM_CLIENT_SECRET: ${{ secrets.ARM_CLIENT_SECRET }}
      ARM_SUBSCRIPTION_ID: ${{ vars.ARM_SUBSCRIPTION_ID }}
      ARM_TENANT_ID: ${{ vars.ARM_TENANT_ID }}
    steps:
      - run: terraform apply -auto-approve
"""


def test_github_actions_static_keys_one_per_job_with_the_replacement(matcher: Matcher) -> None:
    found = [f for f in _found(matcher, ".github/workflows/deploy.yml", DEPLOY) if f[1] in STATIC]
    assert [(line, rule) for line, rule, _ in found] == [
        (27, "ci-aws-static-keys"), (52, "ci-gcp-key-json"), (60, "ci-azure-client-secret")]
    aws, gcp, azure = (message for _, _, message in found)
    assert "job `site`" in aws and "secrets.AWS_SECRET_ACCESS_KEY" in aws
    assert "aws-actions/configure-aws-credentials with role-to-assume" in aws and "id-token: write" in aws
    assert "google-github-actions/auth with workload_identity_provider" in gcp
    assert "azure/login with client-id, tenant-id and subscription-id" in azure


def test_the_finding_sits_on_the_setting_and_names_no_value(matcher: Matcher) -> None:
    result = ScanResult()
    analyse_file(matcher, ".github/workflows/deploy.yml", DEPLOY.encode(), result)
    [aws] = [f for f in result.findings if f.rule_id == "ci-aws-static-keys"]
    assert (aws.line, aws.column, aws.end_column) == (27, 11, 32)  # `aws-secret-access-key`
    assert aws.advisory and aws.confidence == "low"


def test_a_literal_key_is_both_a_credential_and_an_advisory(matcher: Matcher) -> None:
    workflow = ("on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n"
                f"      AWS_ACCESS_KEY_ID: {tokens.aws_key_id(seed=91)}\n"
                f"      AWS_SECRET_ACCESS_KEY: {tokens.aws_secret(seed=92)}\n"
                "    steps:\n      - run: aws s3 ls\n")
    rules = {rule for _, rule, _ in _found(matcher, ".github/workflows/deploy.yml", workflow)}
    assert "ci-aws-static-keys" in rules and rules & {"aws-access-key-id", "aws-secret-access-key",
                                                      "ci-literal-credential"}


GITLAB = """\
stages: [test, deploy]

variables:
  GCP_PROJECT: shop-prod

unit:
  stage: test
  variables:
    AWS_ACCESS_KEY_ID: minioadmin
    AWS_SECRET_ACCESS_KEY: minioadmin
  script:
    - pytest -q

assets:
  stage: deploy
  variables:
    AWS_SECRET_ACCESS_KEY: $PROD_AWS_SECRET_ACCESS_KEY
  script:
    - aws s3 sync public s3://shop-assets

cloudrun:
  stage: deploy
  image: google/cloud-sdk:slim
  script:
    - echo "$GCP_SERVICE_ACCOUNT" > /tmp/key.json
    - gcloud auth activate-service-account --key-file /tmp/key.json
    - gcloud run deploy shop --source .

cloudrun-oidc:
  stage: deploy
  id_tokens:
    GCP_ID_TOKEN:
      aud: https://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/gitlab/providers/shop
  script:
    - echo "$GCP_ID_TOKEN" > /tmp/oidc.jwt
    - gcloud iam workload-identity-pools create-cred-config $WIF_PROVIDER --service-account=$SA --credential-source-file=/tmp/oidc.jwt --output-file=/tmp/cred.json
    - gcloud auth login --cred-file=/tmp/cred.json

webapp:
  stage: deploy
  script:
    - az login --service-principal -u "$AZURE_CLIENT_ID" -p "$AZURE_CLIENT_SECRET" --tenant "$AZURE_TENANT_ID"
    - az webapp up --name shop

webapp-oidc:
  stage: deploy
  id_tokens:
    AZURE_ID_TOKEN:
      aud: api://AzureADTokenExchange
  script:
    - az login --service-principal -u "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID" --federated-token "$AZURE_ID_TOKEN"
"""


def test_gitlab_static_keys(matcher: Matcher) -> None:
    found = [f for f in _found(matcher, ".gitlab-ci.yml", GITLAB) if f[1] in STATIC]
    assert [(line, rule) for line, rule, _ in found] == [
        (17, "ci-aws-static-keys"), (26, "ci-gcp-key-json"), (42, "ci-azure-client-secret")]
    aws, gcp, azure = (message for _, _, message in found)
    assert "$PROD_AWS_SECRET_ACCESS_KEY" in aws and "id_tokens:" in aws and "assume-role-with-web-identity" in aws
    assert "Workload Identity Federation" in gcp
    assert "--federated-token" in azure


def test_only_github_and_gitlab_files(matcher: Matcher) -> None:
    circle = DEPLOY.replace("jobs:", "jobs:", 1)
    assert not [f for f in _found(matcher, ".circleci/config.yml", circle) if f[1] in STATIC]


def test_shown_by_default_and_turned_off_by_confidence_or_tag(tmp_path: Path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Low confidence: shown under the default floor (`min_confidence = "low"`), left out by a
    higher floor or by disabling the `oidc` tag (docs/checklist.md says so)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "deploy.yml").write_text(DEPLOY)

    def static_rules() -> list[str]:
        code, out, _ = run_cli("scan", "--format", "json", ".github")
        assert code == 0
        return [a["rule_id"] for a in json.loads(out)["advisories"] if a["rule_id"] in STATIC]

    assert len(static_rules()) == 3
    (tmp_path / ".credwall.toml").write_text("exclude = []\n")
    assert len(static_rules()) == 3
    (tmp_path / ".credwall.toml").write_text('min_confidence = "medium"\n')
    assert static_rules() == []
    (tmp_path / ".credwall.toml").write_text('disable = ["tag:oidc"]\n')
    assert static_rules() == []


# --- shell tracing -----------------------------------------------------------------------------------

RELEASE = """\
on:
  push:
    tags: ["v*"]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: |
          set -x
          make dist
  release:
    runs-on: ubuntu-latest
    env:
      GH_TOKEN: ${{ secrets.RELEASE_TOKEN }}
    steps:
      - run: |
          set -euxo pipefail
          gh release create "$GITHUB_REF_NAME" dist/*
          curl -fsS -H "Authorization: Bearer $GH_TOKEN" -d @notes.json "$RELEASES_API"
  notify:
    runs-on: ubuntu-latest
    steps:
      - shell: bash -x {0}
        run: 'curl -fsS -d "text=released" "https://hooks.slack.com/services/${{ secrets.SLACK_WEBHOOK_PATH }}"'
  careful:
    runs-on: ubuntu-latest
    steps:
      - run: |
          set -x
          make dist
          set +x
          curl -fsS -H "Authorization: Bearer ${{ secrets.DEPLOY_TOKEN }}" https://deploy.internal/release
"""


def test_github_shell_tracing_while_a_secret_is_in_use(matcher: Matcher) -> None:
    found = [f for f in _found(matcher, ".github/workflows/release.yml", RELEASE) if f[1] == "ci-xtrace-with-secrets"]
    assert [line for line, _, _ in found] == [19, 24]
    release, notify = (message for _, _, message in found)
    assert "job `release`" in release and "set -euxo pipefail" in release and "Bearer $GH_TOKEN" in release
    assert "bash -x {0}" in notify


def test_gitlab_tracing_across_script_lines_and_debug_trace(matcher: Matcher) -> None:
    gitlab = ("publish:\n  script:\n    - set -x\n    - npm ci\n"
              "    - npm config set //registry.npmjs.org/:_authToken \"$NPM_TOKEN\"\n    - npm publish\n"
              "debug:\n  variables:\n    CI_DEBUG_TRACE: \"true\"\n  script:\n    - ./deploy.sh\n"
              "quiet:\n  variables:\n    CI_DEBUG_TRACE: \"false\"\n  script:\n    - set -x\n    - make\n")
    found = [(line, message) for line, rule, message in _found(matcher, ".gitlab-ci.yml", gitlab)
             if rule == "ci-xtrace-with-secrets"]
    assert [line for line, _ in found] == [5, 9]
    assert "masked ones included" in found[1][1]
