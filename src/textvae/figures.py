"""The papers' figures, drawn from the pipeline's tables with matplotlib.

A model trained with several seeds is drawn once, its runs pooled as the tables pool them
(textvae.tables.over_seeds): the mean with its 95 % t interval over the seeds."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pandas as pd

from .stats import t_half_width
from .tables import over_seeds

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _pooled(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The table with each model's runs pooled over its training seeds.

    With `{column}_half`, the
    half width of the t interval of each of `columns` (NaN for a model of one run)."""
    pooled = over_seeds(table)
    for column in columns:
        pooled[f"{column}_half"] = t_half_width(pooled[f"{column}_sd"], pooled["seeds"])
    return pooled


def _panels(n: int, rows: int = 1, width: float = 4.5, height: float = 3.6):
    fig, axes = plt.subplots(rows, n, figsize=(width * n, height * rows), squeeze=False)
    return fig, axes


def _line_per_arch(table, x: str, y: str, xlabel: str, ylabel: str, label_c: bool):
    """One panel per corpus, one line per architecture through its cells in order of C."""
    table = _pooled(table, [x, y])
    corpora = sorted(table["corpus"].unique())
    fig, axes = _panels(len(corpora))
    for ax, corpus in zip(axes[0], corpora):
        for arch, rows in table[table["corpus"] == corpus].groupby("arch"):
            rows = rows.sort_values("C")
            ax.errorbar(rows[x], rows[y], xerr=rows[f"{x}_half"], yerr=rows[f"{y}_half"], marker="o", capsize=3,
                        label=arch)
            for _, r in rows.iterrows() if label_c else ():
                ax.annotate(f"C={r['C']:g}", (r[x], r[y]), fontsize=7, xytext=(3, 3),
                            textcoords="offset points")
        ax.set(title=corpus, xlabel=xlabel, ylabel=ylabel)
        ax.legend()
    fig.tight_layout()
    return fig


def rate_distortion(table):
    """A1 (Prokhorov et al. Fig. 1, left): distortion against rate, each point labelled with C."""
    return _line_per_arch(table, "rate", "distortion", "rate R (nats)", "distortion D (nats)", True)


def logdetcov(table):
    """A1 (Prokhorov et al. Fig. 1, right): log det Cov[q(z)] against C."""
    return _line_per_arch(table, "C", "logdetcov", "target rate C (nats)", "LogDetCov", False)


def rate_training(table):
    """A1's rate, MI, offset and target C against training step.

    At the largest C, a panel per corpus and model: held-out R, I(x; z),
    1/2 ||mean_x mu(x)||^2 and C; R = MI + KL(q(z) || p(z)).  Why: docs/design.md#figures."""
    table = _pooled(table, [])
    groups = list(table.groupby(["corpus", "model"], sort=True))
    fig, axes = _panels(len(groups))
    for ax, ((corpus, model), rows) in zip(axes[0], groups):
        ax.plot(rows["step"], rows["held_out_kl"], label="rate R")
        ax.plot(rows["step"], rows["held_out_mi"], label="MI")
        ax.plot(rows["step"], 0.5 * rows["held_out_mu_norm2"], label="offset 1/2 ||mu||^2")
        ax.plot(rows["step"], rows["C"], linestyle="--", color="grey", label="target C")
        ax.set(title=f"{corpus}, {model}", xlabel="step", ylabel="nats (held out)")
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def autogen_training(table):
    """B1's KL share and ELBO against training step.

    B1 (Mansbridge et al. Fig. 2): the KL term as % of the objective (top) and the ELBO
    (bottom) on the held-out split against training step, one line per model, one column per
    corpus, with the t interval over the training seeds shaded."""
    table = _pooled(table, ["held_out_kl_share", "held_out_elbo"])
    corpora = sorted(table["corpus"].unique())
    fig, axes = _panels(len(corpora), rows=2)
    for col, corpus in enumerate(corpora):
        for model, rows in table[table["corpus"] == corpus].groupby("model", sort=False):
            for ax, column in zip(axes[:, col], ("held_out_kl_share", "held_out_elbo")):
                line, = ax.plot(rows["step"], rows[column], label=model)
                ax.fill_between(rows["step"], rows[column] - rows[f"{column}_half"],
                                rows[column] + rows[f"{column}_half"], color=line.get_color(), alpha=0.2)
        axes[0, col].set(title=corpus, ylabel="KL as % of objective (held out)")
        axes[1, col].set(xlabel="step", ylabel="ELBO, nats per sentence (held out)")
        axes[0, col].legend(fontsize=8)
    fig.tight_layout()
    return fig


def fce(table):
    """A5's forward cross entropy against C.

    Prokhorov et al. Table 3: one line per decoding
    scheme with the standard deviation over the seeds' LMs as error bars, one panel per corpus."""
    runs = table[table["model"] != "real test set"]
    corpora = list(dict.fromkeys(runs["corpus"]))
    fig, axes = _panels(len(corpora))
    for ax, corpus in zip(axes[0], corpora):
        for scheme, rows in runs[runs["corpus"] == corpus].groupby("scheme", sort=False):
            rows = rows.sort_values("C")
            ax.errorbar(rows["C"], rows["fce"], yerr=rows["fce_std"], marker="o", capsize=3, label=scheme)
        ax.set(title=corpus, xlabel="target rate C (nats)", ylabel="FCE: test NLL per sentence (nats)")
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def syntax(table):
    """A6 (Prokhorov et al. Table 4): p1 and p2 per category, one panel per model (C)."""
    table = _pooled(table, ["p1", "p2"])
    models = list(dict.fromkeys(table["model"]))
    fig, axes = _panels(len(models), width=6.0, height=5.0)
    for ax, model in zip(axes[0], models):
        rows = table[table["model"] == model]
        y = range(len(rows))
        ax.barh([i + 0.2 for i in y], rows["p1"], xerr=rows["p1_half"], height=0.4, label="p1 (z+)")
        ax.barh([i - 0.2 for i in y], rows["p2"], xerr=rows["p2_half"], height=0.4, label="p2 (z-)")
        ax.set_yticks(list(y), rows["category"], fontsize=7)
        ax.invert_yaxis()
        ax.set(title=f"{rows['corpus'].iloc[0]} {model}", xlabel="share of pairs preferring x+", xlim=(0, 1))
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def capacity(table):
    """A2's BLEU-2 and BLEU-4 of greedy reconstructions by source length bucket.

    Prokhorov et al. Table 1: one group of bars per C, one panel per corpus."""
    table = _pooled(table, ["bleu2"])
    corpora = list(dict.fromkeys(table["corpus"]))
    fig, axes = _panels(len(corpora))
    for ax, corpus in zip(axes[0], corpora):
        rows = table[(table["corpus"] == corpus) & (table["n_sentences"] > 0)]
        buckets = list(dict.fromkeys(rows["bucket"]))
        cs = sorted(rows["C"].unique())
        width = 0.8 / len(cs)
        for i, c in enumerate(cs):
            part = rows[rows["C"] == c].set_index("bucket").reindex(buckets)
            x = [j + i * width for j in range(len(buckets))]
            ax.bar(x, part["bleu2"], yerr=part["bleu2_half"], width=width, label=f"C={c:g} BLEU-2")
            ax.scatter(x, part["bleu4"], color="black", marker="_", s=200, zorder=3,
                       label="BLEU-4" if i == 0 else None)
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(buckets))], buckets)
        ax.set(title=corpus, xlabel="source length (tokens)", ylabel="BLEU x 100")
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def choose_c(table):
    """C1: prior samples' per-token NLL (top) and D (bottom) against C, the pick and the seeds' range marked."""
    corpora = list(dict.fromkeys(table["corpus"]))
    fig, axes = _panels(len(corpora), rows=2)
    for col, corpus in enumerate(corpora):
        rows = table[table["corpus"] == corpus].sort_values("C")
        first = rows.iloc[0]
        for row, (column, label) in enumerate((("sample_nll", "prior samples: NLL per token (nats)"),
                                               ("distortion", "distortion D (nats)"))):
            ax = axes[row, col]
            ax.errorbar(rows["C"], rows[column], yerr=rows[f"{column}_sd"], marker="o", capsize=3)
            ax.axvline(first["pick"], color="black", linestyle="--", label=f"pick C={first['pick']:g}")
            ax.axvspan(first["lo"], first["hi"], color="grey", alpha=0.2, label="seeds' picks")
            ax.set(xscale="log", xlabel="target rate C (nats)", ylabel=label)
        axes[0, col].axhline(first["best_nll"] + first["delta"], color="red", linestyle=":",
                             label=f"best + delta ({first['delta']:g})")
        axes[0, col].set(title=corpus)
        axes[0, col].legend(fontsize=8)
    fig.tight_layout()
    return fig


def save(fig, png, pdf) -> None:
    """Save as PNG and PDF through temporary names, then close the figure."""
    for path in (png, pdf):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.stem + ".tmp" + path.suffix)
        fig.savefig(tmp, dpi=150)
        os.replace(tmp, path)
    plt.close(fig)
