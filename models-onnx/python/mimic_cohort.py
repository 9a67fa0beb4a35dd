"""Seeded synthetic ICU cohort in the mimic3-benchmarks in-hospital-mortality episode format, with a
KNOWN mortality mechanism and ground-truth cells.

Format: an episode is a CSV with header ``Hours`` + the 17 variables of
``discretizer_config.json`` (same column order as the real demo files), irregular times in
(0, 48), blanks where a variable was not charted; GCS components are upper-case text as in the
demo data (e.g. ``4 SPONTANEOUSLY``), GCS total is an integer text.

Estimated from the 47 real demo TRAIN episodes (``estimate_stats``; the directory is
``/work/shared/data/mimic3-demo-ihm/train`` unless ``MIMIC_DEMO_TRAIN`` says otherwise):
* the number of rows per episode (resampled from the 47 real counts); row times are sorted
  uniform draws on (0, 48), so the grid is irregular;
* per variable: the share of episodes that chart it at all, and the per-row charting
  probability (mean observations per charting episode / mean rows per episode); the GCS
  components and total share rows, and so do the three blood pressures;
* per continuous variable: the between-episode mean and sd of episode means, and the
  within-episode sd, all ROBUST (median / 1.4826*MAD, since the demo has artefacts such as a
  systolic pressure of 11647), and the 1st-99th percentile range used for clipping.
Deviations from the real data, on purpose: GCS total is charted in every episode (51 % in the
demo, where MetaVision stays chart only components), so that the mechanism is visible;
capillary refill is never charted (as in the demo).

Mortality mechanism (deterministic label): died (y = 1) iff BOTH
  (a) the GCS total FALLS by >= 5 points to 3..8 at an onset hour t_g in [36, 44] and stays there,
  (b) systolic BP falls below 90 (values 62..88) at an onset hour t_s in [38, 45] and stays there.
Diastolic and mean pressure fall with the systolic one (MBP ~ (SBP + 2 DBP)/3) and the GCS
components with the total, as they would in a patient; they are recorded as RELATED cells.
Every episode charts GCS at least twice and SBP at least twice after an event onset.
Kinds (shares): ``died`` 0.30 (a + b); survivors: ``none`` 0.30, ``late_gcs_only`` 0.10 (a
without b), ``late_sbp_only`` 0.10 (b without a), ``early_gcs`` 0.07 (the same fall at hour
4..24, recovering after 4..10 h), ``early_sbp`` 0.07 (hypotension at 4..24, recovering after
3..8 h), ``chronic_low_gcs`` 0.06 (GCS 3..8 the whole stay, no fall).

Ground truth per episode (``truth`` dicts): label, kind, event onsets, and for died episodes
``cells`` = [[hour_bin, variable_index]] for GCS total and systolic BP from the bin of the first
post-onset observation (the first bin whose discretized value shows the event; later bins carry it
forward) through bin 47, variable_index into the 17 variables (config order); ``related_cells``
the same for the GCS components, diastolic and mean BP. Hour bins follow the discretizer
(``int(t - 1e-6)``).

Usage (from the repository root): ``/usr/bin/python3 models-onnx/python/mimic_cohort.py`` writes
the committed sample (20 held-out episodes + truth) to ``explain4j/clinical/synthetic/``;
``train_channelwise_lstm.py`` imports ``make_cohort``.
"""
import csv
import glob
import json
import os

import numpy as np

from mimic_discretizer import CLINICAL_DIR, Discretizer

TRAIN_DIR = os.environ.get("MIMIC_DEMO_TRAIN", "/work/shared/data/mimic3-demo-ihm/train")
HOURS = 48.0
GCS = ["Glascow coma scale eye opening", "Glascow coma scale motor response",
       "Glascow coma scale total", "Glascow coma scale verbal response"]
BP = ["Systolic blood pressure", "Diastolic blood pressure", "Mean blood pressure"]
DECIMALS = {"Diastolic blood pressure": 0, "Fraction inspired oxygen": 2, "Glucose": 0,
            "Heart Rate": 0, "Height": 0, "Mean blood pressure": 0, "Oxygen saturation": 0,
            "Respiratory rate": 0, "Systolic blood pressure": 0, "Temperature": 2, "Weight": 1,
            "pH": 2}
KINDS = [("died", 0.30), ("none", 0.30), ("late_gcs_only", 0.10), ("late_sbp_only", 0.10),
         ("early_gcs", 0.07), ("early_sbp", 0.07), ("chronic_low_gcs", 0.06)]
# GCS component text per level, upper case like the demo (numbered form first).
EYE = {1: ["1 NO RESPONSE", "NONE"], 2: ["2 TO PAIN", "TO PAIN"], 3: ["3 TO SPEECH", "TO SPEECH"],
       4: ["4 SPONTANEOUSLY", "SPONTANEOUSLY"]}
MOTOR = {1: ["1 NO RESPONSE", "NO RESPONSE"], 2: ["2 ABNORM EXTENSN", "ABNORMAL EXTENSION"],
         3: ["3 ABNORM FLEXION", "ABNORMAL FLEXION"], 4: ["4 FLEX-WITHDRAWS", "FLEX-WITHDRAWS"],
         5: ["5 LOCALIZES PAIN", "LOCALIZES PAIN"], 6: ["6 OBEYS COMMANDS", "OBEYS COMMANDS"]}
VERBAL = {1: ["1 NO RESPONSE", "NO RESPONSE", "1.0 ET/TRACH", "NO RESPONSE-ETT"],
          2: ["2 INCOMP SOUNDS", "INCOMPREHENSIBLE SOUNDS"],
          3: ["3 INAPPROP WORDS", "INAPPROPRIATE WORDS"], 4: ["4 CONFUSED", "CONFUSED"],
          5: ["5 ORIENTED", "ORIENTED"]}


def _robust(v):
    v = np.asarray(v, dtype=np.float64)
    med = np.median(v)
    return med, 1.4826 * np.median(np.abs(v - med))


def estimate_stats(train_dir=TRAIN_DIR, variables=None):
    files = sorted(glob.glob(os.path.join(train_dir, "*_timeseries.csv")))
    if not files:
        raise FileNotFoundError("no demo train episodes in %s" % train_dir)
    nrows, per = [], {}
    header = None
    for f in files:
        with open(f, newline="") as fh:
            rows = list(csv.reader(fh))
        header = rows[0]
        nrows.append(len(rows) - 1)
        for j, h in enumerate(header[1:], start=1):
            obs = [r[j] for r in rows[1:] if r[j] != ""]
            per.setdefault(h, []).append(obs)
    mean_rows = float(np.mean(nrows))
    stats = {"n_episodes": len(files), "rows": nrows, "header": header, "vars": {}}
    for h in header[1:]:
        lists = per[h]
        charted = [o for o in lists if o]
        s = {"p_episode": len(charted) / len(lists),
             "p_row": (float(np.mean([len(o) for o in charted])) / mean_rows) if charted else 0.0}
        if h in DECIMALS and charted:
            vals = [np.array([float(x) for x in o]) for o in charted]
            allv = np.concatenate(vals)
            mu, sb = _robust([np.median(v) for v in vals])
            sw = float(np.median([_robust(v)[1] for v in vals if len(v) > 2] or [0.0]))
            lo, hi = np.percentile(allv, [1, 99])
            s.update(mean=float(mu), between_sd=float(sb), within_sd=sw, lo=float(lo),
                     hi=float(hi))
        stats["vars"][h] = s
    return stats


def _split_gcs(total, rs):
    """Eye (1-4), motor (1-6), verbal (1-5) summing to total (3..15)."""
    lv = [1, 1, 1]
    caps = [4, 6, 5]
    for _ in range(total - 3):
        free = [k for k in range(3) if lv[k] < caps[k]]
        lv[free[rs.randint(len(free))]] += 1
    return lv


def _fmt(v, var):
    d = DECIMALS[var]
    return str(int(round(v))) if d == 0 else ("%.*f" % (d, v))


def make_episode(rs, stats, kind):
    """One episode: (header, rows as lists of str, truth dict without cells)."""
    header = stats["header"]
    col = {h: j for j, h in enumerate(header)}
    n = int(rs.choice(stats["rows"]))
    times = np.sort(rs.uniform(0.0, HOURS, size=n))
    V = stats["vars"]
    # which rows chart what
    charted = {}
    for h in header[1:]:
        s = V[h]
        if h in GCS or h in BP:
            continue
        on = rs.uniform() < s["p_episode"]
        charted[h] = (rs.uniform(size=n) < s["p_row"]) if on else np.zeros(n, bool)
    gcs_rows = rs.uniform(size=n) < V["Glascow coma scale eye opening"]["p_row"]
    bp_rows = rs.uniform(size=n) < V["Systolic blood pressure"]["p_row"]
    # events
    g_on = s_on = None
    g_end = s_end = HOURS + 1
    if kind in ("died", "late_gcs_only"):
        g_on = rs.uniform(36, 44)
    if kind in ("died", "late_sbp_only"):
        s_on = rs.uniform(38, 45)
    if kind == "early_gcs":
        g_on = rs.uniform(4, 24)
        g_end = g_on + rs.uniform(4, 10)
    if kind == "early_sbp":
        s_on = rs.uniform(4, 24)
        s_end = s_on + rs.uniform(3, 8)
    # at least two GCS / BP chartings inside each event window
    extra = []
    for on, end in ((g_on, g_end), (s_on, s_end)):
        if on is not None:
            extra += list(rs.uniform(on, min(end, HOURS), size=2))
    if extra:
        times = np.concatenate([times, extra])
        order = np.argsort(times, kind="stable")
        k = len(extra)
        flags = np.concatenate([np.zeros(n, bool), np.ones(k, bool)])[order]
        times = times[order]
        grow = lambda a: np.concatenate([a, np.zeros(k, bool)])[order]
        charted = {h: grow(a) for h, a in charted.items()}
        gcs_rows, bp_rows = grow(gcs_rows), grow(bp_rows)
        for on, end, rows in ((g_on, g_end, gcs_rows), (s_on, s_end, bp_rows)):
            if on is not None:
                rows |= flags & (times >= on) & (times < end)
        n += k
    # GCS level over time
    if kind == "chronic_low_gcs":
        base = rs.randint(3, 9)
    else:
        base = int(rs.choice([15, 15, 15, 14, 14, 13]))
    low = rs.randint(3, 9)
    low = min(low, base - 5)
    # blood pressure baselines
    sbp0 = np.clip(rs.normal(V["Systolic blood pressure"]["mean"] + 5, 12), 100, 165)
    dbp0 = np.clip(rs.normal(V["Diastolic blood pressure"]["mean"], 8), 45, 95)
    fixed = {h: rs.normal(V[h]["mean"], V[h]["between_sd"]) for h in ("Height", "Weight")}
    rows = []
    for i in range(n):
        t = times[i]
        r = [""] * len(header)
        r[0] = repr(float(t))
        for h, a in charted.items():
            if a[i]:
                s = V[h]
                if h in ("Height", "Weight"):
                    v = fixed[h] + rs.normal(0, s["within_sd"])
                else:
                    v = rs.normal(s["mean"], s["between_sd"] * 0.5) + rs.normal(0, s["within_sd"])
                r[col[h]] = _fmt(float(np.clip(v, s["lo"], s["hi"])), h)
        if gcs_rows[i]:
            in_g = g_on is not None and g_on <= t < g_end
            tot = low if in_g else base
            if not in_g and kind != "chronic_low_gcs" and rs.uniform() < 0.15:
                tot = max(9, base - 1)
            e, m, v = _split_gcs(tot, rs)
            numbered = rs.uniform() < 0.7
            pick = lambda opts: opts[0] if numbered or len(opts) == 1 else opts[1 + rs.randint(len(opts) - 1)]
            r[col[GCS[0]]] = pick(EYE[e])
            r[col[GCS[1]]] = pick(MOTOR[m])
            r[col[GCS[3]]] = pick(VERBAL[v])
            r[col[GCS[2]]] = str(tot)
        if bp_rows[i]:
            in_s = s_on is not None and s_on <= t < s_end
            if in_s:
                sbp = np.clip(rs.normal(78, 6), 62, 88)
                dbp = np.clip(rs.normal(42, 5), 30, 55)
            else:
                sbp = np.clip(sbp0 + rs.normal(0, 9), 92, 200)
                dbp = np.clip(dbp0 + rs.normal(0, 6), 35, 110)
            mbp = (sbp + 2 * dbp) / 3 + rs.normal(0, 2)
            r[col[BP[0]]] = _fmt(sbp, BP[0])
            r[col[BP[1]]] = _fmt(dbp, BP[1])
            r[col[BP[2]]] = _fmt(mbp, BP[2])
        if any(r[1:]):
            rows.append(r)
    truth = {"label": int(kind == "died"), "kind": kind,
             "gcs_onset": None if g_on is None else float(g_on),
             "gcs_end": None if g_on is None or g_end > HOURS else float(g_end),
             "sbp_onset": None if s_on is None else float(s_on),
             "sbp_end": None if s_on is None or s_end > HOURS else float(s_end)}
    return header, rows, truth


def _cells(rows, header, variables, var_names, onset):
    """Bins from the first observation at/after onset of any of var_names, through 47."""
    out = []
    for name in var_names:
        j = header.index(name)
        ts = [float(r[0]) for r in rows if r[j] != "" and float(r[0]) >= onset]
        if ts:
            b0 = max(0, int(min(ts) - 1e-6))
            out += [[b, variables.index(name)] for b in range(b0, 48)]
    return out


def make_cohort(n, seed, stats=None, discretizer=None, keep_rows=False):
    """n episodes from RandomState(seed). Returns x [n,48,76] float32 (normalized), labels [n],
    truths (list of dicts with cells), and the rows per episode if keep_rows."""
    stats = stats or estimate_stats()
    d = discretizer or Discretizer()
    rs = np.random.RandomState(seed)
    names = [k for k, _ in KINDS]
    probs = np.array([p for _, p in KINDS])
    kinds = rs.choice(len(names), size=n, p=probs / probs.sum())
    xs, ys, truths, all_rows = [], [], [], []
    for i in range(n):
        header, rows, truth = make_episode(rs, stats, names[kinds[i]])
        raw, _ = d.discretize_rows(header, rows)
        xs.append(d.normalize(raw))
        ys.append(truth["label"])
        if truth["label"]:
            truth["cells"] = (_cells(rows, header, d.variables, [GCS[2]], truth["gcs_onset"]) +
                              _cells(rows, header, d.variables, [BP[0]], truth["sbp_onset"]))
            truth["related_cells"] = (
                _cells(rows, header, d.variables, [GCS[0], GCS[1], GCS[3]], truth["gcs_onset"]) +
                _cells(rows, header, d.variables, BP[1:], truth["sbp_onset"]))
        else:
            truth["cells"], truth["related_cells"] = [], []
        truths.append(truth)
        if keep_rows:
            all_rows.append((header, rows))
    x = np.stack(xs).astype(np.float32)
    return (x, np.array(ys), truths, all_rows) if keep_rows else (x, np.array(ys), truths)


HELDOUT_SEED = 1
SAMPLE_N = 20


def write_sample(out_dir=None, n=SAMPLE_N):
    """make_cohort(n, HELDOUT_SEED) as CSVs + truth json. Not a prefix of the 300-episode held-out
    set of the training script (the kinds are drawn up front, so n changes the stream), but from
    the same held-out generator seed, never used for training (seed 0)."""
    out_dir = out_dir or os.path.join(CLINICAL_DIR, "synthetic")
    os.makedirs(out_dir, exist_ok=True)
    stats = estimate_stats()
    x, y, truths, rows = make_cohort(n, HELDOUT_SEED, stats, keep_rows=True)
    d = Discretizer()
    listing = []
    for i in range(n):
        name = "synth%04d_episode1_timeseries.csv" % i
        header, r = rows[i]
        with open(os.path.join(out_dir, name), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(r)
        truths[i]["file"] = name
        listing.append((name, int(y[i])))
    with open(os.path.join(out_dir, "listfile.csv"), "w") as f:
        f.write("stay,y_true\n" + "".join("%s,%d\n" % t for t in listing))
    doc = {"description": "ground truth of the synthetic held-out sample (models-onnx/python/"
                          "mimic_cohort.py, make_cohort(n=%d, seed %d)). label 1 iff "
                          "GCS total falls >= 5 points to 3..8 at an onset in hours [36,44] AND "
                          "systolic BP < 90 from an onset in [38,45]; cells = [hour_bin, "
                          "variable_index] of GCS total and systolic BP from the first "
                          "post-onset observation to bin 47 (died episodes only); related_cells: "
                          "GCS components, diastolic and mean BP" % (n, HELDOUT_SEED),
           "variables": d.variables, "episodes": truths}
    with open(os.path.join(out_dir, "truth.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    # the CSVs must discretize to exactly what make_cohort produced in memory
    for i in range(n):
        xi = d.transform_file(os.path.join(out_dir, truths[i]["file"]))
        assert np.allclose(xi.astype(np.float32), x[i]), truths[i]["file"]
    print("wrote %d synthetic episodes (%d died) to %s" % (n, int(y.sum()), out_dir))
    return x, y, truths


if __name__ == "__main__":
    st = estimate_stats()
    for k, v in st["vars"].items():
        print("  %-36s %s" % (k, {a: round(b, 3) for a, b in v.items()}))
    write_sample()
