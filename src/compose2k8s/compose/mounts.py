"""Mount syntax: service `volumes` and `tmpfs` entries to Compose's long form, and the
options of a volume driver.

>>> parse_volume("./data:/var/lib/data:ro", Path("/srv/app"))["source"]
'/srv/app/data'
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from .paths import absolute
from .shapes import bad, string_list
from .units import parse_bytes

_VOLUME_MODES = {"ro", "rw", "z", "Z", "nocopy", "cached", "delegated", "consistent",
                 "shared", "rshared", "slave", "rslave", "private", "rprivate"}


def _is_path(source: str) -> bool:
    return source.startswith((".", "/", "~")) or source in (".", "..") or bool(re.match(r"^[A-Za-z]:[\\/]", source))


def _split_volume(spec: str) -> list[str]:
    """Split SOURCE:TARGET[:MODE], keeping Windows drive letters (`C:\\x`) whole."""
    parts: list[str] = []
    for piece in spec.split(":"):
        if parts and re.fullmatch(r"[A-Za-z]", parts[-1]) and piece[:1] in ("\\", "/") and (
                len(parts) == 1 or len(parts) == 2):
            parts[-1] += ":" + piece
        else:
            parts.append(piece)
    return parts


def clean_target(target: str) -> str:
    """A mount target as Compose prints it (Go's `path.Clean`).

    >>> clean_target("/var/mail/"), clean_target("//a/./b/../c")
    ('/var/mail', '/a/c')
    """
    if not target:
        return target
    cleaned = posixpath.normpath(target)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def one_per_target(mounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mounts on the same target: the last one wins, in the first one's place (as Compose)."""
    out: dict[str, dict[str, Any]] = {}
    for mount in mounts:
        out[str(mount.get("target"))] = mount
    return list(out.values())


def parse_volume(spec: Any, base: Path, key: str = "volumes") -> dict[str, Any]:
    """One short or long service volume → long form."""
    if isinstance(spec, dict):
        entry = dict(spec)
        if "target" not in entry:
            raise bad("volume has no target", key, "give target: <path in the container>")
        if isinstance(entry["target"], str):
            entry["target"] = clean_target(entry["target"])
        if entry.get("type") == "bind" and entry.get("source"):
            entry["source"] = absolute(str(entry["source"]), base)
        if entry.get("type") == "volume" and "volume" not in entry:
            entry["volume"] = {}
        return entry
    if not isinstance(spec, str) or not spec.strip():
        raise bad(f"cannot parse volume '{spec}'", key, 'write "SOURCE:TARGET[:ro]" or the long form')
    parts = _split_volume(spec)
    if len(parts) == 1:
        return {"type": "volume", "target": clean_target(parts[0]), "volume": {}}
    if len(parts) > 3 or not parts[1]:
        raise bad(f"cannot parse volume '{spec}'", key, 'write "SOURCE:TARGET[:MODE]"')
    source, target = parts[0], clean_target(parts[1])
    if not target.startswith("/") and not re.match(r"^[A-Za-z]:", target):
        raise bad(f"volume target '{target}' in '{spec}' is not an absolute path", key,
                  "the container path must start with /")
    modes = parts[2].split(",") if len(parts) == 3 else []
    unknown = [m for m in modes if m not in _VOLUME_MODES]
    if unknown:
        raise bad(f"unknown volume mode '{unknown[0]}' in '{spec}'", key,
                  "use ro, rw, z, Z, nocopy or a propagation mode")
    entry: dict[str, Any]
    if _is_path(source):
        entry = {"type": "bind", "source": absolute(source, base), "target": target}
        bind: dict[str, Any] = {}
        selinux = next((m for m in modes if m in ("z", "Z")), None)
        if selinux:
            bind["selinux"] = selinux
        propagation = next((m for m in modes if "shared" in m or "slave" in m or "private" in m), None)
        if propagation:
            bind["propagation"] = propagation
        bind["create_host_path"] = True
        entry["bind"] = bind
    else:
        entry = {"type": "volume", "source": source, "target": target,
                 "volume": {"nocopy": True} if "nocopy" in modes else {}}
    if "ro" in modes:
        entry["read_only"] = True
    return entry


def tmpfs_entries(value: Any, key: str) -> list[str]:
    """tmpfs entries ("/run:size=64m,mode=1777"); their sizes are checked."""
    entries = string_list(value)
    for entry in entries:
        size = re.search(r"size=([^,]*)", entry.partition(":")[2])
        if size:
            try:
                parse_bytes(size.group(1))
            except ValueError as exc:
                raise bad(f"tmpfs '{entry}': {exc}", key, "write size=64m (or bytes)") from None
    return entries


def mount_options(text: Any) -> dict[str, str]:
    """A volume driver's `o:` option string as a mapping.

    >>> mount_options("addr=10.0.0.5, nfsvers=4,rw")
    {'addr': '10.0.0.5', 'nfsvers': '4', 'rw': ''}
    """
    return {part.partition("=")[0].strip(): part.partition("=")[2].strip()
            for part in str(text).split(",") if part.strip()}


def is_bind_volume(opts: dict[str, Any]) -> bool:
    """Local-driver options that bind a folder (`o: bind` or `rbind`)."""
    return bool({"bind", "rbind"} & set(mount_options(opts.get("o", ""))))
