#!/usr/bin/python3
# Copyright 2026 The tribuo-locallip authors.
# Licensed under the Apache License, Version 2.0 (the "License"); see LICENSE at the repository's root.
"""The paper's evaluation harness for `locallip bench certify --paper-harness CMD`.

Called as
  certify_paper.py --weights FILE --use-exported-digits --examples N --eps E --sniter K
                   --opt-iter M --batch B --json OUT
FILE is the safetensors file `bench certify` writes: the model's parameters under PyTorch's
nn.Sequential names with a `param.` prefix (`param.0.weight`, `param.1.threshold`, ...), the
layers as text in the metadata (`conv:8,3,1,1; relux:1.0; ...; flatten; linear:10`) and the
digits `x` (n, C, H, W, scaled pixels) and `y` (n, class ids).

The network is built from the paper's own layers (nn.Conv2d, utils.ReLU_x with the exported
thresholds, nn.ReLU, utils.ClampGroupSort, utils.Flatten, nn.Linear) and loaded with
strict=True; then the paper's Local_bound.evaluate is called as its evaluate.py does: seed
2019, args.print = True, no --gloro (BCP worst-case logits), u_list = None and save_u=False
(random local starting vectors; the global power-iteration vectors are carried across the
batches inside that call); test_sniter = K, test_opt_iter = M, test_batch_size = B; the local
power iteration stops when the batch's slowest example moves less than 1e-3 (the paper's tol).
One warm-up call on the first batch, then that one call on all N digits is timed with
time.perf_counter(). 2 threads, OMP_WAIT_POLICY=PASSIVE. Progress goes to stderr; OUT gets
{"runs": [{"examples_per_s", "certified_accuracy", "clean_accuracy_from_evaluate", ...}]}.
"""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import contextlib
import json
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import paper_code  # noqa: E402

DTYPES = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
          "I8": "i1", "U8": "u1", "BOOL": "?"}


def read_safetensors(path):
    """(tensors by name, metadata) from a safetensors file, with no library: an 8-byte
    little-endian header length, the JSON header, then the raw little-endian tensors."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    base = 8 + n
    meta = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        dt = np.dtype(DTYPES[info["dtype"]])
        arr = np.frombuffer(data, dtype=dt, count=(end - start) // dt.itemsize, offset=base + start)
        tensors[name] = torch.from_numpy(arr.astype(dt.newbyteorder("="), copy=True).reshape(info["shape"]))
    return tensors, meta


def build_model(utils, tensors, layers_text):
    """nn.Sequential of the paper's layers for the layer text; returns (model, args.model name)."""
    params = {k[len("param."):]: v for k, v in tensors.items() if k.startswith("param.")}
    layers, kinds = [], set()
    for i, part in enumerate(p.strip() for p in layers_text.split(";") if p.strip()):
        kind, _, rest = part.partition(":")
        a = [s.strip() for s in rest.split(",")] if rest else []
        if kind == "conv":
            out_c, k, s, p = (int(v) for v in a)
            w = params["%d.weight" % i]
            assert w.shape[0] == out_c and w.shape[2] == k, (part, tuple(w.shape))
            layers.append(nn.Conv2d(w.shape[1], out_c, k, stride=s, padding=p,
                                    bias=("%d.bias" % i) in params))
        elif kind == "linear":
            w = params["%d.weight" % i]
            assert w.shape[0] == int(a[0]), (part, tuple(w.shape))
            layers.append(nn.Linear(w.shape[1], w.shape[0], bias=("%d.bias" % i) in params))
        elif kind == "relux":
            layers.append(utils.ReLU_x(params["%d.threshold" % i].shape))
            kinds.add("relux")
        elif kind == "relu":
            layers.append(nn.ReLU())
            kinds.add("relu")
        elif kind == "maxmin":
            shape = params["%d.min" % i].shape
            layers.append(utils.ClampGroupSort(shape, float(a[1]), float(a[0])))
            kinds.add("maxmin")
        elif kind == "flatten":
            layers.append(utils.Flatten())
        else:
            raise SystemExit("unsupported layer %r" % part)
    if len(kinds) != 1:
        raise SystemExit("the paper's code needs exactly one activation kind, found %s" % sorted(kinds))
    # Local_bound picks its masks by substrings of args.model, as the paper's model names do
    name = {"relux": "relux", "relu": "standrelu", "maxmin": "c6f2_clmaxmin"}[kinds.pop()]
    model = nn.Sequential(*layers)
    model.load_state_dict(params, strict=True)
    return model, name


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--weights", required=True)
    ap.add_argument("--use-exported-digits", action="store_true",
                    help="certify the digits x, y of the weights file (the only data source)")
    ap.add_argument("--examples", type=int, default=None, help="first N digits (default: all)")
    ap.add_argument("--eps", type=float, required=True)
    ap.add_argument("--sniter", type=int, default=100, help="the paper's --test_sniter")
    ap.add_argument("--opt-iter", type=int, default=1000, help="the paper's --test_opt_iter")
    ap.add_argument("--batch", type=int, default=256, help="the paper's --test_batch_size")
    ap.add_argument("--json", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=2019)
    a = ap.parse_args()
    if not a.use_exported_digits:
        raise SystemExit("only --use-exported-digits is supported (the digits come from the weights file)")

    torch.set_num_threads(a.threads)
    log = sys.stderr
    with contextlib.redirect_stdout(sys.stderr):  # the paper's prints go to stderr
        utils, data_load, Local = paper_code.load()
        tensors, meta = read_safetensors(a.weights)
        if "layers" not in meta:
            raise SystemExit("the weights file has no 'layers' metadata")
        x = tensors["x"].float()
        y = tensors["y"].long()
        n = x.shape[0] if a.examples is None else min(a.examples, x.shape[0])
        x, y = x[:n].contiguous(), y[:n].contiguous()

        model, model_name = build_model(utils, tensors, meta["layers"])
        # the paper's own argparser, as evaluate.py runs it (data mnist/cifar only set defaults)
        args = paper_code.paper_args(
            ["--model", model_name, "--epsilon", a.eps, "--test_sniter", a.sniter,
             "--test_opt_iter", a.opt_iter, "--test_batch_size", a.batch, "--batch_size", a.batch,
             "--seed", a.seed])
        args.print = True
        assert not args.gloro
        print("paper code %s, torch %s, %d threads; model %s (%s); %d digits, eps %g, sniter %d, "
              "opt_iter %d, batch %d" % (paper_code.commit(), torch.__version__, torch.get_num_threads(),
                                        model_name, meta["layers"], n, a.eps, a.sniter, a.opt_iter, a.batch))

        def loader(k):
            ds = data_load.MyDataset(torch.utils.data.TensorDataset(x[:k], y[:k]))
            return torch.utils.data.DataLoader(ds, batch_size=a.batch, shuffle=False, num_workers=0)

        torch.manual_seed(args.seed)
        devnull = open(os.devnull, "w")
        model.eval()
        print("warm-up on one batch ...")
        t0 = time.perf_counter()
        Local.evaluate(loader(min(a.batch, n)), model, a.eps, 0, devnull, args.verbose, args,
                       None, None, save_u=False)
        print("warm-up took %.2f s; timed run on %d digits ..." % (time.perf_counter() - t0, n))
        test_loader = loader(n)
        t0 = time.perf_counter()
        _, robust_err, robust_loss, loss, err = Local.evaluate(
            test_loader, model, a.eps, 0, devnull, args.verbose, args, None, None, save_u=False)
        seconds = time.perf_counter() - t0
    run = {
        "examples_per_s": n / seconds,
        "certified_accuracy": 1.0 - float(robust_err),
        "clean_accuracy_from_evaluate": 1.0 - float(err),
        "seconds": seconds,
        "examples": n,
        "eps": a.eps,
        "sniter": a.sniter,
        "opt_iter": a.opt_iter,
        "batch": a.batch,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "paper_commit": paper_code.commit(),
    }
    print("%d digits in %.2f s: %.2f examples/s, certified %.4f, clean %.4f"
          % (n, seconds, run["examples_per_s"], run["certified_accuracy"],
             run["clean_accuracy_from_evaluate"]), file=log)
    with open(a.json, "w") as f:
        json.dump({"runs": [run]}, f, indent=1)


if __name__ == "__main__":
    main()
