"""The outcome of a federated training: :class:`FederatedResult` (history, costs, per-site quality).

Bytes are reported in bytes per round and client, and in megabytes (SI, 10⁶ bytes) in the
summary; energy in kWh (E_computation of the client phases, before any PUE).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from greennb._json import to_json_value
from greennb.energy import EnergyResult
from greennb.errors import InvalidValueError
from greennb.federated._fedavg_config import FederatedConfig
from greennb.federated._sites import SitePartition

MB = 1e6
"""Bytes per megabyte (SI) in the summaries."""
ROWS_MISMATCH_ERROR = (
    "X_test, y_test and sites_test must have the same rows; got {x}, {y} and {sites}."
)


@dataclass
class FederatedResult:
    """What a federated training produced and cost.

    Attributes
    ----------
    estimator : TorchMLPClassifier or TorchMLPRegressor
        Fitted; its ``module_`` is the final global network (``predict``, ``predict_proba``).
    history : pandas.DataFrame
        One row per round: ``round``, ``clients``, ``bytes_up``, ``bytes_down``,
        ``cumulative_bytes`` (bytes), ``energy_kwh`` (sum of the round's client phases, None
        if unavailable), ``cumulative_energy_kwh`` (kWh), ``aggregation_s``, ``wall_s`` (s,
        selection to aggregation; the test evaluation is not timed), and ``accuracy`` or
        ``mae`` of the global model on the test rows when they were given.
    per_client : pandas.DataFrame
        One row per round and selected client: ``round``, ``site``, ``rows``, ``energy_kwh``,
        ``duration_s`` (local training, s), ``bytes_up``, ``bytes_down`` (bytes),
        ``update_norm`` (L2 norm of the update before clipping and compression).
    energy_results : list of EnergyResult
        Every client phase (``round{r}-{site}``), in order; empty without energy tracking.
    config : FederatedConfig
        The settings.
    partition : SitePartition
        The sites.
    epsilon, delta : float or None
        Client-level (ε, δ) of the training; None when it is not private (no noise).
    site_quality : pandas.DataFrame or None
        :meth:`per_site_quality` of the test rows, when ``sites_test`` was given.
    """

    estimator: Any
    history: pd.DataFrame
    per_client: pd.DataFrame
    energy_results: list[EnergyResult]
    config: FederatedConfig
    partition: SitePartition
    epsilon: float | None = None
    delta: float | None = None
    site_quality: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def metric(self) -> str:
        """The test metric: ``"accuracy"`` (classification) or ``"mae"`` (regression)."""
        return quality_metric(self.estimator)

    @property
    def privacy(self) -> str:
        """A sentence on the training's client-level privacy."""
        if self.epsilon is None:
            clip = self.config.dp_clip
            return "not private" + (f" (updates clipped to {clip}, no noise)" if clip else "")
        return (
            f"client-level DP: ε = {self.epsilon:.3g} at δ = {self.delta:g} (Opacus RDP, "
            f"σ = {self.config.dp_noise_multiplier}, clip = {self.config.dp_clip})"
        )

    def per_site_quality(self, X_test: Any, y_test: Any, sites_test: Any) -> pd.DataFrame:
        """Return the global model's quality per site on test rows.

        Parameters
        ----------
        X_test : array-like of shape (n_rows, n_features)
            Preprocessed test features.
        y_test : array-like of shape (n_rows,)
            Test target.
        sites_test : array-like of shape (n_rows,)
            Site name of each test row (e.g. ``partition.labels(test_frame)``).

        Returns
        -------
        pandas.DataFrame
            One row per site (partition order, then sites unknown to it): ``site``, ``rows``
            and ``accuracy`` (fraction) or ``mae`` (the target's unit).
        """
        sites = np.asarray(sites_test, dtype=object)
        y_true = np.asarray(y_test)
        if not len(sites) == len(y_true) == len(X_test):
            raise InvalidValueError(
                ROWS_MISMATCH_ERROR.format(x=len(X_test), y=len(y_true), sites=len(sites))
            )
        predictions = self.estimator.predict(X_test)
        known = [name for name in self.partition.names if name in set(sites)]
        order = known + [name for name in pd.unique(sites) if name not in set(known)]
        rows = []
        for name in order:
            mask = sites == name
            quality = score(self.estimator, y_true[mask], predictions[mask])
            rows.append({"site": name, "rows": int(mask.sum()), **quality})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready summary: rounds, clients, megabytes sent, energy, privacy."""
        history = self.history
        total_energy_kwh = history["cumulative_energy_kwh"].iloc[-1]
        summary = {
            "rounds": int(len(history)),
            "clients": len(self.partition.sites),
            "clients_per_round": self.config.clients_per_round(len(self.partition.sites)),
            "bytes_up_mb": float(history["bytes_up"].sum()) / MB,
            "bytes_down_mb": float(history["bytes_down"].sum()) / MB,
            "bytes_total_mb": float(history["cumulative_bytes"].iloc[-1]) / MB,
            "energy_kwh": None if pd.isna(total_energy_kwh) else float(total_energy_kwh),
            "wall_s": float(history["wall_s"].sum()),
            "epsilon": self.epsilon,
            "delta": self.delta,
            "privacy": self.privacy,
            "config": self.config.to_dict(),
        }
        if self.metric in history:
            summary[self.metric] = float(history[self.metric].iloc[-1])
        return to_json_value(summary)


def quality_metric(estimator: Any) -> str:
    """Return the test metric of an estimator: ``"mae"`` for a regressor, else ``"accuracy"``."""
    from sklearn.base import is_regressor

    from greennb.models import QUALITY_BY_TASK

    return QUALITY_BY_TASK["regression" if is_regressor(estimator) else "classification"]


def score(estimator: Any, y_true: Any, y_pred: Any) -> dict[str, float]:
    """Return ``{metric: value}`` of predictions (``task_quality``; NaN without rows)."""
    from greennb.models import task_quality

    metric = quality_metric(estimator)
    if len(y_true) == 0:
        return {metric: math.nan}
    return task_quality("regression" if metric == "mae" else "classification", y_true, y_pred)


def ranking_quality(estimator: Any, X: Any, y_true: Any) -> dict[str, float]:
    """Return ``{"roc_auc": ...}`` for a binary classifier, else ``{}``.

    With a rare positive class, accuracy at the 0.5 threshold stays at the majority's share
    whatever the model learns; the ROC AUC of its probabilities measures the ranking itself.
    NaN when ``y_true`` holds a single class.
    """
    from sklearn.base import is_classifier
    from sklearn.metrics import roc_auc_score

    if not is_classifier(estimator) or len(getattr(estimator, "classes_", ())) != 2:
        return {}
    positive = estimator.classes_[1]
    truth = np.asarray(y_true) == positive
    if truth.all() or not truth.any():
        return {"roc_auc": math.nan}
    return {"roc_auc": float(roc_auc_score(truth, estimator.predict_proba(X)[:, 1]))}
