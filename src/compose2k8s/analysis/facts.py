"""Facts about the project that several passes need, computed once right after `lift`.

>>> from compose2k8s.compose.model import ComposeProject, Service
>>> project = ComposeProject(name="p", working_dir=".", files=[], services={
...     "db": Service(name="db", image="postgres", volumes=[{"type": "volume", "source": "data", "target": "/d"}]),
...     "My_App": Service(name="My_App", image="app", depends_on={"db": {}})})
>>> facts = analyse(project, {}, allow_outside=False)
>>> facts.volume_users, facts.renames
({'data': frozenset({'db'})}, {'My_App': 'my-app'})
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..compose.model import ComposeProject, Healthcheck, Service
from ..names import service_name
from ..options import ServiceNames
from .age_keys import key_files
from .dockerfile import Image, dockerfile_path, read_dockerfile, read_image
from .references import Reference, find_references
from .renames import host_pattern
from .secret_names import secret_values


@dataclass(frozen=True)
class Facts:
    client_names: dict[str, str]  # compose service → the Service name its clients use
    aliases: dict[str, dict[str, str]]  # service → {other name Compose resolves to it: compose key}
    resolvable: dict[str, str]  # every name Compose resolves (lowercase) → its service
    renames: dict[str, str]  # names as written → the Service that answers them, where they differ
    rename_pattern: re.Pattern[str] | None  # finds every renamed name as a host token
    references: list[Reference]  # every (name, port) a service uses for a peer
    referenced_ports: dict[str, dict[int, list[Reference]]]  # service → {port peers use: those references}
    referenced_by: dict[str, frozenset[str]]  # service → the services that name it
    awaited_healthy: dict[str, frozenset[str]]  # service → the services that wait for it with service_healthy
    dockerfile_ports: dict[str, list[tuple[int, str]]]  # service → (port, protocol) its Dockerfile EXPOSEs
    built_images: dict[str, Image]  # service → what its local build's Dockerfile declares
    volume_users: dict[str, frozenset[str]]  # named volume → services that mount it
    completed_dependencies: frozenset[str]  # services others wait for with service_completed_successfully
    healthchecks: dict[str, Healthcheck]  # the check each service runs: its own, else its Dockerfile's
    healthcheck_disabled: frozenset[str]  # services that switch the image's healthcheck off
    secret_values: dict[str, str]  # secret value → the variable that holds it (see secret_names.secret_values)
    secret_pattern: re.Pattern[str] | None  # finds any of those values in text
    age_key_files: dict[str, str]  # age recipient → key file beside the compose file (age_keys.py)

    def secret_in(self, text: str) -> str | None:
        """The variable whose secret value `text` contains, if any."""
        match = self.secret_pattern.search(text) if self.secret_pattern else None
        return self.secret_values[match.group(0)] if match else None

    def rewrite_peers(self, value: str, compose_name: str) -> str:
        """`value` (an env value, a config line) of service `compose_name` with the renamed
        peers' names replaced by the Services that answer them; names of the service itself
        (its own hostname, say) stay as written."""
        if not self.renames or self.rename_pattern is None:
            return value

        def swap(match: re.Match[str]) -> str:
            name = match.group(1)
            return name if self.resolvable.get(name.lower()) == compose_name else self.renames[name]
        return self.rename_pattern.sub(swap, value)


def _client_names(project: ComposeProject, renames: Mapping[str, ServiceNames]) -> dict[str, str]:
    names = {}
    for name in project.services:
        wanted = renames.get(name)
        names[name] = service_name(wanted.client if wanted and wanted.client else name)
    return names


def _aliases(project: ComposeProject) -> dict[str, dict[str, str]]:
    """service → {alias: key}: network aliases, hostname, container_name, others' link aliases."""
    found: dict[str, dict[str, str]] = {name: {} for name in project.services}
    for name, svc in project.services.items():
        for network in (svc.networks or {}).values():
            for alias in (network or {}).get("aliases") or []:
                found[name][str(alias)] = "networks"
        if svc.hostname:
            found[name][svc.hostname] = "hostname"
        if svc.container_name:
            found[name][svc.container_name] = "container_name"
        for link in svc.links:
            target, _, alias = link.partition(":")
            if alias and target in found:
                found[target][alias] = "links"
    return {name: aliases for name, aliases in found.items() if aliases}


def alias_service_name(alias: str) -> str | None:
    """The Service an alias gets, or None for a name no Service can carry (dots: an FQDN)."""
    return None if "." in alias else service_name(alias)


def _resolvable(project: ComposeProject, aliases: dict[str, dict[str, str]]) -> dict[str, str]:
    names = {name.lower(): name for name in project.services}
    for name in sorted(aliases):
        for alias in aliases[name]:
            names.setdefault(alias.lower(), name)
    return names


def _renames(client_names: dict[str, str], aliases: dict[str, dict[str, str]]) -> dict[str, str]:
    renames = {k: v for k, v in client_names.items() if v != k}
    for name, found in aliases.items():
        for alias in found:
            answer = alias_service_name(alias) or client_names[name]
            if answer != alias and alias not in client_names:
                renames.setdefault(alias, answer)
    return renames


def _by_target(references: list[Reference]) -> dict[str, dict[int, list[Reference]]]:
    found: dict[str, dict[int, list[Reference]]] = {}
    for ref in references:
        if ref.port is not None:
            found.setdefault(ref.target, {}).setdefault(ref.port, []).append(ref)
    return found


def _images(project: ComposeProject, allow_outside: bool) -> dict[str, Image]:
    """service → what the Dockerfile of its local build context declares."""
    found = {}
    for name, svc in project.services.items():
        path = dockerfile_path(svc.build, str(project.working_dir))
        text = read_dockerfile(path, project.reader(allow_outside)) if path else None
        if text:
            args = (svc.build or {}).get("args") or {}
            if isinstance(args, list):
                args = dict(str(a).partition("=")[::2] for a in args)
            found[name] = read_image(text, args, (svc.build or {}).get("target"))
    return found


def _healthchecks(project: ComposeProject, images: dict[str, Image]) -> dict[str, Healthcheck]:
    """The healthcheck each service runs: its own, else its Dockerfile's (with the compose
    file's timing overrides), unless either disables it."""
    found = {}
    for name, svc in project.services.items():
        check = active_healthcheck(svc)
        image = images.get(name)
        if check is None and not disables_healthcheck(svc) and image and image.healthcheck:
            own = svc.healthcheck.model_dump(exclude_unset=True, exclude={"test"}) if svc.healthcheck else {}
            check = Healthcheck.model_validate({**image.healthcheck, **own})
            check = check if check.test and check.test[0] != "NONE" else None
        if check is not None:
            found[name] = check
    return found


def _group(pairs: list[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """(key, value) pairs → {key: values}."""
    found: dict[str, set[str]] = {}
    for key, value in pairs:
        found.setdefault(key, set()).add(value)
    return {key: frozenset(values) for key, values in found.items()}


def _volume_users(project: ComposeProject) -> dict[str, frozenset[str]]:
    users: dict[str, set[str]] = {}
    for name, svc in project.services.items():
        for mount in svc.volumes:
            if mount.type == "volume" and mount.source:
                users.setdefault(mount.source, set()).add(name)
    return {volume: frozenset(names) for volume, names in users.items()}


def disables_healthcheck(svc: Service) -> bool:
    """`healthcheck: {disable: true}` or `test: [NONE]`: no check at all, not even the image's."""
    check = svc.healthcheck
    return bool(check and (check.disable or (check.test and check.test[0] == "NONE")))


def active_healthcheck(svc: Service) -> Healthcheck | None:
    """The service's own healthcheck with a test, unless disabled."""
    check = svc.healthcheck
    return check if check and check.test and not disables_healthcheck(svc) else None


def analyse(project: ComposeProject, service_names: Mapping[str, ServiceNames], allow_outside: bool) -> Facts:
    """Every fact, each in one pass over the services (linear in the project's size)."""
    client_names = _client_names(project, service_names)
    aliases = _aliases(project)
    resolvable = _resolvable(project, aliases)
    renames = _renames(client_names, aliases)
    images = _images(project, allow_outside)
    healthchecks = _healthchecks(project, images)
    references = find_references(project, resolvable, allow_outside)
    secrets = secret_values(project.environment, [s.environment for s in project.services.values()])
    return Facts(client_names=client_names, aliases=aliases, resolvable=resolvable, renames=renames,
                 rename_pattern=host_pattern(list(renames)) if renames else None,
                 references=references, referenced_ports=_by_target(references),
                 referenced_by=_group([(r.target, r.service) for r in references]),
                 awaited_healthy=_group([(dep, name) for name, svc in project.services.items()
                                         for dep, spec in svc.depends_on.items()
                                         if spec.condition == "service_healthy"]),
                 dockerfile_ports={name: image.ports for name, image in images.items() if image.ports},
                 built_images=images, volume_users=_volume_users(project),
                 completed_dependencies=frozenset(
                     dep for svc in project.services.values() for dep, spec in svc.depends_on.items()
                     if spec.condition == "service_completed_successfully"),
                 healthchecks=healthchecks,
                 healthcheck_disabled=frozenset(n for n, svc in project.services.items() if disables_healthcheck(svc)),
                 age_key_files=key_files(Path(project.working_dir)),
                 secret_values=secrets,
                 secret_pattern=re.compile("|".join(re.escape(v) for v in sorted(secrets, key=len, reverse=True)))
                 if secrets else None)
