"""The library behind the pipeline that reproduces the beta_C-VAE and AutoGen experiments.

The beta_C-VAE is Prokhorov et al. (2019), AutoGen Mansbridge et al. (2018).  Modules:
- data: grammar, english (the built-in grammar), corpora, batching;
- models and training: settings (a cell's settings, typed), models, objectives, training,
  precision, device;
- measuring: evaluation, metrics, bootstrap, decoding, generation, scores, judges (B4's), fce,
  syntax;
- deciding: stats (intervals, paired tests, trends, the false discovery control), claims (the
  rules per paper: claims.paper_a, claims.paper_b, claims.implied);
- reporting: paper, tables, figures;
- the workflow's glue: config, experiments (the registry of experiments), scripting;
- using a trained model: api (`textvae.load`), cards (what a model folder holds besides its
  weights), cli (the `textvae` command, also `python -m textvae`)."""


def __getattr__(name: str):
    """`textvae.load` (textvae.api.load), imported lazily, on first use.

    `import textvae` stays free of
    torch, which the workflow's config checks at every snakemake start do without."""
    if name == "load":
        from .api import load

        return load
    raise AttributeError(f"module 'textvae' has no attribute {name!r}")
