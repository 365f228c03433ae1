"""Trainer tests run torch on one thread: the machine's two cores are shared by the test
workers, and one thread makes every run's arithmetic the same from run to run."""

import pytest
import torch


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
