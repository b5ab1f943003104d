"""Reading Compose projects: YAML, interpolation, merging, normalisation."""
