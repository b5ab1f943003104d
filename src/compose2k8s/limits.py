"""Every cap on what compose2k8s reads and builds, in one place.

An input over a cap is refused (exit 2) with a message that names the cap; none is near
what a real project needs. The README's "Security model" table is generated from this
module (`python -m tools.docs README.md`; a test keeps the two in step).
"""
from __future__ import annotations

MIB = 1024 * 1024

COMPOSE_FILE_BYTES = 2 * MIB
"""A compose file (or an `extends`/`include` file): real ones are under 200 KiB; a
5,000-service stack is 1.7 MiB. (At 2 MiB, a file of the smallest possible services is
refused in about a second and 200 MB; more services come through `include`.)"""

SERVICES = 10_000
"""Services in a project (after `include` and `extends`)."""

COLLECTION_ITEMS = 10_000
"""Entries of any one YAML list or mapping (checked before it is built)."""

YAML_DEPTH = 200
"""Nesting of YAML lists and mappings."""

YAML_EXPANDED_VALUES = 5_000_000
"""Values a document expands to through YAML aliases, a long string counting once per 64
characters (an alias bomb is refused in ms); aliases may also not multiply a document's size
by more than 20 beyond 100,000 values."""

YAML_INPUT_BYTES = 32 * MIB
"""Any YAML text parsed (manifests given to `diff` included)."""

INTERPOLATION_DEPTH = 50
"""Nesting of `${A:-${B:-…}}` defaults."""

INTERPOLATED_BYTES = 8 * MIB
"""Text of the values `${…}` expressions produce in one project (a long variable used in many
places multiplies)."""

EXTENDS_DEPTH = 64
"""Length of an `extends` chain."""

EXTENDED_ENTRIES = 200_000
"""List and mapping entries the services get through `extends` (many services extending
one big service multiply)."""

INCLUDE_DEPTH = 32
"""Nesting of `include:` files."""

PORTS_PER_SERVICE = 5_000
"""Container ports of one service once ranges are expanded ("1-65535:1-65535" is refused)."""

ENV_FILE_BYTES = MIB
"""A `.env`, `--env-file`, `env_file` or `label_file`: its values land in a ConfigMap or a
Secret, which hold 1 MiB."""

PROJECT_FILE_BYTES = MIB
"""A secret or config `file:`, or a bind-mounted file: it becomes one ConfigMap or Secret."""

OPTIONS_FILE_BYTES = MIB
"""`compose2k8s.yaml` and `.sops.yaml`."""

FOLDER_FILES = 1_000
"""Regular files read from one folder (a config folder turned into a ConfigMap)."""

FOLDER_BYTES = MIB
"""Bytes read from one folder, all files together (a ConfigMap holds 1 MiB)."""

RUN_FILE_BYTES = 32 * MIB
"""Bytes of the project's files used in one run, every use counted (one file mounted by
many services multiplies)."""

OBJECT_DATA_BYTES = MIB
"""Data of one ConfigMap or Secret (what Kubernetes stores)."""

TREE_DATA_BYTES = 64 * MIB
"""Data of all ConfigMaps and Secrets of the tree together."""
