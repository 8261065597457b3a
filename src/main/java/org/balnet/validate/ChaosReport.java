package org.balnet.validate;

import org.balnet.io.AtomicFiles;
import org.balnet.io.CsvWriter;
import org.balnet.io.Json;
import org.balnet.io.Versions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes what {@link ChaosStudy} measured: {@code chaos.csv} (per n, population and record time),
 * {@code chaos-sizes.csv} (the time-means per n), {@code chaos-ou.csv} (the OU regression),
 * {@code summary.json}, {@code report.md} and the figure {@code chaos.png} / {@code .svg}, each atomically.
 */
public final class ChaosReport {
    /** Columns of chaos.csv (append, never rename). */
    public static final List<String> TIME_COLUMNS = List.of("n", "population", "t", "rho_all", "rho_pairs",
            "mean_u", "var_u", "limit_v", "limit_K");
    /** Columns of chaos-sizes.csv. */
    public static final List<String> SIZE_COLUMNS = List.of("n", "population", "completed", "rho_all", "rho_all_se",
            "rho_pairs", "rho_pairs_se", "difference_se");
    /** Columns of chaos-ou.csv. */
    public static final List<String> LAG_COLUMNS = List.of("population", "t0", "t", "beta", "se", "predicted");
    public static final String TIME_CSV = "chaos.csv";
    public static final String SIZE_CSV = "chaos-sizes.csv";
    public static final String LAG_CSV = "chaos-ou.csv";
    public static final String SUMMARY_JSON = "summary.json";
    public static final String REPORT_MD = "report.md";
    public static final String FIGURE = "chaos";

    private ChaosReport() {
    }

    /** Writes every file into {@code dir} (which exists); returns them. */
    public static List<Path> write(ChaosStudy.Result r, Path dir, String commandLine, Versions versions) {
        List<Path> files = new ArrayList<>();
        files.add(write(dir.resolve(TIME_CSV), TIME_COLUMNS, w -> {
            CsvWriter.Rows rows = w.rows();
            for (ChaosStudy.TimeRow x : r.rows()) {
                rows.add(x.n()).add(x.population().label).add(x.t()).add(x.rhoAll()).add(x.rhoPairs()).add(x.meanU())
                        .add(x.varianceU()).add(x.limitMean()).add(x.limitVariance()).end();
            }
            return rows;
        }));
        files.add(write(dir.resolve(SIZE_CSV), SIZE_COLUMNS, w -> {
            CsvWriter.Rows rows = w.rows();
            for (ChaosStudy.SizeRow x : r.sizes()) {
                rows.add(x.n()).add(x.population().label).add(x.completed()).add(x.rhoAll()).add(x.rhoAllSe())
                        .add(x.rhoPairs()).add(x.rhoPairsSe()).add(x.differenceSe()).end();
            }
            return rows;
        }));
        files.add(write(dir.resolve(LAG_CSV), LAG_COLUMNS, w -> {
            CsvWriter.Rows rows = w.rows();
            for (ChaosStudy.Lag x : r.lags()) {
                rows.add(x.population().label).add(x.t0()).add(x.t()).add(x.beta()).add(x.se()).add(x.predicted())
                        .end();
            }
            return rows;
        }));
        files.addAll(Figures.chaos(r).write(dir, FIGURE));
        Path summary = dir.resolve(SUMMARY_JSON);
        AtomicFiles.writeString(summary, Json.write(summary(r, commandLine, versions)));
        files.add(summary);
        Path report = dir.resolve(REPORT_MD);
        AtomicFiles.writeString(report, markdown(r, commandLine, versions));
        files.add(report);
        return files;
    }

    private interface Table {
        CsvWriter.Rows rows(CsvWriter w);
    }

    private static Path write(Path file, List<String> columns, Table table) {
        AtomicFiles.write(file, ch -> {
            CsvWriter w = CsvWriter.on(ch, file, columns);
            w.write(table.rows(w));
        });
        return file;
    }

    static Map<String, Object> summary(ChaosStudy.Result r, String commandLine, Versions versions) {
        ChaosStudy.Config c = r.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", commandLine);
        m.put("scenario", c.scenario().name());
        m.put("sizes", c.sizes());
        m.put("replicas", c.replicas());
        m.put("neurons", c.neurons());
        m.put("t_end", c.tEnd());
        m.put("from", c.from());
        m.put("passed", r.passed());
        for (int a = 0; a < 2; a++) {
            PowerLawFit.Fit f = r.fits()[a];
            String p = a == 0 ? "e" : "i";
            m.put("slope_" + p, f.slope());
            m.put("slope_ci_" + p, f.interval().orElse(null));
        }
        m.put("checks", r.checks());
        m.put("versions", versions);
        m.put("wall_seconds", r.wallSeconds());
        return m;
    }

    static String markdown(ChaosStudy.Result r, String commandLine, Versions versions) {
        ChaosStudy.Config c = r.config();
        StringBuilder md = new StringBuilder();
        md.append("# balnet chaos: ").append(c.scenario().name()).append("\n\n");
        md.append(r.passed() ? "**All " + r.checks().size() + " checks pass.**"
                : "**" + r.failedChecks() + " of " + r.checks().size() + " checks fail.**").append("\n\n");
        md.append("```\n").append(commandLine).append("\n```\n\n");
        md.append(String.format(Locale.ROOT, "- sizes n: %s; %d replicas each (seeds from base seed %d); the first %d "
                        + "neurons of each population recorded at every record time (%s) up to T = %s%n",
                java.util.Arrays.toString(c.sizes()), c.replicas(), c.baseSeed(), c.neurons(),
                Validation.fmt(c.scenario().run().recordEvery()), Validation.fmt(c.tEnd())));
        md.append(String.format(Locale.ROOT, "- backend %s, %s, sampler %s, scheme %s; versions: %s; wall time %.1f s%n%n",
                c.backend(), c.precision().key, c.sampler().key, c.scenario().run().scheme().key, versions.text(),
                r.wallSeconds()));
        md.append(Check.markdownSection(r.checks(), r.checks()));
        md.append("\n## Correlation of two neurons, mean over (0, T]\n\n"
                + "| n | population | all pairs (v-hat, K-hat) | se | n x all pairs | recorded pairs | se |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (ChaosStudy.SizeRow s : r.sizes()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.4g | %.2g | %.3f | %.4g | %.2g |%n",
                    Figures.count(s.n()), s.population().label, s.rhoAll(), s.rhoAllSe(), s.n() * s.rhoAll(),
                    s.rhoPairs(), s.rhoPairsSe()));
        }
        md.append("\n![correlation and one neuron's law](").append(FIGURE).append(".png)\n");
        return md.toString();
    }
}
