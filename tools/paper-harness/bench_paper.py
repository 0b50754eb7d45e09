#!/usr/bin/python3
# Copyright 2026 The tribuo-locallip authors.
# Licensed under the Apache License, Version 2.0 (the "License"); see LICENSE at the repository's root.
"""Training throughput of the paper's code, measured as `locallip bench train` measures ours:
the paper's Local_bound.train (GloRo, its per-example vectors u_train in RAM as train_mnist.py
allocates them) on its MNIST 4C3F (utils.mnist_model_large_relux), Adam at 1e-3, over 4 random
batches of uniform images cycled; --warmup steps first (one call of Local.train), then --steps
timed steps (a second call), examples/s = steps * batch / seconds. Prints one JSON line."""
import os
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import argparse, json, sys, time
import torch
import torch.optim as optim
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paper_code  # noqa: E402


class Cycle:
    def __init__(self, batches, n):
        self.batches, self.n = batches, n
    def __len__(self):
        return self.n
    def __iter__(self):
        for i in range(self.n):
            yield self.batches[i % len(self.batches)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--sniter", type=int, default=5)
    ap.add_argument("--opt-iter", type=int, default=10)
    ap.add_argument("--eps", type=float, default=0.3)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    utils, data_load, Local = paper_code.load()
    args = paper_code.paper_args(["--model", "relux", "--batch_size", a.batch, "--sniter", a.sniter,
                                  "--opt_iter", a.opt_iter, "--epsilon", a.eps, "--epsilon_train", a.eps,
                                  "--gloro", "--no_save"], data='mnist', epochs=300, warmup=0, rampup=150,
                                 batch_size=256, epsilon=1.58, epsilon_train=1.58)
    torch.manual_seed(2019)
    model = utils.select_model("mnist", "relux", 1.0)
    n = 4 * a.batch
    sizes, x = [], torch.randn(1, 1, 28, 28)
    for i, layer in enumerate(model.children()):
        if i < len(model) - 1:
            sizes.append(x.size()[1:])
            x = layer(x)
    u_train = []
    for i, s in enumerate(sizes):
        name = model[i].__class__.__name__
        u_train.append(None if name in ("ReLU_x", "Flatten") or isinstance(model[i], torch.nn.ReLU)
                       else torch.randn((max(n, 256), *s)))
    batches = [(torch.rand(a.batch, 1, 28, 28), torch.randint(0, 10, (a.batch,)),
                torch.arange(b * a.batch, (b + 1) * a.batch)) for b in range(4)]
    opt = optim.Adam(model.parameters(), lr=1e-3)
    log = open(os.devnull, "w")
    u_list = None
    u_list, u_train, *_ = Local.train(Cycle(batches, a.warmup), model, opt, a.eps, 0.0, 0, log, False, args,
                                      u_list, u_train)
    t0 = time.perf_counter()
    Local.train(Cycle(batches, a.steps), model, opt, a.eps, 0.0, 0, log, False, args, u_list, u_train)
    took = time.perf_counter() - t0
    print(json.dumps({"side": "paper", "batch": a.batch, "sniter": a.sniter, "opt_iter": a.opt_iter,
                      "steps": a.steps, "threads": torch.get_num_threads(), "seconds": took,
                      "examples_per_s": a.steps * a.batch / took, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
