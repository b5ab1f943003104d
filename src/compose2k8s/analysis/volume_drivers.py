"""What a named volume's `driver` / `driver_opts` ask for, in the local driver's terms.

The local driver mounts what `driver_opts` describe (`mount -t <type> -o <o> <device>`):
- `type: tmpfs` → memory, per container here: an emptyDir (medium Memory, size from `o`);
- `o: bind` with a `device` folder → that folder, as a bind mount would have it;
- `type: nfs` / `nfs4` → a share (server from `addr=` or `device`, path from `device`),
  which each overlay binds its claim to with a PersistentVolume;
- anything else, or another driver, is a plain named volume here (reported).

>>> backing_of(TopLevelResource(driver_opts={"type": "nfs", "o": "addr=10.0.0.5,nfsvers=4", "device": ":/srv"}))
Backing(kind='nfs', device='/srv', server='10.0.0.5', size=None, options=('nfsvers=4',))
>>> backing_of(TopLevelResource(driver_opts={"type": "none", "o": "bind", "device": "/data/app"})).kind
'bind'
"""
from __future__ import annotations

from dataclasses import dataclass

from ..compose.mounts import is_bind_volume, mount_options
from ..compose.model import TopLevelResource
from ..compose.units import parse_bytes


@dataclass(frozen=True)
class Backing:
    kind: str  # "claim" (no driver settings), "tmpfs", "bind", "nfs" or "other"
    device: str = ""
    server: str = ""
    size: int | None = None
    options: tuple[str, ...] = ()  # NFS mount options (`o` without addr=)


def backing_of(volume: TopLevelResource | None) -> Backing:
    if volume is None or (volume.driver in (None, "local") and not volume.driver_opts):
        return Backing("claim")
    opts = {str(k): str(v) for k, v in (volume.driver_opts or {}).items()}
    if volume.driver not in (None, "local"):
        return Backing("other")
    kind, device, options = opts.get("type", ""), opts.get("device", ""), mount_options(opts.get("o", ""))
    if kind == "tmpfs":
        try:
            size = parse_bytes(options["size"]) if options.get("size") else None
        except ValueError:
            size = None
        return Backing("tmpfs", size=size)
    if is_bind_volume(opts) and device.startswith("/"):
        return Backing("bind", device=device)
    if kind in ("nfs", "nfs4"):
        server, _, path = device.partition(":") if ":" in device else ("", "", device)
        rest = tuple(f"{k}={v}" if v else k for k, v in options.items() if k != "addr")
        return Backing("nfs", device=path or device, server=options.get("addr") or server, options=rest)
    return Backing("other")
