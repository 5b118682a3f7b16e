"""Federated and distributed training: FedAvg and FedProx across sites, data-parallel training.

Clients are real sites of a dataset (covid_testing's clinics, Chicago's L stations); every
client's local training is a measured energy phase and every byte of weights exchanged is
counted. Fairness across sites is the SRI with sites as groups.

- ``_sites``: :class:`Site`, :class:`SitePartition` (with its label and size skew: how non-IID
  the sites are), :func:`sites_by_column`, :func:`covid_sites`, :func:`chicago_sites`;
- ``_updates``: what travels: :func:`state_bytes` (the serialized size), :func:`compress` and
  :func:`decompress` (fp16, int8);
- ``_fedavg_config``, ``_fedavg``, ``_aggregation``, ``_fedavg_result``:
  :class:`FederatedConfig`, :func:`fit_federated` (FedAvg, McMahan et al. 2017; FedProx's
  proximal term, Li et al. 2020; client-level DP, McMahan et al. 2018) and
  :class:`FederatedResult` (history per round, per client, bytes, energy);
- ``_ddp`` and ``_ddp_worker``: :func:`fit_data_parallel`, DistributedDataParallel over worker
  processes (gloo on the CPU, NCCL on GPUs), gradients averaged by AllReduce, and
  :func:`scaling_efficiency`.

Importing this package does not import torch; training does.
"""

from greennb.federated._ddp import (
    BACKENDS,
    DataParallelResult,
    fit_data_parallel,
    scaling_efficiency,
)
from greennb.federated._fedavg import fit_federated
from greennb.federated._fedavg_config import FederatedConfig
from greennb.federated._fedavg_result import FederatedResult
from greennb.federated._sites import (
    CHICAGO_SITE_COLUMN,
    COVID_OTHER_SITE,
    COVID_SITE_COLUMN,
    Site,
    SitePartition,
    chicago_sites,
    covid_sites,
    sites_by_column,
)
from greennb.federated._updates import COMPRESSIONS, compress, decompress, state_bytes

__all__ = [
    "BACKENDS",
    "CHICAGO_SITE_COLUMN",
    "COMPRESSIONS",
    "COVID_OTHER_SITE",
    "COVID_SITE_COLUMN",
    "DataParallelResult",
    "FederatedConfig",
    "FederatedResult",
    "Site",
    "SitePartition",
    "chicago_sites",
    "compress",
    "covid_sites",
    "decompress",
    "fit_data_parallel",
    "fit_federated",
    "scaling_efficiency",
    "sites_by_column",
    "state_bytes",
]
