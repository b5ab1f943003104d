"""age key files beside the compose file, known by the `# public key: age1…` line that
age-keygen writes above the key, so the tree README can name the one that decrypts the
tree (the CPTM8 demo ships one). Only that comment line is read into the result.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "key.txt").write_text("# public key: age1abc\\nAGE-SECRET-KEY-1XYZ\\n")
>>> key_files(folder)
{'age1abc': 'key.txt'}
"""
from __future__ import annotations

from pathlib import Path

SUFFIXES = (".txt", ".agekey")
MAX_BYTES = 16_384  # an age key file is a few hundred bytes
MARK = "# public key: "


def key_files(folder: Path) -> dict[str, str]:
    """{age recipient: file name} for the key files directly in `folder` (first by name wins)."""
    found: dict[str, str] = {}
    try:
        candidates = sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())
    except OSError:
        return found
    for path in candidates:
        if path.stat().st_size > MAX_BYTES:
            continue
        try:
            lines = path.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for line in lines:
            if line.startswith(MARK):
                found.setdefault(line[len(MARK):].strip(), path.name)
    return found
