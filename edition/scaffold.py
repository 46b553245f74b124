"""``edition init``: scaffold a new edition that validates and builds as it is."""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import UsageError

SKELETON = Path(__file__).resolve().parent / "skeleton"
TOOL_SCHEMA = Path(__file__).resolve().parent.parent / "tei" / "schema"
RENAMES = {"gitignore": ".gitignore"}


def init_edition(directory: Path, title: str = "A new edition") -> list[Path]:
    """Copy the skeleton and the edition schema into *directory*; refuse to overwrite."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise UsageError(f"{directory} exists and is not empty; choose a new directory")
    created = []
    for source in sorted(SKELETON.rglob("*")):
        if source.is_dir():
            continue
        rel = source.relative_to(SKELETON)
        target = directory / rel.with_name(RENAMES.get(rel.name, rel.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        if target.name == "edition.toml":
            text = text.replace("{title}", title.replace("\\", "\\\\").replace('"', '\\"'))
        target.write_text(text, encoding="utf-8")
        created.append(target)
    for schema in sorted(TOOL_SCHEMA.glob("edition.*")):
        target = directory / "tei" / "schema" / schema.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(schema, target)
        created.append(target)
    return created
