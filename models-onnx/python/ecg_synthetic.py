"""Seeded synthetic 12-lead ECG generator with per-record ground truth (explain4j, issue 5).

Scale: 12 leads x 2048 samples at 200 Hz (10.24 s), units mV. This is a documented scale-down of
the Ribeiro et al. (2020) input (400 Hz x 4096 samples, also 10.24 s): same duration, half the
rate, so the models train on 2 CPU cores in minutes.

Leads (in this order): I, II, III, aVR, aVL, aVF, V1..V6.
Classes (multi-label, sigmoid; in this order): 1dAVb, RBBB, LBBB, SB, AF, ST. "Normal" = none.

Beat model
----------
Every wave (P, q, R, S, T and the extra components of the blocks) is a Gaussian bump
``a * exp(-(t - c)^2 / (2 s^2))`` centred at a time relative to the QRS onset ``q0`` of its
beat. Its amplitude per lead comes from
* limb leads: a frontal-plane vector (magnitude M, angle th, degrees) projected on the lead
  axes I 0, II 60, III 120, aVR -150, aVL -30, aVF 90 (so Einthoven III = II - I holds and aVR is
  inverted for a normal axis); the QRS axis is drawn in [-20, 80] degrees (normal axis);
* chest leads: a 6-vector for V1..V6 (R progression from small r in V1 to tall R in V5).
Amplitudes are jittered per record (global x U[0.7, 1.3], per wave and lead x U[0.85, 1.15]).
Timing (seconds): P wave centre = q0 - PR + 0.05, sigma 0.02, so the P wave covers
[q0 - PR, q0 - PR + 0.1] (+-2.5 sigma) and PR = P onset -> QRS onset. QRS of duration d: normal
d ~ U[0.08, 0.10] with q at q0 + 0.15 d, R at 0.45 d, S at 0.75 d (sigmas 0.08 d, 0.12 d, 0.10 d).
T wave end = q0 + QT with QT = 0.40 * sqrt(RR) (Bazett, QTc 400 ms) clipped to [0.26, 0.46],
sigma 0.04, centre = T end - 0.1 (2.5 sigma).
Noise: per lead baseline wander (2 sinusoids, 0.05-0.5 Hz, 0.03-0.2 mV) + white noise
N(0, s^2), s ~ U[0.01, 0.03] mV per record.

Classes (morphology)
--------------------
* normal: sinus rhythm 60-100 bpm (RR jitter 2 %), PR 120-200 ms, QRS 80-100 ms.
* 1dAVb: PR 260-340 ms (everything else as normal).
* RBBB: QRS 130-160 ms; septal r, then the LV R/S, then a slow terminal component directed right
  and anterior: rSR' in V1/V2 (R' 0.6-0.9 mV), broad terminal S in I, aVL, V5, V6; T inverted in
  V1/V2.
* LBBB: QRS 130-170 ms; no septal q; two R components 0.33 d apart (broad notched/M-shaped R in
  I, aVL, V5, V6); a deep broad S (sigma 0.2 d) in V1-V3; discordant T.
* SB: sinus 40-55 bpm. ST (sinus tachycardia): 105-150 bpm, PR 120-160 ms.
* AF: irregular RR (independent RR ~ mean 60/rate, rate 80-150, coefficient of variation
  U[0.15, 0.3], RR >= 0.3 s), no P waves, fibrillatory f-waves: 0.04-0.1 mV, base frequency
  4-8 Hz with slow frequency modulation, strongest in V1 and the inferior leads.
Label mix (``sample_labels``): 18 % normal, 70 % exactly one class (equal shares), 12 %
combinations: 1dAVb+RBBB, 1dAVb+LBBB, 1dAVb+SB, RBBB+SB, LBBB+SB, RBBB+AF, LBBB+AF, RBBB+ST,
LBBB+ST (never AF with 1dAVb/SB/ST, never SB with ST, never RBBB with LBBB). A block with an
unspecified rhythm uses sinus 60-100 bpm.

Ground truth (per record, per positive class: lead indices + inclusive sample intervals)
--------------------------------------------------------------------------------------
* 1dAVb: the PR intervals [P onset, QRS onset] of every beat, all 12 leads.
* RBBB: the QRS complexes [q0, q0 + d] in V1, V2, I, V6 (the leads that define it).
* LBBB: the QRS complexes in I, aVL, V5, V6, V1, V2, V3.
* SB / ST: the QRS complexes, all 12 leads. Rate is a property of the beat positions, not of
  any one wave, so the evidence for "slow"/"fast" is where the beats are; the QRS complexes
  (the largest, most reliably located waves) mark them. This is a choice, documented here.
* AF: the TQ segments [T end, next QRS onset] (where the P waves would be and the f-waves are
  visible), all 12 leads; empty segments (short RR) are dropped.
Times are converted to samples with round(t * 200) and clipped to [0, 2047].

Determinism: ``generate(n, seed)`` uses one ``numpy.random.RandomState(seed)`` and draws in a
fixed order, so the same (n, seed) gives the same records on every run.
"""
import numpy as np

FS = 200
T = 2048
LEADS = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]
CLASSES = ["1dAVb", "RBBB", "LBBB", "SB", "AF", "ST"]
LIMB_ANGLES = np.radians([0.0, 60.0, 120.0, -150.0, -30.0, 90.0])
RBBB_LEADS = [6, 7, 0, 11]               # V1, V2, I, V6
LBBB_LEADS = [0, 4, 10, 11, 6, 7, 8]     # I, aVL, V5, V6, V1, V2, V3
ALL_LEADS = list(range(12))

COMBOS = [("1dAVb", "RBBB"), ("1dAVb", "LBBB"), ("1dAVb", "SB"), ("RBBB", "SB"), ("LBBB", "SB"),
          ("RBBB", "AF"), ("LBBB", "AF"), ("RBBB", "ST"), ("LBBB", "ST")]


def _amp(frontal_m, frontal_deg, chest):
    """12-lead amplitude vector: frontal vector projected on the limb leads + chest 6-vector."""
    limb = frontal_m * np.cos(np.radians(frontal_deg) - LIMB_ANGLES)
    return np.concatenate([limb, np.asarray(chest, dtype=np.float64)])


def sample_labels(rs):
    """One record's label set (tuple of class names)."""
    u = rs.uniform()
    if u < 0.18:
        return ()
    if u < 0.88:
        return (CLASSES[rs.randint(6)],)
    return COMBOS[rs.randint(len(COMBOS))]


def _beat_onsets(rs, rate, irregular):
    """QRS onset times (s), starting before 0 and running past the end of the record."""
    mean_rr = 60.0 / rate
    if irregular:
        # independent RR intervals, gamma distributed (mean mean_rr, CV 0.15-0.3), >= 0.3 s
        cv = rs.uniform(0.15, 0.3)
        rr = np.maximum(0.3, mean_rr * rs.gamma(1.0 / cv ** 2, cv ** 2, size=40))
    else:
        rr = np.maximum(0.25, mean_rr * (1 + 0.02 * rs.standard_normal(40)))
    t0 = -rs.uniform(0.0, mean_rr)
    q0 = t0 + np.concatenate([[0.0], np.cumsum(rr)])
    return q0[q0 < T / FS + 0.5], rr


def _gauss_sum(centers, sigma, amps):
    """sum_b amps[b] * exp(-(t - centers[b])^2 / (2 sigma^2)) on t = i / FS, i < T (windowed)."""
    c = centers * FS
    s = sigma * FS
    w = int(np.ceil(5 * s)) + 1
    base = np.round(c).astype(np.int64)
    off = np.arange(-w, w + 1)
    idx = base[:, None] + off[None, :]
    val = amps[:, None] * np.exp(-((idx - c[:, None]) ** 2) / (2 * s * s))
    keep = (idx >= 0) & (idx < T)
    return np.bincount(idx[keep], weights=val[keep], minlength=T)[:T]


def _intervals(starts, ends):
    """Inclusive sample intervals from times (s), clipped to the record, empty ones dropped."""
    out = []
    for a, b in zip(starts, ends):
        s, e = int(round(a * FS)), int(round(b * FS))
        s, e = max(s, 0), min(e, T - 1)
        if e >= s:
            out.append([s, e])
    return out


def make_record(rs, labels):
    """One record: x [12, T] float64 (mV), ground truth list, rate (bpm)."""
    lab = set(labels)
    af = "AF" in lab
    if "SB" in lab:
        rate = rs.uniform(40, 55)
    elif "ST" in lab:
        rate = rs.uniform(105, 150)
    elif af:
        rate = rs.uniform(80, 150)
    else:
        rate = rs.uniform(60, 100)
    if "1dAVb" in lab:
        pr = rs.uniform(0.26, 0.34)
    elif "ST" in lab:
        pr = rs.uniform(0.12, 0.16)
    else:
        pr = rs.uniform(0.12, 0.20)
    if "RBBB" in lab:
        d = rs.uniform(0.13, 0.16)
    elif "LBBB" in lab:
        d = rs.uniform(0.13, 0.17)
    else:
        d = rs.uniform(0.08, 0.10)
    q0, rr = _beat_onsets(rs, rate, af)
    nb = len(q0)
    rr_beat = np.concatenate([rr[:nb - 1], [rr[nb - 2] if nb > 1 else 60.0 / rate]])
    axis = rs.uniform(-20, 80)
    gain = rs.uniform(0.7, 1.3)
    # amplitude modulation per beat (respiration-like), same for all waves of a beat
    bmod = 1.0 + 0.05 * np.sin(2 * np.pi * rs.uniform(0.15, 0.35) * q0 + rs.uniform(0, 2 * np.pi))

    comps = []  # (centers [nb], sigma, amp12)
    if not af:
        comps.append((q0 - pr + 0.05, 0.02, _amp(0.15, 50, [0.06, 0.08, 0.08, 0.08, 0.08, 0.07])))
    if "RBBB" in lab:
        comps += [
            (q0 + 0.15 * d, 0.07 * d, _amp(0.10, 200, [0.25, 0.30, 0.20, 0.0, -0.05, -0.10])),
            (q0 + 0.35 * d, 0.09 * d, _amp(0.90, axis, [0.0, 0.10, 0.60, 1.00, 1.10, 0.90])),
            (q0 + 0.50 * d, 0.07 * d, _amp(0.10, 250, [-0.6, -0.7, -0.3, -0.1, 0.0, 0.0])),
            (q0 + 0.78 * d, 0.13 * d, _amp(0.40, 200, [rs.uniform(0.6, 0.9), 0.6, 0.1, -0.2,
                                                       -0.35, -0.40])),
        ]
        t_amp = _amp(0.30, axis - 10, [-0.20, -0.15, 0.10, 0.30, 0.30, 0.25])
    elif "LBBB" in lab:
        comps += [
            (q0 + 0.35 * d, 0.12 * d, _amp(0.70, axis - 10, [0.10, 0.15, 0.20, 0.50, 0.80, 0.80])),
            (q0 + 0.68 * d, 0.12 * d, _amp(0.80, axis - 20, [0.0, 0.0, 0.10, 0.60, 0.90, 0.90])),
            (q0 + 0.55 * d, 0.20 * d, _amp(0.0, 0, [-1.4, -1.8, -1.4, -0.5, 0.0, 0.0])),
        ]
        t_amp = _amp(0.30, axis + 180, [0.40, 0.50, 0.40, 0.10, -0.20, -0.25])
    else:
        comps += [
            (q0 + 0.15 * d, 0.08 * d, _amp(0.10, 200, [0.0, 0.0, 0.0, -0.02, -0.08, -0.10])),
            (q0 + 0.45 * d, 0.12 * d, _amp(1.00, axis, [0.20, 0.45, 0.75, 1.10, 1.20, 1.00])),
            (q0 + 0.75 * d, 0.10 * d, _amp(0.25, 250, [-0.9, -1.3, -0.9, -0.5, -0.25, -0.12])),
        ]
        t_amp = _amp(0.30, axis - 10, [-0.05, 0.30, 0.40, 0.40, 0.30, 0.25])
    qt = np.clip(0.40 * np.sqrt(rr_beat), 0.26, 0.46)
    t_end = q0 + qt
    comps.append((t_end - 0.10, 0.04, t_amp))

    x = np.zeros((12, T))
    for centers, sigma, amp in comps:
        jit = rs.uniform(0.85, 1.15, size=12)
        x += np.outer(amp * jit * gain, _gauss_sum(centers, sigma, bmod))
    t = np.arange(T) / FS
    if af:
        f0 = rs.uniform(4, 8)
        phase = 2 * np.pi * f0 * t + rs.uniform(0.5, 2.0) * np.sin(
            2 * np.pi * rs.uniform(0.1, 0.3) * t + rs.uniform(0, 2 * np.pi))
        fw = np.sin(phase + rs.uniform(0, 2 * np.pi)) \
            + 0.4 * np.sin(2 * phase + rs.uniform(0, 2 * np.pi))
        a = rs.uniform(0.04, 0.10)
        famp = _amp(0.7 * a, rs.uniform(70, 110), a * np.array([1.0, 0.6, 0.4, 0.3, 0.2, 0.2]))
        x += np.outer(famp * rs.uniform(0.8, 1.2, size=12), fw)
    # baseline wander + white noise
    fr = rs.uniform(0.05, 0.5, size=(12, 2, 1))
    ph = rs.uniform(0, 2 * np.pi, size=(12, 2, 1))
    am = rs.uniform(0.03, 0.2, size=(12, 2, 1))
    x += (am * np.sin(2 * np.pi * fr * t + ph)).sum(1)
    x += rs.uniform(0.01, 0.03) * rs.standard_normal((12, T))

    truth = []
    for c in CLASSES:
        if c not in lab:
            continue
        if c == "1dAVb":
            leads, iv = ALL_LEADS, _intervals(q0 - pr, q0)
        elif c == "RBBB":
            leads, iv = RBBB_LEADS, _intervals(q0, q0 + d)
        elif c == "LBBB":
            leads, iv = LBBB_LEADS, _intervals(q0, q0 + d)
        elif c in ("SB", "ST"):
            leads, iv = ALL_LEADS, _intervals(q0, q0 + d)
        else:  # AF: TQ segments, T end -> next QRS onset
            leads, iv = ALL_LEADS, _intervals(t_end[:-1], q0[1:])
        truth.append({"class": c, "leads": list(leads), "intervals": iv})
    return x, truth, float(rate)


def generate(n, seed, labels=None):
    """n records. Returns x [n,12,T] float32, y [n,6] float32 (multi-hot), truths (list of
    lists of {"class","leads","intervals"}), rates [n] (bpm). ``labels``: optional list of n
    label tuples (else drawn with ``sample_labels``)."""
    rs = np.random.RandomState(seed)
    xs = np.zeros((n, 12, T), dtype=np.float32)
    ys = np.zeros((n, len(CLASSES)), dtype=np.float32)
    truths, rates = [], np.zeros(n)
    for i in range(n):
        lab = labels[i] if labels is not None else sample_labels(rs)
        x, truth, rate = make_record(rs, lab)
        xs[i] = x
        for c in lab:
            ys[i, CLASSES.index(c)] = 1
        truths.append(truth)
        rates[i] = rate
    return xs, ys, truths, rates


def mask(truth):
    """Dense 0/1 mask [n_pos_classes, 12, T] (int8) from one record's ground truth list."""
    m = np.zeros((len(truth), 12, T), dtype=np.int8)
    for k, g in enumerate(truth):
        for s, e in g["intervals"]:
            m[k, g["leads"], s:e + 1] = 1
    return m


if __name__ == "__main__":
    import time
    t0 = time.time()
    x, y, tr, r = generate(6000, 0)
    print("6000 records in %.1f s; label counts %s; x range %.2f..%.2f"
          % (time.time() - t0, y.sum(0).tolist(), x.min(), x.max()))
