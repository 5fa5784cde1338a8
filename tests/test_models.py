import pytest
import torch
import torch.nn.functional as F

from textvae import models
from textvae.models import CNNDecoder, ConvLMBlock, Encoder, GatePath, LinearCrossEntropy, build_vae


def convlm_decoder(width=3, blocks=2):
    torch.manual_seed(0)
    return CNNDecoder(vocab_size=20, emb=6, z=3, channels=8, inner=4, width=width, blocks=blocks, dropout=0.1).eval()


def test_convlm_decoder_cannot_see_the_future():
    dec = convlm_decoder()
    z = torch.randn(1, 3)
    a = torch.tensor([[2, 5, 7, 9, 11, 4]])
    b = a.clone()
    b[0, 4:] = torch.tensor([13, 14])  # change the future from position 4 on
    fa, _ = dec.features(a, z)
    fb, _ = dec.features(b, z)
    assert torch.equal(fa[0, :4], fb[0, :4])
    assert not torch.allclose(fa[0, 4:], fb[0, 4:])


def test_convlm_receptive_field_counted_by_hand():
    """Two blocks of one causal convolution of width 3 each: the output at t reads t-4..t,
    (3 - 1) x 2 + 1 = 5 positions; a token at t-5 does not reach it, one at t-4 does."""
    dec = convlm_decoder(width=3, blocks=2)
    assert dec.receptive_field == 5
    z = torch.randn(1, 3)
    tokens = torch.tensor([[2, 5, 7, 9, 11, 4, 6, 8]])
    base, _ = dec.features(tokens, z)
    t = 7
    for changed, reaches in ((t - 5, False), (t - 4, True)):
        other = tokens.clone()
        other[0, changed] = 13
        feats, _ = dec.features(other, z)
        assert torch.equal(feats[0, t], base[0, t]) is not reaches, changed


def test_convlm_block_is_the_authors():
    """model_wngt.py's ConvLM: a 1x1 projection to the external width; paths A and B, each
    1x1 to the internal width, a causal convolution of width 20, 1x1 back, dropout after each;
    two blocks (512 external, 128 internal, keep 0.9)."""
    vae = build_vae("cnn", vocab_size=50, emb=256, hidden=512, z=64, cnn_channels=512, cnn_inner=128,
                    cnn_width=20, cnn_blocks=2, cnn_dropout=0.1)
    blocks = vae.decoder.blocks
    assert len(blocks) == 2 and all(isinstance(b, ConvLMBlock) for b in blocks)
    assert (blocks[0].project.in_features, blocks[1].project.in_features) == (256 + 64, 512)
    for block in blocks:
        for path in (block.a, block.b):
            assert isinstance(path, GatePath)
            assert (path.down.in_features, path.down.out_features) == (512, 128)
            assert (path.conv.in_channels, path.conv.out_channels, path.conv.kernel_size) == (128, 128, (20,))
            assert (path.up.in_features, path.up.out_features, path.p) == (128, 512, 0.1)
    assert vae.decoder.receptive_field == 39 and vae.decoder.out.in_features == 512


def test_convlm_gate_on_a_hand_set_input():
    """Project = identity; path A: down and up identities, the convolution reading x_{t-1}
    (its tap one before the last); path B: all weights zero, bias b: the block gives
    x_t + x_{t-1} sigmoid(b), with x_{-1} = 0 (the causal padding)."""
    block = ConvLMBlock(in_channels=2, channels=2, inner=2, width=3, dropout=0.5).eval()
    eye = torch.eye(2)
    with torch.no_grad():
        for module in block.modules():
            if isinstance(module, (torch.nn.Linear, torch.nn.Conv1d)):
                module.weight.zero_()
                module.bias.zero_()
        block.project.weight.copy_(eye)
        block.a.down.weight.copy_(eye)
        block.a.up.weight.copy_(eye)
        block.a.conv.weight[:, :, 1] = eye
        block.b.up.bias.copy_(torch.tensor([0.0, 2.0]))
    x = torch.tensor([[[1.0, 2.0], [3.0, -1.0], [0.5, 4.0]]])
    gate = torch.sigmoid(torch.tensor([0.0, 2.0]))
    previous = torch.tensor([[[0.0, 0.0], [1.0, 2.0], [3.0, -1.0]]])
    torch.testing.assert_close(block(x), x + previous * gate)
    assert gate[0] == 0.5  # by hand: sigmoid(0) = 1/2


def test_encoder_ignores_padding_after_the_last_token():
    torch.manual_seed(0)
    enc = Encoder(vocab_size=20, emb=6, hidden=8, z=3, cell="gru").eval()
    short = torch.tensor([[4, 5, 6]])
    padded = torch.tensor([[4, 5, 6, 0, 0], [7, 8, 9, 10, 11]])
    mu1, lv1 = enc(short, torch.tensor([3]))
    mu2, lv2 = enc(padded, torch.tensor([3, 5]))
    assert torch.allclose(mu1[0], mu2[0], atol=1e-6) and torch.allclose(lv1[0], lv2[0], atol=1e-6)


def test_reconstruction_is_the_summed_token_log_likelihood():
    torch.manual_seed(0)
    vae = build_vae("lstm", vocab_size=12, emb=5, hidden=7, z=3).eval()
    z = torch.randn(2, 3)
    dec_in = torch.tensor([[2, 5, 6, 7], [2, 8, 0, 0]])
    targets = torch.tensor([[5, 6, 7, 3], [8, 3, 0, 0]])
    logp = F.log_softmax(vae.decoder.out(vae.decoder.features(dec_in, z)[0]), dim=-1)
    by_hand = [sum(logp[0, t, targets[0, t]] for t in range(4)), logp[1, 0, 8] + logp[1, 1, 3]]
    got = vae.reconstruction(z, dec_in, targets)
    assert torch.allclose(got, torch.stack(by_hand), atol=1e-5)


def test_word_dropout_only_while_training():
    torch.manual_seed(0)
    vae = build_vae("gru", vocab_size=12, emb=5, hidden=7, z=3, word_dropout=1.0)
    z = torch.randn(1, 3)
    dec_in, targets = torch.tensor([[2, 5, 6]]), torch.tensor([[5, 6, 3]])
    all_unk = torch.tensor([[2, 1, 1]])
    vae.train()
    dropped = vae.reconstruction(z, dec_in, targets)
    vae.word_dropout = 0.0
    assert torch.allclose(dropped, vae.reconstruction(z, all_unk, targets))
    vae.word_dropout = 1.0
    vae.eval()
    kept = vae.reconstruction(z, dec_in, targets)
    assert not torch.allclose(kept, dropped)
    vae.word_dropout = 0.0
    assert torch.equal(kept, vae.reconstruction(z, dec_in, targets))


def test_scoring_only_the_real_positions_of_a_padded_batch_changes_nothing():
    """A random batch padded to its longest sentence: the output layer over the 6 targets that
    are not padding (known on the host) gives the same log p(x|z) and gradients as over all 8."""
    torch.manual_seed(0)
    vae = build_vae("lstm", vocab_size=12, emb=5, hidden=7, z=3).eval()
    z = torch.randn(2, 3)
    dec_in = torch.tensor([[2, 5, 6, 7], [2, 8, 0, 0]])
    targets = torch.tensor([[5, 6, 7, 3], [8, 3, 0, 0]])
    results = []
    for scored in (None, 6):
        vae.zero_grad()
        rec = vae.reconstruction(z, dec_in, targets, scored=scored)
        (rec * torch.tensor([1.0, 2.0])).sum().backward()
        results.append((rec.detach(), [p.grad.clone() for p in vae.decoder.parameters()]))
    torch.testing.assert_close(results[1][0], results[0][0])
    for mine, theirs in zip(results[1][1], results[0][1]):
        torch.testing.assert_close(mine, theirs)


def test_every_architecture_builds_and_gives_per_sentence_terms():
    for arch in ("lstm", "gru", "cnn"):
        vae = build_vae(arch, vocab_size=12, emb=5, hidden=7, z=3, cnn_channels=8, cnn_inner=4,
                        cnn_width=3, cnn_blocks=2)
        enc_in = torch.tensor([[5, 6, 7], [8, 0, 0]])
        rec, kl, mu, logvar = vae(enc_in, torch.tensor([3, 1]), torch.tensor([[2, 5, 6, 7], [2, 8, 0, 0]]),
                                  torch.tensor([[5, 6, 7, 3], [8, 3, 0, 0]]))
        assert rec.shape == kl.shape == (2,) and (rec < 0).all() and (kl >= 0).all()


DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("layout", ["vocabulary x tokens", "tokens x vocabulary"])
def test_fused_output_layer_gives_the_cross_entropy_and_its_gradients(monkeypatch, layout, device):
    """Against log_softmax + nll_loss in float64, in either layout of the logits: the values,
    and dh, dW, db for a weighted sum of the token NLLs (the weights play the objective's
    per-sentence factors)."""
    monkeypatch.setattr(models, "vocabulary_first", lambda _: layout == "vocabulary x tokens")
    torch.manual_seed(0)
    h = torch.randn(7, 5, dtype=torch.float64, device=device, requires_grad=True)
    weight = torch.randn(11, 5, dtype=torch.float64, device=device, requires_grad=True)
    bias = torch.randn(11, dtype=torch.float64, device=device, requires_grad=True)
    targets = torch.tensor([0, 3, 3, 10, 1, 7, 2], device=device)
    g = torch.tensor([1.0, 0.5, 2.0, -1.0, 0.0, 3.0, 0.25], dtype=torch.float64, device=device)
    fused = LinearCrossEntropy.apply(h, weight, bias, targets, True)
    (fused * g).sum().backward()
    grads = [t.grad.clone() for t in (h, weight, bias)]
    for t in (h, weight, bias):
        t.grad = None
    plain = F.cross_entropy(F.linear(h, weight, bias), targets, reduction="none")
    (plain * g).sum().backward()
    assert torch.allclose(fused, plain, atol=1e-12)
    for mine, theirs in zip(grads, (h.grad, weight.grad, bias.grad)):
        assert torch.allclose(mine, theirs, atol=1e-12)
    # by hand for one token: -log softmax(l)[y]
    logits = weight @ h[1] + bias
    assert abs(fused[1].item() - (torch.logsumexp(logits, 0) - logits[3]).item()) < 1e-12
    with torch.no_grad():
        assert torch.allclose(LinearCrossEntropy.apply(h, weight, bias, targets, False), plain)


def test_z_through_the_initial_state_is_read_at_step_zero_only():
    """initial_state (Bowman et al.): step 0's state is W z + b, split into h_0 and c_0, and the
    outputs after step 0 depend on z only through the state carried from step 0: feeding another
    z with that state gives the same logits.  every_step reads z at every step."""
    torch.manual_seed(0)
    vae = build_vae("lstm", vocab_size=20, emb=6, hidden=5, z=3, z_input="initial_state").eval()
    dec = vae.decoder
    assert dec.rnn.input_size == 6 and (dec.to_state.in_features, dec.to_state.out_features) == (3, 10)
    z, other = torch.randn(2, 3), torch.randn(2, 3)
    h0, c0 = dec.initial_state(z)
    by_hand = z @ dec.to_state.weight.t() + dec.to_state.bias
    assert torch.allclose(h0[0], by_hand[:, :5]) and torch.allclose(c0[0], by_hand[:, 5:])
    prefix = torch.tensor([[2, 7], [2, 9]])
    _, state = dec.step(prefix[:, :1], z)
    carried, _ = dec.step(prefix, z, state)
    swapped, _ = dec.step(prefix, other, state)
    assert torch.equal(carried, swapped)
    whole, _ = dec.features(prefix, z)
    assert torch.allclose(dec.out(whole[:, -1]), carried, atol=1e-6)  # the same as one pass over the prefix
    assert not torch.allclose(dec.step(prefix[:, :1], other)[0], dec.step(prefix[:, :1], z)[0])
    every = build_vae("lstm", vocab_size=20, emb=6, hidden=5, z=3).eval().decoder
    _, state = every.step(prefix[:, :1], z)
    assert not torch.allclose(every.step(prefix, z, state)[0], every.step(prefix, other, state)[0])
    gru = build_vae("gru", vocab_size=20, emb=6, hidden=5, z=3, z_input="initial_state").decoder
    assert gru.initial_state(z).shape == (1, 2, 5)
    with pytest.raises(ValueError, match="every_step for the cnn decoder"):
        build_vae("cnn", vocab_size=20, emb=6, hidden=5, z=3, z_input="initial_state")


def test_the_authors_embedding_encoder_input_and_evaluation_dropout():
    """shared_embedding: one table; encoder_eos: the encoder's code of x equals that of x with
    </s> read as a token; cnn_eval_dropout: dropout at evaluation too."""
    torch.manual_seed(0)
    shared = build_vae("lstm", vocab_size=20, emb=6, hidden=5, z=3, shared_embedding=True)
    assert shared.decoder.embed is shared.encoder.embed
    torch.manual_seed(0)
    with_eos = build_vae("lstm", vocab_size=20, emb=6, hidden=5, z=3, encoder_eos=True).eval()
    torch.manual_seed(0)
    plain = build_vae("lstm", vocab_size=20, emb=6, hidden=5, z=3).eval()
    tokens, lengths = torch.tensor([[5, 6, 7], [8, 9, 0]]), torch.tensor([3, 2])
    read = torch.tensor([[5, 6, 7, models.EOS_ID], [8, 9, models.EOS_ID, 0]])
    assert torch.allclose(with_eos.encoder(tokens, lengths)[0], plain.encoder(read, lengths + 1)[0])
    assert not torch.allclose(with_eos.encoder(tokens, lengths)[0], plain.encoder(tokens, lengths)[0])
    noisy = build_vae("cnn", vocab_size=20, emb=6, hidden=5, z=3, cnn_channels=8, cnn_inner=4, cnn_width=3,
                      cnn_blocks=1, cnn_dropout=0.5, cnn_eval_dropout=True).eval()
    z, inputs = torch.randn(1, 3), torch.tensor([[2, 5, 7]])
    assert not torch.equal(noisy.decoder.features(inputs, z)[0], noisy.decoder.features(inputs, z)[0])
    noisy.decoder.blocks[0].a.at_eval = noisy.decoder.blocks[0].b.at_eval = False
    assert torch.equal(noisy.decoder.features(inputs, z)[0], noisy.decoder.features(inputs, z)[0])
