package org.explain4j.models.clinical;

import org.explain4j.ExplainException;
import org.explain4j.tensor.FloatTensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Turns a mimic3-benchmarks episode CSV ({@code Hours} + 17 clinical variables, irregular times,
 * blanks where nothing was measured) into the 48 × 76 matrix of the in-hospital-mortality task,
 * as METHODS §6 and the benchmark's {@code Discretizer(timestep=1.0, impute_strategy='previous',
 * store_masks=True, start_time='zero')} plus its normalizer do:
 * <ul>
 *   <li>48 one-hour bins from t = 0 with the benchmark's boundaries: a row at time t goes to bin
 *       {@code (int) (t - 1e-6)}, so bin k holds (k, k+1] and bin 0 holds [0, 1] — a time exactly on
 *       the hour k ≥ 1 closes bin k−1, and 48.0 is the last bin's. Rows at {@code Hours < 0} or
 *       {@code > 48} are skipped and counted. (The Python reference and the model's training data use
 *       the same rule.)</li>
 *   <li>rows are taken in time order (ties in file order); the last value of a variable in a bin wins;</li>
 *   <li>an hour without an observation takes the variable's previous observed value, or its normal
 *       value (config {@code normal_values}) before the first one;</li>
 *   <li>categorical variables are one-hot over the config's values, matched ignoring case and
 *       surrounding spaces (the demo data is upper case); an unknown category is an error naming the
 *       value, column, line and allowed values — never a silent skip, because the model would see a
 *       wrong one-hot row;</li>
 *   <li>17 mask columns are 1 where the variable was observed in that hour;</li>
 *   <li>columns the normalizer marks {@code standardized_in_ihm = 1} become {@code (x − mean) / std};
 *       the arithmetic is float64 and rounded to float once at the end, like the NumPy original.</li>
 * </ul>
 * Problems with the file are {@link ExplainException}s of one line: empty file, no {@code Hours}
 * column, unknown or missing variable columns, a line with the wrong number of fields, a
 * non-numeric value in a numeric column, an unknown category, no row inside 0–48 h, or an episode
 * whose rows end before 1 hour (shorter than one bin: nothing to carry forward over 48 hours).
 */
public final class MimicDiscretizer {
    /** Hour bins of the in-hospital-mortality task. */
    public static final int HOURS = 48;
    /** The benchmark's tolerance at bin edges. */
    private static final double EPS = 1e-6;

    private final DiscretizerConfig config;

    public MimicDiscretizer(DiscretizerConfig config) {
        this.config = config;
    }

    /** The discretizer of the benchmark, configured from the embedded resources. */
    public static MimicDiscretizer standard() {
        return new MimicDiscretizer(DiscretizerConfig.standard());
    }

    public DiscretizerConfig config() {
        return config;
    }

    public ClinicalColumns columns() {
        return config.columns();
    }

    /** Reads and discretizes one episode file. */
    public DiscretizedEpisode discretize(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ExplainException("episode file " + file + " does not exist or is not a file");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return discretize(r, file.getFileName().toString());
        } catch (IOException e) {
            throw new ExplainException("episode file " + file + " is not readable: " + e.getMessage(), e);
        }
    }

    /** Discretizes episode CSV text (for tests and in-memory data). */
    public DiscretizedEpisode discretize(String csv, String source) {
        try {
            return discretize(new StringReader(csv), source);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringReader does not fail
        }
    }

    /** Stacks episodes into the model input {@code [N, 48, 76]}. */
    public static FloatTensor batch(List<DiscretizedEpisode> episodes) {
        List<FloatTensor> parts = new ArrayList<>();
        for (DiscretizedEpisode e : episodes) {
            long[] s = e.matrix().shape();
            parts.add(e.matrix().reshape(1, s[0], s[1]));
        }
        return FloatTensor.concat(parts);
    }

    /** One data row: its line, time, and per variable the raw text (null when blank). */
    private record Row(int line, double hours, String[] values) {
    }

    private DiscretizedEpisode discretize(Reader reader, String source) throws IOException {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        List<String> variables = config.variables();
        int nv = variables.size();
        String header = in.readLine();
        while (header != null && header.isBlank()) {
            header = in.readLine();
        }
        if (header == null) {
            throw new ExplainException("episode " + source + " is empty; expected a header 'Hours,"
                    + String.join(",", variables) + "' and one row per observation time");
        }
        int[] fieldOf = mapHeader(EpisodeCsv.split(stripBom(header)), source);
        int hoursField = fieldOf[nv];
        int fields = EpisodeCsv.split(stripBom(header)).size();

        List<Row> rows = new ArrayList<>();
        int before = 0;
        int after = 0;
        int read = 0;
        String line;
        int lineNo = 1;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            read++;
            List<String> f = EpisodeCsv.split(line);
            if (f.size() != fields) {
                throw new ExplainException("episode " + source + " line " + lineNo + " has " + f.size()
                        + " fields; the header has " + fields);
            }
            String h = f.get(hoursField).strip();
            double t = number(h, "Hours", source, lineNo);
            if (t < 0) {
                before++;
                continue;
            }
            if (t > HOURS + EPS) {
                after++;
                continue;
            }
            String[] values = new String[nv];
            for (int v = 0; v < nv; v++) {
                String s = f.get(fieldOf[v]).strip();
                values[v] = s.isEmpty() ? null : s;
            }
            rows.add(new Row(lineNo, t, values));
        }
        if (read == 0) {
            throw new ExplainException("episode " + source + " has a header but no rows; expected one row per observation time");
        }
        if (rows.isEmpty()) {
            throw new ExplainException("episode " + source + " has no row between 0 and 48 hours (" + before
                    + " before 0, " + after + " after 48); the in-hospital-mortality matrix covers hours 0-48");
        }
        rows.sort(Comparator.comparingDouble(Row::hours)); // stable: ties keep file order
        double last = rows.get(rows.size() - 1).hours();
        if (last < 1.0) {
            throw new ExplainException("episode " + source + " is shorter than 1 hour (its last row is at Hours="
                    + last + "); the in-hospital-mortality model needs at least one full hour of data");
        }
        return fill(rows, source, read, before, after, last);
    }

    /** Bins the rows, imputes, one-hot encodes and standardises. */
    private DiscretizedEpisode fill(List<Row> rows, String source, int read, int before, int after, double last) {
        List<String> variables = config.variables();
        int nv = variables.size();
        ClinicalColumns cols = config.columns();
        int nc = cols.size();
        // per (hour, variable): the last observed value in that hour, as a number or category index
        double[][] observed = new double[HOURS][nv];
        boolean[][] seen = new boolean[HOURS][nv];
        int valuesObserved = 0;
        int replaced = 0;
        for (Row row : rows) {
            int bin = (int) (row.hours() - EPS); // truncation, as Python's int(t - eps)
            for (int v = 0; v < nv; v++) {
                String s = row.values()[v];
                if (s == null) {
                    continue;
                }
                double x = config.categorical()[v] ? category(v, s, source, row.line())
                        : number(s, variables.get(v), source, row.line());
                valuesObserved++;
                if (seen[bin][v]) {
                    replaced++;
                }
                seen[bin][v] = true;
                observed[bin][v] = x;
            }
        }
        double[] m = new double[HOURS * nc];
        int carried = 0;
        int normal = 0;
        for (int v = 0; v < nv; v++) {
            double normalValue = config.categorical()[v]
                    ? category(v, config.normal().get(v), "discretizer_config.json normal_values", 0)
                    : Double.parseDouble(config.normal().get(v));
            int[] valueCols = cols.valueColumns(v);
            int maskCol = cols.maskColumn(v);
            boolean any = false;
            double prev = normalValue;
            for (int t = 0; t < HOURS; t++) {
                double x;
                if (seen[t][v]) {
                    x = observed[t][v];
                    prev = x;
                    any = true;
                    m[t * nc + maskCol] = 1;
                } else if (any) {
                    x = prev;
                    carried++;
                } else {
                    x = normalValue;
                    normal++;
                }
                if (config.categorical()[v]) {
                    m[t * nc + valueCols[(int) x]] = 1;
                } else {
                    m[t * nc + valueCols[0]] = x;
                }
            }
        }
        float[] out = new float[m.length];
        for (int t = 0; t < HOURS; t++) {
            for (int c = 0; c < nc; c++) {
                double x = m[t * nc + c];
                if (config.standardize()[c]) {
                    x = (x - config.mean()[c]) / config.std()[c];
                }
                out[t * nc + c] = (float) x;
            }
        }
        return new DiscretizedEpisode(source, new FloatTensor(new long[]{HOURS, nc}, out), cols, read, before, after,
                valuesObserved, replaced, carried, normal, last);
    }

    /** Field index of each variable (then of Hours, at index 17) in the file's header. */
    private int[] mapHeader(List<String> header, String source) {
        List<String> variables = config.variables();
        int nv = variables.size();
        int[] fieldOf = new int[nv + 1];
        java.util.Arrays.fill(fieldOf, -1);
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip();
            int v = name.equalsIgnoreCase("Hours") ? nv : indexIgnoringCase(variables, name);
            if (v < 0) {
                throw new ExplainException("episode " + source + " has an unknown column '" + name
                        + "'; a mimic3-benchmarks episode has Hours and: " + String.join(", ", variables));
            }
            if (fieldOf[v] >= 0) {
                throw new ExplainException("episode " + source + " has column '" + name + "' twice");
            }
            fieldOf[v] = i;
        }
        if (fieldOf[nv] < 0) {
            throw new ExplainException("episode " + source + " has no 'Hours' column; a mimic3-benchmarks episode "
                    + "starts with Hours (time since ICU admission) followed by the 17 variables");
        }
        for (int v = 0; v < nv; v++) {
            if (fieldOf[v] < 0) {
                throw new ExplainException("episode " + source + " lacks column '" + variables.get(v)
                        + "'; a mimic3-benchmarks episode has Hours and all 17 variables (blank where not measured)");
            }
        }
        return fieldOf;
    }

    /** Index of {@code value} among variable {@code v}'s categories, ignoring case and surrounding spaces. */
    private int category(int v, String value, String source, int line) {
        List<String> allowed = config.values().get(v);
        int k = indexIgnoringCase(allowed, value.strip());
        if (k < 0) {
            throw new ExplainException("episode " + source + " line " + line + ": '" + value + "' is not a known value of "
                    + "column '" + config.variables().get(v) + "'; allowed (any case): " + String.join(" | ", allowed));
        }
        return k;
    }

    private static double number(String text, String column, String source, int line) {
        if (text.isEmpty()) {
            throw new ExplainException("episode " + source + " line " + line + " has no " + column
                    + " value; every row needs its time in hours");
        }
        double x;
        try {
            x = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            x = Double.NaN;
        }
        if (!Double.isFinite(x)) {
            throw new ExplainException("episode " + source + " line " + line + ": '" + text + "' in column '"
                    + column + "' is not a finite number");
        }
        return x;
    }

    private static int indexIgnoringCase(List<String> list, String s) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).toLowerCase(Locale.ROOT).equals(s.toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        return -1;
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /** Whether a file's first non-blank line looks like an episode header (its first field is {@code Hours}). */
    public static boolean looksLikeEpisode(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = r.readLine();
            while (line != null && line.isBlank()) {
                line = r.readLine();
            }
            return line != null && EpisodeCsv.split(stripBom(line)).get(0).strip().equalsIgnoreCase("Hours");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
