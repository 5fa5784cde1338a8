"""Encoders, decoders and the VAE that joins them.

Architectures (paper A): `lstm`, `gru` (encoder and decoder of that cell) and `cnn` (LSTM
encoder, gated convolutional decoder).  mu and log sigma^2 are linear maps of the encoder's
last state; z enters the decoder at `every_step` (paper A) or as its `initial_state`
(Bowman et al. 2016).  Why: docs/design.md#models.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .corpora import EOS, SPECIALS
from .objectives import gaussian_kl
from .settings import ARCHS, Z_INPUTS

EOS_ID = SPECIALS.index(EOS)  # the id of </s> in every vocabulary

_RNN = {"lstm": nn.LSTM, "gru": nn.GRU}


class Encoder(nn.Module):
    """q(z|x) = N(mu(x), diag(exp(logvar(x)))) from the RNN state after the last token.

    With `eos`, the sentence is read with </s> after it."""

    def __init__(self, vocab_size: int, emb: int, hidden: int, z: int, cell: str = "lstm", eos: bool = False):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.rnn = _RNN[cell](emb, hidden, batch_first=True)
        self.to_mu = nn.Linear(hidden, z)
        self.to_logvar = nn.Linear(hidden, z)
        self.eos = eos

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor):
        """tokens (B, T) right-padded, lengths (B,) -> mu, logvar (B, z)."""
        if self.eos:
            tokens = F.pad(tokens, (0, 1)).index_put((torch.arange(tokens.size(0), device=tokens.device), lengths),
                                                      torch.tensor(EOS_ID, device=tokens.device))
            lengths = lengths + 1
        out, _ = self.rnn(self.embed(tokens))
        # a unidirectional RNN's output at position len-1 depends on no padding after it
        last = out[torch.arange(tokens.size(0), device=tokens.device), lengths - 1]
        return self.to_mu(last), self.to_logvar(last)


class RNNDecoder(nn.Module):
    """p(x_t | x_<t, z): an RNN over the embeddings of x_<t, given z as `z_input` says.

    every_step: the input at t is [embedding(x_{t-1}); z], the initial state zero;
    initial_state: the input is embedding(x_{t-1}), the initial state (h_0, c_0) = W z + b."""

    def __init__(self, vocab_size: int, emb: int, hidden: int, z: int, cell: str = "lstm",
                 z_input: str = "every_step"):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.every_step = z_input == "every_step"
        self.rnn = _RNN[cell](emb + z if self.every_step else emb, hidden, batch_first=True)
        self.to_state = None if self.every_step else nn.Linear(z, hidden * (2 if cell == "lstm" else 1))
        self.out = nn.Linear(hidden, vocab_size)

    def initial_state(self, z: torch.Tensor):
        """The RNN's initial state from z (initial_state): W z + b, split into h_0 and c_0 for an LSTM."""
        state = self.to_state(z).unsqueeze(0)
        return tuple(part.contiguous() for part in state.chunk(2, dim=-1)) if isinstance(self.rnn, nn.LSTM) else state

    def features(self, inputs: torch.Tensor, z: torch.Tensor, state=None):
        """inputs (B, T), z (B, z) -> hidden features (B, T, hidden) and the final state.

        A given `state` carries on from earlier steps (initial_state: z is then not read)."""
        x = self.embed(inputs)
        if self.every_step:
            x = torch.cat([x, z.unsqueeze(1).expand(-1, x.size(1), -1)], dim=-1)
        elif state is None:
            state = self.initial_state(z)
        return self.rnn(x, state)

    def step(self, prefix: torch.Tensor, z: torch.Tensor, state=None):
        """One decoding step of the RNN decoder.

        Prefix (B, t) of the tokens so far (the RNN state holds all but
        the last) -> the logits of p(x_t | x_<t, z) (B, vocab) and the new state."""
        feats, state = self.features(prefix[:, -1:], z, state)
        return self.out(feats[:, -1]), state


class GatePath(nn.Module):
    """One gated path of a ConvLM block.

    1x1 convolution `channels` -> `inner`, causal convolution of width k, 1x1 convolution back
    to `channels`, each followed by dropout.  Why: docs/design.md#models."""

    def __init__(self, channels: int, inner: int, width: int, dropout: float, at_eval: bool = False):
        super().__init__()
        self.width = width
        self.down = nn.Linear(channels, inner)
        self.conv = nn.Conv1d(inner, inner, width)
        self.up = nn.Linear(inner, channels)
        self.p, self.at_eval = dropout, at_eval

    def dropout(self, h: torch.Tensor) -> torch.Tensor:
        """Dropout in training, and at evaluation too with `at_eval` (the authors' tf.nn.dropout)."""
        return F.dropout(h, self.p, self.training or self.at_eval)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x (B, T, channels)
        h = self.dropout(self.down(x)).transpose(1, 2)
        h = self.dropout(self.conv(F.pad(h, (self.width - 1, 0)))).transpose(1, 2)
        return self.dropout(self.up(h))


class ConvLMBlock(nn.Module):
    """The authors' gated convolutional block (`ConvLM`, after Dauphin et al. 2017).

    x' = project(x), a 1x1 convolution to `channels`; out = A(x') * sigmoid(B(x')) + x', A and B
    two GatePaths; dropout also at evaluation with `at_eval`.  Why: docs/design.md#models."""

    def __init__(self, in_channels: int, channels: int, inner: int, width: int, dropout: float,
                 at_eval: bool = False):
        super().__init__()
        self.project = nn.Linear(in_channels, channels)
        self.a = GatePath(channels, inner, width, dropout, at_eval)
        self.b = GatePath(channels, inner, width, dropout, at_eval)
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Conv1d)):
                nn.init.kaiming_uniform_(module.weight, nonlinearity="relu")  # Keras he_uniform
                nn.init.zeros_(module.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x (B, T, in_channels)
        x = self.project(x)
        return self.a(x) * torch.sigmoid(self.b(x)) + x


class CNNDecoder(nn.Module):
    """The authors' convolutional decoder over [embedding(x_{t-1}); z].

    `blocks` ConvLM blocks,
    the first reading the embedding and z, then the output layer."""

    def __init__(self, vocab_size: int, emb: int, z: int, channels: int, inner: int,
                 width: int, blocks: int, dropout: float = 0.0, dropout_at_eval: bool = False):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.blocks = nn.ModuleList(ConvLMBlock(emb + z if i == 0 else channels, channels, inner, width, dropout,
                                                dropout_at_eval) for i in range(blocks))
        self.out = nn.Linear(channels if blocks else emb + z, vocab_size)
        # the output at t sees the inputs t - receptive_field + 1 .. t, and nothing earlier
        self.receptive_field = (width - 1) * blocks + 1

    def features(self, inputs: torch.Tensor, z: torch.Tensor, state=None):
        x = self.embed(inputs)
        h = torch.cat([x, z.unsqueeze(1).expand(-1, x.size(1), -1)], dim=-1)
        for block in self.blocks:
            h = block(h)
        return h, None

    def step(self, prefix: torch.Tensor, z: torch.Tensor, state=None):
        """One decoding step of the convolutional decoder.

        From the last `receptive_field` tokens of the prefix (B, t), which
        are all the output at t depends on -> the logits of p(x_t | x_<t, z) (B, vocab), None."""
        feats, _ = self.features(prefix[:, -self.receptive_field:], z)
        return self.out(feats[:, -1]), None


def float32_or_wider(t: torch.Tensor) -> torch.Tensor:
    """`t` in float32 if it is of a narrower float type (bfloat16 under autocast), else as it is."""
    return t.to(torch.promote_types(t.dtype, torch.float32))


class LinearCrossEntropy(torch.autograd.Function):
    """The output layer and its cross entropy as one autograd function.

    nll_i = -log softmax(l_i)[y_i] with logits l = h W^T + b.  Backward, with G = softmax(l) -
    onehot(y) kept from the forward pass: dh = (g * G) W, dW = G^T (g * h), db = G^T g.  Exact;
    gradients in their inputs' dtypes.  Why: docs/design.md#models."""

    @staticmethod
    def forward(ctx, h, weight, bias, targets, need_grad: bool):
        if vocabulary_first(h.device):
            logits = torch.addmm(bias.unsqueeze(1), weight, h.t().contiguous())
            axis = 0
        else:
            logits = torch.addmm(bias, h, weight.t())
            axis = 1
        log_probs = torch.log_softmax(float32_or_wider(logits), dim=axis)
        nll = -log_probs.gather(axis, targets.unsqueeze(axis)).squeeze(axis)
        grad_logits = None
        if need_grad:  # False under torch.no_grad()
            grad_logits = log_probs.exp_() if axis == 1 else log_probs.exp_().t()  # (tokens x vocabulary)
            grad_logits[torch.arange(len(targets), device=targets.device), targets] -= 1.0
            grad_logits = grad_logits.to(logits.dtype)
        ctx.save_for_backward(h, weight, grad_logits)
        return nll

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, g):
        h, weight, grad_logits = ctx.saved_tensors  # grad_logits: (tokens x vocabulary), a view on a CPU
        dtype = grad_logits.dtype
        column = g.unsqueeze(1)
        dh = dw = db = None
        if ctx.needs_input_grad[0]:
            dh = ((grad_logits @ weight.to(dtype)) * column).to(h.dtype)
        if ctx.needs_input_grad[1]:
            dw = (grad_logits.t() @ (h * column).to(dtype)).to(weight.dtype)
        if ctx.needs_input_grad[2]:
            db = (grad_logits.t() @ g.to(dtype)).to(weight.dtype)
        return dh, dw, db, None, None


def vocabulary_first(device: torch.device) -> bool:
    """Whether the output layer lays its logits out as (vocabulary x tokens): on a CPU, not on a GPU.

    Why: docs/design.md#models."""
    return device.type == "cpu"


class VAE(nn.Module):
    """Sentence VAE: log p(x|z) summed over the tokens of x and </s>, and KL(q(z|x) || N(0, I)).

    With no encoder (z of size 0) it is an RNN language model: KL = 0 and log p(x|z) = log p(x)."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module, word_dropout: float = 0.0,
                 unk_id: int = 1):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder
        self.word_dropout, self.unk_id = word_dropout, unk_id

    def reconstruction(self, z: torch.Tensor, dec_in: torch.Tensor, targets: torch.Tensor,
                       scored: int | None = None) -> torch.Tensor:
        """log p(x|z) per sentence.

        sum_t mask_t log p(x_t | x_<t, z), mask = (targets != 0), the targets padded with 0.
        Given `scored` (the number of non-padding targets), only those positions reach the
        output layer.  Why: docs/design.md#models."""
        if self.training and self.word_dropout > 0:
            drop = torch.rand(dec_in.shape, device=dec_in.device) < self.word_dropout
            drop[:, 0] = False  # keep <bos>
            dec_in = dec_in.masked_fill(drop & (dec_in != 0), self.unk_id)
        feats, _ = self.decoder.features(dec_in, z)
        out = self.decoder.out
        feats, flat = feats.reshape(-1, feats.size(-1)), targets.reshape(-1)
        if scored is None:
            nll = LinearCrossEntropy.apply(feats, out.weight, out.bias, flat, torch.is_grad_enabled())
            return -(nll.view_as(targets) * (targets != 0)).sum(1)
        where = torch.nonzero_static(flat, size=scored).squeeze(1)
        nll = LinearCrossEntropy.apply(feats[where], out.weight, out.bias, flat[where], torch.is_grad_enabled())
        return -nll.new_zeros(targets.size(0)).index_add(0, where // targets.size(1), nll)

    def forward(self, enc_in, lengths, dec_in, targets, scored: int | None = None):
        """The reconstruction log-likelihood, KL, mu and logvar per sentence.

        -> (log p(x|z) with one z ~ q(z|x), analytic KL, mu, logvar), each per sentence;
        `scored` as in reconstruction."""
        if self.encoder is None:
            mu = logvar = enc_in.new_zeros((enc_in.size(0), 0), dtype=torch.float)
        else:
            mu, logvar = self.encoder(enc_in, lengths)
            mu, logvar = float32_or_wider(mu), float32_or_wider(logvar)  # the KL in float32 under autocast too
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.reconstruction(z, dec_in, targets, scored), gaussian_kl(mu, logvar), mu, logvar


def build_vae(arch: str, vocab_size: int, emb: int, hidden: int, z: int,
              cnn_channels: int = 512, cnn_inner: int = 128, cnn_width: int = 20,
              cnn_blocks: int = 2, cnn_dropout: float = 0.0, word_dropout: float = 0.0,
              z_input: str = "every_step", shared_embedding: bool = False, encoder_eos: bool = False,
              cnn_eval_dropout: bool = False) -> VAE:
    """The model of paper A for `arch` in ARCHS; z = 0 gives the decoder alone, a language model.

    `shared_embedding`: the encoder and decoder read one embedding table (the authors' code)."""
    if arch not in ARCHS:
        raise ValueError(f"unknown architecture {arch!r}; expected one of {ARCHS}")
    if z_input not in Z_INPUTS or (arch == "cnn" and z_input != "every_step"):
        raise ValueError(f"z_input {z_input!r}: expected one of {Z_INPUTS} (every_step for the cnn decoder, "
                         "which has no state)")
    cell = "gru" if arch == "gru" else "lstm"
    encoder = Encoder(vocab_size, emb, hidden, z, cell, encoder_eos) if z > 0 else None
    if arch == "cnn":
        decoder = CNNDecoder(vocab_size, emb, z, cnn_channels, cnn_inner, cnn_width, cnn_blocks, cnn_dropout,
                             cnn_eval_dropout)
    else:
        decoder = RNNDecoder(vocab_size, emb, hidden, z, cell, z_input if z > 0 else "every_step")
    if shared_embedding and encoder is not None:
        decoder.embed = encoder.embed
    return VAE(encoder, decoder, word_dropout)
