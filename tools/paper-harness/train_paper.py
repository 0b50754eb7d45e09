#!/usr/bin/python3
# Copyright 2026 The tribuo-locallip authors.
# Licensed under the Apache License, Version 2.0 (the "License"); see LICENSE at the repository's root.
"""Trains with the paper's own code (github.com/yjhuangcd/local-lipschitz) on the project's
bundled MNIST sample, CPU only, then certifies the test digits with the paper's evaluate.

Data: tribuo-locallip's examples/src/main/resources/org/locallip/cli/mnist-sample (10,000
digits): the first 8,000 train, the last 2,000 test, pixels scaled to [0, 1] (as
transforms.ToTensor does), no augmentation.

The loop is train_mnist.py's __main__, step by step (its epsilon and kappa schedules, Adam,
the 'exp' LambdaLR with utils.lr_exp, per-example local vectors u_train, the global vectors
u_list carried across epochs), calling the paper's Local_bound.train (and utils.train during
warm-up epochs); the options and their defaults go through the paper's own argparser with
train_mnist.py's defaults (epochs 300, warmup 0, rampup 150, batch 256, eps 1.58, eps_train
1.58; lr 1e-3, end_lr 5e-6, sniter 1, opt_iter 1, init 1.0, seed 2019, BCP loss unless
--loss gloro). Models: `relux` (the paper's MNIST 4C3F, utils.mnist_model_large_relux; the
paper's code ignores --init for it: thresholds 1.0), `standrelu` (4C3F with nn.ReLU), and
`small` (NOT in the paper's code: tribuo-locallip's small_relux preset, conv:8,3,1,1;
conv:16,4,2,1 x3; linear:64; linear:10, built here from the paper's layers and initialized as
the paper initializes its models, thresholds = --init).

Differences from train_mnist.py, all outside the paper's functions:
  * --time-budget SECONDS: training stops at the first batch boundary after that much wall
    time (measured from the start of the first epoch); the epoch in progress is cut there
    (the loader simply ends early), so epochs_done can be fractional.
  * the per-epoch test evaluation (Local.evaluate at epsilon_next, utils.evaluate during
    warm-up), which train_mnist.py uses to pick its "best" checkpoint on the test set, is off
    unless --epoch-eval; it is never counted in training_seconds. No checkpoints are saved:
    the final evaluation is of the last model (train_mnist.py evaluates its best checkpoint).
  * DataLoader with num_workers=0 and no pinned memory (CPU), data from the bundled sample.
  * the final certification uses evaluate.py's settings: no --gloro (BCP worst-case logits),
    u_list None, save_u=False, args.print = True, --eval-sniter / --eval-opt-iter as
    test_sniter / test_opt_iter (paper defaults 100 / 1000), torch.manual_seed(seed) before
    each eps.
"""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import gzip
import json
import math
import sys
import time
from datetime import datetime

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paper_code  # noqa: E402

SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "src", "main", "resources",
                      "org", "locallip", "cli", "mnist-sample")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_sample(data_dir, n_train=8000):
    images = read_idx(os.path.join(data_dir, "images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, "labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)  # n,1,28,28 in [0,1]
    y = torch.from_numpy(labels.astype(np.int64))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def small_relux(utils, init=1.0):
    """tribuo-locallip's small_relux preset from the paper's layers, initialized like the
    paper's models (conv weights N(0, 2/(k*k*out)), conv biases 0, nn.Linear default)."""
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, stride=1, padding=1),
        utils.ReLU_x(torch.Size([1, 8, 28, 28]), init),
        nn.Conv2d(8, 16, 4, stride=2, padding=1),
        utils.ReLU_x(torch.Size([1, 16, 14, 14]), init),
        nn.Conv2d(16, 16, 4, stride=2, padding=1),
        utils.ReLU_x(torch.Size([1, 16, 7, 7]), init),
        nn.Conv2d(16, 16, 4, stride=2, padding=1),
        utils.ReLU_x(torch.Size([1, 16, 3, 3]), init),
        utils.Flatten(),
        nn.Linear(16 * 3 * 3, 64),
        utils.ReLU_x(torch.Size([1, 64]), init),
        nn.Linear(64, 10),
    )
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
            m.weight.data.normal_(0, math.sqrt(2. / n))
            m.bias.data.zero_()
    return model


class BudgetLoader:
    """Wraps a DataLoader; ends the epoch at the first batch boundary past the deadline
    (the first batch of an epoch always runs). len() stays the full epoch, as the paper's
    schedules inside Local.train use it."""

    def __init__(self, loader, deadline):
        self.loader, self.deadline = loader, deadline
        self.dataset = loader.dataset
        self.batches = 0  # batches yielded in the last epoch
        self.cut = False

    def __len__(self):
        return len(self.loader)

    def __iter__(self):
        self.batches, self.cut = 0, False
        for batch in self.loader:
            if self.batches > 0 and self.deadline is not None and time.perf_counter() >= self.deadline:
                self.cut = True
                return
            self.batches += 1
            yield batch


def main():
    ap = argparse.ArgumentParser(description="Train the paper's code on the bundled MNIST sample (CPU).")
    ap.add_argument("--model", default="relux", choices=["relux", "standrelu", "small"],
                    help="relux = the paper's MNIST 4C3F (default); small = the project's small_relux")
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=0)
    ap.add_argument("--rampup", type=int, default=150)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--lr", type=float, default=0.001)
    ap.add_argument("--end-lr", type=float, default=5e-6)
    ap.add_argument("--eps-train", type=float, default=1.58)
    ap.add_argument("--eps-test", type=float, default=1.58,
                    help="the paper's --epsilon (its per-batch eps ramp inside Local.train uses it)")
    ap.add_argument("--sniter", type=int, default=1)
    ap.add_argument("--opt-iter", type=int, default=1)
    ap.add_argument("--loss", choices=["bcp", "gloro"], default="bcp")
    ap.add_argument("--init", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=2019)
    ap.add_argument("--time-budget", type=float, default=None, metavar="SECONDS")
    ap.add_argument("--eval-eps", default="1.0,1.58")
    ap.add_argument("--eval-sniter", type=int, default=100)
    ap.add_argument("--eval-opt-iter", type=int, default=1000)
    ap.add_argument("--eval-batch", type=int, default=None, help="default: --batch-size (the paper's)")
    ap.add_argument("--epoch-eval", action="store_true",
                    help="run train_mnist.py's per-epoch test evaluation (not counted as training)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data-dir", default=SAMPLE)
    ap.add_argument("--log-dir", default=None, help="write the paper's train/test logs there")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    utils, data_load, Local = paper_code.load()
    paper_model = {"relux": "relux", "standrelu": "standrelu", "small": "small_relux"}[a.model]
    argv = ["--model", paper_model, "--epochs", a.epochs, "--warmup", a.warmup, "--rampup", a.rampup,
            "--batch_size", a.batch_size, "--test_batch_size", a.eval_batch or a.batch_size,
            "--lr", a.lr, "--end_lr", a.end_lr, "--epsilon_train", a.eps_train, "--epsilon", a.eps_test,
            "--sniter", a.sniter, "--opt_iter", a.opt_iter, "--init", a.init, "--seed", a.seed,
            "--test_sniter", a.eval_sniter, "--test_opt_iter", a.eval_opt_iter, "--no_save",
            "--no_augmentation"] + (["--gloro"] if a.loss == "gloro" else [])
    # train_mnist.py's call of the paper's argparser
    args = paper_code.paper_args(argv, data='mnist', epochs=300, warmup=0, rampup=150, batch_size=256,
                                 epsilon=1.58, epsilon_train=1.58)
    print(datetime.now())
    print(args)
    print("paper code %s, torch %s, %d threads" % (paper_code.commit(), torch.__version__,
                                                   torch.get_num_threads()))
    if a.log_dir:
        os.makedirs(a.log_dir, exist_ok=True)
        train_log = open(os.path.join(a.log_dir, "train.log"), "w")
        test_log = open(os.path.join(a.log_dir, "test.log"), "w")
    else:
        train_log = test_log = open(os.devnull, "w")

    (xtr, ytr), (xte, yte) = load_sample(a.data_dir)
    train_set = data_load.MyDataset(torch.utils.data.TensorDataset(xtr, ytr))
    test_set = data_load.MyDataset(torch.utils.data.TensorDataset(xte, yte))
    train_dl = torch.utils.data.DataLoader(train_set, batch_size=args.batch_size, shuffle=args.shuffle,
                                           drop_last=args.drop_last, num_workers=0)
    test_loader = torch.utils.data.DataLoader(test_set, batch_size=args.test_batch_size, shuffle=False,
                                              num_workers=0)
    print("data: %d train, %d test digits from %s" % (len(train_set), len(test_set), a.data_dir))
    torch.manual_seed(args.seed)

    if a.model == "small":
        model = small_relux(utils, args.init)
    else:
        model = utils.select_model(args.data, args.model, args.init)

    # ---- from here on: train_mnist.py's __main__ (CUDA removed) ----
    input_size = []
    depth = len(model)
    x = torch.randn(1, 1, 28, 28)
    for i, layer in enumerate(model.children()):
        if i < depth - 1:
            input_size.append(x.size()[1:])
            x = layer(x)
    u_train, u_test = [], []
    for i in range(len(input_size)):
        if not model[i].__class__.__name__ == 'ReLU_x' and not model[i].__class__.__name__ == 'Flatten' \
                and not isinstance(model[i], nn.ReLU):
            u_train.append(torch.randn((len(train_set), *(input_size[i]))))
            u_test.append(torch.randn((len(test_set), *(input_size[i]))) if a.epoch_eval else None)
        else:
            u_train.append(None)
            u_test.append(None)

    opt = optim.Adam(model.parameters(), lr=args.lr)
    assert args.opt == 'adam' and args.lr_scheduler == 'exp'
    lr_scheduler = torch.optim.lr_scheduler.LambdaLR(
        opt, lr_lambda=lambda step: utils.lr_exp(args.lr, args.end_lr, step, args.epochs))
    eps_schedule = np.linspace(args.starting_epsilon, args.epsilon_train, args.schedule_length)
    kappa_schedule = np.linspace(args.starting_kappa, args.kappa, args.kappa_schedule_length)
    u_list = None

    start = time.perf_counter()
    deadline = None if a.time_budget is None else start + a.time_budget
    train_loader = BudgetLoader(train_dl, deadline)
    training_seconds = 0.0
    epochs_done = 0.0
    steps = 0
    stopped_by_budget = False
    epoch_eval_seconds = 0.0
    t = -1
    for t in range(args.epochs):
        if deadline is not None and time.perf_counter() >= deadline:
            stopped_by_budget = True
            break
        if t < args.warmup:
            epsilon = 0
            epsilon_next = 0
        elif args.warmup <= t < args.warmup + len(eps_schedule) and args.starting_epsilon is not None:
            epsilon = float(eps_schedule[t - args.warmup])
            epsilon_next = float(eps_schedule[np.min((t + 1 - args.warmup, len(eps_schedule) - 1))])
        else:
            epsilon = args.epsilon_train
            epsilon_next = args.epsilon_train
        if t < args.warmup:
            kappa = 1
            kappa_next = 1
        elif args.warmup <= t < args.warmup + len(kappa_schedule):
            kappa = float(kappa_schedule[t - args.warmup])
            kappa_next = float(kappa_schedule[np.min((t + 1 - args.warmup, len(kappa_schedule) - 1))])
        else:
            kappa = args.kappa
            kappa_next = args.kappa
        print('%.f th epoch: epsilon: %.7f - %.7f, kappa: %.4f - %.4f, lr: %.7f' % (
            t, epsilon, epsilon_next, kappa, kappa_next, opt.state_dict()['param_groups'][0]['lr']))

        st = time.perf_counter()
        if t < args.warmup:
            utils.train(train_loader, model, opt, t, train_log, args.verbose)
        else:
            u_list, u_train, robust_losses_train, robust_errors_train, losses_train, errors_train = Local.train(
                train_loader, model, opt, epsilon, kappa, t, train_log, args.verbose, args, u_list, u_train)
        took = time.perf_counter() - st
        training_seconds += took
        steps += train_loader.batches
        epochs_done += train_loader.batches / len(train_loader)
        print('Taken', took, 's/epoch', '(cut by the time budget after %d of %d batches)'
              % (train_loader.batches, len(train_loader)) if train_loader.cut else '')

        if a.epoch_eval:
            st = time.perf_counter()
            if t < args.warmup:
                utils.evaluate(test_loader, model, t, test_log, args.verbose)
            else:
                u_test, err, _, _, _ = Local.evaluate(test_loader, model, epsilon_next, t, test_log, args.verbose,
                                                      args, u_list, u_test)
            epoch_eval_seconds += time.perf_counter() - st

        print("LR DECAY STEP")
        lr_scheduler.step()
        if train_loader.cut:
            stopped_by_budget = True
            break
    wall_seconds = time.perf_counter() - start

    # ---- final certification, as evaluate.py ----
    args.print = True
    args.gloro = False
    model.eval()
    certified, eval_seconds = {}, {}
    clean = None
    for eps in [float(e) for e in a.eval_eps.split(",") if e.strip()]:
        torch.manual_seed(args.seed)
        st = time.perf_counter()
        print('verification testing at eps %g ...' % eps)
        _, last_err, _, _, err = Local.evaluate(test_loader, model, eps, t, test_log, args.verbose, args,
                                                None, None, save_u=False)
        eval_seconds[str(eps)] = time.perf_counter() - st
        certified[str(eps)] = 1.0 - float(last_err)
        clean = 1.0 - float(err)

    report = {
        "paper_commit": paper_code.commit(),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "model": a.model,
        "options": {k: v for k, v in vars(a).items() if k not in ("json",)},
        "train_examples": len(train_set),
        "test_examples": len(test_set),
        "training_seconds": training_seconds,
        "wall_seconds": wall_seconds,
        "epoch_eval_seconds": epoch_eval_seconds,
        "epochs_done": epochs_done,
        "epochs_completed": int(math.floor(epochs_done + 1e-9)),
        "steps_done": steps,
        "stopped_by_budget": stopped_by_budget,
        "clean_accuracy": clean,
        "certified_accuracy": certified,
        "eval_seconds": eval_seconds,
        "eval_sniter": args.test_sniter,
        "eval_opt_iter": args.test_opt_iter,
    }
    text = json.dumps(report, indent=1)
    print(text)
    if a.json:
        with open(a.json, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
