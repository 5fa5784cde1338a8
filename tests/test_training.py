import math
import random
from dataclasses import replace

import pandas as pd
import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

from textvae import training
from textvae.batching import collate, epoch_batches, length_batches
from textvae.models import LinearCrossEntropy
from textvae.precision import autocast, bf16_rnn_runs
from textvae.settings import Settings

SETTINGS = Settings(arch="lstm", objective="betac", C=2.0, beta=1.0, m=0.0, anneal=None, anneal_epochs=0,
                    c_ramp_epochs=0.5, emb=8, hidden=16, z=4, cnn_channels=8, cnn_inner=4, cnn_width=3,
                    cnn_blocks=1, cnn_dropout=0.1, cnn_eval_dropout=False, word_dropout=0.1, z_input="every_step",
                    shared_embedding=False, encoder_eos=False, epochs=2, batch_size=8, batches="bucketed",
                    lr=0.01, lr_schedule="cosine",
                    grad_clip=5.0, history_every=3, held_out_sentences=2000, precision="fp32", seed=7)


def data(n=40, vocab=15, seed=0):
    rng = random.Random(seed)
    return [[rng.randrange(4, vocab) for _ in range(rng.randint(1, 9))] for _ in range(n)]


def train(tmp_path, name="cell", keep_checkpoint=False, **changes):
    return training.train_cell(replace(SETTINGS, **changes), data(), 15, 2, 3, tmp_path / name,
                               cell=f"toy/{name}", log=lambda *a: None, keep_checkpoint=keep_checkpoint)


def test_length_batches_cover_everything_once_with_similar_lengths():
    lengths = [random.Random(1).randint(1, 30) for _ in range(100)]
    batches = length_batches(lengths, 16, seed=3)
    assert sorted(i for b in batches for i in b) == list(range(100))
    assert batches == length_batches(lengths, 16, seed=3)
    spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches) / len(batches)
    assert spread < 8  # random batches of 16 from 1..30 spread about 25


def test_random_batches_cover_everything_once_in_a_seeded_shuffle():
    lengths = [random.Random(1).randint(1, 30) for _ in range(100)]
    batches = epoch_batches(lengths, 16, "random", seed=3)
    assert sorted(i for b in batches for i in b) == list(range(100)) and len(batches) == 7
    assert batches == epoch_batches(lengths, 16, "random", seed=3) != epoch_batches(lengths, 16, "random", seed=4)
    assert epoch_batches(lengths, 16, "bucketed", seed=3) == length_batches(lengths, 16, seed=3)


def test_the_beta_c_term_holds_each_bucket_to_C_but_only_the_mean_of_random_batches():
    """Sentences of 2 and of 20 tokens, half each, whose KL is their length (mean 11 = C):
    every length-bucketed batch is 9 nats off C, so the term |mean_batch KL - C| pushes each
    bucket to C; random batches mix the lengths and sit near C on average."""
    lengths = [2, 20] * 64
    kl = torch.tensor(lengths, dtype=torch.float)
    for composition, low, high in (("bucketed", 9.0, 9.0), ("random", 0.0, 4.0)):
        batches = epoch_batches(lengths, 8, composition, seed=1)
        terms = [abs(kl[b].mean().item() - 11.0) for b in batches]
        assert low <= sum(terms) / len(terms) <= high, composition


def test_random_batches_train_with_only_the_real_tokens_scored(tmp_path, monkeypatch):
    """With batches: random every step passes the batch's words and </s> to the model as the
    positions to score, and training runs; bucketed steps score every position."""
    seen = []
    forward = training.build_vae

    def recording_vae(*args, **kwargs):
        vae = forward(*args, **kwargs)
        original = vae.reconstruction

        def reconstruction(z, dec_in, targets, scored=None):
            seen.append((scored, int((targets != 0).sum())))
            return original(z, dec_in, targets, scored)

        vae.reconstruction = reconstruction
        return vae

    monkeypatch.setattr(training, "build_vae", recording_vae)
    history = train(tmp_path, batches="random")
    assert len(seen) == 10 and all(scored == real for scored, real in seen)
    assert history["loss"].notna().all()
    seen.clear()
    train(tmp_path, name="bucketed")
    assert seen and all(scored is None for scored, _ in seen)


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
    with_held_out = training.train_cell(SETTINGS, data(), 15, 2, 3, tmp_path / "h", cell="toy/h",
                                        log=lambda *a: None, held_out=data(10, seed=5))
    pd.testing.assert_frame_equal(plain.drop(columns="tokens_per_s"),
                                  with_held_out[plain.columns].drop(columns="tokens_per_s"))
    assert (with_held_out["held_out_kl"] >= 0).all() and with_held_out["held_out_elbo"].notna().all()


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    """A toy cell trained with held-out sentences and TensorBoard: (history, log lines, folder)."""
    folder, lines = tmp_path_factory.mktemp("watched"), []
    settings = replace(SETTINGS, C=8.0, epochs=4, word_dropout=0.0)  # a rate that takes some units
    history = training.train_cell(settings, data(), 15, 2, 3, folder / "h", cell="toy/h", log=lines.append,
                                  held_out=data(10, seed=5), tensorboard=folder / "tb")
    return history, lines, folder


def test_each_history_row_is_a_log_line_with_its_held_out_terms_and_active_units(watched):
    history, lines, folder = watched
    rows = [line for line in lines if " step " in line]
    assert len(rows) == len(history) == 9  # every 3 steps and at each epoch's end
    last = history.iloc[-1]
    units = int(last["held_out_active_units"])
    assert rows[-1].startswith(f"toy/h: step 20/20 epoch 4/4 | loss {last['loss']:.3f} "
                               f"rec {last['reconstruction']:.3f} KL {last['kl']:.3f} (C 8.00) | "
                               f"held-out KL {last['held_out_kl']:.3f} MI {last['held_out_mi']:.3f} "
                               f"offset {last['held_out_mu_norm2'] / 2:.3f} AU {units}/4 | ")
    assert rows[-1].endswith(" tokens/s, 00:00 left")
    # the last row's active units are those of the trained model's posterior means, by hand
    model, _ = training.load_model(folder / "h" / "model.pt")
    enc_in, lengths, _, _ = collate(data(10, seed=5), 2, 3)
    with torch.no_grad():
        mu, _ = model.encoder(enc_in, lengths)
    assert 0 < units == int((mu.double().var(0, unbiased=False) > 0.01).sum())


def test_a_progress_line_by_hand():
    row = dict(step=150, epoch=1, loss=45.2104, reconstruction=-42.1, kl=3.11, C=2.25, kl_weight=1.0,
               tokens_per_s=5321.4, held_out_kl=3.05, held_out_mi=2.1, held_out_mu_norm2=0.24,
               held_out_active_units=5)
    settings = replace(SETTINGS, z=32, epochs=3)
    assert training.progress_line("toy/c", row, 1500, settings, 72.4) == (
        "toy/c: step 150/1500 epoch 1/3 | loss 45.210 rec -42.100 KL 3.110 (C 2.25) | held-out KL 3.050 "
        "MI 2.100 offset 0.120 AU 5/32 | 5,321 tokens/s, 01:12 left")
    vae = replace(settings, objective="vae", anneal="linear")
    assert " KL 3.110 (weight 1.00) | " in training.progress_line("toy/c", row, 1500, vae, 72.4)


def test_tensorboard_scalars_are_the_history_read_back_by_tensorboard(watched):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    history, _, folder = watched
    events = EventAccumulator(str(folder / "tb")).Reload()
    assert set(events.Tags()["scalars"]) == set(history.columns) - {"step"}
    for name in ("loss", "kl", "C", "held_out_mi", "held_out_active_units"):
        scalars = events.Scalars(name)
        assert [e.step for e in scalars] == list(history["step"])
        assert [e.value for e in scalars] == pytest.approx(list(history[name]), rel=1e-6)


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
    resumed = training.train_cell(SETTINGS, data(), 15, 2, 3, tmp_path / "cut", cell="toy/cut", log=said.append)
    assert "resuming from the checkpoint after epoch 1" in said[0]
    pd.testing.assert_frame_equal(whole.drop(columns="tokens_per_s"), resumed.drop(columns="tokens_per_s"))
    sw = torch.load(tmp_path / "whole" / "model.pt")["state_dict"]
    sc = torch.load(tmp_path / "cut" / "model.pt")["state_dict"]
    assert all(torch.equal(sw[k], sc[k]) for k in sw)


def test_the_checkpoint_is_removed_once_the_model_is_written_unless_kept(tmp_path):
    train(tmp_path, "removed")
    train(tmp_path, "kept", keep_checkpoint=True)
    assert (tmp_path / "removed" / "model.pt").exists() and not (tmp_path / "removed" / "checkpoint.pt").exists()
    assert training.load_checkpoint(tmp_path / "kept" / "checkpoint.pt", "cpu")["epoch"] == SETTINGS.epochs


def test_a_model_file_from_before_the_typed_settings_loads(tmp_path):
    """Files written before the settings were typed keep them under "params", with the unused
    anneal_schedule of a cell that does not anneal: they load as the same model and settings."""
    train(tmp_path, "new")
    saved = torch.load(tmp_path / "new" / "model.pt")
    values = dict(saved.pop("settings"), anneal_schedule="linear")
    torch.save(dict(saved, params=values), tmp_path / "old.pt")
    (new, settings), (old, old_settings) = training.load_model(tmp_path / "new" / "model.pt"), \
        training.load_model(tmp_path / "old.pt")
    assert settings == old_settings == SETTINGS
    assert all(torch.equal(a, b) for a, b in zip(new.state_dict().values(), old.state_dict().values()))


def test_a_model_file_from_before_the_batches_and_cnn_dropout_settings_loads(tmp_path):
    """A file whose settings predate `batches` and `cnn_dropout` was trained on bucketed
    batches without dropout in a CNN decoder: it loads with those values."""
    train(tmp_path, "new")
    saved = torch.load(tmp_path / "new" / "model.pt")
    values = {k: v for k, v in saved.pop("settings").items() if k not in ("batches", "cnn_dropout")}
    torch.save(dict(saved, settings=values), tmp_path / "older.pt")
    _, settings = training.load_model(tmp_path / "older.pt")
    assert settings == replace(SETTINGS, batches="bucketed", cnn_dropout=0.0)


class RunsCode:
    """What a malicious pickle holds: unpickling it calls a function (here a harmless one)."""

    def __reduce__(self):
        return (print, ("this ran while loading",))


def test_a_checkpoint_that_would_run_code_is_refused(tmp_path, capsys):
    (tmp_path / "x").mkdir()
    crafted = tmp_path / "x" / "checkpoint.pt"
    torch.save({"fingerprint": training.fingerprint(SETTINGS), "payload": RunsCode()}, crafted)
    with pytest.raises(training.CheckpointError, match=r"checkpoint.pt: refused, not a plain textvae "
                                                         r"checkpoint \(loading it could run code: .*delete it"):
        train(tmp_path, "x")
    assert "this ran while loading" not in capsys.readouterr().out
    assert crafted.exists() and not (tmp_path / "x" / "model.pt").exists()


def test_checkpoint_of_other_settings_is_not_resumed(tmp_path):
    train(tmp_path, "x", keep_checkpoint=True)
    said = []
    training.train_cell(replace(SETTINGS, lr=0.02), data(), 15, 2, 3, tmp_path / "x", cell="toy/x", log=said.append)
    assert "ignoring a checkpoint written with other settings" in said[0]


def test_non_finite_loss_stops_with_cell_and_step(tmp_path, monkeypatch):
    real_loss, calls = training.training_loss, []

    def loss_goes_nan(*args, **kwargs):
        calls.append(1)
        value = real_loss(*args, **kwargs)
        return value * float("nan") if len(calls) == 8 else value

    monkeypatch.setattr(training, "training_loss", loss_goes_nan)
    # 5 steps an epoch, rows at steps 3, 5, 6, 9: the 8th step's loss is found at the row of step 9
    with pytest.raises(training.NonFiniteLoss, match=r"toy/nan: non-finite loss at step 8 \(epoch 2\)") as err:
        train(tmp_path, "nan")
    assert "last history row: {'step': 6, 'epoch': 2" in str(err.value)
    assert len(calls) == 9
    # the checkpoint of epoch 1 is the last one written, and nothing non-finite is in it
    checkpoint = training.load_checkpoint(tmp_path / "nan" / "checkpoint.pt", "cpu")
    assert checkpoint["epoch"] == 1 and all(torch.isfinite(v).all() for v in checkpoint["model"].values())
    assert not (tmp_path / "nan" / "model.pt").exists()


def test_held_out_rows_score_a_fixed_sample():
    sentences = data(50, seed=3)
    sample = training.held_out_sample(sentences, 20, seed=7)
    assert len(sample) == 20 and sample == training.held_out_sample(sentences, 20, seed=7)
    positions = [sentences.index(s) for s in sample]
    assert positions == sorted(positions)  # a subset, in corpus order
    assert training.held_out_sample(sentences, 50, seed=7) == sentences
    assert training.held_out_sample(None, 20, seed=7) is None


def test_held_out_rows_use_the_sample(tmp_path, monkeypatch):
    scored = []
    real = training.mean_terms
    monkeypatch.setattr(training, "mean_terms", lambda model, s, *a, **k: scored.append(s) or real(model, s, *a, **k))
    held_out = data(30, seed=5)
    training.train_cell(replace(SETTINGS, held_out_sentences=12), data(), 15, 2, 3, tmp_path / "h", cell="toy/h",
                        log=lambda *a: None, held_out=held_out)
    assert len(scored) == 5 and all(s == training.held_out_sample(held_out, 12, SETTINGS.seed) for s in scored)


SYNCS = {"_local_scalar_dense", "nonzero", "masked_select", "is_nonzero", "equal", "item"}


class DeviceReads(TorchDispatchMode):
    """Records, in order, the operations that make a GPU report a value to the host (item,
    bool, int, nonzero, masked selection, boolean indexing) and the marks put in by the test."""

    def __init__(self):
        super().__init__()
        self.events = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = func.overloadpacket.__name__
        if name in SYNCS or (name == "index" and any(t is not None and t.dtype == torch.bool for t in args[1])):
            self.events.append(name)
        return func(*args, **(kwargs or {}))


def test_a_training_step_reads_nothing_from_the_device_between_history_rows(tmp_path, monkeypatch):
    """By construction, on the CPU: between two history rows the steps run no operation that
    would make a GPU report to the host; each row reads once (Window.read)."""
    reads = DeviceReads()
    real_read = training.Window.read

    def marked_read(window):
        reads.events.append("row")
        return real_read(window)

    monkeypatch.setattr(training.Window, "read", marked_read)
    with reads:
        train(tmp_path, history_every=100)  # rows at each epoch's end only: 5 steps each
    assert reads.events == ["row", "row"], reads.events


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available: the CPU test above checks "
                                                            "the step by construction")
def test_a_training_step_on_cuda_never_synchronises(tmp_path):
    settings = replace(SETTINGS, history_every=100)
    model = training.new_model(settings, 15).cuda()
    optimiser = training.new_optimiser(model, settings.lr)
    window = training.Window(torch.device("cuda"))
    sentences = data()
    batches = length_batches([len(s) for s in sentences], settings.batch_size, seed=1)
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        for step, batch in enumerate(batches, 1):
            tensors = collate([sentences[i] for i in batch], 2, 3, torch.device("cuda"))
            loss, rec, kl = training.train_step(model, optimiser, tensors, settings, C=1.0, weight=1.0)
            window.add(step, loss, rec, kl, tokens=0)
    finally:
        torch.cuda.set_sync_debug_mode("default")
    sums, bad = window.read()
    assert bad == 0 and all(map(math.isfinite, sums))


BF16_CPU = pytest.mark.skipif(not bf16_rnn_runs("cpu"), reason="this CPU's oneDNN has no bfloat16 LSTM")


@BF16_CPU
def test_bf16_autocast_stays_near_fp32_and_meets_the_target_rate(tmp_path):
    """On a CPU that runs bfloat16 autocast too: the smoke-sized model's loss on a batch
    within 2 % of float32's, and training on the toy data ends at the same rate on target."""
    settings = replace(SETTINGS, word_dropout=0.0)
    torch.manual_seed(0)
    model = training.new_model(settings, 15)
    tensors = collate(data()[:8], 2, 3)
    losses = {}
    for precision in ("fp32", "bf16"):
        torch.manual_seed(1)
        with torch.no_grad(), autocast(precision, torch.device("cpu")):
            rec, kl, _, _ = model(*tensors)
            losses[precision] = (-rec.mean() + kl.mean()).item()
        assert rec.dtype == kl.dtype == torch.float32
    assert losses["bf16"] == pytest.approx(losses["fp32"], rel=0.02)
    rates = {}
    for precision in ("fp32", "bf16"):
        history = train(tmp_path, precision, precision=precision, epochs=6, C=2.0, word_dropout=0.0)
        rates[precision] = history["kl"].iloc[-1]
    assert rates["fp32"] == pytest.approx(2.0, abs=0.3) and rates["bf16"] == pytest.approx(2.0, abs=0.3)


@pytest.mark.skipif(bf16_rnn_runs("cpu"), reason="this CPU runs a bfloat16 LSTM")
def test_bf16_where_the_cpu_cannot_is_refused_in_one_line(tmp_path):
    with pytest.raises(ValueError, match="precision bf16: this cpu's oneDNN has no bfloat16 LSTM; use precision fp32"):
        train(tmp_path, "bf16", precision="bf16", epochs=1)


def test_bf16_gradients_of_the_output_layer_are_those_of_float32_within_bfloat16():
    torch.manual_seed(0)
    h = torch.randn(20, 16, requires_grad=True)
    weight = torch.randn(50, 16, requires_grad=True)
    bias = torch.randn(50, requires_grad=True)
    targets = torch.randint(0, 50, (20,))
    grads = {}
    for precision in ("fp32", "bf16"):
        for t in (h, weight, bias):
            t.grad = None
        with autocast(precision, torch.device("cpu")):
            nll = LinearCrossEntropy.apply(h, weight, bias, targets, True)
        assert nll.dtype == torch.float32
        nll.sum().backward()
        grads[precision] = [t.grad.clone() for t in (h, weight, bias)]
        assert [g.dtype for g in grads[precision]] == [torch.float32] * 3
    for fp32, bf16 in zip(grads["fp32"], grads["bf16"]):
        assert (bf16 - fp32).norm() < 0.02 * fp32.norm()


def test_learning_rate_schedules():
    assert training.learning_rate(0.1, "constant", 5, 10) == 0.1
    assert training.learning_rate(0.1, "cosine", 0, 10) == pytest.approx(0.1)
    assert training.learning_rate(0.1, "cosine", 5, 10) == pytest.approx(0.05)
    assert training.learning_rate(0.1, "cosine", 10, 10) == pytest.approx(0.0)


def test_a_training_fraction_trains_on_a_fixed_seeded_subset_in_corpus_order(tmp_path):
    """train_fraction 0.5 of 40 sentences: 20 of them, the same for every seed and call, in the
    corpus's order; 1.0 is the whole split as it is; a cell at 0.25 takes a quarter of the steps."""
    sentences = [[5 + i % 7] * (1 + i % 5) for i in range(40)]  # token ids 5-11 of a vocabulary of 15
    half = training.training_subset(sentences, 0.5)
    assert len(half) == 20 and half == training.training_subset(sentences, 0.5)
    positions = [next(i for i, s in enumerate(sentences) if s is kept) for kept in half]
    assert positions == sorted(positions)
    assert training.training_subset(sentences, 1.0) is sentences
    assert len(training.training_subset(sentences, 0.001)) == 1  # never empty
    quarter = replace(SETTINGS, train_fraction=0.25, batches="random", history_every=1)
    history = training.train_cell(quarter, sentences, 15, 2, 3, tmp_path, "c/quarter", log=lambda _: None)
    assert int(history["step"].max()) == quarter.epochs * math.ceil(10 / quarter.batch_size)  # 10 sentences
