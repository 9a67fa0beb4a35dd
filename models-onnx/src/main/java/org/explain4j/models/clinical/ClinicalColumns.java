package org.explain4j.models.clinical;

import org.explain4j.ExplainException;

import java.util.ArrayList;
import java.util.List;

/**
 * The columns of a discretized episode: for mimic3-benchmarks 59 value columns (one per continuous
 * variable, one per category of a categorical one, named {@code "<variable>-><category>"}) followed
 * by 17 mask columns {@code "mask-><variable>"}, 76 in all — the benchmark's header order.
 * It travels with every matrix so that per-column numbers (attributions, inputs) can be folded into
 * one row per clinical variable, 17 × 48, as the paper's heatmaps show.
 */
public final class ClinicalColumns {
    private final List<String> variables;
    private final List<String> names;
    private final int[] variableOf;
    private final boolean[] mask;

    private ClinicalColumns(List<String> variables, List<String> names, int[] variableOf, boolean[] mask) {
        this.variables = List.copyOf(variables);
        this.names = List.copyOf(names);
        this.variableOf = variableOf;
        this.mask = mask;
    }

    /** The benchmark's column layout for these variables: value columns in variable order, then masks. */
    static ClinicalColumns of(List<String> variables, boolean[] categorical, List<List<String>> values) {
        List<String> names = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int v = 0; v < variables.size(); v++) {
            if (categorical[v]) {
                for (String value : values.get(v)) {
                    names.add(variables.get(v) + "->" + value);
                    owner.add(v);
                }
            } else {
                names.add(variables.get(v));
                owner.add(v);
            }
        }
        int valueColumns = names.size();
        for (int v = 0; v < variables.size(); v++) {
            names.add("mask->" + variables.get(v));
            owner.add(v);
        }
        int[] variableOf = owner.stream().mapToInt(Integer::intValue).toArray();
        boolean[] mask = new boolean[names.size()];
        for (int c = valueColumns; c < mask.length; c++) {
            mask[c] = true;
        }
        return new ClinicalColumns(variables, names, variableOf, mask);
    }

    /** Number of columns (76 for the benchmark). */
    public int size() {
        return names.size();
    }

    /** The 17 clinical variables, in channel order. */
    public List<String> variables() {
        return variables;
    }

    /** All column names, in matrix order. */
    public List<String> names() {
        return names;
    }

    public String name(int column) {
        return names.get(column);
    }

    /** Index (into {@link #variables()}) of the variable column {@code column} belongs to. */
    public int variableOf(int column) {
        return variableOf[column];
    }

    /** Whether column {@code column} is a mask (1 where the variable was observed in that hour). */
    public boolean isMask(int column) {
        return mask[column];
    }

    /** The mask column of variable {@code variable}. */
    public int maskColumn(int variable) {
        for (int c = 0; c < mask.length; c++) {
            if (mask[c] && variableOf[c] == variable) {
                return c;
            }
        }
        throw new IllegalArgumentException("no mask column for variable " + variable);
    }

    /** The value columns (not the mask) of variable {@code variable}, in matrix order. */
    public int[] valueColumns(int variable) {
        List<Integer> cols = new ArrayList<>();
        for (int c = 0; c < mask.length; c++) {
            if (!mask[c] && variableOf[c] == variable) {
                cols.add(c);
            }
        }
        return cols.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Folds a time × column matrix (row-major, {@code hours × size()}) into variables × hours by
     * summing each variable's columns — signed relevance for LRP, {@code absolute} for gradient
     * magnitudes. Mask columns are left out unless {@code includeMasks}.
     *
     * @return {@code [variables().size()][hours]}
     */
    public float[][] sumPerVariable(float[] matrix, boolean includeMasks, boolean absolute) {
        if (matrix.length % size() != 0) {
            throw new ExplainException("a matrix of " + matrix.length + " values is not hours × " + size()
                    + " clinical columns");
        }
        int hours = matrix.length / size();
        float[][] out = new float[variables.size()][hours];
        for (int t = 0; t < hours; t++) {
            for (int c = 0; c < size(); c++) {
                if (mask[c] && !includeMasks) {
                    continue;
                }
                float x = matrix[t * size() + c];
                out[variableOf[c]][t] += absolute ? Math.abs(x) : x;
            }
        }
        return out;
    }
}
