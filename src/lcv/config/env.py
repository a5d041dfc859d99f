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


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    help: str


REGISTRY: dict[str, Variable] = {}


def _declare(name: str, default: str, help: str, shown: str | None = None) -> str:
    """`shown` documents a default that depends on other variables (e.g. demo mode)."""
    REGISTRY[name] = Variable(name, default if shown is None else shown, help)
    return os.environ.get(name, default)


def string(name: str, default: str, help: str, *, shown: str | None = None) -> str:
    return _declare(name, default, help, shown)


def boolean(name: str, default: bool, help: str, *, shown: str | None = None) -> bool:
    raw = _declare(name, "true" if default else "false", help, shown).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def integer(name: str, default: int, help: str) -> int:
    return int(_declare(name, str(default), help))


def string_list(name: str, default: str, help: str) -> list[str]:
    return [part.strip() for part in _declare(name, default, help).split(",") if part.strip()]


VAR_DIR: Final = Path(
    string("LCV_VAR_DIR", "", "Folder for the embedded database, generated dev secret and files. Empty: `var/`.")
    or BASE_DIR / "var"
)


def generated_secret(relative_path: str) -> str:
    """A secret for demo mode, generated once and kept under var/ (never committed)."""
    path = VAR_DIR / relative_path
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def dev_secret_key() -> str:
    return generated_secret("secret_key")


def markdown_table() -> str:
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for var in REGISTRY.values():
        default = var.default if var.default.startswith("(") else f"`{var.default}`" if var.default else "(empty)"
        lines.append(f"| `{var.name}` | {default} | {var.help} |")
    return "\n".join(lines)
