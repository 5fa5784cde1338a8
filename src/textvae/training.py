"""Training one cell (corpus x model): Adam over the settings' batches (textvae.batching), a
checkpoint after every epoch that a rerun resumes from, a history row every `history_every`
steps (one line in the job's log, and TensorBoard scalars when asked for), and a hard stop on
a non-finite loss.

Between history rows a step reads nothing back from the device: the loss terms are summed on
the device and read once per row, when the row also checks that no step's loss was non-finite
(an epoch's end is always a row, so a non-finite step never reaches a checkpoint)."""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import random
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import torch
from tqdm import tqdm

from .batching import collate, epoch_batches
from .evaluation import mean_terms
from .models import build_vae
from .objectives import kl_share, kl_weight, linear_ramp, training_loss
from .precision import autocast, check_precision, set_precision
from .settings import LR_SCHEDULES, Settings, saved_settings

MODEL_KEYS = ("arch", "emb", "hidden", "z", "cnn_channels", "cnn_inner", "cnn_width",
              "cnn_blocks", "cnn_dropout", "word_dropout")


class NonFiniteLoss(RuntimeError):
    """The loss became NaN or infinite; the message names the cell, step and last finite values."""


def fingerprint(settings: Settings) -> str:
    """A hash of the cell's settings: a checkpoint of other settings is never resumed."""
    return hashlib.sha256(json.dumps(asdict(settings), sort_keys=True).encode()).hexdigest()[:16]


def atomic_save(obj, path: Path) -> None:
    """torch.save to a temporary name, then rename: a reader never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


class CheckpointError(ValueError):
    """A checkpoint that is refused; the message names the file and what to do."""


def load_checkpoint(path: Path, device) -> dict:
    """The checkpoint at `path`, loaded with torch's weights-only unpickler (tensors, numbers,
    strings and containers): a file that would load anything else, and so could run code, is
    refused with a CheckpointError and left where it is."""
    try:
        return torch.load(path, map_location=device, weights_only=True)
    except pickle.UnpicklingError as err:
        reason = str(err).strip().splitlines()[0]
        raise CheckpointError(f"{path}: refused, not a plain textvae checkpoint (loading it could run code: "
                              f"{reason}); delete it to train the cell from the start") from None


def new_model(settings: Settings, vocab_size: int):
    """The untrained network of the settings (on the CPU)."""
    return build_vae(vocab_size=vocab_size, **{k: getattr(settings, k) for k in MODEL_KEYS})


def load_model(path, device="cpu") -> tuple[torch.nn.Module, Settings]:
    """The trained VAE saved by `train_cell`, in eval mode, and its cell's settings (its `info`:
    device, steps, training seconds, torch version and code commit, is in the file too)."""
    saved = torch.load(path, map_location=device, weights_only=True)
    settings = saved_settings(saved)
    model = new_model(settings, saved["vocab_size"])
    model.load_state_dict(saved["state_dict"])
    return model.to(device).eval(), settings


def train_cell(settings: Settings, sentences: list[list[int]], vocab_size: int, bos: int, eos: int,
               out_dir: str | Path, cell: str, device=torch.device("cpu"), log=tqdm.write,
               held_out: list[list[int]] | None = None, keep_checkpoint: bool = False,
               tensorboard: str | Path | None = None) -> pd.DataFrame:
    """Train the cell's VAE on token-id sentences; write `model.pt` in out_dir and return
    the history, whose rows also give the terms on the `held_out` sentences when given.
    Each row is one line to `log` (progress_line; by default written above the progress bar)
    and, with a `tensorboard` folder, TensorBoard scalars there named as the history's columns.
    `checkpoint.pt` in out_dir holds the state after the last whole epoch, from which a rerun
    resumes; it is removed once `model.pt` is written, unless `keep_checkpoint`.  `model.pt`
    holds the settings (as plain values, under "settings"), the vocabulary size, the weights
    and `info`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ckpt_path = out_dir / "checkpoint.pt"
    torch.manual_seed(settings.seed)
    model = new_model(settings, vocab_size).to(device)
    optimiser = new_optimiser(model, settings.lr)
    lengths = [len(s) for s in sentences]
    steps_per_epoch = math.ceil(len(sentences) / settings.batch_size)
    total_steps = steps_per_epoch * settings.epochs
    c_ramp_steps = round(settings.c_ramp_epochs * steps_per_epoch)
    anneal_steps = round(settings.anneal_epochs * steps_per_epoch)
    key = fingerprint(settings)
    start_epoch, step, history, seconds = 0, 0, [], 0.0
    if ckpt_path.exists():
        ckpt = load_checkpoint(ckpt_path, device)
        if ckpt["fingerprint"] == key:
            model.load_state_dict(ckpt["model"])
            optimiser.load_state_dict(ckpt["optimiser"])
            torch.set_rng_state(ckpt["rng"])
            if device.type == "cuda" and ckpt.get("cuda_rng") is not None:
                torch.cuda.set_rng_state(ckpt["cuda_rng"], device)
            start_epoch, step, history = ckpt["epoch"], ckpt["step"], ckpt["history"]
            seconds = ckpt.get("seconds", 0.0)
            log(f"{cell}: resuming from the checkpoint after epoch {start_epoch} (step {step})")
        else:
            log(f"{cell}: ignoring a checkpoint written with other settings")

    held_out = held_out_sample(held_out, settings.held_out_sentences, settings.seed)
    set_precision(settings.precision)
    check_precision(settings.precision, device)
    window = Window(device)
    progress = tqdm(total=total_steps, initial=step, desc=cell, file=sys.stderr,
                    mininterval=10, ascii=True)
    started = time.perf_counter() - seconds  # training time across interruptions
    clock = Clock(step, total_steps)
    writer = scalar_writer(tensorboard, step)
    model.train()
    for epoch in range(start_epoch, settings.epochs):
        for batch in epoch_batches(lengths, settings.batch_size, settings.batches, settings.seed * 1000 + epoch):
            tensors = collate([sentences[i] for i in batch], bos, eos, device)
            tokens = sum(lengths[i] + 1 for i in batch)
            for group in optimiser.param_groups:
                group["lr"] = learning_rate(settings.lr, settings.lr_schedule, step, total_steps)
            C = linear_ramp(step, c_ramp_steps, settings.C)
            weight = kl_weight(settings.anneal, step, anneal_steps)
            loss, rec, kl = train_step(model, optimiser, tensors, settings, C=C, weight=weight, tokens=tokens)
            step += 1
            window.add(step, loss, rec, kl, tokens=tokens)
            # a row every history_every steps and at each epoch's end, so that a resumed run
            # writes the same rows as an uninterrupted one
            if step % settings.history_every == 0 or step % steps_per_epoch == 0:
                sums, bad_step = window.read()
                if bad_step:
                    raise NonFiniteLoss(
                        f"{cell}: non-finite loss at step {bad_step} (epoch {(bad_step - 1) // steps_per_epoch + 1}); "
                        f"last history row: {history[-1] if history else None}; the checkpoint of the last "
                        f"whole epoch ({ckpt_path}) is kept; lower lr or set grad_clip")
                row = _history_row(sums, window, step, epoch, C, weight, settings.m)
                if held_out:
                    row.update(held_out_terms(model, held_out, bos, eos, settings, device))
                history.append(row)
                log(progress_line(cell, row, total_steps, settings, clock.left(step)))
                write_scalars(writer, row)
                window = Window(device)
            progress.update(1)
        atomic_save({"fingerprint": key, "model": model.state_dict(),
                     "optimiser": optimiser.state_dict(), "rng": torch.get_rng_state(),
                     "cuda_rng": torch.cuda.get_rng_state(device) if device.type == "cuda" else None,
                     "epoch": epoch + 1, "step": step, "history": history,
                     "seconds": time.perf_counter() - started}, ckpt_path)
    progress.close()
    if writer is not None:
        writer.close()
    info = dict(device=str(device), steps=step, train_seconds=time.perf_counter() - started,
                torch=str(torch.__version__), commit=code_version())
    atomic_save({"settings": asdict(settings), "vocab_size": vocab_size, "info": info,
                 "state_dict": {k: v.cpu() for k, v in model.state_dict().items()}},
                out_dir / "model.pt")
    if not keep_checkpoint:
        ckpt_path.unlink(missing_ok=True)
    return pd.DataFrame(history)


def held_out_terms(model, held_out: list[list[int]], bos: int, eos: int, settings: Settings, device) -> dict:
    """The history's held-out columns: reconstruction, KL, ELBO and KL share, MI, ||mean mu||^2
    and the active units of the posterior means (evaluation.mean_terms), in batches of the
    training's size (on a CPU, 150 Yahoo sentences in one padded batch took 3.6 times as long
    as in batches of 32: the logits no longer fit the cache)."""
    terms = mean_terms(model, held_out, bos, eos, seed=settings.seed, batch_size=settings.batch_size,
                       device=device)
    return dict(_terms(terms["reconstruction"], terms["kl"], settings.m, prefix="held_out_"),
                held_out_mi=terms["mi"], held_out_mu_norm2=terms["mu_norm2"],
                held_out_active_units=terms["active_units"])


class Clock:
    """Time left from the pace of this run's steps: (total - step) x seconds per step since
    the run (or its resumption) began."""

    def __init__(self, step: int, total_steps: int):
        self.first, self.total, self.t0 = step, total_steps, time.perf_counter()

    def left(self, step: int) -> float:
        done = step - self.first
        return (self.total - step) * (time.perf_counter() - self.t0) / done if done else math.inf


def progress_line(cell: str, row: dict, total_steps: int, settings: Settings, seconds_left: float) -> str:
    """One history row as a line of the job's log: step / total, epoch, loss, reconstruction,
    KL against its target (C for betac and freebits, the KL weight for an annealed model), and
    on the held-out sample KL, MI, the offset 1/2 ||mean mu||^2 and the active units; tokens/s
    and the time left."""
    target = (f" (C {row['C']:.2f})" if settings.objective in ("betac", "freebits")
              else f" (weight {row['kl_weight']:.2f})" if settings.anneal else "")
    line = (f"{cell}: step {row['step']}/{total_steps} epoch {row['epoch']}/{settings.epochs} | "
            f"loss {row['loss']:.3f} rec {row['reconstruction']:.3f} KL {row['kl']:.3f}{target}")
    if "held_out_kl" in row:
        line += (f" | held-out KL {row['held_out_kl']:.3f} MI {row['held_out_mi']:.3f} "
                 f"offset {row['held_out_mu_norm2'] / 2:.3f} AU {row['held_out_active_units']}/{settings.z}")
    left = tqdm.format_interval(seconds_left) if math.isfinite(seconds_left) else "?"
    return line + f" | {row['tokens_per_s']:,.0f} tokens/s, {left} left"


def scalar_writer(folder: str | Path | None, step: int):
    """A TensorBoard SummaryWriter on `folder` (None: no writer), which hides the events at and
    after `step` that an interrupted run left there (purge_step)."""
    if folder is None:
        return None
    try:
        from torch.utils.tensorboard import SummaryWriter  # the tensorboard package is an optional extra
    except ImportError:
        raise ImportError("tensorboard: true needs the tensorboard package: pip install -e '.[tensorboard]'") from None
    return SummaryWriter(log_dir=str(folder), purge_step=step or None)


def write_scalars(writer, row: dict) -> None:
    """Every column of a history row but the step as a TensorBoard scalar at that step, flushed
    so that a running TensorBoard shows it at once."""
    if writer is None:
        return
    for name, value in row.items():
        if name != "step":
            writer.add_scalar(name, value, row["step"])
    writer.flush()


def new_optimiser(model: torch.nn.Module, lr: float) -> torch.optim.Adam:
    """Adam over all parameters, its update fused into one kernel per step (same arithmetic as
    the per-tensor loop)."""
    return torch.optim.Adam(model.parameters(), lr=lr, fused=True)


def train_step(model, optimiser, tensors, settings: Settings, C: float, weight: float,
               tokens: int | None = None):
    """One update on a batch `tensors` = collate(...): the loss of the settings' objective with
    target rate C and KL weight `weight`, its forward pass in the settings' precision, its
    gradient (norm clipped to grad_clip when set), one optimiser step.  With random batches
    (padded to their longest sentence) and `tokens`, the batch's words and </s>, only those
    positions reach the output layer (VAE.reconstruction's `scored`).  Returns (loss, rec, kl)
    as tensors on the device; nothing is read back to the host."""
    scored = tokens if settings.batches == "random" else None
    with autocast(settings.precision, tensors[0].device):
        rec, kl, _, _ = model(*tensors, scored=scored)
        loss = training_loss(settings.objective, rec, kl, C=C, beta=settings.beta, m=settings.m,
                             weight=weight)
    optimiser.zero_grad(set_to_none=True)
    loss.backward()
    if settings.grad_clip:
        torch.nn.utils.clip_grad_norm_(model.parameters(), settings.grad_clip)
    optimiser.step()
    return loss, rec, kl


def code_version() -> str:
    """The git commit of the code that runs (with "+changes" when the tree differs from it),
    or "unknown" outside a git checkout."""
    here = Path(__file__).parent
    try:
        commit = subprocess.run(["git", "-C", str(here), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+changes" if dirty else "")


def learning_rate(lr: float, schedule: str, step: int, total_steps: int) -> float:
    """constant: lr; cosine: lr * (1 + cos(pi * step / total_steps)) / 2, falling to 0 at the
    end, which lets the rate settle on its target C instead of oscillating around it."""
    if schedule == "constant":
        return lr
    if schedule == "cosine":
        return lr * 0.5 * (1.0 + math.cos(math.pi * step / total_steps))
    raise ValueError(f"unknown lr_schedule {schedule!r}; expected one of {LR_SCHEDULES}")


def held_out_sample(sentences: list[list[int]] | None, n: int, seed: int) -> list[list[int]] | None:
    """A fixed sample of n of the held-out sentences (all of them when there are no more), in
    their order: seeded, so the same sentences at every history row and in a resumed run."""
    if sentences is None or len(sentences) <= n:
        return sentences
    return [sentences[i] for i in sorted(random.Random(seed).sample(range(len(sentences)), n))]


class Window:
    """The steps since the last history row: the sums of loss, mean rec and mean KL kept on the
    device in float64 (the same sums as adding each step's float32 values on the host), the
    first step whose loss was not finite (0: none), and the host-side count of steps and
    tokens."""

    def __init__(self, device):
        self.sums = torch.zeros(3, dtype=torch.float64, device=device)
        self.bad_step = torch.zeros((), dtype=torch.long, device=device)
        self.steps = self.tokens = 0
        self.t0 = time.perf_counter()

    def add(self, step: int, loss, rec, kl, tokens: int) -> None:
        """Count a step (numbered from 1) without reading anything from the device."""
        loss = loss.detach()
        self.sums += torch.stack([loss, rec.detach().mean(), kl.detach().mean()])
        self.bad_step = torch.where((self.bad_step == 0) & ~torch.isfinite(loss), step, self.bad_step)
        self.steps += 1
        self.tokens += tokens

    def read(self) -> tuple[list[float], int]:
        """(the three sums, the first non-finite step or 0): the row's one read from the device."""
        *sums, bad_step = torch.cat([self.sums, self.bad_step.view(1).double()]).tolist()
        return sums, int(bad_step)


def _terms(rec: float, kl: float, m: float, prefix: str = "") -> dict:
    """reconstruction, kl, ELBO = rec - KL and the KL share of the objective, names prefixed."""
    values = dict(reconstruction=rec, kl=kl, elbo=rec - kl, kl_share=kl_share(rec, kl, m))
    return {prefix + k: v for k, v in values.items()}


def _history_row(sums: list[float], window: Window, step: int, epoch: int, C: float, weight: float,
                 m: float) -> dict:
    """Means over the steps since the last row; tokens/s counts the real tokens and </s> of
    each sentence."""
    n = window.steps
    loss, rec, kl = (value / n for value in sums)
    return dict(step=step, epoch=epoch + 1, loss=loss, **_terms(rec, kl, m), C=C, kl_weight=weight,
                tokens_per_s=window.tokens / max(time.perf_counter() - window.t0, 1e-9))
