"""Host paths as Compose resolves them: relative ones from the project folder, `~` expanded,
Windows paths kept as written.

>>> absolute("./data/../logs", Path("/srv/app")), absolute("C:\\\\data", Path("/srv/app"))
('/srv/app/logs', 'C:\\\\data')
"""
from __future__ import annotations

import os
import re
from pathlib import Path

_WINDOWS_PATH = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")


def absolute(path: str, base: Path) -> str:
    if _WINDOWS_PATH.match(path):
        return path  # a Windows host path: kept as written, as Compose does on Linux
    expanded = os.path.expanduser(path)
    if os.path.isabs(expanded):
        return os.path.normpath(expanded)
    return os.path.normpath(str(base / expanded))
