"""The decision tables of `mappings/*.yaml` as frozen models, one module per concern;
loader.py reads each file once."""
