"""The settings of a federated training: :class:`FederatedConfig`, every field checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from greennb._validation import fraction, integer, non_negative, one_of, positive
from greennb.errors import InvalidValueError
from greennb.federated._updates import COMPRESSIONS

NOISE_WITHOUT_CLIP_ERROR = (
    "dp_noise_multiplier={noise!r} needs dp_clip (the L2 bound of each client's update that the "
    "noise is scaled to); got dp_clip=None."
)


@dataclass
class FederatedConfig:
    """Settings of a federated training (FedAvg, FedProx, client-level DP, compression).

    Parameters
    ----------
    rounds : int >= 1, default 20
        Communication rounds.
    local_epochs : int >= 1, default 1
        Epochs each selected client trains over its own rows per round.
    client_fraction : float in (0, 1], default 1.0
        Share of the K clients selected each round: ``max(1, round(client_fraction × K))``.
    proximal_mu : float >= 0, default 0.0
        FedProx's μ; 0 is FedAvg.
    compression : {"none", "fp16", "int8"}, default "none"
        How each client's update is compressed before it is sent.
    dp_clip : float > 0, optional
        Client-level DP: the L2 norm each update is clipped to (the weights' unit).
    dp_noise_multiplier : float >= 0, optional
        Client-level DP: σ; noise of std ``σ · dp_clip / m`` is added to the average (needs
        ``dp_clip``).
    batch_size : int >= 1, optional
        Rows per local step; None uses the estimator's ``batch_size``.
    learning_rate : float > 0, optional
        Local AdamW step size; None uses the estimator's ``learning_rate``.
    seed : int >= 0, default 0
        Seeds the initial weights, the clients' shuffling, the client selection and the noise.

    Raises
    ------
    greennb.errors.InvalidValueError
        For any field out of range, naming the field, the value and what is valid.
    """

    rounds: int = 20
    local_epochs: int = 1
    client_fraction: float = 1.0
    proximal_mu: float = 0.0
    compression: str = "none"
    dp_clip: float | None = None
    dp_noise_multiplier: float | None = None
    batch_size: int | None = None
    learning_rate: float | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        integer(self.rounds, name="rounds", minimum=1)
        integer(self.local_epochs, name="local_epochs", minimum=1)
        fraction(self.client_fraction, name="client_fraction", low_open=True)
        non_negative(self.proximal_mu, name="proximal_mu")
        one_of(self.compression, COMPRESSIONS, name="compression")
        if self.dp_clip is not None:
            positive(self.dp_clip, name="dp_clip", unit="L2 norm of an update")
        if self.dp_noise_multiplier is not None:
            non_negative(self.dp_noise_multiplier, name="dp_noise_multiplier")
            if self.dp_clip is None:
                raise InvalidValueError(
                    NOISE_WITHOUT_CLIP_ERROR.format(noise=self.dp_noise_multiplier)
                )
        if self.batch_size is not None:
            integer(self.batch_size, name="batch_size", minimum=1)
        if self.learning_rate is not None:
            positive(self.learning_rate, name="learning_rate")
        integer(self.seed, name="seed", minimum=0)

    def clients_per_round(self, n_clients: int) -> int:
        """Return ``max(1, round(client_fraction × n_clients))``, the clients of a round."""
        return max(1, round(self.client_fraction * n_clients))

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready dict."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}
