import math

import pytest
import torch

from textvae import objectives as ob


def test_gaussian_kl_by_hand():
    mu = torch.tensor([[1.0, -2.0]])
    logvar = torch.tensor([[0.0, math.log(4.0)]])
    # 1/2 [(1 + 1 - 1 - 0) + (4 + 4 - 1 - log 4)] = 1/2 (1 + 7 - log 4)
    assert ob.gaussian_kl(mu, logvar).item() == pytest.approx(0.5 * (8 - math.log(4.0)))
    assert ob.gaussian_kl(torch.zeros(3, 5), torch.zeros(3, 5)).tolist() == [0.0, 0.0, 0.0]


REC = torch.tensor([-10.0, -20.0])  # mean -15
KL = torch.tensor([2.0, 6.0])  # mean 4


def test_each_objective_on_fixed_numbers():
    assert ob.elbo(REC, KL).tolist() == [-12.0, -26.0]
    assert ob.beta_vae_loss(REC, KL).item() == pytest.approx(19.0)
    assert ob.beta_vae_loss(REC, KL, beta=0.5).item() == pytest.approx(17.0)
    assert ob.beta_c_loss(REC, KL, C=10.0).item() == pytest.approx(15 + 6)
    assert ob.beta_c_loss(REC, KL, C=1.0, beta=2.0).item() == pytest.approx(15 + 6)
    assert ob.free_bits_loss(REC, KL, C=10.0).item() == pytest.approx(25.0)
    assert ob.free_bits_loss(REC, KL, C=1.0).item() == pytest.approx(19.0)
    assert ob.autogen_loss(REC, KL, m=1.0).item() == pytest.approx(34.0)
    assert ob.autogen_loss(REC, KL, m=2.0).item() == pytest.approx(49.0)
    assert ob.autogen_loss(REC, KL, m=0.0).item() == ob.beta_vae_loss(REC, KL).item()


def test_training_loss_dispatch_and_annealing_weight():
    assert ob.training_loss("vae", REC, KL, weight=0.25).item() == pytest.approx(16.0)
    assert ob.training_loss("betac", REC, KL, C=3.0).item() == pytest.approx(16.0)
    assert ob.training_loss("autogen", REC, KL, m=1.0, weight=0.5).item() == pytest.approx(32.0)
    with pytest.raises(ValueError, match="unknown objective"):
        ob.training_loss("wae", REC, KL)


def test_ramps_and_schedules():
    assert ob.linear_ramp(0, 10, 50.0) == 0.0
    assert ob.linear_ramp(5, 10, 50.0) == 25.0
    assert ob.linear_ramp(20, 10, 50.0) == 50.0
    assert ob.linear_ramp(0, 0, 50.0) == 50.0
    assert ob.kl_weight(None, 0, 10) == 1.0
    assert ob.kl_weight("linear", 3, 10) == pytest.approx(0.3)
    assert ob.kl_weight("sigmoid", 5, 10) == pytest.approx(0.5)
    assert ob.kl_weight("sigmoid", 0, 10) < 0.01 and ob.kl_weight("sigmoid", 10, 10) > 0.99


def test_kl_share():
    # objective -(1+m) NLL - KL with NLL = 15, KL = 5, m = 1: KL share = 5 / 35
    assert ob.kl_share(-15.0, 5.0, m=1.0) == pytest.approx(100 * 5 / 35)
    assert ob.kl_share(-15.0, 5.0) == pytest.approx(25.0)
