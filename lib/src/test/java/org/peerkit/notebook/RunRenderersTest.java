package org.peerkit.notebook;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.RunSummary;
import org.peerkit.experiment.SweepMember;
import org.peerkit.experiment.SweepResult;

class RunRenderersTest {

    @Test
    void runAndSweepResultsEndACellAsTables() {
        Renderer renderer = new Renderer();
        Renderers.install(renderer);
        RunSpec spec = RunSpec.defaults();
        RunResult r = new RunResult(spec.id(), Path.of("runs", spec.id()), spec, new RunSummary(40, 2560, 1e8, 2.5,
                Map.of("valid", 2.0), 1000, 900, 1.5, Map.of()), RunResult.Origin.LOADED);
        DisplayData d = renderer.render(r);
        String html = (String) d.getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains("run " + spec.id() + " (loaded)") && html.contains("valid_ppl")
                && html.contains("7.389"), html);

        SweepResult s = new SweepResult("s", List.of(new SweepMember(0, spec, r, null),
                new SweepMember(1, spec.withSeed(2), null, "IllegalArgumentException: boom")));
        String sweepHtml = (String) renderer.render(s).getData(MIMEType.TEXT_HTML);
        assertTrue(sweepHtml.contains("failed") && sweepHtml.contains("boom") && sweepHtml.contains("valid_loss"), sweepHtml);
    }
}
