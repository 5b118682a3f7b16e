"""FedAvg and FedProx over sites, on plain torch, with measured energy and bytes per round.

The server holds the global network; each round it selects a fraction of the clients (the
sites of a :class:`~greennb.federated.SitePartition`), sends each the global weights, each
client trains ``local_epochs`` over its own rows, and sends back its update (new weights minus
global weights, optionally compressed, see ``_updates``); the server averages the updates,
weighted by the clients' row counts (McMahan et al. 2017, "Communication-Efficient Learning of
Deep Networks from Decentralized Data"), and adds the average to the global weights. With
``proximal_mu > 0`` each client's loss gets FedProx's proximal term ``μ/2 · ‖w − w_global‖²``
(Li et al. 2020, "Federated Optimization in Heterogeneous Networks"), which keeps the local
weights near the global ones on non-IID sites.

The local loop is the estimator's own: the same network (``_new_module``), loss
(``_loss_per_sample``), AdamW (:func:`greennb.models.make_optimizer`) and epoch loop
(:func:`greennb.models.train_epochs`: one ``randperm`` of the client's rows per epoch, the
divergence check). Its step is written here (six lines, the estimator's float32 step) because
it needs FedProx's term; automatic mixed precision is not used. Three choices make one client
holding all the rows, with one local epoch per round, *exactly* the centralized epoch loop of
``estimator.fit`` with ``early_stopping=False``: the torch seed is drawn from ``config.seed``
as ``fit`` draws it from ``random_state`` (so the initial weights are the same), every
client's shuffling generator is seeded with that seed and lives across rounds (so the
batch order continues epoch after epoch), and every client keeps its AdamW state across the
rounds it takes part in (the moment estimates stay on the client; they are never sent). The
only difference is the rounding of ``w + (w' − w)`` at aggregation (float32, about 1e-7).

Client-level differential privacy (clip each update, add Gaussian noise to the average, ε from
Opacus' RDP accountant) is the server's side: see ``_aggregation``.
"""

from __future__ import annotations

import contextlib
import copy
import time
from typing import Any

import numpy as np
import pandas as pd

from greennb.energy import total_energy, track
from greennb.errors import InvalidTypeError, InvalidValueError
from greennb.federated._aggregation import aggregate, client_level_epsilon
from greennb.federated._fedavg_config import FederatedConfig
from greennb.federated._fedavg_result import FederatedResult, ranking_quality, score
from greennb.federated._sites import SitePartition
from greennb.federated._updates import compress, decompress, state_bytes, update_norm

ESTIMATOR_ERROR = (
    "estimator must be an unfitted greennb TorchMLPClassifier or TorchMLPRegressor (its "
    "architecture and loss are used); got {value!r} of type {type}."
)
PARTITION_ERROR = "partition must be a SitePartition (see sites_by_column); got {value!r}."
ROWS_ERROR = (
    "Site {site!r} has row position {row}, but X has {n_rows} rows: build the partition from the "
    "same rows as X (positions 0 … {last})."
)
TEST_ARGUMENTS_ERROR = "Pass X_test and y_test together; got only {given}."


# ---------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------


class _Client:
    """One site's state across rounds: its network, AdamW, shuffling generator and tensors."""

    def __init__(self, model, site, X, targets, device, config, seed):
        import torch
        from sklearn.base import clone

        from greennb.models import as_tensors, make_optimizer

        self.site = site
        self.estimator = clone(model).set_params(max_epochs=config.local_epochs)
        self.estimator.module_ = copy.deepcopy(model.module_)
        self.module = self.estimator.module_
        self.optimizer = make_optimizer(
            self.module.parameters(),
            learning_rate=self.estimator.learning_rate,
            weight_decay=self.estimator.weight_decay,
        )
        self.generator = torch.Generator().manual_seed(seed)
        weights = np.ones(site.n_rows)  # the weights fit() uses without sample_weight
        self.tensors = as_tensors(device, (X[site.rows], targets[site.rows], weights))
        self.anchor = [p.detach().clone() for p in self.module.parameters()]
        self.step = self._make_step(config.proximal_mu)

    def _make_step(self, mu):
        """Return one AdamW update on a batch: the estimator's float32 step, plus FedProx's term.

        Gradients are cleared by setting them to None, which is what
        ``optimizer.zero_grad(set_to_none=True)`` does without its profiler wrapper (about
        25 us a step).
        """
        module, optimizer = self.module, self.optimizer
        loss_per_sample = self.estimator._loss_per_sample
        parameters = list(module.parameters())

        def step(X, targets, weights):
            for parameter in parameters:
                parameter.grad = None
            loss = (loss_per_sample(module(X).float(), targets) * weights).mean()
            if mu > 0:
                pairs = zip(parameters, self.anchor, strict=True)
                loss = loss + mu / 2 * sum((p - a).pow(2).sum() for p, a in pairs)
            loss.backward()
            optimizer.step()
            return loss.detach()

        return step

    def train(self, global_state):
        """Load the global weights, train the local epochs, return the update (new − global)."""
        import torch

        from greennb.models import train_epochs

        self.module.load_state_dict(global_state)
        with torch.no_grad():
            for anchor, parameter in zip(self.anchor, self.module.parameters(), strict=True):
                anchor.copy_(parameter)
        train_epochs(self.estimator, self.tensors, self.step, generator=self.generator)
        state = self.module.state_dict()
        return {
            name: state[name].detach() - value
            for name, value in global_state.items()
            if value.is_floating_point()
        }


# ---------------------------------------------------------------------------
# The training
# ---------------------------------------------------------------------------


def _check_arguments(estimator, partition, config, X_test, y_test):
    from greennb.models import TorchMLPClassifier, TorchMLPRegressor

    if not isinstance(estimator, TorchMLPClassifier | TorchMLPRegressor):
        raise InvalidTypeError(
            ESTIMATOR_ERROR.format(value=estimator, type=type(estimator).__name__)
        )
    if not isinstance(partition, SitePartition):
        raise InvalidTypeError(PARTITION_ERROR.format(value=type(partition).__name__))
    if not isinstance(config, FederatedConfig):
        raise InvalidTypeError(f"config must be a FederatedConfig; got {config!r}.")
    if (X_test is None) != (y_test is None):
        given = "X_test" if y_test is None else "y_test"
        raise InvalidValueError(TEST_ARGUMENTS_ERROR.format(given=given))


def _check_rows(partition, n_rows):
    for site in partition.sites:
        bad = site.rows[(site.rows < 0) | (site.rows >= n_rows)]
        if bad.size:
            raise InvalidValueError(
                ROWS_ERROR.format(site=site.name, row=int(bad[0]), n_rows=n_rows, last=n_rows - 1)
            )


def _global_model(estimator, config, X, y):
    """Return a clone of the estimator with the settings used, X validated, targets encoded."""
    from sklearn.base import clone, is_regressor
    from sklearn.utils.validation import validate_data

    model = clone(estimator)
    model.set_params(
        batch_size=config.batch_size or estimator.batch_size,
        learning_rate=config.learning_rate or estimator.learning_rate,
        random_state=config.seed,
        early_stopping=False,
        callbacks=None,
        verbose=False,
    )
    model._validate_hyperparameters()
    X, y = validate_data(model, X, y, dtype=[np.float32, np.float64], y_numeric=is_regressor(model))
    targets, n_outputs = model._encode_target(y)
    return model, X, targets, n_outputs


def fit_federated(
    estimator: Any,
    X: Any,
    y: Any,
    partition: SitePartition,
    config: FederatedConfig,
    *,
    X_test: Any = None,
    y_test: Any = None,
    sites_test: Any = None,
    track_energy: bool = True,
    session: Any = None,
) -> FederatedResult:
    """Train a torch MLP by FedAvg (or FedProx) across the sites; measure energy and bytes.

    Parameters
    ----------
    estimator : TorchMLPClassifier or TorchMLPRegressor
        Unfitted; its architecture, loss, ``weight_decay`` and ``device`` are used (its
        ``max_epochs`` and early stopping are not: ``config.rounds`` and ``local_epochs`` are).
    X : array-like of shape (n_rows, n_features)
        Preprocessed numeric features of the pooled training rows (the partition's rows).
    y : array-like of shape (n_rows,)
        Training target.
    partition : SitePartition
        The clients; their rows are positions into ``X``.
    config : FederatedConfig
        Rounds, local epochs, client fraction, μ, compression, DP, batch size, seed.
    X_test, y_test : array-like, optional
        Test rows: the global model's accuracy (classification) or MAE (regression) is
        recorded after every round.
    sites_test : array-like, optional
        Site name of each test row: the result's ``site_quality`` is computed at the end.
    track_energy : bool, default True
        Measure each client's local training as an energy phase ``round{r}-{site}``.
    session : EnergySession, optional
        Session the phases record into (default the process-wide one).

    Returns
    -------
    FederatedResult
        The fitted estimator, the per-round history, the per-client table, the energy phases,
        and ε where client-level DP noise was added.

    Raises
    ------
    greennb.errors.InvalidTypeError
        For an estimator that is not a greennb torch MLP, or a partition or config of the
        wrong type.
    greennb.errors.InvalidValueError
        For rows of the partition outside X, a bad hyperparameter, a training that diverged.
    """
    from sklearn.utils import check_random_state

    from greennb.models import seeded_on, select_device

    _check_arguments(estimator, partition, config, X_test, y_test)
    model, X, targets, n_outputs = _global_model(estimator, config, X, y)
    _check_rows(partition, X.shape[0])
    seed = int(check_random_state(config.seed).randint(np.iinfo(np.int32).max))  # as fit() does
    device = select_device(model.device)
    model.device_ = str(device)
    with seeded_on(device, seed):
        model.module_ = model._new_module(X.shape[1], n_outputs, device)
        clients = [
            _Client(model, site, X, targets, device, config, seed) for site in partition.sites
        ]
        federation = _Federation(model, clients, config, seed, track_energy, session)
        for round_number in range(1, config.rounds + 1):
            federation.run_round(round_number, X_test, y_test)
    model.module_.eval()
    epsilon, delta = client_level_epsilon(config, len(clients))
    result = FederatedResult(
        estimator=model,
        history=pd.DataFrame(federation.history),
        per_client=pd.DataFrame(federation.per_client),
        energy_results=federation.energy_results,
        config=config,
        partition=partition,
        epsilon=epsilon,
        delta=delta,
    )
    if sites_test is not None and X_test is not None:
        result.site_quality = result.per_site_quality(X_test, y_test, sites_test)
    return result


class _Federation:
    """The server's loop: selection, sending, local training, aggregation, bookkeeping."""

    def __init__(self, model, clients, config, seed, track_energy, session):
        import torch

        self.model, self.clients, self.config = model, clients, config
        self.selection_rng = np.random.default_rng(config.seed)
        self.noise_generator = torch.Generator().manual_seed(seed)
        self.track_energy, self.session = track_energy, session
        self.history, self.per_client, self.energy_results = [], [], []
        self.cumulative_bytes, self.cumulative_energy = 0, 0.0

    def _select(self):
        n_selected = self.config.clients_per_round(len(self.clients))
        chosen = self.selection_rng.choice(len(self.clients), size=n_selected, replace=False)
        return [self.clients[k] for k in np.sort(chosen)]

    def _phase(self, name):
        if not self.track_energy:
            return contextlib.nullcontext()
        return track(name, session=self.session)

    def run_round(self, round_number, X_test, y_test):
        """Run one round and append its rows to the history and the per-client table."""
        started = time.perf_counter()
        selected = self._select()
        global_state = {k: v.detach().clone() for k, v in self.model.module_.state_dict().items()}
        bytes_down = state_bytes(global_state)
        payloads, phases = [], []
        for client in selected:
            with self._phase(f"round{round_number}-{client.site.name}") as tracker:
                local_start = time.perf_counter()
                update = client.train(global_state)
                duration = time.perf_counter() - local_start
            phase = getattr(tracker, "result", None)
            phases += [phase] if phase is not None else []
            payload, bytes_up = compress(update, self.config.compression)
            payloads.append(payload)
            self.per_client.append(
                {
                    "round": round_number,
                    "site": client.site.name,
                    "rows": client.site.n_rows,
                    "energy_kwh": None if phase is None else phase.energy_kwh,
                    "duration_s": duration,
                    "bytes_up": bytes_up,
                    "bytes_down": bytes_down,
                    "update_norm": update_norm(update),
                }
            )
        aggregation_start = time.perf_counter()
        device = next(self.model.module_.parameters()).device
        updates = [
            {k: v.to(device) for k, v in decompress(payload).items()} for payload in payloads
        ]
        counts = [client.site.n_rows for client in selected]
        new_state = aggregate(global_state, updates, counts, self.config, self.noise_generator)
        self.model.module_.load_state_dict(new_state)
        aggregation_s = time.perf_counter() - aggregation_start
        self._record(round_number, selected, phases, aggregation_s, started, X_test, y_test)

    def _record(self, round_number, selected, phases, aggregation_s, started, X_test, y_test):
        wall_s = time.perf_counter() - started
        rows = self.per_client[-len(selected) :]
        bytes_up = sum(row["bytes_up"] for row in rows)
        bytes_down = sum(row["bytes_down"] for row in rows)
        self.cumulative_bytes += bytes_up + bytes_down
        energy = total_energy(phases).energy_kwh if self.track_energy else None
        self.energy_results += phases
        if energy is None or self.cumulative_energy is None:
            self.cumulative_energy = None
        else:
            self.cumulative_energy += energy
        row = {
            "round": round_number,
            "clients": len(selected),
            "bytes_up": bytes_up,
            "bytes_down": bytes_down,
            "cumulative_bytes": self.cumulative_bytes,
            "energy_kwh": energy,
            "cumulative_energy_kwh": self.cumulative_energy,
            "aggregation_s": aggregation_s,
            "wall_s": wall_s,
        }
        if X_test is not None:
            row.update(score(self.model, np.asarray(y_test), self.model.predict(X_test)))
            row.update(ranking_quality(self.model, X_test, np.asarray(y_test)))
        self.history.append(row)
