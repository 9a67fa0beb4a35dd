package org.explain4j.models.ecg;

import org.explain4j.ExplainException;
import org.explain4j.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Brings a record to a model's input: leads picked and ordered by name, linear interpolation to
 * the model's rate, zero padding past the record's end, and scaling to the model's units.
 */
public final class EcgResampler {
    private EcgResampler() {
    }

    /**
     * Output sample {@code i} lies at {@code startSeconds + i / targetHz}; its value is interpolated
     * linearly between the two record samples around it, and is 0 past the record's last sample.
     *
     * @param leads the model's lead names; those the record lacks become rows of zeros, listed in
     *              {@link EcgWindow#missingLeads()}
     * @param units the model's units (mV, uV/µV or V)
     */
    public static EcgWindow window(WfdbRecord record, List<String> leads, double targetHz, int length,
                                   double startSeconds, String units) {
        if (!(targetHz > 0) || Double.isInfinite(targetHz)) {
            throw new ExplainException("the model's sampling rate must be a positive number of Hz, got " + targetHz);
        }
        if (length < 1) {
            throw new ExplainException("the model's input length must be 1 sample or more, got " + length);
        }
        double duration = record.durationSeconds();
        if (!(startSeconds >= 0) || startSeconds >= duration) {
            throw new ExplainException(String.format(Locale.ROOT, "the window start %s s lies outside record %s "
                    + "(%.3f s long); give a start from 0 to below %.3f s", startSeconds, record.name(), duration, duration));
        }
        double fromMv = 1 / unitsInMv(units);
        float[] out = new float[leads.size() * length];
        List<String> source = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        double srcHz = record.samplingHz();
        double step = srcHz / targetHz;
        double start = startSeconds * srcHz;
        for (int l = 0; l < leads.size(); l++) {
            int r = record.leadIndex(leads.get(l));
            if (r < 0) {
                source.add("");
                missing.add(leads.get(l));
                continue;
            }
            source.add(record.leads().get(r));
            if (!"mV".equals(record.units().get(r))) {
                throw new ExplainException("lead " + record.leads().get(r) + " of record " + record.name()
                        + " is in " + record.units().get(r) + ", not a voltage; an ECG model takes voltages (mV, uV or V)");
            }
            float[] x = record.signals()[r];
            int n = x.length;
            for (int i = 0; i < length; i++) {
                double p = start + i * step;
                double near = Math.rint(p);
                if (Math.abs(p - near) < 1e-9) {
                    p = near; // keep exact grid points exact despite rounding in i * step
                }
                double v;
                if (p > n - 1) {
                    v = 0; // past the last sample: zero padding
                } else {
                    int i0 = (int) Math.floor(p);
                    double f = p - i0;
                    v = f == 0 ? x[i0] : x[i0] * (1 - f) + x[i0 + 1] * f;
                }
                if (Double.isNaN(v)) {
                    throw new ExplainException(String.format(Locale.ROOT, "lead %s of record %s has a missing sample "
                            + "near %.3f s (WFDB marks signal dropouts); choose a window without it",
                            record.leads().get(r), record.name(), p / srcHz));
                }
                out[l * length + i] = (float) (v * fromMv);
            }
        }
        return new EcgWindow(new FloatTensor(new long[]{1, leads.size(), length}, out), leads, source, missing,
                startSeconds, targetHz, units);
    }

    /** mV per one of the model's units. */
    private static double unitsInMv(String units) {
        double mv = WfdbReader.millivoltsPer(units.strip());
        if (Double.isNaN(mv)) {
            throw new ExplainException("the model's input units '" + units + "' are not a voltage; use mV, uV or V");
        }
        return mv;
    }
}
