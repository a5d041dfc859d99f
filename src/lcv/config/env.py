"""One typed reader of environment variables.

Every variable the platform reads is declared here exactly once, with its type, its default (the
default makes `make run` work on a fresh machine) and a line of help. `lcv envdoc` prints the table
that README.md carries, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Final

BASE_DIR: Final = Path(__file__).resolve().parents[3]
VAR_DIR: Final = Path(os.environ.get("LCV_VAR_DIR", BASE_DIR / "var"))


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    help: str


REGISTRY: dict[str, Variable] = {}


def _declare(name: str, default: str, help: str) -> str:
    REGISTRY[name] = Variable(name, default, help)
    return os.environ.get(name, default)


def string(name: str, default: str, help: str) -> str:
    return _declare(name, default, help)


def boolean(name: str, default: bool, help: str) -> bool:
    raw = _declare(name, "true" if default else "false", help).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def integer(name: str, default: int, help: str) -> int:
    return int(_declare(name, str(default), help))


def string_list(name: str, default: str, help: str) -> list[str]:
    return [part.strip() for part in _declare(name, default, help).split(",") if part.strip()]


def dev_secret_key() -> str:
    """A secret key for the embedded mode, generated once and kept under var/ (never committed)."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def markdown_table() -> str:
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for var in REGISTRY.values():
        default = f"`{var.default}`" if var.default else "(empty)"
        lines.append(f"| `{var.name}` | {default} | {var.help} |")
    return "\n".join(lines)
