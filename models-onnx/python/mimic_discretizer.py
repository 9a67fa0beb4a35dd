"""NumPy reimplementation of the mimic3-benchmarks discretizer + normalizer (in-hospital mortality).

Reference: YerevaNN/mimic3-benchmarks (MIT), ``mimic3models/preprocessing.py`` (``Discretizer``
with timestep 1.0, store_masks, impute_strategy 'previous', start_time 'zero', end 48;
``Normalizer`` with the ``ihm_ts1.0`` means/stds), driven by the copies of
``discretizer_config.json`` and ``ihm_ts1.0.normalizer.csv`` in
``models-onnx/src/main/resources/explain4j/clinical/`` (METHODS.md section 6).

Rules, exactly as the benchmark applies them
--------------------------------------------
* Episode CSV: header ``Hours`` + the 17 variables (any column order; matched by name). Blank
  cell = not observed.
* 48 bins of 1 hour from t = 0. A row at time t goes to bin ``int(t - 1e-6)`` (truncation), i.e.
  bin k holds (k, k+1] and bin 0 holds [0, 1]: t = 1.0 exactly lands in bin 0, as in the
  benchmark. Rows with t > 48 + 1e-6 are skipped (counted); t < 0 (beyond the benchmark's
  truncation of (-1, 0) into bin 0) is an error here.
* Rows are read in file order; within a bin the LAST observed value of a variable wins.
* Missing bins take the previous observed value of the variable (its raw text), else the
  variable's normal value from the config.
* Continuous variables: one column, ``float(text)``. Categorical variables: one-hot over the
  config's ``possible_values`` IN CONFIG ORDER; the text is matched case-insensitively (the demo
  data is upper case). An unknown category is an error.
* Columns: value columns per variable in ``id_to_channel`` order (a categorical variable gives
  one column per listed value, named ``<variable>-><value>``), then 17 mask columns
  ``mask-><variable>`` (1 where observed in that bin): 59 + 17 = 76, the same names and order as
  the normalizer CSV (checked).
* Normalizer: ``(x - mean) / std`` on the columns whose ``standardized_in_ihm`` is 1 (the 12
  continuous ones); one-hot and mask columns stay 0/1.

Run as a script: writes ``golden/channelwise_lstm.discretized.json`` for the 11 real demo test
episodes (``clinical/demo-test``): {"episodes": [{"file", "y_true", "matrix" (flat 48*76
float64, normalized), "raw" (flat 48*76 before normalization), "columns" [76], "rows_skipped"}]}.
"""
import csv
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CLINICAL_DIR = os.path.join(REPO_ROOT, "models-onnx", "src", "main", "resources", "explain4j",
                            "clinical")
GOLDEN_DIR = os.path.join(REPO_ROOT, "models-onnx", "src", "main", "resources", "explain4j",
                          "golden")

T_BINS = 48
EPS = 1e-6


class Discretizer:
    def __init__(self, config_path=None, normalizer_path=None):
        config_path = config_path or os.path.join(CLINICAL_DIR, "discretizer_config.json")
        normalizer_path = normalizer_path or os.path.join(CLINICAL_DIR, "ihm_ts1.0.normalizer.csv")
        with open(config_path) as f:
            cfg = json.load(f)
        self.variables = list(cfg["id_to_channel"])
        self.categorical = {v: bool(cfg["is_categorical_channel"][v]) for v in self.variables}
        self.possible = {v: list(cfg["possible_values"][v]) for v in self.variables}
        self.normal = {v: cfg["normal_values"][v] for v in self.variables}
        self.lower_index = {}
        for v in self.variables:
            low = [p.lower() for p in self.possible[v]]
            if len(set(low)) != len(low):
                raise ValueError("categories of %s are not unique case-insensitively" % v)
            self.lower_index[v] = {p: i for i, p in enumerate(low)}
        columns, begin, groups = [], [], {}
        for v in self.variables:
            begin.append(len(columns))
            if self.categorical[v]:
                columns += ["%s->%s" % (v, p) for p in self.possible[v]]
            else:
                columns.append(v)
            groups[v] = list(range(begin[-1], len(columns)))
        self.n_values = len(columns)
        self.mask_columns = []
        for v in self.variables:
            groups[v].append(len(columns))
            self.mask_columns.append(len(columns))
            columns.append("mask->%s" % v)
        self.columns, self.begin, self.groups = columns, begin, groups
        # normalizer
        with open(normalizer_path) as f:
            rows = list(csv.DictReader(f))
        names = [r["column"] for r in rows]
        if names != columns:
            raise ValueError("normalizer columns differ from the discretizer's")
        self.means = np.array([float(r["mean"]) for r in rows])
        self.stds = np.array([float(r["std"]) for r in rows])
        self.standardized = np.array([int(r["standardized_in_ihm"]) for r in rows], dtype=bool)

    def _write(self, row, v, text):
        b = self.begin[self.variables.index(v)]
        if self.categorical[v]:
            idx = self.lower_index[v].get(text.strip().lower())
            if idx is None:
                raise ValueError("unknown category %r for %s (known: %s)"
                                 % (text, v, self.possible[v]))
            row[b:b + len(self.possible[v])] = 0.0
            row[b + idx] = 1.0
        else:
            row[b] = float(text)

    def discretize_rows(self, header, rows):
        """header: column names; rows: lists of strings. Returns (raw [48,76] float64, skipped)."""
        if not header or header[0] != "Hours":
            raise ValueError("first column must be Hours")
        col_of = {}
        for j, h in enumerate(header[1:], start=1):
            if h not in self.categorical:
                raise ValueError("unknown variable column %r" % h)
            col_of[h] = j
        nv = len(self.variables)
        data = np.zeros((T_BINS, len(self.columns)))
        mask = np.zeros((T_BINS, nv))
        original = [[None] * nv for _ in range(T_BINS)]
        skipped = 0
        for r in rows:
            t = float(r[0])
            if t > T_BINS + EPS:
                skipped += 1
                continue
            b = int(t - EPS)
            if not 0 <= b < T_BINS or t < 0:
                raise ValueError("hour %r outside [0, 48]" % r[0])
            for k, v in enumerate(self.variables):
                j = col_of.get(v)
                if j is None or j >= len(r) or r[j] == "":
                    continue
                self._write(data[b], v, r[j])
                mask[b, k] = 1
                original[b][k] = r[j]
        for k, v in enumerate(self.variables):
            prev = None
            for b in range(T_BINS):
                if mask[b, k]:
                    prev = original[b][k]
                    continue
                self._write(data[b], v, prev if prev is not None else self.normal[v])
        data[:, self.n_values:] = mask
        return data, skipped

    def discretize_file(self, path):
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        return self.discretize_rows(rows[0], rows[1:])

    def normalize(self, raw):
        out = np.array(raw, dtype=np.float64, copy=True)
        cols = self.standardized
        out[..., cols] = (out[..., cols] - self.means[cols]) / self.stds[cols]
        return out

    def transform_file(self, path):
        raw, _ = self.discretize_file(path)
        return self.normalize(raw)


def read_listfile(directory):
    with open(os.path.join(directory, "listfile.csv")) as f:
        rows = list(csv.DictReader(f))
    return [(r["stay"], int(r["y_true"])) for r in rows]


def main():
    d = Discretizer()
    # sanity checks against channel_info.json and the METHODS counts
    with open(os.path.join(CLINICAL_DIR, "channel_info.json")) as f:
        info = json.load(f)
    for v in d.variables:
        if d.categorical[v]:
            assert sorted(info[v]["possible_values"]) == sorted(d.possible[v]), v
    sizes = [len(d.possible[v]) for v in d.variables if d.categorical[v]]
    assert sizes == [2, 8, 12, 13, 12] and d.n_values == 59 and len(d.columns) == 76, sizes
    assert [int(i) for i in np.nonzero(d.standardized)[0]] == [d.begin[k] for k, v in enumerate(d.variables) if not d.categorical[v]]
    demo = os.path.join(CLINICAL_DIR, "demo-test")
    eps = []
    for name, y in read_listfile(demo):
        raw, skipped = d.discretize_file(os.path.join(demo, name))
        norm = d.normalize(raw)
        eps.append({"file": name, "y_true": y, "rows_skipped": skipped,
                    "matrix": [float(v) for v in norm.reshape(-1)],
                    "raw": [float(v) for v in raw.reshape(-1)]})
        print("  %s: y=%d observed cells=%d skipped rows=%d norm range [%.2f, %.2f]"
              % (name, y, int(raw[:, 59:].sum()), skipped, norm.min(), norm.max()))
    doc = {"description": "mimic3-benchmarks discretizer (timestep 1, 48 bins, impute previous "
                          "else normal value, masks) + ihm_ts1.0 normalizer, NumPy reference "
                          "(models-onnx/python/mimic_discretizer.py), for the 11 real demo test "
                          "episodes in clinical/demo-test; matrix = normalized, raw = before "
                          "normalization, both flat [48,76] C order",
           "shape": [T_BINS, len(d.columns)], "columns": d.columns, "variables": d.variables,
           "column_groups": d.groups, "mask_columns": d.mask_columns,
           "standardized_columns": [int(i) for i in np.nonzero(d.standardized)[0]],
           "episodes": eps}
    for e in eps:
        e["columns"] = d.columns
    path = os.path.join(GOLDEN_DIR, "channelwise_lstm.discretized.json")
    with open(path, "w") as f:
        json.dump(doc, f)
        f.write("\n")
    print("  %s: %d bytes" % (os.path.basename(path), os.path.getsize(path)))


if __name__ == "__main__":
    main()
