"""Held-out evaluation set of channelwise_lstm for ``explain4j evaluate -d eval`` (no training).

Draws EVAL_N = 200 episodes with ``mimic_cohort.make_cohort(200, seed 2)`` (training used seed 0,
the held-out AUROC set and the committed CSV sample seed 1, so these episodes were never trained
on or seen before), discretized and normalized by ``mimic_discretizer.py`` exactly as in training,
and writes next to the model:
* ``channelwise_lstm.eval.npy``: x [200,48,76] float32 (npy v1.0 <f4);
* ``channelwise_lstm.eval.truth.json``: per episode (same order) ``y`` (1 = died), ``kind``, the
  event onsets, ``cells`` / ``related_cells`` ([hour_bin, variable_index], variable index into the
  sidecar's 17 variables, see ``mimic_cohort``), and ``mask``, the flat [48,76] 0/1 cause mask of
  ``org.explain4j.metrics.GroundTruth``.

Cause mask = the mechanism cells mapped to the VALUE columns of their variable: the 13 one-hot
columns of GCS total and the one column of systolic BP, in the hour bins of ``cells``; the mask
columns ("was it charted this hour") are left out, since the mechanism is the value, not the
charting. Survivors have no cause cells (an all-zero mask), so GroundTruth skips them.

No ``label`` field on purpose: GroundTruth scores a sample only when its label equals the
explained class index, and this model has ONE sigmoid output (class 0 = the mortality logit),
so a died episode's label 1 would never match; without a label every target is scored, which
here always is the mortality logit. The outcome is in ``y``.

``--n N --seed S --out DIR`` write a set of another size/seed elsewhere (e.g. a larger one for
``evaluate --data X.npy --truth X.truth.json``); ``--columns hot`` marks only the column that
carries the value in that hour (the hot one-hot column of GCS total, the systolic BP column), the
one a zero-baseline IG or LRP can credit at all; ``--columns all`` adds the mask columns.
Run from the repository root with /usr/bin/python3.
"""
import argparse
import json
import os

import numpy as np

import common
import mimic_cohort
from mimic_discretizer import Discretizer

NAME = "channelwise_lstm"
EVAL_N, EVAL_SEED = 200, 2


def cause_mask(cells, d, x, columns="value"):
    """Flat [48, n_columns] 0/1 mask over the cells' hour bins: ``value`` = the value columns of
    each cell's variable (all its one-hot columns, or its one numeric column), ``hot`` = only the
    one-hot column that is 1 in x (one-hot columns are not standardized), ``all`` = the value
    columns plus the variable's mask column."""
    mask = np.zeros((48, len(d.columns)), dtype=np.int8)
    for hb, v in cells:
        name = d.variables[v]
        cols = d.groups[name]
        if columns != "all":
            cols = [c for c in cols if c not in d.mask_columns]
        if columns == "hot" and d.categorical[name]:
            assert not d.standardized[cols].any() and sorted(set(x[hb, cols])) == [0.0, 1.0]
            cols = [cols[int(np.argmax(x[hb, cols]))]]
        mask[hb, cols] = 1
    return mask.reshape(-1)


def write_eval_set(n=EVAL_N, seed=EVAL_SEED, out=None, columns="value"):
    d = Discretizer()
    x, y, truths = mimic_cohort.make_cohort(n, seed, mimic_cohort.estimate_stats(), d)
    assert x.shape == (n, 48, len(d.columns)) and x.dtype == np.float32
    out = out or common.model_dir(NAME)
    prefix = os.path.join(out, NAME + ".eval" if out == common.model_dir(NAME)
                          else "%s.eval-n%d-s%d-%s" % (NAME, n, seed, columns))
    common.save_npy(prefix + ".npy", x)
    samples = []
    for i, t in enumerate(truths):
        samples.append({"y": int(t["label"]), "kind": t["kind"], "gcs_onset": t["gcs_onset"],
                        "sbp_onset": t["sbp_onset"], "cells": t["cells"],
                        "related_cells": t["related_cells"],
                        "mask": [int(v) for v in cause_mask(t["cells"], d, x[i], columns)]})
    doc = {"description": "ground truth of %s (mimic_cohort.make_cohort(%d, seed %d), same order; "
                          "models-onnx/python/channelwise_eval_set.py). Died (y=1) iff GCS total falls "
                          ">= 5 points to 3..8 from an onset in hours [36,44] AND systolic BP < 90 "
                          "from an onset in [38,45]. cells = [hour_bin, variable_index] of GCS total "
                          "and systolic BP from the first post-onset observation to bin 47 (died "
                          "episodes only); mask = flat [48,76] 0/1 over the %s columns of those "
                          "variables in those bins. No 'label': the model has one sigmoid output "
                          "(class 0), so every target is scored; the outcome is 'y'."
                          % (os.path.basename(prefix) + ".npy", n, seed,
                             {"value": "value (all one-hot / the numeric, not the mask)",
                              "hot": "value-carrying (the hot one-hot / the numeric)",
                              "all": "value and mask"}[columns]),
           "variables": d.variables, "samples": samples}
    with open(prefix + ".truth.json", "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    died = int(y.sum())
    print("%s: wrote %s.npy (%d episodes, %d died with %.0f cause cells on average) and .truth.json"
          % (NAME, prefix, n, died, np.mean([sum(s["mask"]) for s in samples if s["y"]]) if died else 0))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=EVAL_N)
    ap.add_argument("--seed", type=int, default=EVAL_SEED)
    ap.add_argument("--out", default=None, help="directory (default: the model's resource directory)")
    ap.add_argument("--columns", choices=["value", "hot", "all"], default="value")
    a = ap.parse_args()
    if a.columns != "value" and a.out is None:
        ap.error("--columns %s is a variant for comparisons: give --out" % a.columns)
    write_eval_set(a.n, a.seed, a.out, a.columns)
