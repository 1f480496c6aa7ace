"""Safe, position-aware loading of JSON (with JSONC comments and trailing commas), YAML and
TOML: every scalar leaf comes back with its path and line, so a hook can say *where* a literal
credential sits (`mcpServers.github.env.GITHUB_TOKEN`, line 7) and not only that one exists.

Nothing is ever executed: YAML uses the safe composer (no tags, no constructors), aliases are
capped (a "billion laughs" document is refused, not expanded), and depth and size are bounded.
"""

from __future__ import annotations

from typing import Any, Iterator, NamedTuple

MAX_DEPTH = 64
MAX_BYTES = 16 * 1024 * 1024
MAX_YAML_ALIASES = 100


class StructureError(Exception):
    """The document is malformed or too large or deep; the message says where and why."""


class Leaf(NamedTuple):
    path: tuple[str | int, ...]
    value: str  # scalars as text; numbers and booleans included, converted by str()
    line: int  # 1-based
    column: int  # 1-based
    start: int = 0  # offsets of the value as written (quotes and escapes included) in the text
    end: int = 0


def dotted(path: tuple[str | int, ...]) -> str:
    """mcpServers.github.env.TOKEN, args[2]."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


# --- JSON / JSONC -----------------------------------------------------------------------------

class _JsonParser:
    """Recursive-descent JSON with // and /* */ comments and trailing commas (VS Code's JSONC).
    Keeps positions; builds plain Python values."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.leaves: list[Leaf] = []

    def error(self, message: str) -> StructureError:
        line = self.text.count("\n", 0, self.pos) + 1
        column = self.pos - self.text.rfind("\n", 0, self.pos)
        return StructureError(f"line {line}, column {column}: {message}")

    def where(self, pos: int) -> tuple[int, int]:
        return self.text.count("\n", 0, pos) + 1, pos - self.text.rfind("\n", 0, pos)

    def skip(self) -> None:
        text, n = self.text, len(self.text)
        while self.pos < n:
            ch = text[self.pos]
            if ch in " \t\r\n\ufeff":
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = n if end < 0 else end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.error("unterminated /* comment")
                self.pos = end + 2
            else:
                return

    def parse(self) -> Any:
        self.skip()
        value = self.value((), 0)
        self.skip()
        if self.pos != len(self.text):
            raise self.error("unexpected text after the JSON value")
        return value

    def value(self, path: tuple[str | int, ...], depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.error(f"nested deeper than {MAX_DEPTH} levels")
        self.skip()
        if self.pos >= len(self.text):
            raise self.error("unexpected end of document")
        ch = self.text[self.pos]
        if ch == "{":
            return self.obj(path, depth)
        if ch == "[":
            return self.arr(path, depth)
        start = self.pos
        if ch == '"':
            value: Any = self.string()
        else:
            value = self.literal()
        line, column = self.where(start)
        if value is not None:
            text = value if isinstance(value, str) else _scalar_text(value)
            self.leaves.append(Leaf(path, text, line, column, start, self.pos))
        return value

    def obj(self, path: tuple[str | int, ...], depth: int) -> dict[str, Any]:
        self.pos += 1
        result: dict[str, Any] = {}
        while True:
            self.skip()
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return result
            if not self.text.startswith('"', self.pos):
                raise self.error("expected a \"key\" or }")
            key = self.string()
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise self.error("expected : after a key")
            self.pos += 1
            result[key] = self.value(path + (key,), depth + 1)
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif not self.text.startswith("}", self.pos):
                raise self.error("expected , or }")

    def arr(self, path: tuple[str | int, ...], depth: int) -> list[Any]:
        self.pos += 1
        result: list[Any] = []
        while True:
            self.skip()
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return result
            result.append(self.value(path + (len(result),), depth + 1))
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif not self.text.startswith("]", self.pos):
                raise self.error("expected , or ]")

    def string(self) -> str:
        import json

        end = self.pos + 1
        text = self.text
        while True:
            end = text.find('"', end)
            if end < 0:
                raise self.error("unterminated string")
            backslashes = 0
            while text[end - 1 - backslashes] == "\\":
                backslashes += 1
            if backslashes % 2 == 0:
                break
            end += 1
        raw = text[self.pos:end + 1]
        try:
            value = json.loads(raw)
        except ValueError:
            raise self.error("invalid string escape") from None
        self.pos = end + 1
        return str(value)

    def literal(self) -> Any:
        import json

        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ",]} \t\r\n/":
            self.pos += 1
        word = self.text[start:self.pos]
        try:
            return json.loads(word)
        except ValueError:
            self.pos = start
            raise self.error(f"unexpected {word[:20]!r}") from None


def load_json(text: str) -> tuple[Any, list[Leaf]]:
    """Parse JSON or JSONC; (value, scalar leaves with positions)."""
    _check_size(text)
    parser = _JsonParser(text)
    return parser.parse(), parser.leaves


# --- YAML -------------------------------------------------------------------------------------

def load_yaml(text: str, every_document: bool = False) -> tuple[Any, list[Leaf]]:
    """Parse YAML with the safe composer; aliases capped. The value is the document (a list
    of them when there are several); `every_document`: always the list, and each leaf's path
    starts with its document's index (`kubectl apply -f` files hold many)."""
    import yaml

    _check_size(text)
    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        nodes = [n for n in yaml.compose_all(text, Loader=loader_cls) if n is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise StructureError(f"{where}{problem}") from None
    leaves: list[Leaf] = []
    visits = [0]
    if every_document:
        return [_yaml_node(node, (i,), 0, leaves, visits) for i, node in enumerate(nodes)], leaves
    values = [_yaml_node(node, (), 0, leaves, visits) for node in nodes]
    return (values[0] if len(values) == 1 else values if values else None), leaves


def _yaml_node(node: Any, path: tuple[str | int, ...], depth: int, leaves: list[Leaf], visits: list[int]) -> Any:
    import yaml

    if depth > MAX_DEPTH:
        raise StructureError(f"line {node.start_mark.line + 1}: nested deeper than {MAX_DEPTH} levels")
    visits[0] += 1
    if visits[0] > 200_000:
        raise StructureError("too many nodes (alias expansion?): refused")
    if isinstance(node, yaml.ScalarNode):
        if node.value != "" and node.tag != "tag:yaml.org,2002:null":
            leaves.append(Leaf(path, node.value, node.start_mark.line + 1, node.start_mark.column + 1,
                               node.start_mark.index, node.end_mark.index))
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_yaml_node(child, path + (i,), depth + 1, leaves, visits) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark.line)
            result[key] = _yaml_node(value_node, path + (key,), depth + 1, leaves, visits)
        return result
    return None


# --- TOML -------------------------------------------------------------------------------------

def _tomllib() -> Any:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10: the same parser, from PyPI
        import tomli as tomllib
    return tomllib


def load_toml_file(path: str) -> dict[str, Any]:
    """A TOML file (config, gitleaks rules) as data; StructureError says why it cannot be."""
    tomllib = _tomllib()
    try:
        with open(path, "rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
            return data
    except OSError as exc:
        raise StructureError(f"cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise StructureError(f"not valid TOML: {exc}") from None


def load_toml(text: str) -> tuple[Any, list[Leaf]]:
    """Parse TOML; leaf lines are found by searching for `key = value` (tomllib keeps no positions)."""
    tomllib = _tomllib()
    _check_size(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StructureError(str(exc)) from None
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    leaves: list[Leaf] = []
    for path, value in _walk(data, (), 0):
        line, column = _find_line(lines, path, value)
        start = starts[line - 1] + column - 1
        leaves.append(Leaf(path, value, line, column, start, start + len(value)))
    return data, leaves


def _walk(value: Any, path: tuple[str | int, ...], depth: int) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if depth > MAX_DEPTH:
        raise StructureError(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, path + (str(key),), depth + 1)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _walk(child, path + (i,), depth + 1)
    elif value is not None:
        yield path, value if isinstance(value, str) else _scalar_text(value)


def _find_line(lines: list[str], path: tuple[str | int, ...], value: str) -> tuple[int, int]:
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    for n, line in enumerate(lines, 1):
        col = line.find(value) if value else -1
        if col >= 0 and (not key or key in line):
            return n, col + 1
    for n, line in enumerate(lines, 1):
        col = line.find(value) if value else -1
        if col >= 0:
            return n, col + 1
    return 1, 1


def _scalar_text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _check_size(text: str) -> None:
    if len(text) > MAX_BYTES:
        raise StructureError(f"larger than {MAX_BYTES // (1024 * 1024)} MiB: refused")


def format_of(name: str) -> str:
    """JSON, YAML or TOML, by file name (JSON, with JSONC, for anything else)."""
    lowered = name.lower()
    if lowered.endswith(".toml"):
        return "TOML"
    if lowered.endswith((".yaml", ".yml")):
        return "YAML"
    return "JSON"
