import random

import pandas as pd
import pytest
import torch

from textvae import training
from textvae.batching import collate, length_batches

PARAMS = dict(arch="lstm", objective="betac", C=2.0, beta=1.0, m=0.0, anneal=None, anneal_epochs=0,
              c_ramp_epochs=0.5, emb=8, hidden=16, z=4, cnn_channels=8, cnn_inner=4, cnn_width=3,
              cnn_blocks=1, word_dropout=0.1, epochs=2, batch_size=8, lr=0.01, lr_schedule="cosine",
              grad_clip=5.0, history_every=3, seed=7)


def data(n=40, vocab=15, seed=0):
    rng = random.Random(seed)
    return [[rng.randrange(4, vocab) for _ in range(rng.randint(1, 9))] for _ in range(n)]


def train(tmp_path, name="cell", keep_checkpoint=False, **changes):
    return training.train_cell(dict(PARAMS, **changes), data(), 15, 2, 3, tmp_path / name,
                               cell=f"toy/{name}", log=lambda *a: None, keep_checkpoint=keep_checkpoint)


def test_length_batches_cover_everything_once_with_similar_lengths():
    lengths = [random.Random(1).randint(1, 30) for _ in range(100)]
    batches = length_batches(lengths, 16, seed=3)
    assert sorted(i for b in batches for i in b) == list(range(100))
    assert batches == length_batches(lengths, 16, seed=3)
    spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches) / len(batches)
    assert spread < 8  # random batches of 16 from 1..30 spread about 25


def test_collate_layout():
    enc_in, lengths, dec_in, targets = collate([[5, 6], [7]], bos=2, eos=3)
    assert enc_in.tolist() == [[5, 6], [7, 0]] and lengths.tolist() == [2, 1]
    assert dec_in.tolist() == [[2, 5, 6], [2, 7, 0]]
    assert targets.tolist() == [[5, 6, 3], [7, 3, 0]]


def test_same_seed_same_numbers(tmp_path):
    a, b = train(tmp_path, "a"), train(tmp_path, "b")
    pd.testing.assert_frame_equal(a.drop(columns="tokens_per_s"), b.drop(columns="tokens_per_s"))
    sa = torch.load(tmp_path / "a" / "model.pt")["state_dict"]
    sb = torch.load(tmp_path / "b" / "model.pt")["state_dict"]
    assert all(torch.equal(sa[k], sb[k]) for k in sa)


def test_history_rows_and_ramped_C(tmp_path):
    history = train(tmp_path, c_ramp_epochs=1)  # 5 steps an epoch: C = 2 * step / 5 until step 5
    assert list(history["step"]) == [3, 5, 6, 9, 10]  # every 3 steps and at each epoch's end
    assert list(history["C"]) == pytest.approx([0.8, 1.6, 2.0, 2.0, 2.0])  # C of each row's last step
    assert (history["elbo"] == history["reconstruction"] - history["kl"]).all()
    assert set(history.columns) >= {"step", "epoch", "loss", "reconstruction", "kl", "elbo", "kl_share",
                                    "C", "kl_weight", "tokens_per_s"}
    assert list(history["epoch"]) == [1, 1, 2, 2, 2]


def test_held_out_terms_leave_training_unchanged(tmp_path):
    plain = train(tmp_path, "plain")
    with_held_out = training.train_cell(PARAMS, data(), 15, 2, 3, tmp_path / "h", cell="toy/h",
                                        log=lambda *a: None, held_out=data(10, seed=5))
    pd.testing.assert_frame_equal(plain.drop(columns="tokens_per_s"),
                                  with_held_out[plain.columns].drop(columns="tokens_per_s"))
    assert (with_held_out["held_out_kl"] >= 0).all() and with_held_out["held_out_elbo"].notna().all()


def test_resume_after_an_interruption_gives_the_same_model(tmp_path, monkeypatch):
    whole = train(tmp_path, "whole")
    real_save, saves = training.atomic_save, []

    def save_then_die(obj, path):
        real_save(obj, path)
        saves.append(path)
        raise KeyboardInterrupt  # killed right after the first epoch's checkpoint

    monkeypatch.setattr(training, "atomic_save", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        train(tmp_path, "cut")
    monkeypatch.setattr(training, "atomic_save", real_save)
    said = []
    resumed = training.train_cell(PARAMS, data(), 15, 2, 3, tmp_path / "cut", cell="toy/cut", log=said.append)
    assert "resuming from the checkpoint after epoch 1" in said[0]
    pd.testing.assert_frame_equal(whole.drop(columns="tokens_per_s"), resumed.drop(columns="tokens_per_s"))
    sw = torch.load(tmp_path / "whole" / "model.pt")["state_dict"]
    sc = torch.load(tmp_path / "cut" / "model.pt")["state_dict"]
    assert all(torch.equal(sw[k], sc[k]) for k in sw)


def test_the_checkpoint_is_removed_once_the_model_is_written_unless_kept(tmp_path):
    train(tmp_path, "removed")
    train(tmp_path, "kept", keep_checkpoint=True)
    assert (tmp_path / "removed" / "model.pt").exists() and not (tmp_path / "removed" / "checkpoint.pt").exists()
    assert training.load_checkpoint(tmp_path / "kept" / "checkpoint.pt", "cpu")["epoch"] == PARAMS["epochs"]


class RunsCode:
    """What a malicious pickle holds: unpickling it calls a function (here a harmless one)."""

    def __reduce__(self):
        return (print, ("this ran while loading",))


def test_a_checkpoint_that_would_run_code_is_refused(tmp_path, capsys):
    (tmp_path / "x").mkdir()
    crafted = tmp_path / "x" / "checkpoint.pt"
    torch.save({"fingerprint": training.fingerprint(PARAMS), "payload": RunsCode()}, crafted)
    with pytest.raises(training.CheckpointError, match=r"checkpoint.pt: refused, not a plain textvae "
                                                         r"checkpoint \(loading it could run code: .*delete it"):
        train(tmp_path, "x")
    assert "this ran while loading" not in capsys.readouterr().out
    assert crafted.exists() and not (tmp_path / "x" / "model.pt").exists()


def test_checkpoint_of_other_settings_is_not_resumed(tmp_path):
    train(tmp_path, "x", keep_checkpoint=True)
    said = []
    training.train_cell(dict(PARAMS, lr=0.02), data(), 15, 2, 3, tmp_path / "x", cell="toy/x", log=said.append)
    assert "ignoring a checkpoint written with other settings" in said[0]


def test_non_finite_loss_stops_with_cell_and_step(tmp_path, monkeypatch):
    real_loss, calls = training.training_loss, []

    def loss_goes_nan(*args, **kwargs):
        calls.append(1)
        value = real_loss(*args, **kwargs)
        return value * float("nan") if len(calls) == 8 else value

    monkeypatch.setattr(training, "training_loss", loss_goes_nan)
    with pytest.raises(training.NonFiniteLoss, match=r"toy/nan: non-finite loss nan at step 7 \(epoch 2\)") as err:
        train(tmp_path, "nan")
    assert "last finite values: {'step': 7" in str(err.value)
    assert (tmp_path / "nan" / "checkpoint.pt").exists()
    assert not (tmp_path / "nan" / "model.pt").exists()


def test_learning_rate_schedules():
    assert training.learning_rate(0.1, "constant", 5, 10) == 0.1
    assert training.learning_rate(0.1, "cosine", 0, 10) == pytest.approx(0.1)
    assert training.learning_rate(0.1, "cosine", 5, 10) == pytest.approx(0.05)
    assert training.learning_rate(0.1, "cosine", 10, 10) == pytest.approx(0.0)
