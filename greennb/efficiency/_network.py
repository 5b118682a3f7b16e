"""Torch module used by :mod:`greennb.efficiency`; imported only when a lever needs torch.

It lives apart from :mod:`greennb.efficiency` because a ``torch.nn.Module`` subclass has to
import torch when it is defined, and ``import greennb`` must stay light.
"""

from __future__ import annotations

import torch
from torch import nn


class VariantNetwork(nn.Module):
    """A network variant: the (possibly int8) layers, run under autocast when asked.

    The torch MLP estimators find their device from their module's first parameter, and a
    dynamically quantized network has none (its int8 weights are packed, not parameters):
    the empty ``device_anchor`` parameter, registered first, tells them where it runs.

    Parameters
    ----------
    network : torch.nn.Module
        The layers, already on ``device``.
    device : torch.device or str
        Where the layers run.
    autocast_dtype : torch.dtype, optional
        Reduced-precision type of ``torch.autocast`` around the forward pass; None runs it
        as is. Outputs are returned in float32.
    """

    def __init__(self, network, *, device, autocast_dtype=None):
        super().__init__()
        device = torch.device(device)
        self.device_anchor = nn.Parameter(torch.empty(0, device=device), requires_grad=False)
        self.network = network
        self.device_type = device.type
        self.autocast_dtype = autocast_dtype

    def forward(self, x):
        """Run the layers (under autocast when ``autocast_dtype`` is set); float32 out."""
        enabled = self.autocast_dtype is not None
        with torch.autocast(self.device_type, dtype=self.autocast_dtype, enabled=enabled):
            return self.network(x).float()

    def extra_repr(self):
        """Show the autocast type in ``repr``."""
        return f"autocast_dtype={self.autocast_dtype}"
