"""Each workflow script through its main function, on tiny inputs."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, replace

import numpy as np
import pandas as pd
import pytest
import torch
import yaml
from conftest import REPO, Files, job, load_script

from textvae import config as tvc
from textvae.experiments import a5

SMOKE = tvc.prepare(yaml.safe_load((REPO / "configs" / "smoke.yaml").read_text()))
TEXT_CORPUS = dict(format="lines", text_field="text", lowercase=True, tokenized=True, split_sentences=None,
                   min_len=1, max_len=20, vocab_size=10, unk_markers=["_UNK"], encoding_errors="strict", split_chars="",
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
    settings = asdict(replace(tvc.cell_settings(SMOKE, "short", "lstm-betac-C3"), epochs=1))
    load_script("train").main(job(
        input=dict(train=str(corpus / "train.parquet"), valid=str(corpus / "valid.parquet"),
                   vocab=str(corpus / "vocab.parquet")),
        output=dict(model=str(folder / "model.pt"), history=str(folder / "history.parquet"),
                    held_out=str(folder / "held_out.parquet")),
        params=dict(settings=settings),
        wildcards=dict(corpus="short", model="lstm-betac-C3")))
    return folder


def test_train_writes_model_and_history(trained):
    history = pd.read_parquet(trained / "history.parquet")
    assert history["step"].iloc[-1] == 2  # 60 sentences in batches of 32
    held_out = history["held_out_elbo"]
    assert (held_out == history["held_out_reconstruction"] - history["held_out_kl"]).all() and (held_out < 0).all()
    assert (trained / "model.pt").exists() and not (trained / "checkpoint.pt").exists()  # removed once done
    sentences = pd.read_parquet(trained / "held_out.parquet")  # each of the 5 held-out sentences at each row
    assert len(sentences) == 5 * len(history) and sentences["sentence"].nunique() == 5
    means = sentences.groupby("step")["elbo"].mean()
    assert means.to_numpy() == pytest.approx(held_out.to_numpy(), rel=1e-5)


def test_train_writes_tensorboard_files_under_the_results_folder_when_asked(corpus, tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    settings = asdict(replace(tvc.cell_settings(SMOKE, "short", "lstm-betac-C3"), epochs=1))
    load_script("train").main(job(
        input=dict(train=str(corpus / "train.parquet"), valid=str(corpus / "valid.parquet"),
                   vocab=str(corpus / "vocab.parquet")),
        output=dict(model=str(tmp_path / "m" / "model.pt"), history=str(tmp_path / "m" / "history.parquet")),
        params=dict(settings=settings), config=dict(results=str(tmp_path / "results"), tensorboard=True),
        wildcards=dict(corpus="short", model="lstm-betac-C3")))
    history = pd.read_parquet(tmp_path / "m" / "history.parquet")
    events = EventAccumulator(str(tmp_path / "results" / "tensorboard" / "short" / "lstm-betac-C3")).Reload()
    assert [e.value for e in events.Scalars("held_out_kl")] == pytest.approx(list(history["held_out_kl"]))


def test_a_model_card_of_a_raw_text_corpus_makes_the_api_tokenise_as_syntok(corpus, trained, tmp_path):
    """The card of a cell whose corpus was raw text, lower-cased: a new sentence is tokenised
    and lower-cased as the corpus reader does it; the card holds the cell's key metrics."""
    import textvae
    from textvae.corpora import read_sentences

    folder = tmp_path / "cell"
    folder.mkdir()
    shutil.copy(trained / "model.pt", folder / "model.pt")
    raw = dict(TEXT_CORPUS, tokenized=False, lowercase=True)
    load_script("model_card").main(job(
        input=dict(model=str(folder / "model.pt"), history=str(trained / "history.parquet"),
                   train=str(corpus / "train.parquet"), vocab=str(corpus / "vocab.parquet")),
        output=dict(vocab=str(folder / "vocab.parquet"), card=str(folder / "card.json")),
        params=dict(corpus=raw, decoding=SMOKE["decoding"], evaluation=SMOKE["evaluation"]),
        wildcards=dict(corpus="web", model="lstm-betac-C3")))
    card = yaml.safe_load((folder / "card.json").read_text())
    assert card["preparation"] == dict(lowercase=True, tokenized=False, unk_markers=["_UNK"], split_chars="")
    last = pd.read_parquet(trained / "history.parquet").iloc[-1]
    assert card["metrics"] == pytest.approx({f"final_{k}": last[k] for k in ("reconstruction", "kl", "elbo",
                                                                             "held_out_elbo", "held_out_kl")})
    line = "The children can't run, Mr. Smith!"
    (tmp_path / "line.txt").write_text(line + "\n")
    expected = read_sentences(tmp_path / "line.txt", tokenized=False, lowercase=True)[0]
    assert expected == ["the", "children", "ca", "n't", "run", ",", "mr.", "smith", "!"]
    vae = textvae.load(folder, device="cpu")
    assert vae.tokens([line]) == [expected]
    assert vae.encode([line])["tokens"][0] == "the children <unk> <unk> run <unk> <unk> <unk> <unk>"


def test_evaluate_and_tables(corpus, trained, tmp_path):
    summary = tmp_path / "summary.parquet"
    load_script("evaluate").main(job(
        input=dict(model=str(trained / "model.pt"), test=str(corpus / "test.parquet"),
                   vocab=str(corpus / "vocab.parquet")),
        output=dict(summary=str(summary), bootstrap=str(tmp_path / "boot.parquet")),
        params=dict(evaluation=dict(SMOKE["evaluation"], batch_size=8, mi_posteriors=5), replicates=30),
        wildcards=dict(corpus="short", model="lstm-betac-C3")))
    row = pd.read_parquet(summary).iloc[0]
    boot = pd.read_parquet(tmp_path / "boot.parquet")
    assert list(boot["replicate"]) == list(range(30)) and (boot["model"] == "lstm-betac-C3").all()
    assert boot["distortion"].min() < row["distortion"] < boot["distortion"].max()
    assert row["model"] == "lstm-betac-C3" and row["C"] == 3.0 and row["n_sentences"] == 12
    # MI from a mixture of 5 of the 12 posteriors: at most log 5 (and near 0 here, R = 0.08: an
    # estimate that may fall below 0 by its noise); R - MI is the rest of the rate
    assert -3 * row["mi_se"] <= row["mi"] <= np.log(5) + 1e-9
    assert row["rate_minus_mi"] == pytest.approx(row["rate"] - row["mi"])
    assert row["elbo"] == pytest.approx(-(row["distortion"] + row["rate"]))
    assert row["bound_ok"] and row["distortion"] + row["rate"] >= row["entropy"]
    assert row["iw_nll"] > 0 and row["perplexity"] > 1

    out = dict(parquet=str(tmp_path / "t.parquet"), md=str(tmp_path / "t.md"), bootstrap=str(tmp_path / "tb.parquet"))
    load_script("summary_table").main(job(
        input=dict(summaries=[str(summary), str(summary)], bootstrap=[str(tmp_path / "boot.parquet")] * 2),
        output=out, params=dict(columns=["corpus", "C", "rate", "missing"], title="T")))
    table = pd.read_parquet(out["parquet"])
    assert list(table.columns) == ["corpus", "C", "rate", "missing"] and len(table) == 2
    assert len(pd.read_parquet(out["bootstrap"])) == 60
    assert (tmp_path / "t.md").read_text().startswith("# T\n\n| corpus")


def test_autogen_table_and_figures(trained, tmp_path):
    out = dict(parquet=str(tmp_path / "b1.parquet"), md=str(tmp_path / "b1.md"), bootstrap=str(tmp_path / "b.parquet"))
    history, held_out = str(trained / "history.parquet"), str(trained / "held_out.parquet")
    load_script("history_table").main(job(
        input=dict(histories=[history, history], held_out=[held_out, held_out]), output=out,
        params=dict(cells=[("short", "lstm-vae"), ("short", "lstm-autogen-m1")], title="B1", replicates=50, seed=1)))
    table = pd.read_parquet(out["parquet"])
    assert list(table.columns[:3]) == ["corpus", "model", "step"] and "tokens_per_s" not in table
    assert table["model"].tolist().count("lstm-autogen-m1") == len(table) // 2
    assert (table["held_out_sentences"] == 5).all()
    falls = pd.read_parquet(out["bootstrap"])
    assert len(falls) == 100 and set(falls.columns) == {"corpus", "model", "replicate", "fall"}
    figure = dict(png=str(tmp_path / "b1.png"), pdf=str(tmp_path / "b1.pdf"))
    load_script("figure").main(job(input=[out["parquet"]], output=figure, params=dict(kind="autogen_training")))
    assert (tmp_path / "b1.png").stat().st_size > 1000 and (tmp_path / "b1.pdf").exists()


def test_rate_distortion_figures(tmp_path):
    table = pd.DataFrame(dict(corpus=["a", "a", "b", "b"], arch=["lstm"] * 4, C=[3.0, 10.0, 3.0, 10.0],
                              model=["lstm-betac-C3", "lstm-betac-C10"] * 2,
                              rate=[3.1, 9.9, 3.0, 10.1], distortion=[20.0, 15.0, 30.0, 22.0],
                              logdetcov=[-1.0, -5.0, -2.0, -6.0]))
    table.to_parquet(tmp_path / "rd.parquet")
    for kind in ("rate_distortion", "logdetcov"):
        out = dict(png=str(tmp_path / f"{kind}.png"), pdf=str(tmp_path / f"{kind}.pdf"))
        load_script("figure").main(job(input=[str(tmp_path / "rd.parquet")], output=out, params=dict(kind=kind)))
        assert (tmp_path / f"{kind}.png").stat().st_size > 1000


def test_figures_pool_the_training_seeds():
    """Two seeds of each C: one point per C at the mean, with the t interval over the seeds
    (t(0.975, 1) = 12.706 x sd / sqrt(2)) as its error bar."""
    from textvae import figures

    table = pd.DataFrame(dict(corpus="a", arch="lstm", C=[3.0, 3.0, 10.0, 10.0], rate=[3.0, 3.2, 10.0, 10.2],
                              model=["lstm-betac-C3-s1", "lstm-betac-C3-s2", "lstm-betac-C10-s1", "lstm-betac-C10-s2"],
                              distortion=[20.0, 22.0, 15.0, 15.0], logdetcov=-1.0))
    (container,) = figures.rate_distortion(table).axes[0].containers  # one line: the architecture's
    data, _, (x_bars, y_bars) = container.lines
    assert data.get_ydata().tolist() == [21.0, 15.0] and data.get_xdata().tolist() == pytest.approx([3.1, 10.1])
    assert [b[1][1] - b[0][1] for b in y_bars.get_segments()] == pytest.approx([2 * 12.706, 0.0], abs=1e-2)
    assert [b[1][0] - b[0][0] for b in x_bars.get_segments()] == pytest.approx([2 * 1.2706, 2 * 1.2706], abs=1e-3)


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


def test_a_job_that_loaded_torch_ends_without_teardown_and_a_test_returns(tmp_path):
    """In Snakemake's process (its __main__ holds `snakemake`) run() ends the process with exit
    code 0 once main's output is written, so exit handlers never run; in a test it returns."""
    from textvae.scripting import run

    script = tmp_path / "job.py"
    script.write_text(
        "import atexit, pathlib, types, torch\n"
        "from textvae.scripting import run\n"
        f"out = pathlib.Path({str(tmp_path)!r})\n"
        "atexit.register(lambda: (out / 'teardown.txt').write_text('ran'))\n"
        "snakemake = types.SimpleNamespace(log=[str(out / 'job.log')], threads=1, config={})\n"
        "run(lambda smk: (out / 'output.txt').write_text('done'), snakemake)\n"
        "(out / 'after.txt').write_text('run returned')\n")
    job_run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                             env=dict(os.environ, PYTHONPATH=str(REPO / "src")))
    assert job_run.returncode == 0, job_run.stderr
    assert (tmp_path / "output.txt").read_text() == "done"
    assert not (tmp_path / "after.txt").exists() and not (tmp_path / "teardown.txt").exists()

    smk = job()
    smk.log = [str(tmp_path / "test.log")]
    assert run(lambda _: (tmp_path / "in_test.txt").write_text("done"), smk) is None
    assert (tmp_path / "in_test.txt").read_text() == "done"


def test_reconstruct_posterior_mean_greedy_and_filtered_beam(corpus, trained, tmp_path):
    from textvae.corpora import Vocab
    from textvae.decoding import decode
    from textvae.training import load_model

    inputs = dict(model=str(trained / "model.pt"), test=str(corpus / "test.parquet"),
                  vocab=str(corpus / "vocab.parquet"))
    greedy = dict(method="greedy", max_len=12)
    load_script("reconstruct").main(job(input=inputs, output=[str(tmp_path / "a2.parquet")], params=dict(
        scheme=greedy, z="mean", select=None, seed=1, batch_size=5),
        wildcards=dict(corpus="short", model="lstm-betac-C3")))
    a2 = pd.read_parquet(tmp_path / "a2.parquet")
    test = pd.read_parquet(corpus / "test.parquet")
    assert list(a2["source"]) == list(test["text"]) and list(a2["test_index"]) == list(range(12))
    # the first sentence by hand: greedy decoding of its posterior mean
    vocab, (model, _) = Vocab.from_frame(pd.read_parquet(corpus / "vocab.parquet")), load_model(trained / "model.pt")
    ids = vocab.encode(test["text"][0].split())
    mu, _ = model.encoder(torch.tensor([ids]), torch.tensor([len(ids)]))
    by_hand = decode(model.decoder, mu, vocab.bos, vocab.eos, **greedy)[0]
    assert a2["reconstruction"][0] == " ".join(vocab.decode(by_hand))

    load_script("reconstruct").main(job(input=inputs, output=[str(tmp_path / "b2.parquet")], params=dict(
        scheme=dict(method="beam", beam_width=3, max_len=12), z="sample",
        select=dict(n=3, min_len=5, max_len=7), seed=1, batch_size=5),
        wildcards=dict(corpus="short", model="lstm-vae")))
    b2 = pd.read_parquet(tmp_path / "b2.parquet")
    lengths = test["text"].str.split().str.len()
    assert list(b2["test_index"]) == [i for i in range(12) if 5 <= lengths[i] <= 7][:3]


def test_a2_scores_reconstructions_against_the_source_as_the_model_sees_it(corpus, trained, tmp_path):
    """A test sentence with a word outside the vocabulary: its reference holds <unk> there, and
    a reconstruction that reproduces the sentence with <unk> scores BLEU 100, not less."""
    test = pd.read_parquet(corpus / "test.parquet").head(3)
    words = test["text"][0].split()
    test.loc[0, "text"] = " ".join(["zebraphone"] + words[1:])
    test.to_parquet(tmp_path / "test.parquet")
    inputs = dict(model=str(trained / "model.pt"), test=str(tmp_path / "test.parquet"),
                  vocab=str(corpus / "vocab.parquet"))
    load_script("reconstruct").main(job(input=inputs, output=[str(tmp_path / "a2.parquet")], params=dict(
        scheme=dict(method="greedy", max_len=12), z="mean", select=None, seed=1, batch_size=5),
        wildcards=dict(corpus="short", model="lstm-betac-C3")))
    a2 = pd.read_parquet(tmp_path / "a2.parquet")
    assert a2["source"][0].split()[0] == "zebraphone"
    assert a2["reference"][0] == " ".join(["<unk>"] + words[1:])
    assert list(a2["reference"][1:]) == list(test["text"][1:])  # no unknown word: as it was
    a2["reconstruction"] = a2["reference"]  # a perfect reconstruction, as the model can make it
    a2.to_parquet(tmp_path / "perfect.parquet")
    pd.DataFrame([dict(C=3.0, z=8, distortion=1.0, rate=3.0, logdetcov=0.0, mu_norm2=0.0, active_units=1,
                       rate_minus_mi=2.0, mi=1.0)]).to_parquet(tmp_path / "summary.parquet")
    pd.DataFrame(dict(replicate=range(20), corpus="short", model="lstm-betac-C3", distortion=1.0)).to_parquet(
        tmp_path / "boot.parquet")
    out = dict(parquet=str(tmp_path / "cap.parquet"), md=str(tmp_path / "cap.md"),
               bootstrap=str(tmp_path / "cb.parquet"))
    load_script("capacity_table").main(job(
        input=dict(summaries=[str(tmp_path / "summary.parquet")], reconstructions=[str(tmp_path / "perfect.parquet")],
                   bootstrap=[str(tmp_path / "boot.parquet")]),
        output=out, params=dict(cells=[("short", "lstm-betac-C3")], replicates=20, seed=1, title="A2")))
    every = pd.read_parquet(out["parquet"]).set_index("bucket").loc["all"]
    assert every["bleu2"] == pytest.approx(100) and every["rouge2"] == pytest.approx(100)
    noise = pd.read_parquet(out["bootstrap"])  # a perfect reconstruction on every resample too
    assert len(noise) == 20 and np.allclose(noise[["bleu2", "rouge2", "rouge4"]], 100)
    assert (noise["distortion"] == 1).all()


def test_paths_table_counts_repeated_neighbours_and_how_alike_the_others_are(tmp_path):
    sentences = ["a b", "a b", "a c", "a c", "x y", "x y", "x y", "x y"]
    rows = pd.DataFrame(dict(corpus="c", model="m", C=3.0, scheme="greedy", path=[0] * 4 + [1] * 4,
                             point=[0, 1, 2, 3] * 2, t=0.0, sentence=sentences,
                             repeats_previous=[False, True, False, True, False, True, True, True]))
    rows.to_parquet(tmp_path / "cell.parquet")
    out = dict(parquet=str(tmp_path / "h.parquet"), counts=str(tmp_path / "hc.parquet"), md=str(tmp_path / "h.md"),
               paths=str(tmp_path / "hp.parquet"))
    load_script("paths_table").main(job(input=[str(tmp_path / "cell.parquet")], output=out, params=dict(title="A4")))
    counts = pd.read_parquet(out["counts"]).iloc[0]
    assert (counts["repeats"], counts["neighbours"], counts["distinct"]) == (5, 6, 3)
    assert counts["pct_repeats"] == pytest.approx(100 * 5 / 6)
    # one differing neighbour, "a b" -> "a c": 1 of 2 tokens matched in each, 2 x 1 / 4 = 0.5
    assert (counts["changes"], counts["neighbour_similarity"]) == (1, 0.5)
    # per path, which the exact tests pair: path 0 repeats 2 of its 3 neighbours, path 1 all 3 (no similarity)
    paths = pd.read_parquet(out["paths"]).set_index("path")
    assert paths["repeats"].tolist() == [2, 3] and paths["changes"].tolist() == [1, 0]
    assert paths.loc[0, "neighbour_similarity"] == 0.5 and np.isnan(paths.loc[1, "neighbour_similarity"])
    assert "## Decoded sentences" in (tmp_path / "h.md").read_text()


def test_preference_judge_by_sentence_bleu(tmp_path):
    sources = ["a b c d e", "f g h i j", "k l m n o", "p q r s t"]
    recon = {"good": ["a b c d e", "f g h i j", "x y z w v", "p q r s t"],
             "poor": ["a b x x x", "f g h i x", "x y z w v", "p q r s t"]}
    paths = []
    for model, hyps in recon.items():
        path = tmp_path / f"{model}.parquet"
        pd.DataFrame(dict(corpus="c", model=model, test_index=range(4), source=sources,
                          reference=sources, n_tokens=5, reconstruction=hyps)).to_parquet(path)
        paths.append(str(path))
    out = dict(parquet=str(tmp_path / "p.parquet"), md=str(tmp_path / "p.md"))
    load_script("autogen_preference_table").main(job(input=paths, output=out, params=dict(
        pairs=[["good", "poor"]], title="B3")))
    row = pd.read_parquet(out["parquet"]).iloc[0]
    # good wins sentences 0 and 1; 2 and 3 are ties
    assert (row["wins"], row["losses"], row["ties"], row["pct_wins"]) == (2, 0, 2, 100.0)
    assert row["p_value"] == pytest.approx(0.5)  # P(X in {0, 2}), X ~ Bin(2, 1/2)
    # with two training seeds, seed s of good meets seed s of poor: one row per seed
    seeded = []
    for seed, order in ((1, [0, 1, 2, 3]), (2, [1, 0, 2, 3])):
        for model, hyps in recon.items():
            mine = hyps if model == "poor" or seed == 1 else [hyps[i] for i in order]
            path = tmp_path / f"{model}-s{seed}.parquet"
            pd.DataFrame(dict(corpus="c", model=f"lstm-vae{'-anneal' if model == 'poor' else ''}-s{seed}",
                              test_index=range(4), source=sources, reference=sources, n_tokens=5,
                              reconstruction=mine)).to_parquet(path)
            seeded.append(str(path))
    load_script("autogen_preference_table").main(job(input=seeded, output=out, params=dict(
        pairs=[["lstm-vae", "lstm-vae-anneal"]], title="B3")))
    rows = pd.read_parquet(out["parquet"])
    # seed 2's good swaps sentences 0 and 1: it loses both to poor; 2 and 3 tie in both seeds
    assert rows["model"].tolist() == ["lstm-vae-s1", "lstm-vae-s2"]
    assert rows["versus"].tolist() == ["lstm-vae-anneal-s1", "lstm-vae-anneal-s2"]
    assert (rows["wins"].tolist(), rows["losses"].tolist(), rows["ties"].tolist()) == ([2, 0], [0, 2], [2, 2])


def test_samples_table_by_length_group(tmp_path):
    """Five z drawn, four samples kept by the filter: the shares are over the kept ones; a model
    whose samples all fail the filter keeps its row of 0 samples."""
    frame = pd.DataFrame(dict(corpus="c", model="m", sample=range(5), sentence=["a", "b", "c", "d", "e"],
                              n_tokens=[3, 12, 5, 15, 2], group=["<=10", ">10", "<=10", ">10", "<=10"],
                              kept=[True, True, True, True, False], score=0.0,
                              meaningful=[True, False, True, True, False], typical=[False, False, True, True, False],
                              judge="grammar"))
    frame = pd.concat([frame, frame.assign(model="none", kept=False)], ignore_index=True)
    frame.to_parquet(tmp_path / "s.parquet")
    out = dict(parquet=str(tmp_path / "t.parquet"), sentences=str(tmp_path / "all.parquet"), md=str(tmp_path / "t.md"))
    load_script("autogen_samples_table").main(job(input=[str(tmp_path / "s.parquet")], output=out,
                                                   params=dict(shown=2, title="B4")))
    table = pd.read_parquet(out["parquet"])
    none = table[table["model"] == "none"]
    assert none[["drawn", "kept", "group", "samples"]].values.tolist() == [[5, 0, "all", 0]]
    assert none["pct_meaningful"].isna().all() and none["judge"].tolist() == ["grammar"]
    table = table[table["model"] == "m"].set_index("group")
    assert table.loc["<=10", "pct_meaningful"] == 100 and table.loc[">10", "pct_meaningful"] == 50
    assert table.loc["<=10", "pct_typical"] == 50 and table.loc["all", "pct_typical"] == 50
    assert table.loc["all", "pct_meaningful"] == 75 and table.loc["all", "mean_length"] == 8.75
    assert (table["drawn"] == 5).all() and (table["kept"] == 4).all() and table.loc["all", "samples"] == 4
    assert len(pd.read_parquet(out["sentences"])) == 10


def test_prior_samples_are_decoded_until_enough_pass_the_filter(corpus, trained):
    """Five samples of 4-20 tokens wanted: the draws are decoded five at a time until five pass;
    sample i decodes z number i, as decoding it alone does (so the models pair on the same z)."""
    from types import SimpleNamespace

    import textvae
    from textvae.decoding import decode

    vae = textvae.load(trained / "model.pt", vocab=corpus / "vocab.parquet", device="cpu")
    model, vocab = vae.model, vae.vocab
    z = torch.randn(40, model.encoder.to_mu.out_features, generator=torch.Generator().manual_seed(3))
    p = SimpleNamespace(samples=5, min_len=4, max_len=20, batch_size=7, seed=1,
                        scheme={"method": "greedy", "max_len": 30})
    decoded, kept = load_script("prior_samples").filtered_samples(model.decoder, z, vocab, p)
    assert kept.sum() == min(5, sum(4 <= len(s) <= 20 for s in decoded)) and len(decoded) % 5 == 0
    assert all(4 <= len(decoded[i]) <= 20 and vocab.unk not in decoded[i] for i in np.flatnonzero(kept))
    assert len(decoded) == 40 or kept.sum() == 5  # stops once five pass, or when the draws run out
    alone = decode(model.decoder, z[len(decoded) - 1:len(decoded)], vocab.bos, vocab.eos, method="greedy", max_len=30)
    assert alone[0] == decoded[-1]


def test_scripts_load_trained_cells_through_the_api():
    """Every workflow script, and B4's reference LM (textvae.judging), loads a trained cell by textvae.load
    (runs_table reads only model.pt's settings and info)."""
    sources = [*(REPO / "workflow" / "scripts").glob("*.py"), REPO / "src" / "textvae" / "judging.py"]
    assert [p.name for p in sources if re.search(r"\b(load_model|load_cell|new_model)\(", p.read_text())] == []
    assert "textvae.load(" in (REPO / "workflow" / "scripts" / "evaluate.py").read_text()


def test_judge_check_on_a_builtin_corpus(corpus, tmp_path):
    """The grammar derives every real test sentence of 4-20 tokens and none of them shuffled; the
    corruptions are seeded (the same file twice) and the table counts each kind."""
    inputs = Files(test=str(corpus / "test.parquet"), train=str(corpus / "train.parquet"),
                   vocab=str(corpus / "vocab.parquet"))
    params = dict(min_len=4, max_len=20, split_at=10, grammar="short", seed=1)
    for name in ("a", "b"):
        load_script("judge_check").main(job(input=inputs, output=[str(tmp_path / f"{name}.parquet")], params=params,
                                            wildcards=dict(corpus="short")))
    checked = pd.read_parquet(tmp_path / "a.parquet")
    assert checked.equals(pd.read_parquet(tmp_path / "b.parquet"))
    texts = pd.read_parquet(corpus / "test.parquet")["text"]
    n_real = int(texts.str.split().str.len().between(4, 20).sum())
    out = dict(parquet=str(tmp_path / "t.parquet"), md=str(tmp_path / "t.md"))
    load_script("autogen_judge_table").main(job(input=[str(tmp_path / "a.parquet")], output=out,
                                                params=dict(title="B4's judge")))
    table = pd.read_parquet(out["parquet"]).set_index(["kind", "group"])
    assert table.loc[("real", "all"), ["n", "passed"]].tolist() == [n_real, n_real]
    assert table.loc[("shuffled", "all"), "passed"] == 0
    assert list(table.xs("all", level="group").index) == ["real", "shuffled", "1 swapped", "2 swapped", "3 swapped"]


def test_syntax_pairs_and_scores(corpus, trained, tmp_path):
    from textvae.corpora import Vocab
    from textvae.evaluation import log_likelihoods
    from textvae.training import load_model

    pairs_path = tmp_path / "pairs.parquet"
    load_script("syntax_pairs").main(job(output=[str(pairs_path)], params=dict(
        source="builtin", per_subcase=2, seed=1)))
    pairs = pd.read_parquet(pairs_path)
    pairs.iloc[0, pairs.columns.get_loc("good")] = "the zebra laughs"  # a word the model lacks
    pairs.to_parquet(pairs_path)
    scores_path = tmp_path / "scores.parquet"
    load_script("syntax_scores").main(job(
        input=dict(model=str(trained / "model.pt"), vocab=str(corpus / "vocab.parquet"), pairs=str(pairs_path)),
        output=[str(scores_path)], params=dict(batch_size=16),
        wildcards=dict(corpus="short", model="lstm-betac-C3")))
    scores = pd.read_parquet(scores_path)
    assert len(scores) == len(pairs) and scores["has_unk"].tolist() == [True] + [False] * (len(pairs) - 1)
    # one number by hand: log p(x+ | z+) of the second pair
    vocab, (model, _) = Vocab.from_frame(pd.read_parquet(corpus / "vocab.parquet")), load_model(trained / "model.pt")
    good = vocab.encode(scores["good"][1].split())
    mu, _ = model.encoder(torch.tensor([good]), torch.tensor([len(good)]))
    by_hand = log_likelihoods(model, [good], mu.detach(), vocab.bos, vocab.eos)[0]
    assert scores["good_zgood"][1] == pytest.approx(by_hand, abs=1e-4)
    out = dict(parquet=str(tmp_path / "syntax.parquet"), md=str(tmp_path / "syntax.md"))
    load_script("syntax_table").main(job(input=[str(scores_path)], output=out, params=dict(title="A6")))
    table = pd.read_parquet(out["parquet"])
    overall = table[table["category"] == "all"].iloc[0]
    assert overall["n_pairs"] == len(pairs) and overall["pairs_with_unk"] == 1
    assert overall["p1"] == pytest.approx((scores["bad_zgood"] < scores["good_zgood"]).mean())
    # the counts the claims' intervals come from: p1's hits and the 2x2 table of p1 against p2
    hit1, hit2 = scores["bad_zgood"] < scores["good_zgood"], scores["bad_zbad"] < scores["good_zbad"]
    assert overall["hits_p1"] == overall["p1"] * overall["n_scored"] == hit1.sum()
    assert (overall["p1_and_p2"], overall["p1_not_p2"], overall["p2_not_p1"]) == (
        (hit1 & hit2).sum(), (hit1 & ~hit2).sum(), (hit2 & ~hit1).sum())
    assert list(table["category"])[0] == "simple agreement"


def test_fce_vocab_and_lm(corpus, tmp_path):
    from textvae.corpora import Vocab
    from textvae.evaluation import log_likelihoods
    from textvae.training import load_model

    synthetic = []
    for i, texts in enumerate([["the movie is good", "the movies are good"] * 20,
                               ["the movie is good", "a movie is old"] * 20]):
        synthetic.append(str(tmp_path / f"s{i}.parquet"))
        pd.DataFrame({"text": texts}).to_parquet(synthetic[-1])
    vocab_path = str(tmp_path / "vocab.parquet")
    load_script("fce_vocab").main(job(input=synthetic, output=[vocab_path]))
    vocab = Vocab.from_frame(pd.read_parquet(vocab_path))
    assert vocab.itos[4:] == ["good", "is", "movie", "the"]  # the words of both corpora
    overrides = a5.lm_overrides(SMOKE["experiments"]["A5"])
    settings = asdict(replace(tvc.lm_settings(SMOKE, "short", "lstm-betac-C3", 1, overrides), epochs=1))
    out = dict(model=str(tmp_path / "lm" / "model.pt"), metrics=str(tmp_path / "lm" / "metrics.parquet"))
    load_script("fce_lm").main(job(
        input=dict(synthetic=synthetic[0], vocab=vocab_path, test=str(corpus / "test.parquet")), output=out,
        params=dict(settings=settings, self_bleu_sample=10, batch_size=16),
        wildcards=dict(corpus="short", model="lstm-betac-C3", scheme="greedy", seed="1")))
    row = pd.read_parquet(out["metrics"]).iloc[0]
    assert (row["scheme"], row["seed"], row["vocab_size"], row["types"]) == ("greedy", 1, 4, 6)
    assert row["pct_unk"] == pytest.approx(100 * 40 / 160)  # "movies are" of every second sentence
    # the FCE by hand: the LM's mean NLL per test sentence, words outside the vocabulary as <unk>
    lm, _ = load_model(out["model"])
    test = [vocab.encode(t.split()) for t in pd.read_parquet(corpus / "test.parquet")["text"]]
    by_hand = -log_likelihoods(lm, test, torch.zeros(len(test), 0), vocab.bos, vocab.eos).mean()
    assert row["fce"] == pytest.approx(by_hand, rel=1e-6)


def test_a_cell_too_big_for_memory_fails_naming_the_cell(corpus, tmp_path):
    settings = asdict(replace(tvc.cell_settings(SMOKE, "short", "lstm-betac-C3"), hidden=100_000))  # 160 GB of LSTM
    job_ = job(input=dict(train=str(corpus / "train.parquet"), valid=str(corpus / "valid.parquet"),
                          vocab=str(corpus / "vocab.parquet")),
               output=dict(model=str(tmp_path / "model.pt"), history=str(tmp_path / "history.parquet")),
               params=dict(settings=settings),
               wildcards=dict(corpus="short", model="lstm-betac-C3"))
    with pytest.raises(MemoryError, match=r"short/lstm-betac-C3: not enough memory: .*can't allocate memory"):
        load_script("train").main(job_)



def test_torch_threads_never_exceed_the_usable_cpus():
    from textvae.scripting import torch_threads

    usable = len(os.sched_getaffinity(0))
    assert torch_threads(1) == 1 and torch_threads(0) == 1
    assert torch_threads(usable + 3) == usable and torch_threads(usable) == usable
