"""The arithmetic of a job's float32 work (the `precision` setting of a cell's training).

fp32: IEEE float32.  tf32: float32 tensors, GPU matrix products, convolutions and RNNs on
TensorFloat-32 units.  bf16: forward pass under bfloat16 autocast, weights, gradients and
optimiser state in float32.  Why: docs/design.md#precision.
"""

from __future__ import annotations

from functools import cache

import torch

from .settings import PRECISIONS


def set_precision(name: str) -> None:
    """Set the precision of float32 matrix products, convolutions and RNNs.

    TF32 units for tf32, IEEE float32 otherwise (cuDNN's own default for convolutions and RNNs
    is TF32: fp32 turns it off)."""
    if name not in PRECISIONS:
        raise ValueError(f"unknown precision {name!r}; expected one of {PRECISIONS}")
    mode = "tf32" if name == "tf32" else "ieee"
    torch.backends.cuda.matmul.fp32_precision = mode
    torch.backends.cudnn.conv.fp32_precision = mode
    torch.backends.cudnn.rnn.fp32_precision = mode


@cache
def bf16_rnn_runs(device_type: str) -> bool:
    """Whether an LSTM runs under bfloat16 autocast on this kind of device.

    Some CPUs' oneDNN
    has no bfloat16 LSTM ("could not create a primitive descriptor"), so it is tried once."""
    try:
        with torch.no_grad(), torch.autocast(device_type, dtype=torch.bfloat16):
            torch.nn.LSTM(2, 2).to(device_type)(torch.zeros(1, 1, 2, device=device_type))
    except RuntimeError:
        return False
    return True


def check_precision(name: str, device: torch.device) -> None:
    """Refuse bf16 where the device cannot run the models' RNNs in bfloat16.

    The refusal is one line that says what to use instead."""
    kind = torch.device(device).type
    if name == "bf16" and not bf16_rnn_runs(kind):
        raise ValueError(f"precision bf16: this {kind}'s oneDNN has no bfloat16 LSTM; use precision fp32 "
                         "(bf16 is for GPUs and CPUs with bfloat16 support)")


def autocast(name: str, device: torch.device):
    """The context of a forward pass: autocast to bfloat16 on `device` for bf16, none otherwise."""
    return torch.autocast(torch.device(device).type, dtype=torch.bfloat16, enabled=name == "bf16")
