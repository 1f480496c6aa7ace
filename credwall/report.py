"""Reporting: text for people, JSON for machines. Secrets appear only masked."""

from __future__ import annotations

from typing import TextIO

from .scan import ScanResult

JSON_VERSION = 1
_RED, _YELLOW, _DIM, _BOLD, _RESET = "\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(result: ScanResult) -> str:
    kb = result.bytes / 1024
    scanned = f"scanned {_plural(result.files, 'file')} ({kb:,.1f} KiB) in {result.seconds:.2f} s"
    if result.files == 0:
        scanned = "scanned nothing: 0 files"
    parts = [scanned]
    if result.skipped:
        skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(result.skipped.items()))
        parts.append(f"skipped {skipped}")
    decoded = {note: n for note, n in result.notes.items() if note != "allowed inline"}
    if decoded:
        parts.append("decoded " + ", ".join(f"{n} {note}" for note, n in sorted(decoded.items())))
    if result.notes.get("allowed inline"):
        parts.append(f"{result.notes['allowed inline']} allowed by inline markers")
    if result.errors:
        head = f"{_plural(len(result.errors), 'error')}: scan INCOMPLETE"
    elif result.findings:
        files = len({f.path for f in result.findings})
        head = f"{_plural(len(result.findings), 'finding')} in {_plural(files, 'file')}"
    else:
        head = "no secrets found"
    return f"credwall: {head}; " + "; ".join(parts)


def write_text(result: ScanResult, out: TextIO, err: TextIO, color: bool = False) -> None:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    for f in result.findings:
        where = paint(_BOLD, f"{f.path}:{f.line}:{f.column}")
        conf = paint(_RED if f.confidence == "high" else _YELLOW, f.confidence)
        out.write(f"{where}: {f.rule_id} {f.message} [{conf}] {paint(_DIM, f.secret_masked)}\n")
    for e in result.errors:
        err.write(f"credwall: error: {e.path}: {e.reason}\n")
    err.write(summary(result) + "\n")


def to_json(result: ScanResult) -> dict[str, object]:
    return {
        "version": JSON_VERSION,
        "findings": [f.to_json() for f in result.findings],
        "errors": [{"path": e.path, "reason": e.reason} for e in result.errors],
        "stats": {
            "files": result.files,
            "bytes": result.bytes,
            "seconds": round(result.seconds, 4),
            "skipped": dict(sorted(result.skipped.items())),
        },
    }


def write_json(result: ScanResult, out: TextIO) -> None:
    import json

    json.dump(to_json(result), out, indent=2, ensure_ascii=False)
    out.write("\n")
