"""The papers' figures, drawn from the pipeline's tables with matplotlib."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _panels(n: int, rows: int = 1, width: float = 4.5, height: float = 3.6):
    fig, axes = plt.subplots(rows, n, figsize=(width * n, height * rows), squeeze=False)
    return fig, axes


def rate_distortion(table):
    """A1 (Prokhorov et al. Fig. 1, left): distortion against rate, one panel per corpus, one
    line per architecture, each point labelled with its C."""
    corpora = sorted(table["corpus"].unique())
    fig, axes = _panels(len(corpora))
    for ax, corpus in zip(axes[0], corpora):
        for arch, rows in table[table["corpus"] == corpus].groupby("arch"):
            rows = rows.sort_values("C")
            ax.plot(rows["rate"], rows["distortion"], marker="o", label=arch)
            for _, r in rows.iterrows():
                ax.annotate(f"C={r['C']:g}", (r["rate"], r["distortion"]), fontsize=7,
                            xytext=(3, 3), textcoords="offset points")
        ax.set(title=corpus, xlabel="rate R (nats)", ylabel="distortion D (nats)")
        ax.legend()
    fig.tight_layout()
    return fig


def logdetcov(table):
    """A1 (Prokhorov et al. Fig. 1, right): log det Cov[q(z)] against C."""
    corpora = sorted(table["corpus"].unique())
    fig, axes = _panels(len(corpora))
    for ax, corpus in zip(axes[0], corpora):
        for arch, rows in table[table["corpus"] == corpus].groupby("arch"):
            rows = rows.sort_values("C")
            ax.plot(rows["C"], rows["logdetcov"], marker="o", label=arch)
        ax.set(title=corpus, xlabel="target rate C (nats)", ylabel="LogDetCov")
        ax.legend()
    fig.tight_layout()
    return fig


def autogen_training(table):
    """B1 (Mansbridge et al. Fig. 2): the KL term as % of the objective (top) and the ELBO
    (bottom) against training step, one line per model, one column per corpus."""
    corpora = sorted(table["corpus"].unique())
    fig, axes = _panels(len(corpora), rows=2)
    for col, corpus in enumerate(corpora):
        for model, rows in table[table["corpus"] == corpus].groupby("model", sort=False):
            axes[0, col].plot(rows["step"], rows["kl_share"], label=model)
            axes[1, col].plot(rows["step"], rows["elbo"], label=model)
        axes[0, col].set(title=corpus, ylabel="KL as % of objective")
        axes[1, col].set(xlabel="step", ylabel="ELBO (nats)")
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
