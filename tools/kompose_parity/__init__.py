"""How much of what Kompose maps we reproduce, measured on Kompose's own golden outputs.

For every Kubernetes case of ../shared/corpus/kompose-fixtures/_harness/cases.tsv that has a
golden file and runs with default flags, the same compose files are converted here (Secrets as
placeholders, a fixed environment), each overlay is rendered with `kubectl kustomize`, and the
facts (facts/) are compared per compose service. A Kompose fact is met when at least one overlay
states it: Kompose renders one environment, we render three.

Service ports: Kompose's Service port is the published port, ours the container port. A Kompose
Service port counts as met when one of our Services serves its target port and some overlay
offers the published port (a Service port, kind's host port in front of the dev NodePort, or an
Ingress to that target). Differences we keep on purpose, and Kompose output that is wrong, are
classified by the table tools/kompose_parity.yaml, each with its reason.

    python -m tools.kompose_parity          prints the figures and every miss

cases.py picks the cases, renderings.py renders both sides, compare.py compares their facts,
rules.py classifies the misses (measurement.py holds the outcomes), report.py prints them.
"""
