"""The server's side of FedAvg: weighted averaging, client-level DP (clip, noise) and its ε.

FedAvg (McMahan et al. 2017) adds ``Σ_k p_k · Δ_k`` to the global weights, ``p_k = n_k / Σ n``
(row counts). Client-level DP (McMahan et al. 2018, DP-FedAvg) clips each update's L2 norm to
``C`` and, with a noise multiplier σ, averages the clipped updates with equal weights and adds
Gaussian noise of standard deviation ``σ · C / m`` (m the clients of the round): with row-count
weights one large site would move the average by up to ``p_max · C > C / m``, which the noise
would not cover. ε is accounted with Opacus' RDP accountant (sample rate ``m / K``, one step per
round, δ from :func:`greennb.privacy.default_delta` of K: the largest power of ten below 1/K).
The accountant assumes Poisson sampling of the clients; selecting exactly m per round is the
usual approximation of DP-FedAvg.
"""

from __future__ import annotations

import math

from greennb.federated._updates import update_norm


def average_updates(updates: list[dict], weights: list[float]) -> dict:
    """Return ``Σ_k p_k · Δ_k`` with ``p_k = weights_k / Σ weights`` (FedAvg's aggregation).

    Parameters
    ----------
    updates : list of dict of str to torch.Tensor
        The clients' updates, same keys and shapes.
    weights : list of float
        Each client's weight (its row count; equal weights under DP noise).

    Returns
    -------
    dict of str to torch.Tensor
        The weighted average update.
    """
    total = float(sum(weights))
    shares = [float(w) / total for w in weights]
    average = {name: shares[0] * tensor for name, tensor in updates[0].items()}
    for share, update in zip(shares[1:], updates[1:], strict=True):
        for name, tensor in update.items():
            average[name] = average[name] + share * tensor
    return average


def clip_update(update: dict, clip: float) -> dict:
    """Scale an update so that its L2 norm is at most ``clip`` (client-level DP)."""
    norm = update_norm(update)
    factor = min(1.0, clip / norm) if norm > 0 else 1.0
    return update if factor == 1.0 else {name: t * factor for name, t in update.items()}


def aggregate(global_state, updates, counts, config, noise_generator):
    """Return the new global state: global + the (clipped, noised) average of the updates.

    Parameters
    ----------
    global_state : dict of str to torch.Tensor
        The global weights the clients started from.
    updates : list of dict of str to torch.Tensor
        The clients' decompressed updates, on the global weights' device.
    counts : list of int
        The clients' row counts (FedAvg's weights).
    config : FederatedConfig
        ``dp_clip`` and ``dp_noise_multiplier`` are used.
    noise_generator : torch.Generator
        CPU generator of the DP noise.

    Returns
    -------
    dict of str to torch.Tensor
        The new global state (tensors that are not floating are kept as they were).
    """
    import torch

    if config.dp_clip is not None:
        updates = [clip_update(update, config.dp_clip) for update in updates]
    private = config.dp_noise_multiplier is not None
    average = average_updates(updates, [1.0] * len(updates) if private else counts)
    if private and config.dp_noise_multiplier > 0:
        std = config.dp_noise_multiplier * config.dp_clip / len(updates)
        for name, tensor in average.items():
            noise = torch.normal(0.0, std, tensor.shape, generator=noise_generator)
            average[name] = tensor + noise.to(tensor.device, tensor.dtype)
    return {
        name: value + average[name] if name in average else value
        for name, value in global_state.items()
    }


def client_level_epsilon(config, n_clients):
    """Return (ε, δ) of client-level DP with Opacus' RDP accountant; (None, None) without noise.

    Parameters
    ----------
    config : FederatedConfig
        ``dp_noise_multiplier``, ``rounds`` and ``client_fraction`` are used.
    n_clients : int
        K, the number of clients.

    Returns
    -------
    tuple of (float or None, float or None)
        ε (infinite for σ = 0: no noise, no privacy) and δ; ``(None, None)`` when
        ``dp_noise_multiplier`` is None (not private).
    """
    if config.dp_noise_multiplier is None:
        return None, None
    from greennb.privacy import default_delta

    delta = default_delta(n_clients)
    if config.dp_noise_multiplier == 0:
        return math.inf, delta  # no noise, no privacy (the accountant divides by σ)
    from opacus.accountants import RDPAccountant

    accountant = RDPAccountant()
    sample_rate = config.clients_per_round(n_clients) / n_clients
    accountant.history = [(config.dp_noise_multiplier, sample_rate, config.rounds)]
    return float(accountant.get_epsilon(delta)), delta
