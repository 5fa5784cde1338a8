"""The Python API (textvae.load) and the `textvae` command on the smoke run's model folders:
what they decode is what the pipeline decoded from the same z, scheme and seed, and what they
score is what the evaluation job scored."""

import io
import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, SMOKE

import textvae
from textvae import api, cli
from textvae.api import InputError, ModelFolderError
from textvae.config import read_schema


@pytest.fixture(scope="module")
def results(smoke_run):
    return smoke_run / "results"


@pytest.fixture(scope="module")
def folder(results):
    return results / "models" / "short" / "lstm-betac-C3"


def run_cli(capsys, *args) -> tuple[int, str, str]:
    """`textvae ARGS` in this process: (exit status, stdout, stderr)."""
    status = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return status, out.out, out.err


def lines_file(tmp_path, sentences, name="in.txt"):
    path = tmp_path / name
    path.write_text("".join(s + "\n" for s in sentences))
    return path


def test_the_model_folder_holds_its_vocabulary_and_card(results, folder):
    card = json.loads((folder / "card.json").read_text())
    assert (card["corpus"], card["model"]) == ("short", "lstm-betac-C3")
    # a built-in corpus
    assert card["preparation"] == dict(lowercase=True, tokenized=True, unk_markers=[], split_chars="")
    train = pd.read_parquet(results / "data" / "short" / "train.parquet")
    assert card["longest_sentence"] == train["n_tokens"].max()
    assert card["decoding"]["schemes"]["beam"] == {"method": "beam", "width": 3}  # the smoke config's
    assert card["evaluation"]["iw_samples"] == SMOKE["evaluation"]["iw_samples"]  # score()'s default
    runs = pd.read_parquet(results / "tables" / "runs.parquet").set_index(["corpus", "model"])
    runs = runs.loc["short", "lstm-betac-C3"]
    for name in ("final_kl", "final_held_out_elbo", "test_rate", "test_iw_nll", "test_active_units"):
        assert card["metrics"][name] == pytest.approx(runs[name])
    corpus_vocab = pd.read_parquet(results / "data" / "short" / "vocab.parquet")
    assert pd.read_parquet(folder / "vocab.parquet").equals(corpus_vocab)


def test_reconstruct_gives_the_pipelines_a2_and_b2_sentences(results, tmp_path, capsys):
    """A2: greedy from the posterior mean; B2: beam search (the run's scheme `beam`) from
    z ~ q(z|x) drawn with B2's seed, on its sentences in its order: the same sentences."""
    for model, experiment, options in (("lstm-betac-C3", "A2", ["--scheme", "greedy"]),
                                       ("lstm-vae", "B2", ["--scheme", "beam", "--from", "sample"])):
        pipeline = pd.read_parquet(results / "decode" / "short" / model / f"reconstructions_{experiment}.parquet")
        source = lines_file(tmp_path, pipeline["source"])
        status, out, err = run_cli(capsys, "reconstruct", source, "--model-dir", results / "models" / "short" / model,
                                   "--seed", 1, *options)
        assert status == 0, err
        assert out.splitlines() == list(pipeline["reconstruction"])


def test_sample_gives_the_pipelines_a5_corpus_of_the_same_seed(results, capsys):
    """A5's synthetic corpus of seed 2 under nucleus0.9: prior draws of seed 2, decoded with
    seed 2 in the run's batches."""
    pipeline = pd.read_parquet(results / "fce" / "short" / "lstm-betac-C10" / "synthetic" / "nucleus0.9_seed2.parquet")
    status, out, err = run_cli(capsys, "sample", "-n", len(pipeline), "--seed", 2, "--scheme", "nucleus0.9",
                               "--results", results, "--corpus", "short", "--model", "lstm-betac-C10")
    assert status == 0, err
    assert out.splitlines() == list(pipeline["text"])
    # the same scheme written as method:value, and a seed of its own gives other sentences
    assert run_cli(capsys, "sample", "-n", len(pipeline), "--seed", 2, "--scheme", "nucleus:0.9", "--results",
                   results, "--corpus", "short", "--model", "lstm-betac-C10")[1] == out
    assert run_cli(capsys, "sample", "-n", len(pipeline), "--seed", 3, "--scheme", "nucleus:0.9", "--results",
                   results, "--corpus", "short", "--model", "lstm-betac-C10")[1] != out


def test_interpolate_gives_the_pipelines_b5_paths(results, capsys):
    """B5 draws z ~ q(z|x) of all its path ends together; the API given the same pairs gives
    its paths, and the command's path between two sentences is the API's."""
    pipeline = pd.read_parquet(results / "decode" / "short" / "lstm-autogen-m1" / "interpolation.parquet")
    ends = pipeline[pipeline["point"] == 0].sort_values("path")
    vae = textvae.load(results / "models" / "short" / "lstm-autogen-m1", device="cpu")
    mine = vae.interpolate(list(ends["start"]), list(ends["end"]), 10, "beam", z="sample", seed=1)
    assert list(mine["sentence"]) == list(pipeline["sentence"])
    assert list(mine["repeats_previous"]) == list(pipeline["repeats_previous"])
    a, b = ends["start"].iloc[0], ends["end"].iloc[0]
    status, out, err = run_cli(capsys, "interpolate", a, b, "--steps", 10, "--scheme", "beam",
                               "--model-dir", results / "models" / "short" / "lstm-autogen-m1")
    assert status == 0, err
    assert out.splitlines() == list(vae.interpolate(a, b, 10, "beam")["sentence"])
    assert len(out.splitlines()) == 10


def test_encode_and_score_give_the_evaluation_jobs_rate_distortion_and_iw_nll(results, folder, tmp_path, capsys):
    """Over the test split with the evaluation's seed, batch size and samples, the means of
    the per-sentence terms are the evaluation job's R, D and IW-NLL; each KL is
    1/2 sum (mu^2 + sigma^2 - 1 - log sigma^2) of its mu and log sigma^2."""
    test = lines_file(tmp_path, pd.read_parquet(results / "data" / "short" / "test.parquet")["text"])
    summary = pd.read_parquet(results / "eval" / "short" / "lstm-betac-C3" / "summary.parquet").iloc[0]
    assert run_cli(capsys, "encode", test, "--model-dir", folder, "-o", tmp_path / "codes.parquet")[0] == 0
    codes = pd.read_parquet(tmp_path / "codes.parquet")
    mu, logvar = np.stack(codes["mu"]), np.stack(codes["logvar"])
    assert mu.shape == (40, SMOKE["defaults"]["z"])
    assert np.allclose(codes["kl"], 0.5 * (mu ** 2 + np.exp(logvar) - 1 - logvar).sum(1))
    assert codes["kl"].mean() == pytest.approx(summary["rate"], rel=1e-6)
    status, out, err = run_cli(capsys, "score", test, "--model-dir", folder, "--iw-samples",
                               SMOKE["evaluation"]["iw_samples"], "--seed", SMOKE["evaluation"]["seed"],
                               "--format", "jsonl")
    assert status == 0, err
    scores = pd.read_json(io.StringIO(out), lines=True)
    assert list(scores["sentence"]) == list(codes["sentence"])
    assert np.allclose(scores["elbo"], scores["reconstruction"] - scores["kl"])
    assert -scores["reconstruction"].mean() == pytest.approx(summary["distortion"], rel=1e-6)
    assert scores["kl"].mean() == pytest.approx(summary["rate"], rel=1e-6)
    assert scores["iw_nll"].mean() == pytest.approx(summary["iw_nll"], rel=1e-6)


def test_input_is_prepared_as_the_corpus_and_unknown_words_are_unk(folder, tmp_path, capsys):
    source = lines_file(tmp_path, ["The Children RUN", "", "the zebraphone runs"])
    status, out, err = run_cli(capsys, "score", source, "--model-dir", folder)
    assert status == 0 and err == "textvae: 1 blank lines skipped\n"
    table = pd.read_csv(io.StringIO(out), sep="\t")
    assert list(table["tokens"]) == ["the children run", "the <unk> runs"]  # lower-cased as the corpus
    assert list(table["n_tokens"]) == [4, 4]  # with </s>


def test_a_copy_of_the_model_folder_elsewhere_is_enough(folder, tmp_path):
    copy = shutil.copytree(folder, tmp_path / "elsewhere" / "my-model")
    here, there = textvae.load(folder, device="cpu"), textvae.load(copy, device="cpu")
    assert list(here.sample(5, "top15", seed=4)["sentence"]) == list(there.sample(5, "top15", seed=4)["sentence"])


def test_defaults_are_the_runs_own_settings(folder, tmp_path):
    """Seeds, iw_samples and batch sizes default to the run's (card.json's decoding and evaluation), the
    keys a card lacks to the schema's; the command defers to the API: no default of their own."""
    schema = read_schema()["properties"]
    copy = shutil.copytree(folder, tmp_path / "model")
    card = json.loads((copy / "card.json").read_text())
    card.pop("evaluation", None)
    card["decoding"]["seed"] = 7
    (copy / "card.json").write_text(json.dumps(card))
    vae = textvae.load(copy, device="cpu")
    assert vae.evaluation == schema["evaluation"]["default"]
    assert vae.sample(3, "top15").equals(vae.sample(3, "top15", seed=7))
    card["evaluation"] = {"iw_samples": 2, "seed": 5}
    (copy / "card.json").write_text(json.dumps(card))
    vae = textvae.load(copy, device="cpu")
    assert vae.evaluation == {**schema["evaluation"]["default"], "iw_samples": 2, "seed": 5}
    sentences = ["the children run", "a big book pleases the pilot"]
    scores = vae.score(sentences)
    assert scores.equals(vae.score(sentences, iw_samples=2, seed=5, batch_size=schema["evaluation"]["default"][
        "batch_size"]))
    assert not scores.equals(vae.score(sentences, iw_samples=2, seed=6))
    for verb in ("score", "sample"):
        args = cli.parser().parse_args([verb, *(["in.txt"] if verb == "score" else []), "--model-dir", str(copy)])
        assert args.seed is None and getattr(args, "iw_samples", None) is None
    assert args.scheme == api.DEFAULT_SCHEME


def test_bad_input_and_bad_folders_get_one_line(folder, tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n")
    status, _, err = run_cli(capsys, "reconstruct", empty, "--model-dir", folder)
    assert status == 1 and err == f"textvae reconstruct: error: {empty}: no sentence (the input is empty); " \
                                  "expected one sentence a line\n"
    status, _, err = run_cli(capsys, "sample", "--model-dir", tmp_path / "nowhere")
    assert status == 1 and "nowhere/model.pt: no such file; expected a model folder" in err
    assert err.count("\n") == 1
    status, _, err = run_cli(capsys, "sample", "--model-dir", folder, "--scheme", "topk")
    assert status == 1 and "scheme 'topk': topk needs k (e.g. topk:15)" in err
    # a folder from before the model_card rule: its vocabulary is named, and --vocab supplies it
    old = tmp_path / "old"
    old.mkdir()
    shutil.copy(folder / "model.pt", old / "model.pt")
    status, _, err = run_cli(capsys, "sample", "--model-dir", old)
    assert status == 1 and f"{old}: no vocab.parquet beside model.pt" in err and "--vocab" in err
    status, out, err = run_cli(capsys, "sample", "-n", 3, "--model-dir", old, "--vocab", folder / "vocab.parquet")
    assert status == 0 and len(out.splitlines()) == 3
    with pytest.raises(ModelFolderError, match="a vocabulary of 5 tokens, but the model has"):
        pd.DataFrame(dict(token=["<pad>", "<unk>", "<bos>", "<eos>", "a"], id=range(5), count=0)).to_parquet(
            tmp_path / "small.parquet")
        textvae.load(old, vocab=tmp_path / "small.parquet")
    (old / "model.pt").write_text("not a model")
    with pytest.raises(ModelFolderError, match="model.pt: not a model file written by textvae"):
        textvae.load(old, vocab=folder / "vocab.parquet")


def test_a_sentence_longer_than_the_training_sentences_is_encoded_whole_with_a_note(folder):
    notes = []
    vae = textvae.load(folder, device="cpu", log=notes.append)
    longest = vae.card["longest_sentence"]
    codes = vae.encode(["the children run " * longest, "the children run"])
    assert list(codes["n_tokens"]) == [3 * longest, 3]
    assert notes == [f"1 of 2 sentences are longer than the longest the model was trained on ({longest} tokens); "
                     "they are encoded whole"]
    with pytest.raises(InputError, match="no sentence given"):
        vae.encode([])
    with pytest.raises(InputError, match="sentence 2 of 2 has no token; expected words"):
        vae.encode(["the children run", " "])


def test_python_dash_m_textvae_and_a_torch_free_import(folder):
    run = subprocess.run([sys.executable, "-m", "textvae", "sample", "-n", "2", "--model-dir", str(folder)],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == list(textvae.load(folder, device="cpu").sample(2)["sentence"])
    check = "import sys, textvae, textvae.config, textvae.settings, textvae.experiments; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", check], capture_output=True, text=True).stdout == "False\n"
