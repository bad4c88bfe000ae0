"""Typed readers for settings taken from the environment (one place, so every option is greppable)."""
import base64
import json
import os
import secrets
from pathlib import Path


def env_str(name: str, default: str = "") -> str:
    """A string option; `NAME_FILE` (a path) wins over `NAME`, as container secrets are mounted as files."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def local_secrets(data_dir: Path) -> dict[str, str]:
    """Secrets for a demo or development machine, made once and kept in the data directory.

    Production sets GONGHUI_SECRET_KEY, GONGHUI_DATA_KEY and GONGHUI_INDEX_KEY in the environment and never
    reaches this: settings refuse to start in production without them.
    """
    path = data_dir / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    data_dir.mkdir(parents=True, exist_ok=True)
    values = {
        "GONGHUI_SECRET_KEY": secrets.token_urlsafe(50),
        "GONGHUI_DATA_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "GONGHUI_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "GONGHUI_CARD_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(values, indent=1))
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return values
