# Copyright 2026 The tribuo-locallip authors.
# Licensed under the Apache License, Version 2.0 (the "License"); see LICENSE at the repository's root.
"""Loads the paper's own code (github.com/yjhuangcd/local-lipschitz) for CPU use.

The clone in ./local-lipschitz is left untouched: its utils.py, data_load.py and
Local_bound.py are read, patched in memory and executed as the modules `utils`,
`data_load` and `Local_bound`. The only changes (each asserted to apply exactly as
many times as expected, so a different checkout fails loudly instead of silently):

  * Local_bound.py: the tuple fix `torch.randn((*self.in_size[i],), ...)`. The original
    `torch.randn((*self.in_size[i]), ...)` only parses on Python < 3.9 (the paper used
    3.6); on 3.9+ it is a SyntaxError.
  * CUDA calls mapped to the CPU: `.cuda()` removed (tensors and models stay on the CPU),
    `torch.cuda.FloatTensor` -> `torch.FloatTensor` (BCP_translation's mask), and
    `torch.cuda.set_device(args.cuda_ids)` -> `None` in utils.argparser.
    (torch.cuda.manual_seed and torch.cuda.empty_cache are no-ops without CUDA and are kept.)
  * Empty stand-in modules for torchvision, advertorch and setproctitle: imported by the
    paper's files but not called on the paths used here (MNIST data come from the
    project's bundled sample; PGD is not run).

`patch_diff()` returns these changes as a unified diff (also written to paper-cpu.patch).
"""
import difflib
import os
import subprocess
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
PAPER_DIR = os.environ.get("LOCALLIP_PAPER_DIR", os.path.join(HERE, "local-lipschitz"))
EXPECTED_COMMIT = "483069d636693b60577b5294e9a2d1f276419f0c"

# (old, new, expected count) per file
PATCHES = {
    "utils.py": [
        ("torch.cuda.set_device(args.cuda_ids)", "None", 1),
        (".cuda()", "", 13),
    ],
    "data_load.py": [],
    "Local_bound.py": [
        ("torch.randn((*self.in_size[i]), device=W.device)",
         "torch.randn((*self.in_size[i],), device=W.device)", 1),
        ("torch.cuda.FloatTensor", "torch.FloatTensor", 1),
        (".cuda()", "", 7),
    ],
}


def _stub(name, **attrs):
    m = types.ModuleType(name)
    m.__doc__ = "empty stand-in (paper harness): imported by the paper's code, not called"
    for k, v in attrs.items():
        setattr(m, k, v)
    sys.modules.setdefault(name, m)
    return sys.modules[name]


def _not_available(*_a, **_k):
    raise RuntimeError("stand-in module: not available in the paper harness")


def install_stubs():
    for real in ("torchvision", "advertorch", "setproctitle"):
        try:
            __import__(real)
            continue  # the real package is installed: use it
        except ImportError:
            pass
        if real == "torchvision":
            ds = _stub("torchvision.datasets")
            tf = _stub("torchvision.transforms")
            _stub("torchvision", datasets=ds, transforms=tf)
        elif real == "advertorch":
            at = _stub("advertorch.attacks", L2PGDAttack=_not_available)
            cx = _stub("advertorch.context", ctx_noparamgrad_and_eval=_not_available)
            _stub("advertorch", attacks=at, context=cx)
        else:
            _stub("setproctitle", setproctitle=lambda *_a, **_k: None)


def patched_source(fname):
    with open(os.path.join(PAPER_DIR, fname), encoding="utf-8") as f:
        src = f.read()
    out = src
    for old, new, count in PATCHES[fname]:
        found = out.count(old)
        if found != count:
            raise RuntimeError("%s: expected %d occurrence(s) of %r, found %d (different checkout?)"
                               % (fname, count, old, found))
        out = out.replace(old, new)
    return src, out


def patch_diff():
    parts = []
    for fname in PATCHES:
        src, out = patched_source(fname)
        parts.extend(difflib.unified_diff(src.splitlines(True), out.splitlines(True),
                                          "a/" + fname, "b/" + fname))
    return "".join(parts)


def commit():
    try:
        return subprocess.run(["git", "-C", PAPER_DIR, "rev-parse", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except Exception:
        return None


_loaded = None


def load():
    """Returns (utils, data_load, Local_bound), the paper's modules, patched for the CPU."""
    global _loaded
    if _loaded is not None:
        return _loaded
    install_stubs()
    mods = []
    for name in ("utils", "data_load", "Local_bound"):
        fname = name + ".py"
        path = os.path.join(PAPER_DIR, fname)
        _, src = patched_source(fname)
        mod = types.ModuleType(name)
        mod.__file__ = path
        sys.modules[name] = mod  # Local_bound does `from utils import *`
        exec(compile(src, path, "exec"), mod.__dict__)
        mods.append(mod)
    _loaded = tuple(mods)
    return _loaded


def paper_args(argv, **defaults):
    """The paper's own argparser (utils.argparser) on argv, with the given script defaults."""
    utils = load()[0]
    saved = sys.argv
    sys.argv = ["paper"] + [str(a) for a in argv]
    try:
        return utils.argparser(**defaults)
    finally:
        sys.argv = saved


if __name__ == "__main__":
    sys.stdout.write(patch_diff())
