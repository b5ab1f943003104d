"""`extends`: a service built on another of the same file or of another file, resolved per
file as Compose does (cycles refused, chains and the entries they copy bounded)."""
from __future__ import annotations

from pathlib import Path

from .. import limits
from ..errors import ComposeError
from .canonical import canonical_file
from .checks import suggest
from .context import LoadContext, locate_error
from .interpolate import interpolate
from .merge import merge


def resolve_extends(services: dict, path: Path, ctx: LoadContext) -> None:
    cache: dict[tuple[str, str], dict] = {}
    for name in list(services):
        services[name] = _extended(name, services, path, ctx, (), cache)


def _extended(name: str, services: dict, path: Path, ctx: LoadContext,
              chain: tuple[tuple[str, str], ...], cache: dict) -> dict:
    ident = (str(path), name)
    if ident in cache:
        return cache[ident]
    if name not in services:
        raise ComposeError(f"extends names unknown service '{name}'", file=str(path),
                           key=f"services.{chain[-1][1]}.extends" if chain else None,
                           hint=suggest(name, list(services)))
    svc = services[name]
    spec = svc.get("extends")
    if not spec:
        return svc
    if not isinstance(spec, dict) or not isinstance(spec.get("service"), str) or not spec["service"]:
        raise ComposeError("extends names no service", key=f"services.{name}.extends",
                           hint="write extends: <service>, or extends: {service: <service>, file: <file>}")
    if ident in chain:
        raise ComposeError(f"extends cycle: {' -> '.join(n for _, n in chain + (ident,))}",
                           key=f"services.{name}.extends", hint="break the loop of extends")
    if len(chain) >= limits.EXTENDS_DEPTH:
        raise ComposeError(f"extends chain longer than {limits.EXTENDS_DEPTH} services",
                           key=f"services.{name}.extends", hint="shorten the chain of extends")
    other = spec.get("file")
    if other:
        other_path = Path(other)
        other_services = _extends_file(other_path, ctx, f"services.{name}.extends.file")
        base_service = _extended(spec["service"], other_services, other_path, ctx, chain + (ident,), cache)
    else:
        base_service = _extended(spec["service"], services, path, ctx, chain + (ident,), cache)
    own = {k: v for k, v in svc.items() if k != "extends"}
    result = merge({k: v for k, v in base_service.items() if k != "extends"}, own, ("services", name))
    ctx.shared.extended_entries += sum(len(v) for v in result.values() if isinstance(v, (dict, list)))
    if ctx.shared.extended_entries > limits.EXTENDED_ENTRIES:
        raise ComposeError(f"services get more than {limits.EXTENDED_ENTRIES:,} entries through extends",
                           key=f"services.{name}.extends", hint="extend smaller services, or fewer times")
    cache[ident] = result
    return result


def _extends_file(path: Path, ctx: LoadContext, key: str) -> dict:
    """The canonical services of a file `extends` names, read and parsed once per load."""
    known = ctx.shared.extends_files.get(str(path))
    if known is None:
        raw = ctx.read(path, key)
        try:
            raw = interpolate(raw, ctx.env, substituted=ctx.substituted)
            known = canonical_file(raw, path.parent)["services"]
        except ComposeError as exc:
            raise locate_error(exc, ctx, [str(path)]) from None
        ctx.shared.extends_files[str(path)] = known
    return known
