"""Structured files whose text hides values from pattern rules: escaped JSON strings (Jupyter
notebooks, JSON-in-JSON, API client exports), base64 in Kubernetes Secrets, Terraform variable
defaults. Each is decoded and matched, and the finding lands on the characters that hold it."""

from __future__ import annotations

import base64
import json

import pytest

from credwall.engine.findings import ScanResult
from credwall.engine.matcher import Matcher
from credwall.engine.rules import load_rules
from credwall.pipeline import analyse_text
from tests import tokens

MATCHER = Matcher(load_rules())


def _found(path: str, text: str) -> list[tuple[str, int, int]]:
    result = ScanResult()
    findings = analyse_text(MATCHER, path, text, result)
    assert not result.errors, result.errors
    return [(f.rule_id, f.line, f.column) for f in findings]


def _where(text: str, needle: str) -> tuple[int, int]:
    offset = text.index(needle)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _notebook(*sources: list[str]) -> str:
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": s}
             for s in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def test_a_password_in_a_notebook_cell_is_found_behind_its_escapes() -> None:
    password = tokens.password(seed=801)
    token = tokens.github_classic(seed=802)
    text = _notebook(["import requests\n", f'DB_PASSWORD = "{password}"\n', f'hdr = {{"t": "{token}", "k": "{token[:-1]}"}}\n'])
    found = _found("analysis.ipynb", text)
    line, column = _where(text, password)
    assert ("generic-password-assignment", line, column) in found
    assert ("github-pat", *_where(text, token)) in found


def test_json_in_json_and_plain_json_escapes() -> None:
    password = tokens.password(seed=803)
    inner = json.dumps({"db": {"password": password}})
    text = json.dumps({"env": {"SERVICE_CONFIG": inner}}, indent=2) + "\n"
    assert ("generic-password-assignment", *_where(text, password)) in _found("deploy/values.json", text)


def test_postman_pairs_are_judged_under_their_key() -> None:
    literal = tokens.rand(30, seed=804) + "4k"
    text = json.dumps({"info": {"_postman_id": "x", "name": "shop"}, "variable": [
        {"key": "baseUrl", "value": "https://api.shop.internal"},
        {"key": "apiToken", "value": literal},
        {"key": "refresh_token", "value": "{{REFRESH_TOKEN}}"}]}, indent=2) + "\n"
    found = _found("shop.postman_collection.json", text)
    assert found == [("json-key-value-credential", *_where(text, literal))]


def _secret(data: dict[str, str], kind: str = "Secret") -> str:
    body = "\n".join(f"  {k}: {v}" for k, v in data.items())
    section = "data" if kind == "Secret" else "encryptedData"
    return f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: app\ntype: Opaque\n{section}:\n{body}\n"


def test_kubernetes_secret_data_is_decoded_and_located() -> None:
    token = tokens.github_classic(seed=805)
    password = tokens.password(seed=806)
    encoded_token = base64.b64encode(f"ghuser:{token}".encode()).decode()
    encoded_password = base64.b64encode(password.encode()).decode()
    text = _secret({"auth": encoded_token, "DB_PASSWORD": encoded_password, "USER": base64.b64encode(b"app").decode()})
    found = _found("k8s/secret.yaml", text)
    line, column = _where(text, encoded_token)
    assert [f for f in found if f[0] == "github-pat"] == [("github-pat", line, column + 8)]  # its base64 quad
    assert ("kubernetes-secret-data", *_where(text, encoded_password)) in found
    assert not any(f[1] == text[:text.index("USER")].count("\n") + 1 for f in found)  # "app" is not a secret


@pytest.mark.parametrize("text", [
    _secret({"password": base64.b64encode(b"changeme").decode()}),
    _secret({"password": "Ag" + tokens.rand(90, seed=807)}, kind="SealedSecret"),  # ciphertext
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  password: {{ .Values.pw | b64enc }}\n",
])
def test_kubernetes_secrets_that_hold_nothing_to_rotate_pass(text: str) -> None:
    assert _found("k8s/secret.yaml", text) == []


def test_a_multi_document_manifest_reads_every_secret() -> None:
    value = tokens.rand(28, seed=808) + "3m"
    text = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n---\n"
            f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  WEBHOOK_SECRET: {value}\n")
    assert _found("k8s/app.yml", text) == [("kubernetes-secret-data", *_where(text, value))]


def test_terraform_variable_defaults() -> None:
    key = tokens.rand(26, seed=809) + "8w"
    text = (f'variable "region" {{\n  default = "eu-west-1"\n}}\n\nvariable "stripe_api_key" {{\n  type = string\n'
            f'  description = "the key {{for}} payments"\n  sensitive = true\n  default = "{key}"\n}}\n')
    assert _found("infra/variables.tf", text) == [("terraform-variable-default", *_where(text, key))]


def test_a_staged_notebook_change_is_judged_as_a_notebook(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    password = tokens.password(seed=810)
    git_repo.stage("nb.ipynb", _notebook(["x = 1\n"]))
    git_repo.commit()
    text = _notebook(["x = 1\n"], [f'api_secret = "{password}"\n'])
    git_repo.stage("nb.ipynb", text)
    code, out, _ = run_cli("scan", "--staged", "--format", "json")
    assert code == 1
    # the added cell's secret, decoded from its escapes, at its own line and column
    assert [(f["line"], f["column"]) for f in json.loads(out)["findings"]] == [_where(text, password)]
