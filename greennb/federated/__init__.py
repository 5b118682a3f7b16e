"""Federated and distributed training: FedAvg and FedProx across sites, data-parallel training.

Modules (filled in by issue 11).
"""

__all__: list[str] = []
