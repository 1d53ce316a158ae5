package dev.quiesce.sim;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Shape;
import java.awt.Stroke;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws a {@link Report} as PNG charts (JFreeChart, headless): the false-completion rate of every policy
 * per scenario, and per scenario the distribution of detection latency under each policy, as a CDF on a
 * log time axis. Pure function of the report: the same report gives the same PNG bytes (no timestamps, no
 * locale-dependent number formats, a fixed palette), so a seeded report and its plots can be regenerated
 * and compared.
 *
 * <p>Each policy keeps its colour (by its position among the report's policies) in every chart.
 */
public final class ReportPlots {

    static {
        // Render off-screen only: a CI box or server has no display, and on a desktop AWT would otherwise
        // start a GUI toolkit (a Dock icon on macOS) just to draw into an image. Must precede any AWT use.
        System.setProperty("java.awt.headless", "true");
    }

    /** Chart size in pixels: wide enough for a dozen scenarios, fits a Markdown page. */
    public static final int WIDTH = 900;
    public static final int HEIGHT = 500;
    /** The false-completion chart's file name. */
    public static final String FALSE_COMPLETIONS_FILE = "false-completions.png";

    /** Latencies below this (the histogram's resolution) are drawn at it: a log axis has no zero. */
    private static final double MIN_SECONDS = 0.1;

    /**
     * Okabe&ndash;Ito colours (told apart with the common colour-vision deficiencies), minus its yellow,
     * which is unreadable on white, plus a grey: one per default policy; after these, colours repeat
     * with a dashed line.
     */
    private static final List<Color> PALETTE = List.of(
            new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
            new Color(0x000000), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x7F7F7F));

    /** A marker shape per policy as well as a colour: policies with equal latencies draw over each other. */
    private static final Shape[] SHAPES = DefaultDrawingSupplier.createStandardSeriesShapes();

    private static final String FONT = Font.SANS_SERIF;

    /** One chart written: its file and a caption for it. */
    public record Plot(Path file, String caption) {
    }

    private ReportPlots() {
    }

    /**
     * Writes {@value #FALSE_COMPLETIONS_FILE} and one {@code latency-<scenario>.png} per scenario into
     * {@code dir} (created if missing), replacing files of the same names.
     *
     * @return the charts written, false completions first, then scenarios in report order
     */
    public static List<Plot> write(Report report, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Plot> plots = new ArrayList<>();
        Path bars = dir.resolve(FALSE_COMPLETIONS_FILE);
        save(falseCompletions(report), bars);
        plots.add(new Plot(bars, "False-completion rate per scenario and policy"));
        List<String> scenarios = scenarios(report);
        List<String> files = latencyFileNames(scenarios);
        for (int i = 0; i < scenarios.size(); i++) {
            Path file = dir.resolve(files.get(i));
            save(latency(report, scenarios.get(i)), file);
            plots.add(new Plot(file, "Detection latency per policy, " + scenarios.get(i)));
        }
        return List.copyOf(plots);
    }

    /** Renders a chart as PNG bytes at {@link #WIDTH} × {@link #HEIGHT}. */
    static byte[] png(JFreeChart chart) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(bytes, chart, WIDTH, HEIGHT);
        return bytes.toByteArray();
    }

    private static void save(JFreeChart chart, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(png(chart));
        }
    }

    /**
     * Grouped bars: per scenario, one bar per policy with the share of its observations that completed
     * before the dataset's last object became visible.
     */
    static JFreeChart falseCompletions(Report report) {
        List<String> policies = policies(report);
        List<String> scenarios = scenarios(report);
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double highest = 0;
        // policies outer, every scenario inner, so series and categories keep report order even where a
        // (scenario, policy) row is missing (drawn as no bar)
        for (int p = 0; p < policies.size(); p++) {
            for (String s : scenarios) {
                Double percent = report.row(s, policies.get(p)).map(r -> 100 * r.falseCompletionRate()).orElse(null);
                data.addValue(percent, policies.get(p), s);
                highest = Math.max(highest, percent == null ? 0 : percent);
            }
        }
        JFreeChart chart = new JFreeChart("False completions", font(Font.BOLD, 18),
                new CategoryPlot(data, new CategoryAxis("scenario"), new NumberAxis("false completions (% of observations)"),
                        new BarRenderer()), true);
        theme().apply(chart);
        chart.addSubtitle(subtitle(report.runs() + " runs per scenario and policy, seed " + report.seed()
                + "; a false completion fires before the dataset's last object is visible"));
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setOrientation(PlotOrientation.VERTICAL);
        if (scenarios.size() > 5) {
            // catalog names are long and have no spaces to wrap at
            plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        plot.getDomainAxis().setCategoryMargin(0.2);
        NumberAxis range = (NumberAxis) plot.getRangeAxis();
        // headroom above the tallest bar; an all-zero chart still gets a 0-1 % axis, not one centred on zero
        range.setRange(0, Math.min(100, Math.max(1, highest)) * 1.05);
        range.setNumberFormatOverride(format("0.#'%'"));
        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setItemMargin(0.02);
        bars.setDrawBarOutline(false);
        for (int p = 0; p < policies.size(); p++) {
            bars.setSeriesPaint(p, colour(p));
        }
        legendBelow(chart);
        return chart;
    }

    /**
     * One line per policy: the share of correct completions (y) that came within a latency (x, seconds, log
     * scale) of the dataset's last object becoming visible, through {@link Report#LATENCY_PERCENTILES}.
     * A policy that never completed correctly has no line and says so in the legend.
     */
    static JFreeChart latency(Report report, String scenario) {
        List<String> policies = policies(report);
        List<Report.Row> rows = report.rowsOf(scenario);
        XYSeriesCollection data = new XYSeriesCollection();
        List<Integer> colourOf = new ArrayList<>();
        List<Boolean> absent = new ArrayList<>();
        double low = Double.MAX_VALUE;
        double high = 0;
        boolean clamped = false;
        Set<String> seen = new HashSet<>();
        for (Report.Row row : rows) {
            int p = policies.indexOf(row.policy());
            if (!seen.add(row.policy())) {
                continue; // the same policy given twice: equal rows, and a chart's series keys must be unique
            }
            String key = row.hasLatency() ? row.policy() : row.policy() + " \u2014 no correct completion";
            XYSeries series = new XYSeries(key, false, true);
            for (int i = 0; i < row.latency().size(); i++) {
                double seconds = row.latency().get(i) / 1000.0;
                clamped |= seconds < MIN_SECONDS;
                seconds = Math.max(MIN_SECONDS, seconds);
                low = Math.min(low, seconds);
                high = Math.max(high, seconds);
                series.add(seconds, Report.LATENCY_PERCENTILES.get(i));
            }
            data.addSeries(series);
            colourOf.add(p);
            absent.add(!row.hasLatency());
        }
        LogAxis x = secondsAxis(high == 0 ? MIN_SECONDS : low, high == 0 ? 10 : high);
        NumberAxis y = new NumberAxis("correct completions within (%)");
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
        JFreeChart chart = new JFreeChart("Detection latency: " + scenario, font(Font.BOLD, 18),
                new XYPlot(data, x, y, lines), true);
        theme().apply(chart);
        Report.Row any = rows.isEmpty() ? null : rows.get(0);
        chart.addSubtitle(subtitle("CDF over correct completions; " + report.runs() + " runs"
                + (any == null ? "" : " \u00d7 " + any.datasets() + (any.datasets() == 1 ? " dataset" : " datasets"))
                + ", seed " + report.seed() + (clamped ? "; below 0.1 s drawn at 0.1 s" : "")));
        XYPlot plot = chart.getXYPlot();
        plot.setDomainMinorGridlinesVisible(true);
        plot.setDomainMinorGridlinePaint(new Color(0xEBEBEB));
        plot.setNoDataMessage("No policy completed correctly on " + scenario);
        plot.setNoDataMessageFont(font(Font.PLAIN, 16));
        y.setRange(0, 100);
        y.setTickUnit(new NumberTickUnit(10));
        y.setNumberFormatOverride(format("0'%'"));
        for (int s = 0; s < colourOf.size(); s++) {
            int p = colourOf.get(s);
            lines.setSeriesPaint(s, colour(p));
            lines.setSeriesStroke(s, stroke(p));
            lines.setSeriesShape(s, SHAPES[p % SHAPES.length]);
            if (absent.get(s)) {
                lines.setLegendTextPaint(s, Color.GRAY);
            }
        }
        legendBelow(chart);
        return chart;
    }

    /**
     * A log axis in seconds over whole decades around {@code low..high} (so the ticks are 0.1, 1, 10, ... and
     * charts of different scenarios read alike), with minor ticks at 2..9 times each decade.
     */
    private static LogAxis secondsAxis(double low, double high) {
        LogAxis x = new LogAxis("latency after the last object became visible (s, log scale)");
        double from = Math.pow(10, Math.floor(Math.log10(low)));
        double to = Math.max(from * 10, Math.pow(10, Math.ceil(Math.log10(high * 1.01))));
        // a hair wider than the decades: LogAxis drops a tick that its rounded logarithm puts just outside
        x.setRange(from / 1.001, to * 1.001);
        x.setTickUnit(new NumberTickUnit(1, format("0"), 9));
        x.setNumberFormatOverride(format("#,##0.#"));
        x.setMinorTickMarksVisible(true);
        return x;
    }

    /** The report's scenarios, once each, in row order. */
    static List<String> scenarios(Report report) {
        Set<String> names = new LinkedHashSet<>();
        report.rows().forEach(r -> names.add(r.scenario()));
        return List.copyOf(names);
    }

    /** The report's policies, once each, in row order. */
    static List<String> policies(Report report) {
        Set<String> names = new LinkedHashSet<>();
        report.rows().forEach(r -> names.add(r.policy()));
        return List.copyOf(names);
    }

    /**
     * The latency chart's file name of each scenario: {@code latency-<name>.png} with anything but lower
     * case letters, digits, dots and dashes replaced, unique even where names collide that way.
     */
    static List<String> latencyFileNames(List<String> scenarios) {
        List<String> names = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (String s : scenarios) {
            String base = "latency-" + s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
            String name = base + ".png";
            for (int n = 2; !taken.add(name); n++) {
                name = base + "-" + n + ".png";
            }
            names.add(name);
        }
        return List.copyOf(names);
    }

    private static Paint colour(int policy) {
        return PALETTE.get(policy % PALETTE.size());
    }

    private static Stroke stroke(int policy) {
        if (policy < PALETTE.size()) {
            return new BasicStroke(2f);
        }
        return new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f + 2f * (policy / PALETTE.size()), 4f}, 0f);
    }

    private static StandardChartTheme theme() {
        StandardChartTheme theme = new StandardChartTheme("quiesce", false);
        theme.setExtraLargeFont(font(Font.BOLD, 18));
        theme.setLargeFont(font(Font.PLAIN, 14));
        theme.setRegularFont(font(Font.PLAIN, 12));
        theme.setSmallFont(font(Font.PLAIN, 11));
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.setDomainGridlinePaint(new Color(0xCCCCCC));
        theme.setRangeGridlinePaint(new Color(0xCCCCCC));
        theme.setBarPainter(new StandardBarPainter());
        theme.setShadowVisible(false);
        return theme;
    }

    private static TextTitle subtitle(String text) {
        TextTitle t = new TextTitle(text, font(Font.PLAIN, 12));
        t.setPaint(new Color(0x444444));
        return t;
    }

    private static void legendBelow(JFreeChart chart) {
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(font(Font.PLAIN, 12));
        legend.setFrame(BlockBorder.NONE);
        // room on the right for the last tick label, which is centred on the plot's edge
        chart.setPadding(new RectangleInsets(4, 8, 4, 24));
    }

    private static Font font(int style, int size) {
        return new Font(FONT, style, size);
    }

    /** A number format that reads the same in every locale. */
    private static DecimalFormat format(String pattern) {
        return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
    }
}
