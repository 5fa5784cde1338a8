"""Each workflow script through its main function, on tiny inputs."""

import hashlib

import pandas as pd
import pytest
import yaml

from conftest import REPO, Files, job, load_script
from textvae import config as tvc

SMOKE = yaml.safe_load((REPO / "configs" / "smoke.yaml").read_text())
TEXT_CORPUS = dict(format="lines", text_field="text", lowercase=True, tokenized=True, split_sentences=None,
                   min_len=1, max_len=20, vocab_size=10, unk_markers=["_UNK"], encoding_errors="strict",
                   seed=1, split={"valid": 0.2, "test": 0.2}, limit={})


def split_outputs(folder):
    return Files(**{s: str(folder / f"{s}.parquet") for s in ("train", "valid", "test", "vocab")})


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The smoke config's short corpus, prepared by the prepare_corpus script."""
    folder = tmp_path_factory.mktemp("data")
    spec = dict(SMOKE["corpora"]["short"], sizes={"train": 60, "valid": 5, "test": 12})
    load_script("prepare_corpus").main(job(output=split_outputs(folder), params=dict(corpus=spec, name="short")))
    return folder


def test_prepare_builtin_corpus(corpus):
    test = pd.read_parquet(corpus / "test.parquet")
    vocab = pd.read_parquet(corpus / "vocab.parquet")
    assert len(test) == 12 and (test["logp_true"] < 0).all()
    assert len(pd.read_parquet(corpus / "train.parquet")) == 60
    assert len(vocab) == 4 + 316  # every grammar word, seen or not


def test_prepare_text_corpus(tmp_path):
    source = tmp_path / "corpus.txt"
    source.write_text("".join(f"The cat number{i % 3} sat _UNK .\n" for i in range(50)))
    load_script("prepare_corpus").main(job(input=[str(source)], output=split_outputs(tmp_path),
                                           params=dict(corpus=TEXT_CORPUS, name="cats")))
    train = pd.read_parquet(tmp_path / "train.parquet")
    assert len(train) == 30 and train["text"].iloc[0].startswith("the cat number")
    assert "<unk>" in train["text"].iloc[0]
    assert len(pd.read_parquet(tmp_path / "vocab.parquet")) == 10


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    settings = dict(tvc.cell_params(SMOKE, "short", "lstm-betac-C3"), epochs=1)
    load_script("train").main(job(
        input=dict(train=str(corpus / "train.parquet"), valid=str(corpus / "valid.parquet"),
                   vocab=str(corpus / "vocab.parquet")),
        output=dict(model=str(folder / "model.pt"), history=str(folder / "history.parquet")),
        params=dict(settings=settings, cell="short/lstm-betac-C3")))
    return folder


def test_train_writes_model_and_history(trained):
    history = pd.read_parquet(trained / "history.parquet")
    assert history["step"].iloc[-1] == 2  # 60 sentences in batches of 32
    held_out = history["held_out_elbo"]
    assert (held_out == history["held_out_reconstruction"] - history["held_out_kl"]).all() and (held_out < 0).all()
    assert (trained / "model.pt").exists() and (trained / "checkpoint.pt").exists()


def test_evaluate_and_tables(corpus, trained, tmp_path):
    summary = tmp_path / "summary.parquet"
    load_script("evaluate").main(job(
        input=dict(model=str(trained / "model.pt"), test=str(corpus / "test.parquet"),
                   vocab=str(corpus / "vocab.parquet")),
        output=dict(summary=str(summary)),
        params=dict(evaluation=SMOKE["evaluation"], cell="short/lstm-betac-C3")))
    row = pd.read_parquet(summary).iloc[0]
    assert row["model"] == "lstm-betac-C3" and row["C"] == 3.0 and row["n_sentences"] == 12
    assert row["elbo"] == pytest.approx(-(row["distortion"] + row["rate"]))
    assert row["bound_ok"] and row["distortion"] + row["rate"] >= row["entropy"]
    assert row["iw_nll"] > 0 and row["perplexity"] > 1

    out = dict(parquet=str(tmp_path / "t.parquet"), md=str(tmp_path / "t.md"))
    load_script("summary_table").main(job(input=[str(summary), str(summary)], output=out,
                                          params=dict(columns=["corpus", "C", "rate", "missing"], title="T")))
    table = pd.read_parquet(out["parquet"])
    assert list(table.columns) == ["corpus", "C", "rate", "missing"] and len(table) == 2
    assert (tmp_path / "t.md").read_text().startswith("# T\n\n| corpus")


def test_autogen_table_and_figures(trained, tmp_path):
    out = dict(parquet=str(tmp_path / "b1.parquet"), md=str(tmp_path / "b1.md"))
    history = str(trained / "history.parquet")
    load_script("autogen_training_table").main(job(
        input=[history, history], output=out,
        params=dict(cells=[("short", "lstm-vae"), ("short", "lstm-autogen-m1")], title="B1")))
    table = pd.read_parquet(out["parquet"])
    assert list(table.columns[:3]) == ["corpus", "model", "step"] and "tokens_per_s" not in table
    assert table["model"].tolist().count("lstm-autogen-m1") == len(table) // 2
    figure = dict(png=str(tmp_path / "b1.png"), pdf=str(tmp_path / "b1.pdf"))
    load_script("figure").main(job(input=[out["parquet"]], output=figure, params=dict(kind="autogen_training")))
    assert (tmp_path / "b1.png").stat().st_size > 1000 and (tmp_path / "b1.pdf").exists()


def test_rate_distortion_figures(tmp_path):
    table = pd.DataFrame(dict(corpus=["a", "a", "b", "b"], arch=["lstm"] * 4, C=[3.0, 10.0, 3.0, 10.0],
                              rate=[3.1, 9.9, 3.0, 10.1], distortion=[20.0, 15.0, 30.0, 22.0],
                              logdetcov=[-1.0, -5.0, -2.0, -6.0]))
    table.to_parquet(tmp_path / "rd.parquet")
    for kind in ("rate_distortion", "logdetcov"):
        out = dict(png=str(tmp_path / f"{kind}.png"), pdf=str(tmp_path / f"{kind}.pdf"))
        load_script("figure").main(job(input=[str(tmp_path / "rd.parquet")], output=out, params=dict(kind=kind)))
        assert (tmp_path / f"{kind}.png").stat().st_size > 1000


def test_download_checks_the_sha256(tmp_path):
    source = tmp_path / "src.txt"
    source.write_text("a b c\n")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    target = tmp_path / "got.txt"
    load_script("download").main(job(output=[str(target)], params=dict(url=source.as_uri(), sha256=digest)))
    assert target.read_text() == "a b c\n"
    wrong = tmp_path / "wrong.txt"
    with pytest.raises(ValueError, match="sha256 is .* the config expects 0000"):
        load_script("download").main(job(output=[str(wrong)], params=dict(url=source.as_uri(), sha256="0" * 64)))
    assert not wrong.exists()


def test_a_failing_script_logs_its_traceback_and_prints_one_error_line(tmp_path, capsys):
    from textvae.scripting import run

    def main(smk):
        print("working")
        raise ValueError("corpus.txt, line 3: not valid JSON")

    smk = job()
    smk.log = [str(tmp_path / "job.log")]
    with pytest.raises(SystemExit) as exit_:
        run(main, smk)
    assert exit_.value.code == 1
    log = (tmp_path / "job.log").read_text()
    assert log.startswith("working\n") and "Traceback" in log
    assert capsys.readouterr().err == "error: corpus.txt, line 3: not valid JSON\n"
