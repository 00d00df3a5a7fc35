package org.peerkit.notebook;

import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.peerkit.experiment.Results;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.SweepResult;
import org.peerkit.tensor.DoctorReport;
import tech.tablesaw.api.Table;

/**
 * Registers PEERkit's renderers with a Jupyter kernel's {@link Renderer}, so a cell that ends
 * with a chart shows a picture and one that ends with a table shows a table:
 * <ul>
 *   <li>XChart {@link Chart} → {@code image/png} (preferred), {@code image/svg+xml} on request
 *       ({@code display(chart, "image/svg+xml")}), and a one-line {@code text/plain};</li>
 *   <li>Tablesaw {@link Table} → {@code text/html} plus Tablesaw's own {@code text/plain};</li>
 *   <li>{@link DoctorReport} → {@code text/html} plus aligned {@code text/plain};</li>
 *   <li>a {@code RunResult} or {@code SweepResult} → its results table (HTML and text).</li>
 * </ul>
 * The PEERkit kernel calls {@link #install} from its start-up script; under IJava, run
 * {@code org.peerkit.notebook.Renderers.install(io.github.spencerpark.ijava.IJava.getKernelInstance().getRenderer());}
 */
public final class Renderers {
    private Renderers() {}

    /** Registers every PEERkit renderer; calling it twice is harmless (the later registration wins). */
    public static void install(Renderer renderer) {
        registerCharts(renderer);
        registerTables(renderer);
        registerDoctor(renderer);
        registerRuns(renderer);
    }

    /** A run result or a sweep result ends a cell as its results table. */
    static void registerRuns(Renderer renderer) {
        htmlOrText(renderer, RunResult.class, r -> html(runTable(r)), r -> runTable(r).print());
        htmlOrText(renderer, SweepResult.class, r -> html(r.statusTable()) + html(r.table()),
                r -> r.statusTable().print() + "\n" + r.table().print());
    }

    private static Table runTable(RunResult r) {
        return Results.table(List.of(r), "run " + r.id() + " (" + r.origin().name().toLowerCase(Locale.ROOT) + ")");
    }

    static void registerCharts(Renderer renderer) {
        renderer.createRegistration(Chart.class)
                .preferring(MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN)
                .supporting(MIMEType.IMAGE_SVG)
                .register((chart, ctx) -> {
                    ctx.renderIfRequested(MIMEType.IMAGE_PNG, () -> png(chart));
                    ctx.renderIfRequested(MIMEType.IMAGE_SVG, () -> svg(chart));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> describe(chart));
                });
    }

    static void registerTables(Renderer renderer) {
        htmlOrText(renderer, Table.class, Renderers::html, Table::print);
    }

    static void registerDoctor(Renderer renderer) {
        htmlOrText(renderer, DoctorReport.class, Renderers::html, DoctorReport::toString);
    }

    /** Objects of {@code type} end a cell as HTML, or as plain text where the front end asks for that. */
    private static <T> void htmlOrText(Renderer renderer, Class<T> type, Function<T, String> html,
            Function<T, String> text) {
        renderer.createRegistration(type)
                .preferring(MIMEType.TEXT_HTML, MIMEType.TEXT_PLAIN)
                .register((value, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> html.apply(value));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> text.apply(value));
                });
    }

    /** Base64 PNG, as Jupyter's image/png field wants it. */
    public static String png(Chart<?, ?> chart) {
        try {
            return Base64.getEncoder().encodeToString(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode chart '" + chart.getTitle() + "' as PNG", e);
        }
    }

    /** SVG markup of the chart. */
    public static String svg(Chart<?, ?> chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode chart '" + chart.getTitle() + "' as SVG", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String describe(Chart<?, ?> chart) {
        String title = chart.getTitle() == null || chart.getTitle().isEmpty() ? "" : " '" + chart.getTitle() + "'";
        return chart.getClass().getSimpleName() + title + " (" + chart.getWidth() + "x" + chart.getHeight() + ")";
    }

    /** The table as HTML: name and shape as caption, then head and tail rows if long. */
    public static String html(Table table) {
        String caption = (table.name() == null ? "" : table.name() + " ") + "(" + table.rowCount() + " rows × "
                + table.columnCount() + " columns)";
        return HtmlTable.of(caption, table.columnNames(), table.rowCount(), (r, c) -> table.column(c).getString(r));
    }

    static String html(DoctorReport report) {
        return HtmlTable.of("PEERkit doctor", List.of("check", "value"), report.entries().size(),
                (r, c) -> c == 0 ? report.entries().get(r).getKey() : report.entries().get(r).getValue());
    }
}
