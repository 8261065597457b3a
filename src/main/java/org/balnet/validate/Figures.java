package org.balnet.validate;

import org.balnet.limit.LimitRow;
import org.balnet.limit.Trajectory;
import org.balnet.model.Population;
import org.balnet.sim.TrajectoryRow;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The validation figures, drawn with XChart: the paper's four panels (simulation, limit, closure), the
 * error against n on log-log axes, the state histograms against their Gaussians, and the error over
 * time. Units: time in the scenario's time unit (tau = 1 in the paper's scenarios); states u in the
 * units of the synaptic variable.
 */
public final class Figures {
    /** Panel size in pixels (PNG) or points (SVG). */
    public static final int PANEL_WIDTH = 640;
    public static final int PANEL_HEIGHT = 420;

    static final Color SIMULATION = new Color(0x1f77b4);
    static final Color LIMIT = new Color(0x222222);
    static final Color CLOSURE = new Color(0xd62728);
    static final Color GUIDE = new Color(0x7f7f7f);
    static final Color REPLICAS = new Color(0x9ecae1);
    static final Color CLOSURE_REPLICAS = new Color(0xf4a3a3);

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font AXIS = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private Figures() {
    }

    static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        org.knowm.xchart.style.XYStyler s = c.getStyler();
        s.setChartTitleFont(TITLE);
        s.setAxisTitleFont(AXIS);
        s.setAxisTickLabelsFont(TICKS);
        s.setLegendFont(LEGEND);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xe0e0e0));
        s.setLegendBorderColor(new Color(0xcccccc));
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        s.setChartPadding(8);
        s.setMarkerSize(6);
        return c;
    }

    static XYSeries line(XYChart c, String name, double[] x, double[] y, Color color, float width, boolean dashed) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(dashed
                ? new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[]{7f, 5f}, 0f)
                : new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        return s;
    }

    static double[] column(Trajectory tr, java.util.function.ToDoubleFunction<LimitRow> f) {
        return tr.rows().stream().mapToDouble(f).toArray();
    }

    /**
     * The paper's Section 6 panels, in its order: K_i^n vs K_i, K_e^n vs K_e, v_i^n vs v-bar_i,
     * v_e^n vs v-bar_e; each with the simulation (one replica), the limit and the finite-n closure.
     *
     * @param heading  prefix of each panel title, e.g. "mv-6.1, n = 5000"
     * @param run      the simulated replica shown
     * @param limit    the limit (Lemma 4.2)
     * @param closure  the Gaussian closure at the run's n
     */
    public static Figure trajectories(String heading, Replica run, Trajectory limit, Trajectory closure) {
        List<XYChart> panels = new ArrayList<>();
        String sim = String.format(Locale.ROOT, "simulation, n = %s (seed %d)", count(run.n()), run.seed());
        String clo = String.format(Locale.ROOT, "closure, n = %s", count(run.n()));
        double[] tl = column(limit, LimitRow::t);
        double[] tc = column(closure, LimitRow::t);
        Object[][] spec = {
                {"K\u1d62\u207f(t) vs K\u1d62(t)", "K\u1d62 (variance of u\u1d62)", Population.I, Boolean.FALSE},
                {"K\u2091\u207f(t) vs K\u2091(t)", "K\u2091 (variance of u\u2091)", Population.E, Boolean.FALSE},
                {"v\u1d62\u207f(t) vs v\u0304\u1d62(t)", "v\u1d62 (mean of u\u1d62)", Population.I, Boolean.TRUE},
                {"v\u2091\u207f(t) vs v\u0304\u2091(t)", "v\u2091 (mean of u\u2091)", Population.E, Boolean.TRUE}};
        for (Object[] p : spec) {
            Population pop = (Population) p[2];
            boolean mean = (Boolean) p[3];
            double[] simulated = run.column(r -> mean ? r.mean(pop) : r.variance(pop));
            XYChart c = chart(heading + ": " + p[0], "t (units of \u03c4)", (String) p[1]);
            c.getStyler().setLegendPosition(mean ? Styler.LegendPosition.InsideSE : Styler.LegendPosition.InsideNE);
            // limit and closure first, the simulation on top: its noise is the data, the curves are predictions
            line(c, "limit (Lemma 4.2)", tl, column(limit, r -> mean ? r.mean(pop) : r.variance(pop)), LIMIT, 2.2f,
                    false);
            line(c, clo, tc, column(closure, r -> mean ? r.mean(pop) : r.variance(pop)), CLOSURE, 2.2f, false);
            line(c, sim, run.column(TrajectoryRow::t), simulated, SIMULATION, 1.1f, false);
            avoidDataAlignedTicks(c, tl[tl.length - 1] / Math.PI, simulated[0]);
            panels.add(c);
        }
        return new Figure(panels, 2, PANEL_WIDTH, PANEL_HEIGHT);
    }

    /**
     * XChart 3.8.8 puts the x ticks on the data's own x values when all of them are equally spaced, and
     * then accepts any step at which the labels are distinct: 20-odd overlapping labels for t = 0, 0.01,
     * ..., 5. One invisible point off the grid makes the x values unequally spaced, and XChart falls
     * back to its ordinary 1-2-5 ticks.
     */
    static void avoidDataAlignedTicks(XYChart c, double x, double y) {
        XYSeries s = c.addSeries(" ", new double[]{x}, new double[]{y});
        s.setShowInLegend(false);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(new Color(0, 0, 0, 0));
    }

    /**
     * Error against n on log-log axes: the per-replica errors, their means, for the limit and the
     * closure, with an n^{-1/2} guide through the limit's mean at the smallest n.
     *
     * @param heading        panel title
     * @param yTitle         what the error is, e.g. "sup over t in [1, 5] of error (4.5)"
     * @param sizes          n
     * @param limitErrors    [size][replica]
     * @param closureErrors  [size][replica]
     * @param limitFit       fitted slope against the limit (shown in the legend)
     * @param closureFit     fitted slope against the closure
     */
    public static Figure convergence(String heading, String yTitle, long[] sizes, double[][] limitErrors,
                                     double[][] closureErrors, PowerLawFit.Fit limitFit, PowerLawFit.Fit closureFit) {
        XYChart c = chart(heading, "n (neurons per population)", yTitle);
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setXAxisDecimalPattern("0.#E0");
        c.getStyler().setYAxisDecimalPattern("0.###");
        c.getStyler().setYAxisLogarithmicDecadeOnly(false);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        scatter(c, "replicas (limit)", sizes, limitErrors, REPLICAS);
        scatter(c, "replicas (closure)", sizes, closureErrors, CLOSURE_REPLICAS);
        double[] x = new double[sizes.length];
        double[] ml = new double[sizes.length];
        double[] mc = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            x[i] = sizes[i];
            ml[i] = PowerLawFit.mean(limitErrors[i]);
            mc[i] = PowerLawFit.mean(closureErrors[i]);
        }
        XYSeries l = line(c, String.format(Locale.ROOT, "mean vs limit: slope %s", slope(limitFit)), x, ml, LIMIT,
                2f, false);
        l.setMarker(SeriesMarkers.CIRCLE);
        l.setMarkerColor(LIMIT);
        XYSeries cl = line(c, String.format(Locale.ROOT, "mean vs closure: slope %s", slope(closureFit)), x, mc,
                CLOSURE, 2f, false);
        cl.setMarker(SeriesMarkers.DIAMOND);
        cl.setMarkerColor(CLOSURE);
        double[] guide = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            guide[i] = ml[0] * Math.sqrt((double) sizes[0] / sizes[i]);
        }
        line(c, "guide \u221d n^(-1/2)", x, guide, GUIDE, 1.5f, true);
        return new Figure(List.of(c), 1, 760, 520);
    }

    private static String slope(PowerLawFit.Fit f) {
        if (Double.isNaN(f.low())) {
            return String.format(Locale.ROOT, "%.3f", f.slope());
        }
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", f.slope(), f.low(), f.high());
    }

    private static void scatter(XYChart c, String name, long[] sizes, double[][] errors, Color color) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            for (double e : errors[i]) {
                if (e > 0 && Double.isFinite(e)) {
                    xs.add((double) sizes[i]);
                    ys.add(e);
                }
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        XYSeries s = c.addSeries(name, xs, ys);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
    }

    /**
     * The histograms of u_e and u_i at one time against the Gaussian densities N(v-hat, K-hat), with the
     * distances in the titles.
     *
     * @param heading   prefix of each panel title
     * @param pair      the histograms (e then i) taken at the same time
     * @param distances their distances to the Gaussians, same order
     */
    public static Figure histograms(String heading, List<StateHistogram> pair, List<GaussianDistance.Result> distances) {
        List<XYChart> panels = new ArrayList<>();
        for (int k = 0; k < pair.size(); k++) {
            StateHistogram h = pair.get(k);
            GaussianDistance.Result d = distances.get(k);
            String a = h.population().label;
            XYChart c = chart(String.format(Locale.ROOT, "%s: u_%s at t = %s (KS %.2g, W1 %.2g)", heading, a,
                    number(h.time()), d.ksUpper(), d.w1()), "u_" + a, "probability density");
            double[][] dens = h.density(60, 4.0);
            double[][] stairs = stairs(dens[0], dens[1]);
            XYSeries s = line(c, String.format(Locale.ROOT, "histogram of the %s states", count(h.total())),
                    stairs[0], stairs[1], SIMULATION, 1.3f, false);
            s.setShowInLegend(true);
            double sd = Math.sqrt(h.sampleVariance());
            int points = 241;
            double[] x = new double[points];
            double[] y = new double[points];
            for (int i = 0; i < points; i++) {
                x[i] = h.sampleMean() + sd * (-4 + 8.0 * i / (points - 1));
                double z = (x[i] - h.sampleMean()) / sd;
                y[i] = Math.exp(-0.5 * z * z) / (sd * Math.sqrt(2 * Math.PI));
            }
            line(c, String.format(Locale.ROOT, "N(v\u0302_%s, K\u0302_%s) = N(%.4g, %.4g)", a, a, h.sampleMean(),
                    h.sampleVariance()), x, y, CLOSURE, 2f, true);
            panels.add(c);
        }
        return new Figure(panels, 2, PANEL_WIDTH, PANEL_HEIGHT);
    }

    /**
     * One population's histogram at one time with the two Gaussians drawn over it.
     *
     * @param counts        the histogram
     * @param sampleMean    v-hat_alpha(t)
     * @param sampleVariance K-hat_alpha(t)
     * @param limitMean     v-bar_alpha(t), NaN past the limit's end (eta)
     * @param limitVariance K_alpha(t), NaN likewise
     */
    public record TimeHistogram(HistogramPlot.Counts counts, double sampleMean, double sampleVariance,
                                double limitMean, double limitVariance) {
    }

    /** One colour per time in {@link #histogramsOverTime}. */
    private static final Color[] TIME_COLOURS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0xbcbd22)};

    /**
     * The empirical measure over time: per population (e, i) one panel with the histogram of the states at
     * each time (as a density), the Gaussian of the sample moments N(v-hat, K-hat) (solid) and the limit's
     * N(v-bar, K) (dashed) over it, a colour per time; the legend names the times and, once, the two
     * curves (in the first time's colour).
     *
     * @param heading prefix of each panel title, e.g. "mv-6.1, n = 1e6"
     * @param series  histograms in time order, any mix of populations
     */
    public static Figure histogramsOverTime(String heading, List<TimeHistogram> series) {
        List<XYChart> panels = new ArrayList<>();
        for (Population p : Population.values()) {
            List<TimeHistogram> mine = series.stream().filter(h -> h.counts().population() == p).toList();
            if (mine.isEmpty()) {
                continue;
            }
            String a = p.label;
            XYChart c = chart(String.format(Locale.ROOT, "%s: states u_%s over time", heading, a), "u_" + a,
                    "probability density");
            // below the plot: inside, it would cover the peaks, which move across the panel over time
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            for (int k = 0; k < mine.size(); k++) {
                TimeHistogram h = mine.get(k);
                HistogramPlot.Counts hc = h.counts();
                Color colour = TIME_COLOURS[k % TIME_COLOURS.length];
                int bins = hc.bins();
                double width = (hc.hi() - hc.lo()) / bins;
                double[] centres = new double[bins];
                double[] density = new double[bins];
                for (int b = 0; b < bins; b++) {
                    centres[b] = hc.lo() + (b + 0.5) * width;
                    density[b] = hc.counts()[b + 1] / (hc.total() * width);
                }
                double[][] outline = stairs(centres, density);
                String outside = hc.outside() > 0 ? String.format(Locale.ROOT, " (%d outside)", hc.outside()) : "";
                line(c, String.format(Locale.ROOT, "t = %s%s", number(hc.t()), outside), outline[0], outline[1],
                        colour, 1.2f, false);
                // One legend entry for each kind of curve; the colour says the time.
                gaussian(c, k == 0 ? "N(v\u0302, K\u0302)" : "N(v\u0302, K\u0302) at t = " + number(hc.t()),
                        h.sampleMean(), h.sampleVariance(), colour, false).setShowInLegend(k == 0);
                if (Double.isFinite(h.limitMean()) && h.limitVariance() > 0) {
                    gaussian(c, k == 0 ? "limit N(v\u0304, K)" : "limit N(v\u0304, K) at t = " + number(hc.t()),
                            h.limitMean(), h.limitVariance(), colour, true).setShowInLegend(k == 0);
                }
            }
            panels.add(c);
        }
        return new Figure(panels, 2, PANEL_WIDTH, PANEL_HEIGHT + 80);
    }

    /**
     * Propagation of chaos ({@link ChaosStudy}): per population, n rho_n(t) over time for each n (the
     * curves collapse when rho_n ~ 1/n); the time-mean of rho_n against n on log-log axes, over all pairs
     * and over the recorded pairs, with an n^-1 guide; one neuron's variance against K(t) for each n; the
     * regression of u_s on u_t0 against e^{-(s - t0)/tau}.
     */
    public static Figure chaos(ChaosStudy.Result r) {
        ChaosStudy.Config c = r.config();
        String name = c.scenario().name();
        List<XYChart> panels = new ArrayList<>();
        long[] sizes = c.sizes();
        for (Population p : Population.values()) {
            XYChart rho = chart(String.format(Locale.ROOT, "%s: n \u00d7 correlation of two neurons u_%s", name,
                    p.label), "t (units of \u03c4)", "n \u00d7 \u03c1\u2099(t), over all pairs");
            rho.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
            for (int i = 0; i < sizes.length; i++) {
                long n = sizes[i];
                List<ChaosStudy.TimeRow> rows = r.rows().stream().filter(x -> x.n() == n && x.population() == p)
                        .toList();
                line(rho, "n = " + count(n), rows.stream().mapToDouble(ChaosStudy.TimeRow::t).toArray(),
                        rows.stream().mapToDouble(x -> n * x.rhoAll()).toArray(),
                        TIME_COLOURS[i % TIME_COLOURS.length], 1.6f, false);
            }
            avoidDataAlignedTicks(rho, c.tEnd() / Math.PI, 0);
            panels.add(rho);
        }
        XYChart fall = chart(name + ": correlation of two neurons, mean over (0, T]", "n (neurons per population)",
                "|\u03c1\u0304\u2099|");
        fall.getStyler().setXAxisLogarithmic(true);
        fall.getStyler().setYAxisLogarithmic(true);
        fall.getStyler().setXAxisDecimalPattern("0.#E0");
        fall.getStyler().setYAxisDecimalPattern("0.#E0");
        fall.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        double[] x = java.util.Arrays.stream(sizes).asDoubleStream().toArray();
        for (Population p : Population.values()) {
            List<ChaosStudy.SizeRow> rows = r.sizes().stream().filter(s -> s.population() == p).toList();
            Color colour = p == Population.E ? SIMULATION : CLOSURE;
            PowerLawFit.Fit f = r.fits()[p.index()];
            String sign = rows.get(0).rhoAll() < 0 ? " (negative)" : "";
            XYSeries all = line(fall, String.format(Locale.ROOT, "u_%s, all pairs%s: slope %s", p.label, sign,
                    slope(f)), x,
                    rows.stream().mapToDouble(s -> Math.max(Math.abs(s.rhoAll()), Double.MIN_NORMAL)).toArray(), colour,
                    1.8f, false);
            all.setMarker(SeriesMarkers.CIRCLE);
            all.setMarkerColor(colour);
            // The recorded pairs where they resolve the correlation (positive, two standard errors from 0).
            List<Double> px = new ArrayList<>();
            List<Double> py = new ArrayList<>();
            List<Double> pe = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                ChaosStudy.SizeRow s = rows.get(i);
                double size = Math.abs(s.rhoPairs());
                if (size > 2 * s.rhoPairsSe() && Math.signum(s.rhoPairs()) == Math.signum(s.rhoAll())) {
                    px.add(x[i]);
                    py.add(size);
                    pe.add(Math.min(s.rhoPairsSe(), 0.9 * size));
                }
            }
            if (!px.isEmpty()) {
                XYSeries pairs = fall.addSeries(String.format(Locale.ROOT, "u_%s, %d fixed neurons over replicas", p.label,
                        c.neurons()), px, py, pe);
                pairs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                pairs.setMarker(SeriesMarkers.DIAMOND);
                pairs.setMarkerColor(colour.darker());
            }
        }
        double first = r.sizes().stream().filter(s -> s.population() == Population.E).findFirst()
                .map(s -> Math.abs(s.rhoAll())).orElse(1.0);
        double[] guide = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            guide[i] = first * x[0] / x[i];
        }
        line(fall, "guide \u221d n^-1", x, guide, GUIDE, 1.4f, true);
        panels.add(fall);

        XYChart variance = chart(name + ": one neuron's variance over replicas", "t (units of \u03c4)",
                "Var u\u2099(t) and the limit's K(t)");
        variance.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        for (Population p : Population.values()) {
            double[] t = column(r.limit(), LimitRow::t);
            line(variance, "K_" + p.label + "(t), the limit", t, column(r.limit(), l -> l.variance(p)), LIMIT, 2.2f,
                    p == Population.I);
            for (int i = 0; i < sizes.length; i++) {
                long n = sizes[i];
                List<ChaosStudy.TimeRow> rows = r.rows().stream().filter(y -> y.n() == n && y.population() == p)
                        .toList();
                line(variance, String.format(Locale.ROOT, "u_%s, n = %s", p.label, count(n)),
                        rows.stream().mapToDouble(ChaosStudy.TimeRow::t).toArray(),
                        rows.stream().mapToDouble(ChaosStudy.TimeRow::varianceU).toArray(),
                        TIME_COLOURS[i % TIME_COLOURS.length], 1.0f, p == Population.I)
                        .setShowInLegend(p == Population.E);
            }
        }
        panels.add(variance);

        XYChart mean = chart(name + ": one neuron's mean over replicas", "t (units of \u03c4)",
                "E u\u2099(t) and the limit's v\u0304(t)");
        mean.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        for (Population p : Population.values()) {
            line(mean, "v\u0304_" + p.label + "(t), the limit", column(r.limit(), LimitRow::t),
                    column(r.limit(), l -> l.mean(p)), LIMIT, 2.2f, p == Population.I);
            for (int i = 0; i < sizes.length; i++) {
                long n = sizes[i];
                List<ChaosStudy.TimeRow> rows = r.rows().stream().filter(y -> y.n() == n && y.population() == p)
                        .toList();
                line(mean, String.format(Locale.ROOT, "u_%s, n = %s", p.label, count(n)),
                        rows.stream().mapToDouble(ChaosStudy.TimeRow::t).toArray(),
                        rows.stream().mapToDouble(ChaosStudy.TimeRow::meanU).toArray(),
                        TIME_COLOURS[i % TIME_COLOURS.length], 1.0f, p == Population.I)
                        .setShowInLegend(p == Population.E);
            }
        }
        panels.add(mean);

        XYChart ou = chart(String.format(Locale.ROOT, "%s, n = %s: one neuron's path is OU-like", name,
                count(sizes[sizes.length - 1])), "s - t\u2080 (t\u2080 = " + number(c.from()) + ")",
                "regression of u_s on u_t\u2080");
        ou.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        for (Population p : Population.values()) {
            List<ChaosStudy.Lag> lags = r.lags().stream().filter(l -> l.population() == p).toList();
            if (lags.isEmpty()) {
                continue;
            }
            double[] lag = lags.stream().mapToDouble(l -> l.t() - l.t0()).toArray();
            line(ou, "e^-(s - t\u2080)/\u03c4_" + p.label, lag, lags.stream().mapToDouble(ChaosStudy.Lag::predicted)
                    .toArray(), LIMIT, 1.8f, p == Population.I);
            XYSeries m = ou.addSeries(String.format(Locale.ROOT, "u_%s: measured \u00b1 2 se", p.label), lag,
                    lags.stream().mapToDouble(ChaosStudy.Lag::beta).toArray(),
                    lags.stream().mapToDouble(l -> 2 * l.se()).toArray());
            m.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            m.setMarker(p == Population.E ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
            m.setMarkerColor(p == Population.E ? SIMULATION : CLOSURE);
        }
        panels.add(ou);
        return new Figure(panels, 2, PANEL_WIDTH, PANEL_HEIGHT);
    }

    /** The density of N(mean, variance) over mean +- 4 sd. */
    private static XYSeries gaussian(XYChart c, String name, double mean, double variance, Color colour,
                                     boolean dashed) {
        double sd = Math.sqrt(variance);
        int points = 161;
        double[] x = new double[points];
        double[] y = new double[points];
        for (int i = 0; i < points; i++) {
            x[i] = mean + sd * (-4 + 8.0 * i / (points - 1));
            double z = (x[i] - mean) / sd;
            y[i] = Math.exp(-0.5 * z * z) / (sd * Math.sqrt(2 * Math.PI));
        }
        return line(c, name, x, y, colour, dashed ? 1.6f : 1.0f, dashed);
    }

    /** Bin centres and heights to the outline of a histogram (a staircase through the bin edges). */
    static double[][] stairs(double[] centres, double[] heights) {
        int b = centres.length;
        double w = b > 1 ? centres[1] - centres[0] : 1;
        double[] x = new double[2 * b + 2];
        double[] y = new double[2 * b + 2];
        x[0] = centres[0] - w / 2;
        y[0] = 0;
        for (int i = 0; i < b; i++) {
            x[2 * i + 1] = centres[i] - w / 2;
            y[2 * i + 1] = heights[i];
            x[2 * i + 2] = centres[i] + w / 2;
            y[2 * i + 2] = heights[i];
        }
        x[2 * b + 1] = centres[b - 1] + w / 2;
        y[2 * b + 1] = 0;
        return new double[][]{x, y};
    }

    /**
     * The error (4.5) over time, averaged over replicas, against the limit and against the closure.
     *
     * @param heading      panel title
     * @param t            record times
     * @param limitError   mean over replicas of e(t) against the limit
     * @param closureError mean over replicas of e(t) against the closure
     * @param replicas     how many replicas were averaged (for the legend)
     */
    public static Figure errorOverTime(String heading, double[] t, double[] limitError, double[] closureError,
                                       int replicas) {
        XYChart c = chart(heading, "t (units of \u03c4)", "error (4.5), mean of " + replicas + " replicas");
        line(c, "against the limit", t, limitError, LIMIT, 1.6f, false);
        line(c, "against the closure", t, closureError, CLOSURE, 1.6f, false);
        avoidDataAlignedTicks(c, t[t.length - 1] / Math.PI, limitError[0]);
        return new Figure(List.of(c), 1, 760, 420);
    }

    /** 5000 -> "5000", 100000 -> "1e5", 1500000 -> "1.5e6": how n appears in titles. */
    public static String count(long n) {
        if (n < 10_000) {
            return Long.toString(n);
        }
        int e = (int) Math.floor(Math.log10(n));
        double m = n / Math.pow(10, e);
        return Math.abs(m - Math.rint(m)) < 1e-9
                ? String.format(Locale.ROOT, "%de%d", Math.round(m), e)
                : String.format(Locale.ROOT, "%.3ge%d", m, e);
    }

    static String number(double x) {
        return org.balnet.io.Json.number(x);
    }

    /** A report's "Figures" section: each figure's PNG inline, with the name of its SVG twin. */
    static String markdownSection(List<String> figures) {
        StringBuilder md = new StringBuilder("\n## Figures\n\n");
        for (String f : figures) {
            md.append("![").append(f).append("](").append(f).append(".png) (vector: `").append(f).append(".svg`)\n\n");
        }
        return md.toString();
    }
}
