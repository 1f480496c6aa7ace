"""Property tests for the guard's shell handling: any quoting, escaping, glob or brace form of a
path, and any assignment of it to a variable, is judged like the plain paths the shell resolves
it to. Real bash is the oracle: it prints the words the form becomes in the same directory, and
the guard must deny exactly when one of those is a credential file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from credwall.agentguard.paths import credential_file
from credwall.agentguard.policy import Guard
from credwall.agentguard.settings import AgentPolicy
from credwall.engine.matcher import Matcher

BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="bash is the oracle of these properties")

FILES = (".env", ".env.local", ".env.example", "config/.env.production", "config/settings.yml", "src/app.py",
         "id_rsa", "id_rsa.pub", "notes.txt")
PROGRAMS = ("cat", "head -n 3", "base64", "less", "grep -h KEY")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shellprop")
    for name in FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x\n")
    return root


@pytest.fixture(scope="module")
def guard(matcher: Matcher) -> Guard:
    return Guard(AgentPolicy(), matcher)


def _char_forms(ch: str, first_of_name: bool) -> st.SearchStrategy[str]:
    """Ways to write one character of a path in a shell word."""
    forms = [st.just(ch if ch not in "\\'\"$`{}*?[]~ " else "\\" + ch), st.just(f"'{ch}'"), st.just(f'"{ch}"'),
             st.just(f"\\{ch}"), st.just(f"$'\\x{ord(ch):02x}'")]
    if ch != "/" and not (first_of_name and ch == "."):  # a glob never matches `/` or a leading dot
        forms += [st.just("?"), st.just(f"[{ch}]"), st.just(f"[{ch}{ch}]"), st.just("*")]
    if ch != "/":
        forms.append(st.just("{" + ch + ",@@}"))
    return st.one_of(forms)


@st.composite
def forms_of(draw: st.DrawFn, path: str) -> str:
    out = []
    for i, ch in enumerate(path):
        out.append(draw(_char_forms(ch, i == 0 or path[i - 1] == "/")))
    return "".join(out)


@st.composite
def written(draw: st.DrawFn) -> tuple[str, str]:
    """(a path, one way to write it). At most six brace groups: past 256 alternatives the
    guard stops listing them and asks instead (tested separately)."""
    path = draw(st.sampled_from(FILES))
    form = draw(forms_of(path))
    assume(form.count("{") <= 6)
    return path, form


def _bash_words(project: Path, script: str) -> list[str]:
    assert BASH is not None
    proc = subprocess.run([BASH, "--noprofile", "--norc", "-c", script], cwd=project, capture_output=True,
                          text=True, timeout=10, env={"PATH": "/usr/bin:/bin", "HOME": str(project)})
    assert proc.returncode == 0, proc.stderr
    return [w for w in proc.stdout.split("\0") if w]


def _expected(words: list[str]) -> str:
    return "deny" if any(credential_file(w) for w in words) else "allow"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=written(), program=st.sampled_from(PROGRAMS))
def test_a_written_form_is_judged_like_the_paths_bash_makes_of_it(guard: Guard, project: Path,
                                                                  case: tuple[str, str], program: str) -> None:
    path, form = case
    words = _bash_words(project, f"printf '%s\\0' {form}")
    assert path in words, (form, words)  # the form does name the file (and maybe others)
    verdict = guard.check_shell(f"{program} {form}", cwd=str(project))
    assert verdict.decision == _expected(words), (form, words, verdict.message)
    if verdict.decision == "deny":
        assert "read-credential-file" in verdict.rules


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=written(), quoted=st.booleans(), export=st.booleans())
def test_a_path_through_a_variable_is_judged_like_the_path(guard: Guard, project: Path, case: tuple[str, str],
                                                           quoted: bool, export: bool) -> None:
    path, form = case
    use = '"$F"' if quoted else "$F"
    assign = f"{'export ' if export else ''}F={form}"
    words = _bash_words(project, f"{assign}; printf '%s\\0' {use}")
    verdict = guard.check_shell(f"{assign}; cat {use}", cwd=str(project))
    assert verdict.decision == _expected(words), (assign, use, words, verdict.message)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(FILES))
def test_indirection_is_judged_like_the_path(guard: Guard, project: Path, path: str) -> None:
    plain = guard.check_shell(f"cat {path}", cwd=str(project)).decision
    for command in (f"echo {path} | xargs cat", f"printf '%s\\n' {path} | xargs -I@ cat @",
                    f"find . -path ./{path} -exec cat {{}} +", f"cat \"$(echo {path})\""):
        name = path.rsplit("/", 1)[-1]
        if command.startswith("find"):
            command = f"find . -name '{name}' -exec cat {{}} +"
            # find -name matches the name anywhere in the tree: the same names are credentials or not
            expected = "deny" if credential_file(name) else "allow"
        else:
            expected = plain
        assert guard.check_shell(command, cwd=str(project)).decision == expected, command


def test_past_its_bounds_a_form_asks(guard: Guard, project: Path) -> None:
    form = "{c,x}onfig/.e{n,x}v.p{r,x}o{d,x}u{c,x}t{i,x}o{n,x}{,x}{,y}"
    assert guard.check_shell(f"cat {form}", cwd=str(project)).decision == "ask"
