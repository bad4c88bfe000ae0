"""Print the single shell command of a README section (`## Quick start`, `## Tests`).

CI and the quick-start test run exactly what the README tells a newcomer, so the two cannot drift.
"""
import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def section_command(title: str, text: str | None = None) -> str:
    text = text if text is not None else README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not match:
        raise SystemExit(f"README has no section '## {title}'")
    blocks = re.findall(r"```(?:sh|bash|shell)?\n(.*?)```", match.group(1), re.S)
    if len(blocks) != 1 or len(blocks[0].strip().splitlines()) != 1:
        raise SystemExit(f"README section '## {title}' must hold exactly one one-line shell command")
    return blocks[0].strip()


if __name__ == "__main__":
    print(section_command(sys.argv[1] if len(sys.argv) > 1 else "Tests"))
