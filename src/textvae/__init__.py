"""textvae: the library behind the pipeline that reproduces the beta_C-VAE (Prokhorov et al.
2019) and AutoGen (Mansbridge et al. 2018) experiments.  Modules:
- data: grammar, english (the built-in grammar), corpora, batching;
- models and training: settings (a cell's settings, typed), models, objectives, training,
  precision, device;
- measuring: evaluation, metrics, bootstrap, decoding, generation, scores, judges (B4's), fce,
  syntax;
- deciding: stats (intervals, paired tests, trends, the false discovery control), claims (the
  rules per paper: claims.paper_a, claims.paper_b, claims.implied);
- reporting: paper, tables, figures;
- the workflow's glue: config, experiments (the registry of experiments), scripting."""
