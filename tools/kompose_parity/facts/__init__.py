"""Comparable facts about one compose service, read from a list of rendered Kubernetes objects.

The same reader serves Kompose's golden output and each of our overlays: only the label that
names a compose service differs (`io.kompose.service` there, `app.kubernetes.io/name` here).
A fact is ((category, name), value); values are normalised so that equal meaning compares equal
(quantities as numbers, `sh -c "echo hi"` as `["echo", "hi"]`, protocols defaulted to TCP).
view.py finds a service's objects; workload.py and exposure.py read its facts.
"""
