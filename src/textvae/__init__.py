"""textvae: the library behind the pipeline that reproduces the beta_C-VAE (Prokhorov et al.
2019) and AutoGen (Mansbridge et al. 2018) experiments.  Modules: grammar, english, corpora,
batching, models, objectives, training, precision, evaluation, metrics, bootstrap, decoding,
generation, scores, fce, syntax, claims, paper, device, config, tables, figures, scripting."""
