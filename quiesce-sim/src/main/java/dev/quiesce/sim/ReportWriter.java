package dev.quiesce.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link Report} to a directory as a Markdown document with its charts: {@value #REPORT_FILE}
 * (a header, the table of {@link Report#toMarkdown()}, and the charts embedded by relative links) and the
 * PNGs of {@link ReportPlots} under {@value #PLOTS_DIR}/, so the directory can be moved or published as a
 * whole. Nothing in it depends on the clock: the same report and command give the same files.
 */
public final class ReportWriter {

    /** The Markdown document's file name. */
    public static final String REPORT_FILE = "report.md";
    /** The charts' subdirectory. */
    public static final String PLOTS_DIR = "plots";

    private ReportWriter() {
    }

    /**
     * Writes {@value #REPORT_FILE} and the charts into {@code dir} (created if missing), replacing files of
     * the same names.
     *
     * @param command the command line that regenerates the report, shown in its header; null for none
     * @return the files written: the document first, then the charts
     */
    public static List<Path> write(Report report, Path dir, String command) throws IOException {
        Files.createDirectories(dir);
        List<ReportPlots.Plot> plots = ReportPlots.write(report, dir.resolve(PLOTS_DIR));
        Path document = dir.resolve(REPORT_FILE);
        Files.writeString(document, markdown(report, dir, plots, command), StandardCharsets.UTF_8);
        List<Path> written = new ArrayList<>();
        written.add(document);
        plots.forEach(p -> written.add(p.file()));
        return List.copyOf(written);
    }

    /** The document: header (with seed, runs and command), table, then the charts linked relative to {@code dir}. */
    static String markdown(Report report, Path dir, List<ReportPlots.Plot> plots, String command) {
        StringBuilder b = new StringBuilder();
        b.append("# Simulated detection quality\n\n");
        b.append("The real engine on virtual time, over seeded workloads.");
        if (command != null && !command.isBlank()) {
            b.append(" Regenerate with:\n\n```\n").append(command).append("\n```\n");
        } else {
            b.append('\n');
        }
        // the table opens with the seed and the runs, so the header need not repeat them
        b.append('\n').append(report.toMarkdown());
        b.append("\n## Charts\n");
        for (ReportPlots.Plot p : plots) {
            // forward slashes whatever the platform: the links are URLs, not file paths
            String link = dir.relativize(p.file()).toString().replace('\\', '/');
            b.append("\n### ").append(p.caption()).append("\n\n![").append(escape(p.caption())).append("](")
                    .append(link).append(")\n");
        }
        return b.toString();
    }

    /** Keeps a caption (it holds a scenario name) from closing the image's alt text early. */
    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]");
    }
}
