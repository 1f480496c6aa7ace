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
