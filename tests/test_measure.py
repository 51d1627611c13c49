"""Peak memory measurement: a reset starts a new high-water mark."""

import numpy as np

from helpers.measure import peak_memory_mib, reset_peak_memory


def test_peak_grows_with_an_allocation_and_resets():
    reset_peak_memory()
    before = peak_memory_mib()
    block = np.ones(64 * 2**20 // 8)  # 64 MiB, touched
    grown = peak_memory_mib()
    del block
    reset_peak_memory()
    after_reset = peak_memory_mib()
    assert grown - before > 48
    assert after_reset < grown - 48
