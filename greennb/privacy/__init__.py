"""Privacy: pseudonymization, k-anonymity and l-diversity, DP releases and DP training.

The source's privacy model ``P = C / σ`` (protection strength from leakage and sensitivity) is
taught through two measurable quantities: the re-identification risk ``1 / k`` of a released
table (k-anonymity over named quasi-identifiers), and, for a noisy release, the Laplace noise
scale over the query's sensitivity, ``b / Δf = 1 / ε``.

- ``_pseudonymize``: keyed HMAC-SHA256 pseudonyms (:class:`PseudonymKey`,
  :func:`pseudonymize`), the dictionary attack on plain hashes (:func:`plain_hash`,
  :func:`dictionary_attack`), and the check that no raw identifier survives
  (:func:`surviving_identifiers`, :func:`check_no_identifiers`); standard library only;
- ``_anonymity``: :func:`k_anonymity` (k, risk 1/k, classes) and :func:`l_diversity`;
- ``_generalize`` and ``_lattice``: generalization :class:`Hierarchy` per column and
  :func:`anonymize`, the search for the least information loss that reaches k;
- ``_budget``: :class:`PrivacyBudget`, a ledger that refuses to spend past its ε;
- ``_release``: differentially private counts and rates with OpenDP's geometric and Laplace
  mechanisms (:func:`dp_counts`, :func:`dp_rate`, :func:`noise_scale`, :func:`release_error`);
- ``_dp_training``: DP-SGD for the torch MLP with Opacus (:class:`DPMLPClassifier`,
  :func:`make_dp_model`; ``hidden_layer_sizes=()`` is DP logistic regression).

Importing this package imports neither OpenDP nor Opacus (nor torch); the functions that need
them do.
"""

from greennb.privacy._anonymity import AnonymityReport, k_anonymity, l_diversity
from greennb.privacy._budget import BudgetExceededError, PrivacyBudget
from greennb.privacy._generalize import AnonymizedTable, Hierarchy, anonymize
from greennb.privacy._pseudonymize import (
    PseudonymKey,
    check_no_identifiers,
    dictionary_attack,
    plain_hash,
    pseudonymize,
    surviving_identifiers,
)
from greennb.privacy._release import (
    Release,
    dp_counts,
    dp_rate,
    expected_abs_noise,
    noise_scale,
    release_error,
)

_DP_TRAINING = (
    "ACCOUNTANTS",
    "DPMLPClassifier",
    "check_dp_compatible",
    "default_delta",
    "make_dp_model",
)


def __getattr__(name):
    # DPMLPClassifier subclasses the torch MLP, whose module imports torch lazily but whose
    # training imports Opacus: load the module on first use only.
    if name in _DP_TRAINING:
        from greennb.privacy import _dp_training

        return getattr(_dp_training, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ACCOUNTANTS",
    "AnonymityReport",
    "AnonymizedTable",
    "BudgetExceededError",
    "DPMLPClassifier",
    "Hierarchy",
    "PrivacyBudget",
    "PseudonymKey",
    "Release",
    "anonymize",
    "check_dp_compatible",
    "check_no_identifiers",
    "default_delta",
    "dictionary_attack",
    "dp_counts",
    "dp_rate",
    "expected_abs_noise",
    "k_anonymity",
    "l_diversity",
    "make_dp_model",
    "noise_scale",
    "plain_hash",
    "pseudonymize",
    "release_error",
    "surviving_identifiers",
]
