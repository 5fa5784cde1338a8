import re

import pytest

from textvae import model_ids
from textvae.model_ids import ModelId, ModelIdError


def test_model_ids_parse():
    assert model_ids.parse("lstm-betac-C15") == ModelId(arch="lstm", objective="betac", C=15.0, m=0.0, beta=1.0,
                                                        anneal=False, seed=None)
    assert model_ids.parse("gru-autogen-m0.5").m == 0.5
    assert model_ids.parse("lstm-vae-anneal-s12").seed == 12
    assert model_ids.parse("lstm-vae-anneal").anneal is True
    assert model_ids.parse("cnn-beta-b0.25").beta == 0.25


@pytest.mark.parametrize("model_id", ["lstm-betac-C15", "gru-autogen-m0.5", "lstm-vae-anneal-s12", "cnn-beta-b0.25",
                                      "lstm-lm", "gru-freebits-C2.5-s3", "lstm-vae"])
def test_format_writes_what_parse_reads(model_id):
    assert model_ids.parse(model_id).format() == model_id
    assert re.fullmatch(model_ids.WILDCARD, model_id)


@pytest.mark.parametrize("bad, message", [
    ("rnn-betac-C3", "unknown architecture 'rnn'"),
    ("lstm-wae-C3", "unknown objective 'wae'"),
    ("lstm-betac", "takes a -C<number> part"),
    ("lstm-vae-C3", "takes no number part"),
    ("lstm-betac-C-3", "not of the form"),
])
def test_bad_model_ids(bad, message):
    with pytest.raises(ModelIdError, match=message):
        model_ids.parse(bad)


def test_the_wildcard_is_the_pattern_without_group_names():
    """Snakemake puts the constraint inside its own named group, beside wildcards such as `seed`."""
    assert "?P<" not in model_ids.WILDCARD
    assert not re.fullmatch(model_ids.WILDCARD, "lstm-betac-C-3")
    assert re.fullmatch(f"(?P<model>{model_ids.WILDCARD})_seed(?P<seed>\\d+)", "lstm-betac-C3-s2_seed4")


def test_the_seed_suffix_splits_off():
    assert model_ids.split_seed("gru-betac-C10-s7") == ("gru-betac-C10", "-s7")
    assert model_ids.split_seed("gru-betac-C10") == ("gru-betac-C10", "")
    assert model_ids.without_seed("lstm-vae-anneal-s3") == "lstm-vae-anneal"
    assert model_ids.with_seed("lstm-vae-anneal", 3) == "lstm-vae-anneal-s3"
