"""Facts about the project that several passes need, computed once right after `lift`.

>>> from compose2k8s.compose.model import ComposeProject, Service
>>> project = ComposeProject(name="p", working_dir=".", files=[], services={
...     "db": Service(name="db", image="postgres", volumes=[{"type": "volume", "source": "data", "target": "/d"}]),
...     "My_App": Service(name="My_App", image="app", depends_on={"db": {}})})
>>> facts = analyse(project, {})
>>> facts.volume_users, facts.renames
({'data': frozenset({'db'})}, {'My_App': 'my-app'})
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..compose.model import ComposeProject, Healthcheck, Service
from ..names import service_name
from ..options import ServiceNames
from .renames import host_pattern, rewrite


@dataclass(frozen=True)
class Facts:
    client_names: dict[str, str]  # compose service → the Service name its clients use
    renames: dict[str, str]  # the client names that differ from the compose name
    volume_users: dict[str, frozenset[str]]  # named volume → services that mount it
    completed_dependencies: frozenset[str]  # services others wait for with service_completed_successfully
    link_aliases: dict[str, dict[str, str]]  # service → {alias: "links"} from others' `links: [svc:alias]`
    healthchecks: dict[str, Healthcheck]  # services whose compose healthcheck runs a test (not disabled)
    healthcheck_disabled: frozenset[str]  # services that switch the image's healthcheck off

    rename_pattern: re.Pattern[str] | None  # finds every renamed name as a host token

    def rewrite_peers(self, value: str, compose_name: str) -> str:
        """`value` (an env value, a config line) of service `compose_name` with the renamed
        peers' host names replaced by their Service names; its own name is not a peer."""
        return rewrite(value, self.renames, self.rename_pattern, keep=compose_name) if self.renames else value


def _client_names(project: ComposeProject, renames: Mapping[str, ServiceNames]) -> dict[str, str]:
    names = {}
    for name in project.services:
        wanted = renames.get(name)
        names[name] = service_name(wanted.client if wanted and wanted.client else name)
    return names


def _volume_users(project: ComposeProject) -> dict[str, frozenset[str]]:
    users: dict[str, set[str]] = {}
    for name, svc in project.services.items():
        for mount in svc.volumes:
            if mount.type == "volume" and mount.source:
                users.setdefault(mount.source, set()).add(name)
    return {volume: frozenset(names) for volume, names in users.items()}


def _link_aliases(project: ComposeProject) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for other in project.services.values():
        for link in other.links:
            target, _, alias = link.partition(":")
            if alias:
                found.setdefault(target, {})[alias] = "links"
    return found


def disables_healthcheck(svc: Service) -> bool:
    """`healthcheck: {disable: true}` or `test: [NONE]`: no check at all, not even the image's."""
    check = svc.healthcheck
    return bool(check and (check.disable or (check.test and check.test[0] == "NONE")))


def active_healthcheck(svc: Service) -> Healthcheck | None:
    """The service's own healthcheck with a test, unless disabled."""
    check = svc.healthcheck
    return check if check and check.test and not disables_healthcheck(svc) else None


def analyse(project: ComposeProject, service_names: Mapping[str, ServiceNames]) -> Facts:
    """Every fact, in one pass over the services each (linear in the project's size)."""
    client_names = _client_names(project, service_names)
    healthchecks = {name: check for name, svc in project.services.items()
                    if (check := active_healthcheck(svc)) is not None}
    renames = {k: v for k, v in client_names.items() if v != k}
    return Facts(client_names=client_names, renames=renames,
                 rename_pattern=host_pattern(list(renames)) if renames else None,
                 volume_users=_volume_users(project),
                 completed_dependencies=frozenset(
                     dep for svc in project.services.values() for dep, spec in svc.depends_on.items()
                     if spec.condition == "service_completed_successfully"),
                 link_aliases=_link_aliases(project),
                 healthchecks=healthchecks,
                 healthcheck_disabled=frozenset(n for n, svc in project.services.items() if disables_healthcheck(svc)))
