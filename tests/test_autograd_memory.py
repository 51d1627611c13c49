"""saved_for_backward: the activations autograd keeps, and autocast's weight copies apart."""

import torch

from helpers.autograd_memory import saved_for_backward


def test_saved_for_backward_counts_activations_that_grow_with_the_batch_not_the_weights():
    model = torch.nn.Sequential(torch.nn.Linear(100, 200), torch.nn.ReLU(), torch.nn.Linear(200, 10))
    kept = {}
    for rows in (8, 16):
        with saved_for_backward(exclude=model.parameters()) as saved:
            loss = model(torch.randn(rows, 100)).sum()
        loss.backward()
        kept[rows] = saved.mib * 2**20
    assert kept[8] == 8 * (100 + 200) * 4  # the input and the ReLU's output (the second layer's input: counted once)
    assert kept[16] == 2 * kept[8]
    with saved_for_backward() as with_weights:  # negative control: without the exclusion the weights count too
        model(torch.randn(8, 100)).sum()
    assert with_weights.mib * 2**20 == kept[8] + 200 * 10 * 4  # + the 2nd layer's weight (its input's gradient)


def test_autocasts_weight_copies_are_counted_apart_from_the_activations():
    model = torch.nn.Sequential(torch.nn.Linear(100, 200), torch.nn.ReLU(), torch.nn.Linear(200, 10))
    x = torch.randn(8, 100, requires_grad=True)  # an input that needs its gradient: the weights are saved too
    with saved_for_backward(exclude=model.parameters()) as fp32:
        model(x).sum().backward()
    assert fp32.copies_mib == 0  # negative control: no cast, no copies
    with saved_for_backward(exclude=model.parameters()) as bf16:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            model(x).sum().backward()
    assert bf16.copies_mib * 2**20 == (200 * 100 + 10 * 200) * 2  # both weights, in 2 bytes each
    assert bf16.mib < fp32.mib  # the activations themselves are stored in 16 bits
