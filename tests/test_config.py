import copy

import pytest
import yaml
from conftest import REPO
from plan_paper import stub_corpora
from snakemake.utils import update_config

from textvae import config as tvc
from textvae.config import ConfigError
from textvae.experiments import a5


def smoke():
    """The smoke config, completed from the schema as the workflow completes it."""
    return tvc.prepare(yaml.safe_load((REPO / "configs" / "smoke.yaml").read_text()))


def test_grid_expansion_and_cells():
    cfg = smoke()
    assert tvc.experiment_models(cfg["experiments"]["A1"])[:2] == ["lstm-betac-C3", "lstm-betac-C10"]
    cells = tvc.all_cells(cfg)
    assert len(cells) == len(set(cells)) == 12 + 4  # A3's and C1's cells are A1's
    assert ("short", "lstm-autogen-m2") in cells


def test_train_seeds_repeat_each_model_with_its_own_seed():
    cfg = smoke()
    cfg["experiments"]["A3"]["train_seeds"] = [4, 7]
    assert tvc.experiment_models(cfg["experiments"]["A3"]) == [
        "gru-betac-C3-s4", "gru-betac-C3-s7", "gru-betac-C10-s4", "gru-betac-C10-s7"]
    seeded = tvc.cell_settings(cfg, "short", "gru-betac-C10-s7")
    assert seeded.seed == 7 and seeded.C == 10.0 and seeded.objective == "betac"
    assert tvc.cell_settings(cfg, "short", "gru-betac-C10").seed == cfg["defaults"]["seed"]
    tvc.check_config(cfg)
    cfg["experiments"]["A3"]["archs"] = ["rnn"]
    with pytest.raises(ConfigError, match="experiments.A3: model id 'rnn-betac-C3-s4'.*unknown architecture"):
        tvc.check_config(cfg)
    cfg["experiments"]["A3"]["archs"] = ["gru"]
    cfg["experiments"]["B1"]["train_seeds"] = [1]
    cfg["experiments"]["B1"]["models"] = ["lstm-vae-s3"]
    with pytest.raises(ConfigError, match="names a seed and the experiment gives train_seeds"):
        tvc.check_config(cfg)


def test_settings_precedence():
    cfg = smoke()
    cfg["cells"] = {"short/lstm-vae-anneal": {"lr": 0.5}}
    annealed = tvc.cell_settings(cfg, "short", "lstm-vae-anneal")
    assert annealed.lr == 0.5 and annealed.word_dropout == 0.3 and annealed.anneal == "linear"
    assert tvc.cell_settings(cfg, "short", "lstm-vae").anneal is None
    assert tvc.cell_settings(cfg, "short", "lstm-betac-C3").word_dropout == 0.0


def test_patterns_set_settings_by_model_id_in_order_under_experiments_and_cells():
    cfg = smoke()
    cfg["patterns"] = {"cnn-*": {"lr": 0.5, "batch_size": 7}, "*-betac-*": {"batches": "random", "lr": 0.25}}
    cfg["cells"] = {"short/cnn-betac-C3": {"batch_size": 9}}
    cnn = tvc.cell_settings(cfg, "short", "cnn-betac-C3")
    assert (cnn.lr, cnn.batch_size, cnn.batches) == (0.25, 9, "random")  # the later pattern, then the cell
    other = tvc.cell_settings(cfg, "long", "cnn-betac-C3")
    assert (other.batch_size, other.lr) == (7, 0.25)
    lstm = tvc.cell_settings(cfg, "short", "lstm-betac-C3")
    assert (lstm.lr, lstm.batches) == (0.25, "random")
    vae = tvc.cell_settings(cfg, "short", "lstm-vae-anneal")
    assert (vae.batches, vae.lr, vae.word_dropout) == ("bucketed", cfg["defaults"]["lr"], 0.3)  # B1's own settings
    cfg["experiments"]["B1"]["settings"]["lr"] = 0.125
    cfg["patterns"]["lstm-vae*"] = {"lr": 1.0}
    assert tvc.cell_settings(cfg, "short", "lstm-vae").lr == 0.125  # an experiment's settings over a pattern


def test_a_patterns_change_changes_the_settings_of_its_cells_only():
    """The train jobs' params are the cells' settings as plain values: a pattern's new lr
    changes those of the cells it matches and of no other (so the params trigger reruns them)."""
    before = smoke()
    after = copy.deepcopy(before)
    after["patterns"] = {"cnn-*": {"lr": 0.0001}}
    changed = {cell for cell in tvc.all_cells(before)
               if tvc.cell_settings(before, *cell) != tvc.cell_settings(after, *cell)}
    assert changed == {cell for cell in tvc.all_cells(before) if cell[1].startswith("cnn-")} != set()


def test_the_paper_config_trains_the_authors_cnn_and_batches():
    """configs/paper.yaml: the cnn cells build the authors' ConvLM decoder, with its dropout on at
    evaluation, and train at the public code's 7.5e-4 as the LSTM and GRU cells do; beta_C cells
    on random batches, the others, and A5's language models (which have no KL term), on bucketed ones."""
    from textvae.models import ConvLMBlock
    from textvae.training import new_model

    paper = tvc.prepare(yaml.safe_load((REPO / "configs" / "paper.yaml").read_text()), files=False)
    cnn = tvc.cell_settings(paper, "yahoo", "cnn-betac-C10")
    assert (cnn.lr, cnn.batches, cnn.cnn_dropout, cnn.cnn_eval_dropout) == (0.00075, "random", 0.1, True)
    decoder = new_model(cnn, vocab_size=100).decoder
    assert [type(b) for b in decoder.blocks] == [ConvLMBlock, ConvLMBlock] and decoder.receptive_field == 39
    for arch in ("lstm", "gru"):
        rnn = tvc.cell_settings(paper, "yelp", f"{arch}-betac-C10")
        assert (rnn.lr, rnn.batches) == (0.00075, "random")
    assert tvc.cell_settings(paper, "bookcorpus", "lstm-autogen-m1").batches == "bucketed"
    assert a5_lm(paper, "cbt", "lstm-betac-C3", 1).batches == "bucketed"


def a5_lm(config, corpus, model_id, seed):
    """The settings of A5's LM: config.lm_settings with A5's overrides passed in."""
    return tvc.lm_settings(config, corpus, model_id, seed, a5.lm_overrides(config["experiments"]["A5"]))


def test_an_lm_of_a5_has_the_cells_decoder_sizes_and_a5s_training():
    cfg = smoke()
    cfg["cells"] = {"short/lstm-betac-C3": {"hidden": 24, "word_dropout": 0.2}}
    cfg["experiments"]["A5"]["lm"] = {"epochs": 3, "lr": 0.01}
    lm = a5_lm(cfg, "short", "lstm-betac-C3", 5)
    cell = tvc.cell_settings(cfg, "short", "lstm-betac-C3")
    assert (lm.arch, lm.objective, lm.z, lm.C, lm.anneal, lm.seed) == ("lstm", "lm", 0, 0.0, None, 5)
    assert (lm.hidden, lm.emb, lm.word_dropout, lm.epochs, lm.lr) == (24, cell.emb, 0.0, 3, 0.01)
    assert (cell.word_dropout, cell.epochs, cell.z) == (0.2, 2, 4)


def test_settings_refuse_a_name_the_library_does_not_know():
    values = dict(tvc.cell_values(smoke(), "short", "lstm-betac-C3"), precision="fp16")
    with pytest.raises(ValueError, match=r"settings: precision 'fp16' is not one of \('fp32', 'tf32', 'bf16'\)"):
        tvc.model_settings(values, "lstm-betac-C3")


def test_paper_settings_are_the_schemas_defaults():
    paper = tvc.paper_settings("cnn-betac-C50", batch_size=64)
    assert (paper.emb, paper.hidden, paper.z, paper.cnn_channels, paper.lr) == (256, 512, 64, 512, 0.00075)
    assert (paper.arch, paper.C, paper.batch_size, paper.anneal) == ("cnn", 50.0, 64, None)
    assert tvc.paper_settings("lstm-vae-anneal").anneal == "sigmoid"


def check(cfg):
    tvc.check_config(cfg)


@pytest.mark.parametrize("edit, message", [
    (lambda c: c["experiments"]["A1"].update(corpora=["yelp"]), "corpus 'yelp' is not defined"),
    (lambda c: c["experiments"]["A1"].update(C=[]), "experiments.A1: the grid is empty"),
    (lambda c: c["experiments"]["B1"].update(models=["lstm-vae-X"]), "not of the form"),
    (lambda c: c["corpora"].update(real={"path": "/no/such/file.txt"}),
     "corpora.real.path: file '/no/such/file.txt' does not exist"),
    (lambda c: c.update(cells={"short/gru-betac-C99": {"lr": 1.0}}), "cells.short/gru-betac-C99: no experiment"),
    (lambda c: c["experiments"]["A3"].update(settings={"lr": 0.1}), "in experiments A1 and A3 with different settings"),
    (lambda c: c.update(cells={"yelp/lstm-vae": {"lr": 1.0}}), "cells.yelp/lstm-vae: corpus 'yelp' is not defined"),
    (lambda c: c["experiments"]["A4"].update(schemes=["greedy", "top100"]),
     "experiments.A4.schemes: decoding scheme 'top100' is not defined under decoding.schemes"),
    (lambda c: c["decoding"]["schemes"].update(top3={"method": "topk"}),
     "decoding.schemes.top3: method topk needs 'k'"),
    (lambda c: c["experiments"]["B1"].update(models=["transformer-vae"]), "unknown architecture 'transformer'"),
    (lambda c: c["experiments"]["B1"].update(models=["lstm-elbo"]), "unknown objective 'elbo'"),
    (lambda c: c["experiments"]["A6"].update(pairs="/no/such/folder"),
     "experiments.A6.pairs: folder '/no/such/folder' does not exist"),
    (lambda c: c.update(patterns={"transformer-*": {"lr": 1.0}}),
     r"patterns.transformer-\*: matches no model id of the config's cells"),
    # 10 cells on corpus short: a check over them fails one beyond 0.05 / 10, below 2 / 300
    (lambda c: c["bootstrap"].update(replicates=299),
     r"bootstrap.replicates: 299 give p-values of at least 2 / 300, too coarse for a check over the 10 cells of "
     r"corpus 'short' to fail at 5 % \(Bonferroni\); expected at least 400"),
])
def test_config_errors_name_the_key(edit, message):
    cfg = copy.deepcopy(smoke())
    edit(cfg)
    with pytest.raises(ConfigError, match=message):
        tvc.check_config(cfg)


def test_tensorboard_without_its_package_is_refused_before_any_job(monkeypatch):
    cfg = dict(copy.deepcopy(smoke()), tensorboard=True)
    tvc.check_config(cfg)  # installed with the test extra
    real = tvc.importlib.util.find_spec
    monkeypatch.setattr(tvc.importlib.util, "find_spec", lambda name: None if name == "tensorboard" else real(name))
    with pytest.raises(ConfigError, match="tensorboard: true needs the tensorboard package"):
        tvc.check_config(cfg)
    tvc.check_config(dict(cfg, tensorboard=False))


def shipped(*names: str) -> dict:
    """The configs `names` merged in order, as `--configfile a.yaml b.yaml` merges them."""
    cfg = {}
    for name in names:
        update_config(cfg, yaml.safe_load((REPO / name).read_text()))
    return cfg


@pytest.mark.parametrize("names", [["config.yaml"], ["configs/smoke.yaml"], ["configs/paper.yaml"],
                                   ["configs/budget.yaml"], ["configs/budget.yaml", "configs/budget-cpu.yaml"]])
def test_shipped_configs_pass_the_schema_and_checks(names, tmp_path, monkeypatch):
    cfg = tvc.prepare(shipped(*names), files=False)
    run = tmp_path / "run"  # the corpus files, stubbed where the config expects them (../shared too)
    run.mkdir()
    monkeypatch.chdir(run)
    stub_corpora(cfg, run)
    tvc.check_config(cfg)
    name = names[-1]
    if name == "configs/paper.yaml":
        # A1: 2 corpora x 3 archs x 10 C; A2: 3 corpora x 3 C; A3 adds gru-C5 (gru-C100 is
        # A1's); A4 uses A2's cells on CBT; A6 its own 2 C on its Wikipedia; B1-B5: 4 models;
        # each 3 training seeds; and B4's reference LM on BookCorpus
        assert len(tvc.all_cells(cfg)) == 3 * (60 + 9 + 2 + 2 + 4) + 1
        assert tvc.cell_settings(cfg, "yahoo", "cnn-betac-C100-s2").cnn_width == 20
    if name == "configs/budget.yaml":
        # A1: 2 corpora x 3 archs x 4 C; A2: 3 corpora x 3 C (A4, A5 reuse CBT's and all); A3's
        # gru cells are A1's; A6 2 C on its own corpus; B1-B5: 4 models; 3 seeds; B4's LM on CBT
        assert len(tvc.all_cells(cfg)) == 3 * (24 + 9 + 2 + 4) + 1
        assert tvc.cell_settings(cfg, "yahoo", "cnn-betac-C30-s2").epochs == 2
    if name == "configs/budget-cpu.yaml":  # A1-A3 on Yahoo, the B models on CBT, one seed
        assert set(cfg["experiments"]) == {"A1", "A2", "A3", "B1", "B2", "B3", "B4", "B5"}
        assert sorted(tvc.all_cells(cfg)) == sorted(
            [("yahoo", f"lstm-betac-C{C}-s1") for C in (5, 30, 100)]
            + [("cbt", f"lstm-{m}-s1") for m in ("vae", "vae-anneal", "autogen-m1", "autogen-m2")]
            + [("cbt", "lstm-lm")])


def test_c_ramps_over_at_least_1300_steps_of_64_on_every_corpus_of_the_budget_config(tmp_path):
    """configs/budget.yaml's corpus settings: each corpus's training split (its sentence count
    measured on ../shared/corpora) gives C's ramp at least 1,300 steps of 64 sentences."""
    cfg = tvc.prepare(shipped("configs/budget.yaml"), files=False)
    train_sentences = {"yahoo": 76_311, "yelp": 16_056, "cbt": 13_573, "wiki": 14_466, "wiki_syntax": 14_106,
                       "webtext": 24_872}  # the training splits prepare_corpus wrote from ../shared/corpora
    for corpus, model_id in tvc.all_cells(cfg):
        settings = tvc.cell_settings(cfg, corpus, model_id)
        if settings.objective == "betac":
            assert train_sentences[corpus] / 64 * settings.c_ramp_epochs >= 1300, (corpus, model_id)
            assert settings.epochs >= settings.c_ramp_epochs


def test_a_corpus_settings_sit_over_the_defaults_and_under_patterns_experiments_and_cells():
    cfg = smoke()
    cfg["corpora"]["short"]["settings"] = {"epochs": 7, "lr": 0.5, "batch_size": 3, "word_dropout": 0.1}
    cfg["patterns"] = {"cnn-*": {"lr": 0.25}}
    cfg["cells"] = {"short/lstm-betac-C3": {"batch_size": 9}}
    lstm = tvc.cell_settings(cfg, "short", "lstm-betac-C3")
    assert (lstm.epochs, lstm.lr, lstm.batch_size, lstm.word_dropout) == (7, 0.5, 9, 0.1)
    assert tvc.cell_settings(cfg, "short", "cnn-betac-C3").lr == 0.25  # a pattern over the corpus
    assert tvc.cell_settings(cfg, "short", "lstm-vae").word_dropout == 0.3  # B1's settings over the corpus
    assert tvc.cell_settings(cfg, "long", "lstm-betac-C3").epochs == cfg["defaults"]["epochs"]


def test_an_experiment_set_to_null_by_a_later_config_is_not_run():
    cfg = shipped("configs/smoke.yaml")
    update_config(cfg, {"experiments": {"A4": None, "A5": None, "B1": {"models": ["lstm-vae"]}}})
    tvc.prepare(cfg)
    assert "A4" not in cfg["experiments"] and "A5" not in cfg["experiments"]
    assert cfg["experiments"]["B1"]["models"] == ["lstm-vae"] and "A6" in cfg["experiments"]


@pytest.mark.parametrize("change, expected", [
    (lambda c: c["defaults"].update(learning_rate=0.1),
     "defaults: Additional properties are not allowed ('learning_rate' was unexpected)"),
    (lambda c: c["defaults"].update(lr="fast"), "defaults.lr: 'fast' is not of type 'number'"),
    (lambda c: c["experiments"]["A1"].update(C=[3, -1]), "experiments.A1.C.1: -1 is less than the minimum of 0"),
    (lambda c: c["experiments"]["A1"].update(archs=["lstm", "transformer"]),
     "experiments.A1.archs.1: 'transformer' is not one of ['lstm', 'gru', 'cnn']"),
    (lambda c: c["experiments"]["A1"].update(objective="elbo"), "experiments.A1.objective: 'elbo' is not one of"),
    (lambda c: c["decoding"]["schemes"]["greedy"].update(method="sampling"),
     "decoding.schemes.greedy.method: 'sampling' is not one of"),
    (lambda c: c["experiments"].update(B6={"corpora": ["short"]}),
     "experiments: Additional properties are not allowed ('B6' was unexpected)"),
    (lambda c: c["experiments"]["A1"].update(objective="autogen", m=[-0.5]),
     "experiments.A1.m.0: -0.5 is less than the minimum of 0"),
    (lambda c: c["defaults"].update(batches="sorted"),
     "defaults.batches: 'sorted' is not one of ['bucketed', 'random']"),
    (lambda c: c.update(patterns={"cnn-*": {"learning_rate": 1.0}}),
     "patterns.cnn-*: Additional properties are not allowed ('learning_rate' was unexpected)"),
])
def test_schema_errors_are_one_line_naming_key_value_and_expectation(change, expected):
    schema = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
    cfg = copy.deepcopy(smoke())
    change(cfg)
    message = tvc.schema_error(cfg, schema)
    assert message.startswith(expected) and "\n" not in message
    assert tvc.schema_error(smoke(), schema) is None
