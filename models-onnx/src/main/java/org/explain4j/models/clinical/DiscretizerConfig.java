package org.explain4j.models.clinical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.explain4j.ExplainException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The mimic3-benchmarks in-hospital-mortality discretizer settings, read from the classpath copies
 * of {@code discretizer_config.json} and {@code ihm_ts1.0.normalizer.csv} (YerevaNN/mimic3-benchmarks,
 * MIT) under {@code explain4j/clinical/}.
 *
 * @param variables   the 17 clinical variables, in the benchmark's channel order
 * @param categorical per variable, whether it is one-hot encoded
 * @param values      per variable, its categories in the config's order (empty for continuous ones)
 * @param normal      per variable, the normal value imputed before its first observation (text, as in the config)
 * @param columns     the 76 discretized columns, derived from the three above
 * @param mean        per column, the normalizer's mean
 * @param std         per column, the normalizer's standard deviation
 * @param standardize per column, whether the benchmark standardises it ({@code standardized_in_ihm = 1})
 */
public record DiscretizerConfig(List<String> variables, boolean[] categorical, List<List<String>> values,
                                List<String> normal, ClinicalColumns columns, double[] mean, double[] std,
                                boolean[] standardize) {

    static final String ROOT = "explain4j/clinical/";
    private static volatile DiscretizerConfig standard;

    /** The benchmark's configuration, loaded once from the classpath. */
    public static DiscretizerConfig standard() {
        DiscretizerConfig c = standard;
        if (c == null) {
            c = load(ROOT + "discretizer_config.json", ROOT + "ihm_ts1.0.normalizer.csv");
            standard = c;
        }
        return c;
    }

    static DiscretizerConfig load(String configResource, String normalizerResource) {
        return parse(text(configResource), text(normalizerResource), configResource, normalizerResource);
    }

    /**
     * Builds the configuration from the text of a {@code discretizer_config.json} and of a normalizer
     * CSV {@code index,column,mean,std,standardized_in_ihm} whose column order must be the discretizer's.
     */
    static DiscretizerConfig parse(String configJson, String normalizerCsv, String configName, String normalizerName) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(configJson);
        } catch (IOException e) {
            throw new ExplainException(configName + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        List<String> variables = new ArrayList<>();
        List<List<String>> values = new ArrayList<>();
        List<String> normal = new ArrayList<>();
        boolean[] categorical;
        try {
            root.get("id_to_channel").forEach(n -> variables.add(n.asText()));
            categorical = new boolean[variables.size()];
            for (int i = 0; i < variables.size(); i++) {
                String name = variables.get(i);
                categorical[i] = root.get("is_categorical_channel").get(name).asBoolean();
                List<String> vals = new ArrayList<>();
                root.get("possible_values").get(name).forEach(n -> vals.add(n.asText()));
                values.add(List.copyOf(vals));
                normal.add(root.get("normal_values").get(name).asText());
            }
        } catch (NullPointerException e) {
            throw new ExplainException(configName + " lacks id_to_channel, or is_categorical_channel, possible_values "
                    + "or normal_values for one of its channels");
        }
        ClinicalColumns columns = ClinicalColumns.of(variables, categorical, values);
        int n = columns.size();
        double[] mean = new double[n];
        double[] std = new double[n];
        boolean[] standardize = new boolean[n];
        readNormalizer(normalizerCsv, normalizerName, columns, mean, std, standardize);
        return new DiscretizerConfig(List.copyOf(variables), categorical, List.copyOf(values), List.copyOf(normal),
                columns, mean, std, standardize);
    }

    private static void readNormalizer(String csv, String resource, ClinicalColumns columns, double[] mean,
                                       double[] std, boolean[] standardize) {
        Set<Integer> seen = new HashSet<>();
        try {
            List<String> lines = csv.lines().skip(1).filter(l -> !l.isBlank()).toList(); // skip the header
            for (String line : lines) {
                List<String> f = EpisodeCsv.split(line);
                int index = Integer.parseInt(f.get(0).strip());
                String name = f.get(1);
                if (index < 0 || index >= columns.size() || !columns.name(index).equals(name)) {
                    throw new ExplainException("normalizer " + resource + " row " + index + " names column '" + name
                            + "' but the discretizer's column " + index + " is '"
                            + (index >= 0 && index < columns.size() ? columns.name(index) : "(none)") + "'");
                }
                mean[index] = Double.parseDouble(f.get(2));
                std[index] = Double.parseDouble(f.get(3));
                standardize[index] = Integer.parseInt(f.get(4).strip()) == 1;
                seen.add(index);
            }
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new ExplainException("normalizer " + resource + " is not readable: " + e.getMessage());
        }
        if (seen.size() != columns.size()) {
            throw new ExplainException("normalizer " + resource + " lists " + seen.size() + " columns; the discretizer has "
                    + columns.size());
        }
    }

    private static String text(String resource) {
        try (InputStream in = open(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ExplainException("resource " + resource + " is not readable: " + e.getMessage());
        }
    }

    private static InputStream open(String resource) {
        InputStream in = DiscretizerConfig.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new ExplainException("resource " + resource + " is missing from the classpath (models-onnx jar)");
        }
        return in;
    }

    /** Index of variable {@code name}, or -1. */
    public int variableIndex(String name) {
        return variables.indexOf(name);
    }
}
