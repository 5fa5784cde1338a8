"""textvae: the library behind the pipeline that reproduces the beta_C-VAE (Prokhorov et al.
2019) and AutoGen (Mansbridge et al. 2018) experiments.  Modules:
- data: grammar, english (the built-in grammar), corpora, batching;
- models and training: settings (a cell's settings, typed), models, objectives, training,
  precision, device;
- measuring: evaluation, metrics, bootstrap, decoding, generation, scores, fce, syntax;
- reporting: claims, paper, tables, figures;
- the workflow's glue: config, experiments (the registry of experiments), scripting."""
