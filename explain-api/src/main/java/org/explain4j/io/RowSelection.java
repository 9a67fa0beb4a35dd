package org.explain4j.io;

import org.explain4j.ExplainException;

import java.util.ArrayList;
import java.util.List;

/**
 * Which samples (data rows) of an input file to use. Rows are numbered from 0 in file order,
 * not counting a header line. Text form: {@code all}, a single row {@code 7}, an inclusive range
 * {@code 10-19}, an open range {@code 10-}, or a comma-separated list of these
 * ({@code 0,5,10-12}). Rows are used in the order given.
 */
public final class RowSelection {
    private static final RowSelection ALL = new RowSelection(List.of(), "all");

    private final List<int[]> ranges; // inclusive [from, to]; to = -1 means to the end
    private final String text;

    private RowSelection(List<int[]> ranges, String text) {
        this.ranges = ranges;
        this.text = text;
    }

    public static RowSelection all() {
        return ALL;
    }

    /** Rows {@code from..to}, both inclusive. */
    public static RowSelection range(int from, int to) {
        return parse(from + "-" + to);
    }

    public static RowSelection parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("all")) {
            return ALL;
        }
        List<int[]> ranges = new ArrayList<>();
        for (String part : t.split(",")) {
            String p = part.trim();
            int dash = p.indexOf('-');
            try {
                if (dash < 0) {
                    int r = row(p, text);
                    ranges.add(new int[]{r, r});
                } else {
                    int from = row(p.substring(0, dash).trim(), text);
                    String rest = p.substring(dash + 1).trim();
                    int to = rest.isEmpty() ? -1 : row(rest, text);
                    if (to >= 0 && to < from) {
                        throw bad(text, "range " + p + " runs backwards");
                    }
                    ranges.add(new int[]{from, to});
                }
            } catch (NumberFormatException e) {
                throw bad(text, "'" + p + "' is not a row number or range");
            }
        }
        return new RowSelection(List.copyOf(ranges), t);
    }

    private static int row(String s, String text) {
        int r = Integer.parseInt(s);
        if (r < 0) {
            throw bad(text, "row numbers start at 0");
        }
        return r;
    }

    private static ExplainException bad(String text, String why) {
        return new ExplainException("bad row selection '" + text + "': " + why
                + "; use e.g. 0-9, 3, 0,5,10-12 or all (rows count from 0, header not counted)");
    }

    public boolean isAll() {
        return ranges.isEmpty();
    }

    /**
     * The selected row indices for a file of {@code available} rows.
     *
     * @throws ExplainException when a selected row does not exist, or nothing is selected
     */
    public int[] resolve(int available, String source) {
        if (available == 0) {
            throw new ExplainException(source + " holds no samples");
        }
        if (isAll()) {
            int[] all = new int[available];
            for (int i = 0; i < available; i++) {
                all[i] = i;
            }
            return all;
        }
        List<Integer> out = new ArrayList<>();
        for (int[] r : ranges) {
            int to = r[1] < 0 ? available - 1 : r[1];
            if (r[0] >= available || to >= available) {
                throw new ExplainException("row selection '" + text + "' asks for row " + Math.max(r[0], to)
                        + " but " + source + " has " + available + " row" + (available == 1 ? "" : "s")
                        + " (0.." + (available - 1) + ")");
            }
            for (int i = r[0]; i <= to; i++) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String toString() {
        return text;
    }
}
