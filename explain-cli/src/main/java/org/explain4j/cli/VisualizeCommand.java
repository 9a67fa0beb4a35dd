package org.explain4j.cli;

import org.explain4j.ExplainException;
import org.explain4j.io.Npy;
import org.explain4j.io.OutputDirectory;
import org.explain4j.model.ExplainableModel;
import org.explain4j.model.InputLayout;
import org.explain4j.model.ModelInfo;
import org.explain4j.model.ModelSource;
import org.explain4j.onnx.OrtModel;
import org.explain4j.onnx.TensorHead;
import org.explain4j.render.Heatmap;
import org.explain4j.tensor.FloatTensor;
import org.explain4j.visualize.ClassVisualization;
import org.explain4j.visualize.TrajectoryPlot;
import org.explain4j.visualize.VisualizationOptions;
import org.explain4j.visualize.VisualizationPicture;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code explain4j visualize}: what input a class, or a unit of an inner tensor, responds to most (gradient ascent). */
@Command(name = "visualize", mixinStandardHelpOptions = true,
        description = "Class or unit visualisation by gradient ascent: maximise S(I) - lambda*|I|^2 "
                + "(METHODS 1, Deep Visualization toolbox regularisers). Writes the optimised input (.npy), "
                + "a PNG/SVG picture per target and the score trajectory (CSV + PNG).")
final class VisualizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "<file.onnx|name>",
            description = "An embedded model name or an ONNX file.")
    String model;

    static final class What {
        @Option(names = "--class", paramLabel = "<c[,c...]>", split = ",",
                description = "Class indices or names to visualise (several are optimised in one batch).")
        List<String> classes;

        @Option(names = "--unit", paramLabel = "<tensor>:<i[,i...]>",
                description = "An intermediate tensor and unit/channel indices (mean activation of a channel).")
        String unit;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    @Option(names = "--steps", defaultValue = "200", description = "Gradient steps (default 200).")
    int steps;

    @Option(names = "--lr", defaultValue = "0.1", description = "Step size alpha (default 0.1).")
    float lr;

    @Option(names = "--lambda", defaultValue = "0.01", description = "L2 decay lambda >= 0 (default 0.01).")
    float lambda;

    @Option(names = "--start", defaultValue = "zeros", paramLabel = "zeros|mean|noise", description = "Start point (default zeros).")
    String start;

    @Option(names = "--mean", paramLabel = "<file.npy>",
            description = "Training mean of one sample (or rows to average); the ascent then runs in mean-subtracted "
                    + "space and the mean is added to the result.")
    Path mean;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the noise start and the jitter (default 0).")
    long seed;

    @Option(names = "--noise", defaultValue = "0.1", description = "Standard deviation of the noise start (default 0.1).")
    float noise;

    @Option(names = "--blur-every", defaultValue = "0", description = "Gaussian blur every k steps (0: never).")
    int blurEvery;

    @Option(names = "--blur-sigma", defaultValue = "1", description = "Blur sigma in time steps or pixels (default 1).")
    float blurSigma;

    @Option(names = "--clip-value", defaultValue = "0", description = "Zero values below this percentile of |I| each step.")
    float clipValue;

    @Option(names = "--clip-contribution", defaultValue = "0",
            description = "Zero entries below this percentile of |I * gradient| each step.")
    float clipContribution;

    @Option(names = "--jitter", defaultValue = "0", description = "Images: random shift of up to n pixels per step.")
    int jitter;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "<dir>", description = "Output folder.")
    Path out;

    @Override
    public Integer call() throws IOException {
        ModelSource source = ModelLocator.resolve(model);
        PrintWriter pw = spec.commandLine().getOut();
        try (OrtModel m = OrtModel.open(source)) {
            ModelInfo info = m.info();
            InputLayout layout = info.description() == null ? InputLayout.guess(info.input().shape().length)
                    : info.description().layout();
            VisualizationOptions o = options(info);
            List<String> targets = new ArrayList<>();
            ClassVisualization.Result r;
            String tensor = null;
            if (what.classes != null) {
                int[] classes = new int[what.classes.size()];
                for (int i = 0; i < classes.length; i++) {
                    classes[i] = classIndex(info, what.classes.get(i));
                    targets.add("class " + className(info, classes[i]));
                }
                r = new ClassVisualization(m, layout, VisualizationPicture.validRange(info), o).classes(classes);
            } else {
                int colon = what.unit.lastIndexOf(':');
                if (colon <= 0 || colon == what.unit.length() - 1) {
                    throw new ExplainException("--unit is '" + what.unit + "'; expected <tensor>:<index>[,<index>...],"
                            + " e.g. ReLU114_Output_0:3");
                }
                tensor = what.unit.substring(0, colon);
                int[] units = parseInts(what.unit.substring(colon + 1));
                for (int u : units) {
                    targets.add(tensor + ":" + u);
                }
                try (OrtModel head = TensorHead.open(m, tensor)) {
                    r = new ClassVisualization(head, layout, VisualizationPicture.validRange(info), o).units(tensor, units);
                }
            }
            write(info, layout, r, targets, o);
            for (int k = 0; k < targets.size(); k++) {
                pw.printf(Locale.ROOT, "%s: score %.4g -> %.4g after %d steps%n", targets.get(k), r.scores()[k][0],
                        r.finalScore(k), o.iterations());
            }
            pw.println("wrote " + out);
        }
        return Main.OK;
    }

    private VisualizationOptions options(ModelInfo info) {
        VisualizationOptions o = VisualizationOptions.defaults().withStepSize(lr).withLambda(lambda).withIterations(steps)
                .withBlur(blurEvery, blurSigma).withClipping(clipValue, clipContribution).withJitter(jitter);
        if (mean != null) {
            Npy.Array a = Npy.readArray(mean);
            long[] sample = info.input().shape();
            int size = 1;
            for (int i = 1; i < sample.length; i++) {
                size *= (int) sample[i];
            }
            if (a.data().length % size != 0) {
                throw new ExplainException("--mean " + mean + " has " + a.data().length + " values; one input sample of model '"
                        + info.name() + "' has " + size);
            }
            float[] avg = new float[size];
            int rows = a.data().length / size;
            for (int i = 0; i < a.data().length; i++) {
                avg[i % size] += a.data()[i] / rows;
            }
            o = o.withTrainingMean(new FloatTensor(new long[]{size}, avg));
        }
        return o.withStart(VisualizationOptions.Start.parse(start), seed, noise);
    }

    private void write(ModelInfo info, InputLayout layout, ClassVisualization.Result r, List<String> targets,
                       VisualizationOptions o) throws IOException {
        try (OutputDirectory dir = OutputDirectory.create(out)) {
            Npy.write(r.inputs(), dir.file("visualization.npy"));
            for (int k = 0; k < targets.size(); k++) {
                String name = "visualization-" + k;
                Heatmap h = VisualizationPicture.draw(info, layout, r.inputs().sampleData(k),
                        info.name() + ": what " + targets.get(k) + " responds to most",
                        String.format(Locale.ROOT, "gradient ascent, %d steps, alpha %.3g, lambda %.3g, start %s; "
                                + "score %.4g -> %.4g", o.iterations(), o.stepSize(), o.lambda(),
                                o.start().name().toLowerCase(Locale.ROOT), r.scores()[k][0], r.finalScore(k)));
                h.writePng(dir.file(name + ".png"));
                h.writeSvg(dir.file(name + ".svg"));
            }
            TrajectoryPlot.writeCsv(r, targets, dir.file("trajectory.csv"));
            TrajectoryPlot.writePng(r, targets, info.name() + ": score per step", dir.file("trajectory.png"));
            dir.commit();
        }
    }

    /** Class names; a single sigmoid output named n has classes "not n" (0) and n (1). */
    private static List<String> classNames(ModelInfo info) {
        List<String> names = info.description() == null ? List.of() : info.description().classNames();
        long[] out = info.output().shape();
        if (names.size() == 1 && out.length == 2 && out[1] == 1) {
            return List.of("not " + names.get(0), names.get(0));
        }
        return names;
    }

    private static int classIndex(ModelInfo info, String c) {
        List<String> names = classNames(info);
        int byName = names.indexOf(c);
        if (byName >= 0) {
            return byName;
        }
        try {
            return Integer.parseInt(c.trim());
        } catch (NumberFormatException e) {
            throw new ExplainException("--class '" + c + "' is neither a class index nor a class name of model '"
                    + info.name() + "'" + (names.isEmpty() ? "" : "; classes: " + String.join(", ", names)));
        }
    }

    private static String className(ModelInfo info, int c) {
        List<String> names = classNames(info);
        return c >= 0 && c < names.size() && !names.get(c).equals(Integer.toString(c)) ? c + " (" + names.get(c) + ")"
                : Integer.toString(c);
    }

    private static int[] parseInts(String text) {
        try {
            return Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new ExplainException("unit indices '" + text + "' are not integers; expected e.g. 3 or 0,5,7");
        }
    }
}
