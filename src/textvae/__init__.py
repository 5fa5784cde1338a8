"""The library behind the pipeline that reproduces the beta_C-VAE and AutoGen experiments.

The beta_C-VAE is Prokhorov et al. (2019), AutoGen Mansbridge et al. (2018).  `textvae.load`
(textvae.api) loads a trained model.  The modules, by role: docs/design.md#textvae.
"""


def __getattr__(name: str):
    """`textvae.load` (textvae.api.load), imported lazily, on first use, keeping `import textvae` torch-free."""
    if name == "load":
        from .api import load

        return load
    raise AttributeError(f"module 'textvae' has no attribute {name!r}")
