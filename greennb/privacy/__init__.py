"""Privacy: pseudonymization, k-anonymity and l-diversity, DP releases and DP training.

The source's privacy model ``P = C / σ`` (protection strength from leakage and sensitivity) is
taught through two measurable quantities: the re-identification risk ``1 / k`` of a released
table (k-anonymity over named quasi-identifiers), and, for a noisy release, the Laplace noise
scale over the query's sensitivity, ``b / Δf = 1 / ε``.

Modules (filled in by issue 10).
"""

__all__: list[str] = []
