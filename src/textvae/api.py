"""Use of a trained cell on sentences of one's own, with the pipeline's own decoding functions.

    vae = textvae.load("results/models/short/lstm-betac-C25")
    vae.reconstruct(["the children run"], scheme="nucleus", p=0.9)

Sentences are prepared as the model's corpus was (card.json); every draw is seeded; seeds, batch
sizes, max_len and iw_samples default to the run's (the card's `decoding` and `evaluation`).
The workflow's scripts load cells with `load`; docs/using-models.md.
"""

from __future__ import annotations

import math
import pickle
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from . import generation
from .batching import collate, length_batches
from .cards import VOCAB, read_card
from .config import read_schema
from .config import scheme as named_scheme
from .corpora import Vocab, prepare_sentence
from .decoding import decode_in_batches
from .evaluation import importance_weighted_nll
from .settings import DECODING_METHODS
from .training import load_model

DEFAULT_SCHEME = "greedy"  # a method of every run (textvae.settings.DECODING_METHODS)
LATENTS = ("mean", "sample")  # z of a sentence: the posterior mean, or z ~ q(z|x)
SCHEME_TYPES = {"k": int, "p": float, "width": int}  # the value each decoding method takes


class ModelFolderError(ValueError):
    """A model folder that cannot be used; the message names the file and what to do."""


class InputError(ValueError):
    """Input that cannot be used (no sentence, an unknown scheme); the message says what is expected."""


def note(message: str) -> None:
    """A note on the input (what was done with it), one line on stderr."""
    print(f"textvae: {message}", file=sys.stderr)


def load(path: str | Path, *, vocab: str | Path | None = None, device=None, log=note) -> TrainedVAE:
    """The trained cell of a model folder, in eval mode: a VAE, or a language model (no z).

    The folder, or its model.pt, on `device` (default: the GPU where there is one, else the
    CPU; a job passes textvae.device.select_device's).  `vocab`: a vocab.parquet to use instead of
    the folder's (required where it has none).  Notes on the input go to `log`."""
    path = Path(path)
    folder = path.parent if path.suffix == ".pt" else path
    model_file = path if path.suffix == ".pt" else path / "model.pt"
    if not model_file.exists():
        raise ModelFolderError(f"{model_file}: no such file; expected a model folder of a run, "
                               "results/models/{corpus}/{model}, holding model.pt")
    device = choose_device(device)
    try:
        model, settings = load_model(model_file, device)
    except (RuntimeError, KeyError, TypeError, ValueError, EOFError, pickle.UnpicklingError) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ModelFolderError(f"{model_file}: not a model file written by textvae ({reason})") from None
    if vocab is None and not (folder / VOCAB).exists():
        raise ModelFolderError(
            f"{folder}: no {VOCAB} beside model.pt (model folders written before the model_card rule lack it "
            "and card.json); write both without retraining with `snakemake --cores 2 tables --rerun-triggers "
            "mtime params input software-env` in the run's folder (README: Using a trained model), or give the "
            "corpus's vocabulary with --vocab RESULTS/data/CORPUS/vocab.parquet")
    vocab_file = Path(vocab) if vocab else folder / VOCAB
    if not vocab_file.exists():
        raise ModelFolderError(f"{vocab_file}: no such vocabulary file")
    words = Vocab.from_frame(pd.read_parquet(vocab_file))
    expected = model.decoder.embed.num_embeddings
    if len(words) != expected:
        raise ModelFolderError(f"{vocab_file}: a vocabulary of {len(words)} tokens, but the model has "
                               f"{expected}; give the vocabulary of the model's corpus")
    try:
        card = read_card(folder) or {}
    except ValueError as err:
        raise ModelFolderError(f"{folder / 'card.json'}: not valid JSON ({err})") from None
    if not card and vocab is None:
        log(f"{folder}: no card.json; sentences are taken as tokens split on spaces, as given")
    return TrainedVAE(model, settings, words, device, card, log)


def choose_device(name: str | None) -> torch.device:
    """The device `name` (cpu, cuda, cuda:N), or by default the GPU where there is one."""
    try:
        device = torch.device(name or ("cuda" if torch.cuda.is_available() else "cpu"))
    except RuntimeError as err:
        raise InputError(f"--device {name!r}: {str(err).splitlines()[0]}") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise InputError(f"--device {name}: CUDA is not available on this machine; use --device cpu")
    return device


def run_blocks(card: dict) -> tuple[dict, dict]:
    """The run's decoding and evaluation blocks as the card records them, their missing keys the schema's."""
    schema = read_schema()["properties"]
    return tuple({**schema[name]["default"], **(card.get(name) or {})} for name in ("decoding", "evaluation"))


class TrainedVAE:
    """A trained cell (a VAE, or a language model without z) with its vocabulary, card and run settings.

    `model` (eval mode), `settings`, `vocab` and `device` are the pipeline's; the verbs use them."""

    def __init__(self, model, settings, vocab: Vocab, device, card: dict, log=note):
        self.model, self.settings, self.vocab, self.device = model, settings, vocab, device
        self.card, self.log = card, log
        self.decoding, self.evaluation = run_blocks(card)

    def tokens(self, sentences: list[str], prepared: bool = False) -> list[list[str]]:
        """Each sentence's tokens as the model's corpus was prepared.

        As card.json's `preparation` says (split
        on spaces where there is none or `prepared`); refuses an empty list."""
        if isinstance(sentences, str) or not len(sentences):
            raise InputError("no sentence given; expected a list of sentences, one string each")
        preparation = None if prepared else self.card.get("preparation")
        tokens = [prepare_sentence(s, **preparation) if preparation else s.split() for s in sentences]
        empty = [i for i, t in enumerate(tokens) if not t]
        if empty:
            raise InputError(f"sentence {empty[0] + 1} of {len(tokens)} has no token; expected words")
        longest = self.card.get("longest_sentence")
        longer = sum(len(t) > longest for t in tokens) if longest else 0
        if longer:
            self.log(f"{longer} of {len(tokens)} sentences are longer than the longest the model was trained "
                     f"on ({longest} tokens); they are encoded whole")
        return tokens

    def ids(self, sentences: list[str], prepared: bool = False) -> list[list[int]]:
        """The vocabulary ids of each sentence's tokens, <unk> for words outside the vocabulary."""
        return [self.vocab.encode(t) for t in self.tokens(sentences, prepared)]

    def seen(self, ids: list[list[int]]) -> list[str]:
        """Sentences of ids as the model sees them: tokens joined by spaces, <unk> where unknown."""
        return [" ".join(self.vocab.decode(s)) for s in ids]

    def latent(self, ids: list[list[int]], z: str = "mean", seed: int | None = None) -> torch.Tensor:
        """One code per sentence of ids.

        The posterior mean (z="mean") or z ~ q(z|x) drawn with
        `seed` (z="sample"; default the run's decoding seed), by generation.posterior."""
        if z not in LATENTS:
            raise InputError(f"z {z!r}: expected one of {LATENTS}")
        if not self.settings.z:
            raise InputError("this model is a language model (no z): it has no posterior")
        return generation.posterior(self.model, ids, self.vocab.bos, self.vocab.eos, sample=z == "sample",
                                    seed=self.seed(seed), device=self.device)

    def seed(self, seed: int | None) -> int:
        """`seed`, or by default the run's decoding seed."""
        return self.decoding["seed"] if seed is None else seed

    def scheme(self, scheme: str | dict = DEFAULT_SCHEME, **options) -> dict:
        """The keyword arguments of textvae.decoding.decode for a decoding scheme.

        `scheme` is a dict of them (as the
        pipeline passes), a scheme named in the run's decoding block (e.g. nucleus0.9), or
        method[:value] (greedy, sample, topk:K, nucleus:P, beam:W); `options` (k, p, width,
        max_len) add to or replace its values; max_len defaults to the run's."""
        if isinstance(scheme, dict):
            return {**scheme, **options}
        if scheme in self.decoding["schemes"]:
            spec = dict(self.decoding["schemes"][scheme])
        else:
            method, _, value = scheme.partition(":")
            if method not in DECODING_METHODS:
                raise InputError(f"scheme {scheme!r}: expected greedy, sample, topk:K, nucleus:P, beam:W or a "
                                 f"scheme of the run ({', '.join(self.decoding['schemes'])})")
            spec = {"method": method}
            if value:
                key = DECODING_METHODS[method][0] if DECODING_METHODS[method] else None
                if key is None:
                    raise InputError(f"scheme {scheme!r}: {method} takes no value")
                spec[key] = _number(value, SCHEME_TYPES[key], scheme)
        spec.update({k: v for k, v in options.items() if k != "max_len"})
        for key in DECODING_METHODS[spec["method"]]:
            if key not in spec:
                raise InputError(f"scheme {scheme!r}: {spec['method']} needs {key} (e.g. {spec['method']}:"
                                 f"{dict(k=15, p=0.9, width=5)[key]})")
        decoding = {**self.decoding, "max_len": options.get("max_len") or self.decoding["max_len"],
                    "schemes": {"chosen": spec}}
        return named_scheme({"decoding": decoding}, "chosen")

    def decode(self, z, scheme: str | dict = DEFAULT_SCHEME, *, seed: int | None = None,
               batch_size: int | None = None, **options) -> list[str]:
        """The sentence decoded from each row of z.

        z is (N, dz); decoded under `scheme` (see `scheme`),
        batch_size rows at a time (default the run's), sampling seeded per batch
        (decoding.decode_in_batches)."""
        z = torch.as_tensor(np.asarray(z, dtype=np.float32) if not torch.is_tensor(z) else z, device=self.device)
        with torch.no_grad():
            decoded = decode_in_batches(self.model.decoder, z, self.vocab.bos, self.vocab.eos,
                                        batch_size or self.decoding["batch_size"], seed=self.seed(seed),
                                        **self.scheme(scheme, **options))
        return self.seen(decoded)

    def encode(self, sentences: list[str], *, prepared: bool = False) -> pd.DataFrame:
        """Each sentence's posterior and KL.

        Per sentence: the sentence, its tokens as the model sees them, n_tokens, the
        posterior's mu and log sigma^2 (lists of floats) and KL(q(z|x) || N(0, I)) =
        1/2 sum_d (mu_d^2 + sigma_d^2 - 1 - log sigma_d^2)."""
        ids = self.ids(sentences, prepared)
        if not self.settings.z:
            raise InputError("this model is a language model (no z): there is nothing to encode")
        order, mus, logvars = [], [], []
        for batch, mu, logvar in generation.posterior_batches(self.model, ids, self.vocab.bos, self.vocab.eos,
                                                              device=self.device):
            order, mus, logvars = order + batch, mus + [mu], logvars + [logvar]
        mu = generation.in_input_order(order, mus).double().cpu().numpy()
        logvar = generation.in_input_order(order, logvars).double().cpu().numpy()
        kl = 0.5 * (mu ** 2 + np.exp(logvar) - 1 - logvar).sum(1)
        return pd.DataFrame({"sentence": list(sentences), "tokens": self.seen(ids), "n_tokens": [len(s) for s in ids],
                             "kl": kl, "mu": list(mu), "logvar": list(logvar)})

    def reconstruct(self, sentences: list[str], scheme: str | dict = DEFAULT_SCHEME, *, z: str = "mean",
                    seed: int | None = None, batch_size: int | None = None, prepared: bool = False,
                    **options) -> pd.DataFrame:
        """Each sentence encoded and decoded.

        z is the posterior mean, or z ~ q(z|x) drawn with `seed`; each is decoded under `scheme`
        with `seed`: columns sentence, tokens (as the model sees it) and reconstruction."""
        ids = self.ids(sentences, prepared)
        decoded = self.decode(self.latent(ids, z, seed), scheme, seed=seed, batch_size=batch_size, **options)
        return pd.DataFrame({"sentence": list(sentences), "tokens": self.seen(ids), "reconstruction": decoded})

    def sample(self, n: int, scheme: str | dict = DEFAULT_SCHEME, *, seed: int | None = None,
               batch_size: int | None = None, **options) -> pd.DataFrame:
        """n sentences sampled from the prior.

        They are decoded from z ~ N(0, I) (generation.prior_draws with `seed`, the draws
        of the pipeline's prior_draws rule) under `scheme` with `seed`: columns sample, sentence."""
        if n < 1:
            raise InputError(f"-n {n}: expected at least 1 sample")
        z = generation.prior_draws(n, self.settings.z, self.seed(seed))
        return pd.DataFrame({"sample": range(n),
                             "sentence": self.decode(z, scheme, seed=seed, batch_size=batch_size, **options)})

    def paths(self, start, end, steps: int, schemes: dict, *, seed: int | None = None,
              batch_size: int | None = None) -> pd.DataFrame:
        """The sentences decoded along the paths between two sets of codes.

        They are decoded at `steps` evenly spaced points (both ends included) of the
        paths from each row of `start` to the same row of `end`, under each scheme of `schemes`
        ({name: scheme}): generation.decode_paths' rows (scheme, path, point, t, sentence,
        repeats_previous)."""
        if steps < 2:
            raise InputError(f"--steps {steps}: a path has at least its 2 ends")
        chosen = {name: self.scheme(spec) for name, spec in schemes.items()}
        with torch.no_grad():
            rows = generation.decode_paths(self.model.decoder, start, end, steps, self.vocab, chosen,
                                           batch_size or self.decoding["batch_size"], self.seed(seed))
        return pd.DataFrame(rows)

    def interpolate(self, a: str | list[str], b: str | list[str], steps: int = 10,
                    scheme: str | dict = DEFAULT_SCHEME, *, z: str = "sample", seed: int | None = None,
                    batch_size: int | None = None, prepared: bool = False, **options) -> pd.DataFrame:
        """Interpolation between sentences in the latent space.

        From a to b (or each of a list a to its place in b): z ~ q(z|x) drawn with `seed`
        (Mansbridge et al.'s Table 5) or the posterior means, `steps` points decoded under
        `scheme`; columns scheme, path, point, t, sentence, repeats_previous, start, end."""
        starts, ends = ([a], [b]) if isinstance(a, str) else (list(a), list(b))
        if len(starts) != len(ends):
            raise InputError(f"{len(starts)} start sentences and {len(ends)} end sentences; expected pairs")
        codes = self.latent(self.ids([s for pair in zip(starts, ends) for s in pair], prepared), z, seed)
        name = scheme if isinstance(scheme, str) else scheme["method"]
        frame = self.paths(codes[0::2], codes[1::2], steps, {name: self.scheme(scheme, **options)}, seed=seed,
                           batch_size=batch_size)
        return frame.assign(start=[starts[p] for p in frame["path"]], end=[ends[p] for p in frame["path"]])

    def score(self, sentences: list[str], *, iw_samples: int | None = None, seed: int | None = None,
              batch_size: int | None = None, prepared: bool = False) -> pd.DataFrame:
        """Scores of sentences, as the evaluation job scores test sentences.

        Per sentence (the same draws for the same sentences, seed and batch size; each by
        default the run's evaluation's): reconstruction log p(x|z) with one z ~ q(z|x),
        kl, elbo = reconstruction - kl, and iw_nll, the importance-weighted -log p(x) with
        `iw_samples` samples (evaluation.importance_weighted_nll); n_tokens counts </s> too."""
        iw_samples, seed, batch_size = (self.evaluation[k] if v is None else v for k, v in
                                        (("iw_samples", iw_samples), ("seed", seed), ("batch_size", batch_size)))
        if iw_samples < 1:
            raise InputError(f"--iw-samples {iw_samples}: expected at least 1")
        ids = self.ids(sentences, prepared)
        terms = np.empty((len(ids), 3))
        with torch.random.fork_rng(devices=[self.device] if self.device.type == "cuda" else []), torch.no_grad():
            torch.manual_seed(seed)
            for batch in length_batches([len(s) for s in ids], batch_size, seed=None):
                tensors = collate([ids[i] for i in batch], self.vocab.bos, self.vocab.eos, self.device)
                rec, kl, mu, logvar = self.model(*tensors)
                iw = importance_weighted_nll(self.model, *tensors, iw_samples, mu, logvar)
                terms[batch] = torch.stack([rec, kl, iw], 1).double().cpu().numpy()
        return pd.DataFrame({"sentence": list(sentences), "tokens": self.seen(ids),
                             "n_tokens": [len(s) + 1 for s in ids], "reconstruction": terms[:, 0],
                             "kl": terms[:, 1], "elbo": terms[:, 0] - terms[:, 1], "iw_nll": terms[:, 2]})


def _number(text: str, kind, scheme: str):
    """The value of a method:value scheme as `kind`, or an InputError naming the scheme."""
    try:
        value = kind(text)
    except ValueError:
        raise InputError(f"scheme {scheme!r}: {text!r} is not a{'n integer' if kind is int else ' number'}") from None
    if not value > 0 or (kind is float and value > 1) or not math.isfinite(value):
        raise InputError(f"scheme {scheme!r}: {text!r} is out of range (k, W >= 1; 0 < p <= 1)")
    return value
