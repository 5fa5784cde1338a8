"""Training one cell (corpus x model).

Adam over the settings' batches, a checkpoint per epoch that a rerun resumes from, a history
row every `history_every` steps, and a hard stop on a non-finite loss; between rows a step
reads nothing back from the device.  Why: docs/design.md#training.
"""

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
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from tqdm import tqdm

from .batching import collate, epoch_batches
from .evaluation import mean_terms
from .models import build_vae
from .objectives import kl_share, kl_weight, linear_ramp, training_loss
from .precision import autocast, check_precision, set_precision
from .settings import LR_SCHEDULES, Settings, saved_settings
from .tables import write_parquet

SUBSET_SEED = 0  # the seed of training_subset: one subset per corpus and fraction, whatever the cell's seed
MODEL_KEYS = ("arch", "emb", "hidden", "z", "cnn_channels", "cnn_inner", "cnn_width", "cnn_blocks", "cnn_dropout",
              "cnn_eval_dropout", "word_dropout", "z_input", "shared_embedding", "encoder_eos")


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
    """The checkpoint at `path`, loaded with torch's weights-only unpickler.

    That unpickler loads tensors, numbers, strings and containers: a file that would load
    anything else, and so could run code, is
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
    """The trained VAE saved by `train_cell`, in eval mode, and its cell's settings.

    Its `info` (device, steps, training seconds, torch version and code commit) is in the file too."""
    saved = torch.load(path, map_location=device, weights_only=True)
    settings = saved_settings(saved)
    model = new_model(settings, saved["vocab_size"])
    model.load_state_dict(saved["state_dict"])
    return model.to(device).eval(), settings


def train_cell(settings: Settings, sentences: list[list[int]], vocab_size: int, bos: int, eos: int,
               out_dir: str | Path, cell: str, device=torch.device("cpu"), log=tqdm.write,
               held_out: list[list[int]] | None = None, keep_checkpoint: bool = False,
               tensorboard: str | Path | None = None) -> pd.DataFrame:
    """Training of the cell's VAE on token-id sentences: `model.pt` in out_dir, and the history.

    Also in out_dir: `checkpoint.pt` (last whole epoch; removed at the end unless
    `keep_checkpoint`) and, with `held_out`, `held_out.parquet` (step, sentence, elbo).  Rows
    go to `log` and to `tensorboard` when given.  Files: docs/design.md#training."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    run = Run(cell, settings, training_subset(sentences, settings.train_fraction), bos, eos, device,
              out_dir / "checkpoint.pt", log,
              held_out_sample(held_out, settings.held_out_sentences, settings.seed))
    model, optimiser, state = resume(run, vocab_size)
    set_precision(settings.precision)
    check_precision(settings.precision, device)
    train_epochs(run, model, optimiser, state, tensorboard)
    save_model(run, model, vocab_size, state, out_dir / "model.pt")
    if run.held_out:
        write_parquet(held_out_frame(state), out_dir / "held_out.parquet")
    if not keep_checkpoint:
        run.ckpt_path.unlink(missing_ok=True)
    return pd.DataFrame(state.history)


@dataclass
class Run:
    """A cell's training: what stays fixed while it trains, and the step counts derived from it."""

    cell: str  # the cell, "corpus/model": the progress bar's label and the head of log lines and errors
    settings: Settings  # the cell's settings
    sentences: list[list[int]]  # the training sentences, token ids
    bos: int  # the id of <s>
    eos: int  # the id of </s>
    device: torch.device  # where the model trains
    ckpt_path: Path  # checkpoint.pt: the state after the last whole epoch
    log: Callable[[str], object]  # takes the resume messages and one line per history row
    held_out: list[list[int]] | None  # the held-out sample scored at every history row (None: none)
    lengths: list[int] = field(init=False)  # the training sentences' lengths
    steps_per_epoch: int = field(init=False)  # ceil(sentences / batch_size)
    total_steps: int = field(init=False)  # steps_per_epoch x epochs
    c_ramp_steps: int = field(init=False)  # the steps over which C rises linearly to its target
    anneal_steps: int = field(init=False)  # the steps of the KL weight's annealing

    def __post_init__(self):
        self.lengths = [len(s) for s in self.sentences]
        self.steps_per_epoch = math.ceil(len(self.sentences) / self.settings.batch_size)
        self.total_steps = self.steps_per_epoch * self.settings.epochs
        self.c_ramp_steps = round(self.settings.c_ramp_epochs * self.steps_per_epoch)
        self.anneal_steps = round(self.settings.anneal_epochs * self.steps_per_epoch)


@dataclass
class Progress:
    """Where a cell's training stands: what a checkpoint holds besides the weights and RNG states."""

    epoch: int = 0  # the whole epochs done
    step: int = 0  # the steps done
    history: list[dict] = field(default_factory=list)  # the history rows so far
    held_out: list[list[float]] = field(default_factory=list)  # per history row, each held-out sentence's ELBO
    seconds: float = 0.0  # training seconds so far, across interruptions


@dataclass
class Report:
    """Where a cell's history rows go, and the steps since the last row."""

    bar: tqdm  # the progress bar, one tick a step
    clock: Clock  # the time left, for the log line
    writer: object  # TensorBoard's SummaryWriter, or None
    window: Window  # the steps since the last row


def resume(run: Run, vocab_size: int) -> tuple[torch.nn.Module, torch.optim.Adam, Progress]:
    """The seeded new model (on run.device), its optimiser, and the progress to go on from.

    They are restored, with the RNG states, from run.ckpt_path when its fingerprint is the
    settings', else they start from the beginning."""
    torch.manual_seed(run.settings.seed)
    model = new_model(run.settings, vocab_size).to(run.device)
    optimiser = new_optimiser(model, run.settings.lr)
    if not run.ckpt_path.exists():
        return model, optimiser, Progress()
    ckpt = load_checkpoint(run.ckpt_path, run.device)
    if ckpt["fingerprint"] != fingerprint(run.settings):
        run.log(f"{run.cell}: ignoring a checkpoint written with other settings")
        return model, optimiser, Progress()
    model.load_state_dict(ckpt["model"])
    optimiser.load_state_dict(ckpt["optimiser"])
    torch.set_rng_state(ckpt["rng"])
    if run.device.type == "cuda" and ckpt.get("cuda_rng") is not None:
        torch.cuda.set_rng_state(ckpt["cuda_rng"], run.device)
    if "held_out" not in ckpt:
        run.log(f"{run.cell}: ignoring a checkpoint of an older textvae (no held-out sentences' ELBOs)")
        return model, optimiser, Progress()
    state = Progress(ckpt["epoch"], ckpt["step"], ckpt["history"], ckpt["held_out"], ckpt.get("seconds", 0.0))
    run.log(f"{run.cell}: resuming from the checkpoint after epoch {state.epoch} (step {state.step})")
    return model, optimiser, state


def train_epochs(run: Run, model, optimiser, state: Progress, tensorboard: str | Path | None) -> None:
    """Training of the epochs from state.epoch to the last, with a checkpoint after each.

    state.seconds ends as the training time across interruptions."""
    window = Window(run.device)
    bar = tqdm(total=run.total_steps, initial=state.step, desc=run.cell, file=sys.stderr, mininterval=10, ascii=True)
    started = time.perf_counter() - state.seconds  # training time across interruptions
    report = Report(bar, Clock(state.step, run.total_steps), scalar_writer(tensorboard, state.step), window)
    model.train()
    for epoch in range(state.epoch, run.settings.epochs):
        train_epoch(run, model, optimiser, state, report, epoch)
        state.epoch, state.seconds = epoch + 1, time.perf_counter() - started
        save_checkpoint(run, model, optimiser, state)
    bar.close()
    if report.writer is not None:
        report.writer.close()
    state.seconds = time.perf_counter() - started


def train_epoch(run: Run, model, optimiser, state: Progress, report: Report, epoch: int) -> None:
    """Training of one epoch (0-based), with a history row every history_every steps and at its end.

    The epoch's batches are textvae.batching.epoch_batches."""
    settings = run.settings
    for batch in epoch_batches(run.lengths, settings.batch_size, settings.batches, settings.seed * 1000 + epoch):
        tensors = collate([run.sentences[i] for i in batch], run.bos, run.eos, run.device)
        tokens = sum(run.lengths[i] + 1 for i in batch)
        for group in optimiser.param_groups:
            group["lr"] = learning_rate(settings.lr, settings.lr_schedule, state.step, run.total_steps)
        C = linear_ramp(state.step, run.c_ramp_steps, settings.C)
        weight = kl_weight(settings.anneal, state.step, run.anneal_steps)
        loss, rec, kl = train_step(model, optimiser, tensors, settings, C=C, weight=weight, tokens=tokens)
        state.step += 1
        report.window.add(state.step, loss, rec, kl, tokens=tokens)
        # a row every history_every steps and at each epoch's end, so that a resumed run
        # writes the same rows as an uninterrupted one
        if state.step % settings.history_every == 0 or state.step % run.steps_per_epoch == 0:
            record_row(run, model, state, report, epoch, C, weight)
        report.bar.update(1)


def record_row(run: Run, model, state: Progress, report: Report, epoch: int, C: float, weight: float) -> None:
    """The current window closed into a history row, and the row recorded.

    NonFiniteLoss if a step's loss was not finite. The row has the
    held-out terms when there is a sample; append it, log its line, write its scalars."""
    sums, bad_step = report.window.read()
    if bad_step:
        raise NonFiniteLoss(
            f"{run.cell}: non-finite loss at step {bad_step} (epoch {(bad_step - 1) // run.steps_per_epoch + 1}); "
            f"last history row: {state.history[-1] if state.history else None}; the checkpoint of the last "
            f"whole epoch ({run.ckpt_path}) is kept; lower lr or set grad_clip")
    row = _history_row(sums, report.window, state.step, epoch, C, weight, run.settings.m)
    if run.held_out:
        terms = held_out_terms(model, run.held_out, run.bos, run.eos, run.settings, run.device)
        state.held_out.append(terms.pop("elbos").tolist())
        row.update(terms)
    state.history.append(row)
    run.log(progress_line(run.cell, row, run.total_steps, run.settings, report.clock.left(state.step)))
    write_scalars(report.writer, row)
    report.window = Window(run.device)


def save_checkpoint(run: Run, model, optimiser, state: Progress) -> None:
    """The training checkpoint, written to run.ckpt_path.

    It holds the settings' fingerprint, the weights, the optimiser, the RNG states and the progress."""
    atomic_save({"fingerprint": fingerprint(run.settings), "model": model.state_dict(),
                 "optimiser": optimiser.state_dict(), "rng": torch.get_rng_state(),
                 "cuda_rng": torch.cuda.get_rng_state(run.device) if run.device.type == "cuda" else None,
                 "epoch": state.epoch, "step": state.step, "history": state.history, "held_out": state.held_out,
                 "seconds": state.seconds}, run.ckpt_path)


def save_model(run: Run, model, vocab_size: int, state: Progress, path: Path) -> None:
    """The trained model, written to `path`.

    The file holds the settings as plain values, the vocabulary size,
    `info` (device, steps, training seconds, torch version, code commit) and the weights on the CPU."""
    info = dict(device=str(run.device), steps=state.step, train_seconds=state.seconds,
                torch=str(torch.__version__), commit=code_version())
    atomic_save({"settings": asdict(run.settings), "vocab_size": vocab_size, "info": info,
                 "state_dict": {k: v.cpu() for k, v in model.state_dict().items()}}, path)


def held_out_terms(model, held_out: list[list[int]], bos: int, eos: int, settings: Settings, device) -> dict:
    """The history's held-out columns on a sample of sentences, and each sentence's ELBO.

    Columns held_out_*: reconstruction, KL, ELBO, KL share, MI, mu_norm2, active units
    (evaluation.mean_terms); `elbos`, per sentence.  Batches of the training's size.
    Why: docs/design.md#training."""
    terms = mean_terms(model, held_out, bos, eos, seed=settings.seed, batch_size=settings.batch_size,
                       device=device)
    return dict(_terms(terms["reconstruction"], terms["kl"], settings.m, prefix="held_out_"),
                held_out_mi=terms["mi"], held_out_mu_norm2=terms["mu_norm2"],
                held_out_active_units=terms["active_units"], elbos=terms["elbos"])


def held_out_frame(state: Progress) -> pd.DataFrame:
    """Each held-out sentence's ELBO at each history row: (step, sentence, elbo), one row each."""
    steps = [row["step"] for row in state.history]
    n = len(state.held_out[0]) if state.held_out else 0
    return pd.DataFrame(dict(step=np.repeat(steps, n), sentence=np.tile(np.arange(n), len(steps)),
                             elbo=np.concatenate(state.held_out) if state.held_out else []))


class Clock:
    """Estimate of the time left in a run from the pace of its steps.

    (total - step) x seconds per step since the run (or its resumption) began."""

    def __init__(self, step: int, total_steps: int):
        self.first, self.total, self.t0 = step, total_steps, time.perf_counter()

    def left(self, step: int) -> float:
        done = step - self.first
        return (self.total - step) * (time.perf_counter() - self.t0) / done if done else math.inf


def progress_line(cell: str, row: dict, total_steps: int, settings: Settings, seconds_left: float) -> str:
    """One history row as a line of the job's log.

    The line gives step / total, epoch, loss, reconstruction,
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
    """A TensorBoard SummaryWriter on `folder` that hides the events an interrupted run left after `step`.

    None for no folder: no writer. The events at and after `step` are hidden with purge_step."""
    if folder is None:
        return None
    try:
        from torch.utils.tensorboard import SummaryWriter  # the tensorboard package is an optional extra
    except ImportError:
        raise ImportError("tensorboard: true needs the tensorboard package: pip install -e '.[tensorboard]'") from None
    return SummaryWriter(log_dir=str(folder), purge_step=step or None)


def write_scalars(writer, row: dict) -> None:
    """Every column of a history row but the step as a TensorBoard scalar at that step.

    The scalars are flushed so that a running TensorBoard shows them at once."""
    if writer is None:
        return
    for name, value in row.items():
        if name != "step":
            writer.add_scalar(name, value, row["step"])
    writer.flush()


def new_optimiser(model: torch.nn.Module, lr: float) -> torch.optim.Adam:
    """The Adam optimiser over all parameters.

    Its update is fused into one kernel per step (same arithmetic as the per-tensor loop)."""
    return torch.optim.Adam(model.parameters(), lr=lr, fused=True)


def train_step(model, optimiser, tensors, settings: Settings, C: float, weight: float,
               tokens: int | None = None):
    """One optimisation step on a batch `tensors` = collate(...) -> (loss, rec, kl), on the device.

    Loss of the settings' objective with target rate C and KL weight `weight`, forward pass in
    the settings' precision, gradient norm clipped to grad_clip when set; `tokens` (random
    batches) is VAE.reconstruction's `scored`.  Why: docs/design.md#training."""
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
    """The git commit of the code that runs.

    With "+changes" when the tree differs from it, or "unknown" outside a git checkout."""
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
    """The learning rate at a step under the constant or cosine schedule.

    constant: lr; cosine: lr * (1 + cos(pi * step / total_steps)) / 2, falling to 0 at the
    end, which lets the rate settle on its target C instead of oscillating around it."""
    if schedule == "constant":
        return lr
    if schedule == "cosine":
        return lr * 0.5 * (1.0 + math.cos(math.pi * step / total_steps))
    raise ValueError(f"unknown lr_schedule {schedule!r}; expected one of {LR_SCHEDULES}")


def training_subset(sentences: list[list[int]], fraction: float) -> list[list[int]]:
    """round(fraction x n) of the sentences (at least 1), a fixed seeded sample in corpus order; all at 1."""
    if fraction >= 1:
        return sentences
    n = max(1, round(fraction * len(sentences)))
    return [sentences[i] for i in sorted(random.Random(SUBSET_SEED).sample(range(len(sentences)), n))]


def held_out_sample(sentences: list[list[int]] | None, n: int, seed: int) -> list[list[int]] | None:
    """A fixed sample of n of the held-out sentences, in their order.

    All of them when there are no more. The sample is seeded, so the same sentences at every
    history row and in a resumed run."""
    if sentences is None or len(sentences) <= n:
        return sentences
    return [sentences[i] for i in sorted(random.Random(seed).sample(range(len(sentences)), n))]


class Window:
    """Running sums over the steps since the last history row.

    The sums of loss, mean rec and mean KL kept on the
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
    """A history row: the means over the steps since the last row.

    tokens/s counts the real tokens and </s> of
    each sentence."""
    n = window.steps
    loss, rec, kl = (value / n for value in sums)
    return dict(step=step, epoch=epoch + 1, loss=loss, **_terms(rec, kl, m), C=C, kl_weight=weight,
                tokens_per_s=window.tokens / max(time.perf_counter() - window.t0, 1e-9))
