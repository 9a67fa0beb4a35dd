package org.explain4j.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.explain4j.ExplainException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The {@code explain4j} command line. Exit codes: 0 success, 1 a run that failed (bad input
 * data, missing file, unusable device — one line {@code explain4j: error: ...} on stderr),
 * 2 a usage error (unknown option or method, bad option value). A failed run leaves no output
 * directory behind.
 */
@Command(name = "explain4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Explanations for ONNX models: gradients (saliency, gradient × input, integrated gradients, SmoothGrad), LRP, and perturbation (LIME, KernelSHAP, occlusion, ablation).",
        subcommands = {ModelsCommand.class, ExplainCommand.class, DemoCommand.class, AuditCommand.class, EvaluateCommand.class, SummarizeCommand.class, org.explain4j.bench.BenchCommand.class,
                CompareCommand.class, VisualizeCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  explain4j demo",
                "  explain4j models",
                "  explain4j explain -m breast_cancer_mlp -i data.csv --rows 0-9 -o out/run1",
                "  explain4j explain -m synthetic_cnn1d -i example --method smoothgrad -o out/run2",
                "  explain4j explain -m my.onnx -i x.npy --method saliency --signed -o out/run3"})
public final class Main implements Callable<Integer> {
    static final String PREFIX = "explain4j: error: ";
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private final PrintStream out;
    private final PrintStream err;
    private boolean debug;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Log progress (INFO) to stderr.")
    void verbose(boolean on) {
        if (on) {
            Configurator.setRootLevel(Level.INFO);
        }
    }

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Log everything (DEBUG) and print stack traces of errors.")
    void debug(boolean on) {
        debug |= on;
        if (on) {
            Configurator.setRootLevel(Level.DEBUG);
        }
    }

    public Main() {
        this(System.out, System.err);
    }

    public Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new Main().run(args));
    }

    /** Runs the command line {@code args} and returns the exit code; never calls {@link System#exit}. */
    public int run(String... args) {
        Configurator.setRootLevel(Level.WARN); // each run starts quiet, also when called in-process
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine cl = new CommandLine(this);
        cl.setOut(outWriter);
        cl.setErr(errWriter);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((e, a) -> {
            String help = e.getCommandLine() == null || e.getCommandLine() == cl ? "explain4j --help"
                    : "explain4j " + e.getCommandLine().getCommandName() + " --help";
            errWriter.println(PREFIX + oneLine(e.getMessage()) + " (see '" + help + "')");
            if (debug) {
                e.printStackTrace(errWriter);
            }
            errWriter.flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            ExplainException known = explainCause(e);
            if (known != null) {
                errWriter.println(PREFIX + oneLine(known.getMessage()));
            } else {
                errWriter.println(PREFIX + "unexpected " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage()))
                        + (debug ? "" : " (rerun with --debug for the stack trace)"));
            }
            if (debug) {
                e.printStackTrace(errWriter);
            }
            errWriter.flush();
            return FAILED;
        });
        try {
            return cl.execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    /** {@code explain4j} alone shows the help. */
    @Override
    public Integer call() {
        CommandLine.usage(this, new PrintStream(out, true, StandardCharsets.UTF_8));
        return OK;
    }

    boolean debugging() {
        return debug;
    }

    private static ExplainException explainCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ExplainException e) {
                return e;
            }
        }
        return null;
    }

    /** Messages are one line; anything after the first line break is for --debug. */
    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        return message.strip().lines().findFirst().orElse("").strip();
    }

    /** {@code --version}: this program's, the ONNX Runtime artifact's and the JVM's. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = properties();
            return new String[]{
                    "explain4j " + p.getProperty("version", "dev"),
                    "ONNX Runtime: " + p.getProperty("onnxruntime", "unknown"),
                    "Java: " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }

        static String version() {
            return properties().getProperty("version", "dev");
        }

        private static Properties properties() {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/explain4j-cli.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException ignored) {
                // the defaults above say "dev"/"unknown"
            }
            return p;
        }
    }
}
