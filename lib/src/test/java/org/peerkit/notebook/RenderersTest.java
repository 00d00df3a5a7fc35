package org.peerkit.notebook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.peerkit.tensor.DoctorReport;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class RenderersTest {
    private static final Renderer RENDERER = new Renderer();

    @BeforeAll
    static void install() {
        System.setProperty("java.awt.headless", "true");
        Renderers.install(RENDERER);
    }

    private static XYChart chart() {
        XYChart chart = new XYChartBuilder().width(320).height(200).title("loss").build();
        chart.addSeries("train", new double[] {1, 2, 3}, new double[] {3, 2, 1});
        return chart;
    }

    @Test
    void chartRendersAsPngByDefault() {
        DisplayData data = RENDERER.render(chart());
        byte[] png = Base64.getDecoder().decode((String) data.getData(MIMEType.IMAGE_PNG));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
        assertEquals("XYChart 'loss' (320x200)", data.getData(MIMEType.TEXT_PLAIN));
        assertFalse(data.hasDataForType(MIMEType.IMAGE_SVG), "SVG only on request");
    }

    @Test
    void chartRendersAsSvgOnRequest() {
        DisplayData data = RENDERER.renderAs(chart(), "image/svg+xml");
        assertTrue(((String) data.getData(MIMEType.IMAGE_SVG)).contains("<svg"));
    }

    @Test
    void tableRendersAsHtmlAndText() {
        Table table = Table.create("runs", StringColumn.create("ffw", "dense", "peer<k>"),
                DoubleColumn.create("ppl", 31.5, 27.25));
        DisplayData data = RENDERER.render(table);
        String html = (String) data.getData(MIMEType.TEXT_HTML);
        assertTrue(html.startsWith("<table"), html);
        assertTrue(html.contains("<th style=\"text-align:left\">ffw</th>") && html.contains("<td style=\"text-align:left\">27.25</td>"), html);
        assertTrue(html.contains("peer&lt;k&gt;"), "cells are escaped: " + html);
        assertTrue(html.contains("2 rows × 2 columns"), html);
        assertTrue(((String) data.getData(MIMEType.TEXT_PLAIN)).contains("dense"));
    }

    @Test
    void longTablesShowHeadAndTail() {
        String html = HtmlTable.of(null, List.of("i"), 100, (r, c) -> "row" + r);
        assertTrue(html.contains("row0") && html.contains("row99") && html.contains("60 more rows"), html);
        assertFalse(html.contains("row50<"), html);
    }

    @Test
    void doctorReportRendersAsHtmlTable() {
        DoctorReport report = new DoctorReport(List.of(Map.entry("backend", "CPU"), Map.entry("sgemm", "100 GFLOP/s")));
        DisplayData data = RENDERER.render(report);
        assertTrue(((String) data.getData(MIMEType.TEXT_HTML)).contains("<td style=\"text-align:left\">sgemm</td>"));
        assertEquals("backend  CPU\nsgemm    100 GFLOP/s", data.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void scaleParsesAndRejectsUnknownValues() {
        assertEquals(Scale.FULL, Scale.parse(" Full "));
        assertEquals(20, Scale.SMOKE.pick(20, 2000));
        var e = assertThrows(IllegalArgumentException.class, () -> Scale.parse("huge"));
        assertTrue(e.getMessage().contains("PEERKIT_SCALE=huge"), e.getMessage());
    }
}
