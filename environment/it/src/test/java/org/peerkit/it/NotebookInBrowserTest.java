package org.peerkit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Opens {@code 00-setup.ipynb} and {@code 01-peer-layer.ipynb} in Jupyter Notebook in Debian's
 * headless Chromium, runs all cells as a reader would (Cell ▸ Run All), and checks that the charts
 * arrived as PNG images and the Tablesaw tables as HTML tables, with no error output. Notebooks are
 * served from copies, so the browser's autosave never writes outputs into the committed files; in
 * the copies the kernelspec name is set to {@code PEERKIT_KERNEL_NAME} (what environment/test.sh
 * exports and installs) so the browser runs the kernel built from this tree, not whichever
 * {@code java} kernel happens to be installed.
 */
class NotebookInBrowserTest {
    private static final Path ROOT = Path.of(System.getProperty("peerkit.root", "../..")).toAbsolutePath().normalize();
    private static final Path OUT = ROOT.resolve("target/test-run/browser");
    private static final List<String> NOTEBOOKS = List.of("00-setup.ipynb", "01-peer-layer.ipynb");
    private static final String TOKEN = UUID.randomUUID().toString().replace("-", "");
    private static Process jupyter;
    private static ChromeDriver browser;
    private static int port;
    private static Path served;
    private static Path profile;

    @BeforeAll
    static void startJupyterAndBrowser() throws Exception {
        Files.createDirectories(OUT);
        served = Files.createTempDirectory("peerkit-browser-notebooks");
        String kernel = System.getenv().getOrDefault("PEERKIT_KERNEL_NAME", "java");
        for (String nb : NOTEBOOKS) {
            Files.writeString(served.resolve(nb), withKernel(Files.readString(ROOT.resolve("notebooks").resolve(nb)), kernel));
        }
        port = freePort();
        List<String> cmd = new ArrayList<>(List.of("jupyter", "notebook", "--no-browser", "--ip", "127.0.0.1",
                "--port", String.valueOf(port), "--NotebookApp.token=" + TOKEN, "--notebook-dir", served.toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("--allow-root");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(OUT.resolve("jupyter.log").toFile());
        pb.environment().putIfAbsent("PEERKIT_SCALE", "smoke");
        jupyter = pb.start();
        waitForServer();

        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,2400", "--user-data-dir=" + (profile = Files.createTempDirectory("peerkit-chromium")));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (jupyter != null) {
            jupyter.destroy(); // SIGTERM: the server shuts its kernels down
            if (!jupyter.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                jupyter.destroyForcibly();
            }
        }
        deleteTree(served);
        deleteTree(profile);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The notebook JSON with its kernelspec name replaced (notebooks are committed with {@code java}). */
    static String withKernel(String notebookJson, String kernel) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(\"kernelspec\"\\s*:\\s*\\{[^}]*\"name\"\\s*:\\s*\")([^\"]*)(\")").matcher(notebookJson);
        if (!m.find()) {
            throw new IllegalStateException("notebook has no kernelspec name to point at kernel '" + kernel + "'");
        }
        return notebookJson.substring(0, m.start(2)) + kernel + notebookJson.substring(m.end(2));
    }

    /**
     * Checks that the page shows {@code chart} as its one PNG image, at least {@code minWidth} pixels
     * wide (the chart is {@code width} wide), and returns the page's HTML tables.
     */
    private List<WebElement> oneChartAndTables(JavascriptExecutor js, String chart, int minWidth, String width) {
        List<WebElement> images = browser.findElements(By.cssSelector(".output_png img[src^='data:image/png']"));
        assertEquals(1, images.size(), chart + " should render as one PNG image");
        assertTrue(((Number) js.executeScript("return arguments[0].naturalWidth;", images.get(0))).intValue() >= minWidth,
                "the PNG should be the " + width + "-wide chart");
        return browser.findElements(By.cssSelector(".output_html table"));
    }

    private static void assertTableShows(List<WebElement> tables, String text) {
        assertTrue(tables.stream().anyMatch(t -> t.getText().contains(text)), "a table showing '" + text
                + "' should render as HTML");
    }

    @Test
    void setupNotebookRunsAndShowsPlotAndTable() throws IOException {
        List<WebElement> tables = oneChartAndTables(runAll("00-setup.ipynb", Duration.ofMinutes(8)),
                "the sgemm chart", 600, "640px");
        assertTableShows(tables, "GFLOP/s");
        assertTrue(browser.findElement(By.tagName("body")).getText().contains("step 3 of 3"),
                "updateDisplay should have replaced the live output");
    }

    @Test
    void peerLayerNotebookRunsAndShowsRetrievalChartAndTable() throws IOException {
        List<WebElement> tables = oneChartAndTables(runAll("01-peer-layer.ipynb", Duration.ofMinutes(8)),
                "the retrieval-time chart", 700, "720px");
        assertTableShows(tables, "exhaustive scan (ms)");
        assertTableShows(tables, "column j");
        String body = browser.findElement(By.tagName("body")).getText();
        assertTrue(body.contains("ok: exact top-k"), "the check cell should have passed");
    }

    /**
     * Opens a served notebook, runs all cells, waits until every code cell has run and the kernel
     * is idle, saves a screenshot and asserts no cell shows an error.
     */
    private JavascriptExecutor runAll(String notebook, Duration limit) throws IOException {
        browser.get("http://127.0.0.1:" + port + "/notebooks/" + notebook + "?token=" + TOKEN);
        JavascriptExecutor js = browser;
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofMinutes(2));
        wait.until(d -> Boolean.TRUE.equals(js.executeScript(
                "return !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected());")));
        js.executeScript("Jupyter.notebook.set_autosave_interval(0); Jupyter.notebook.execute_all_cells();");

        new WebDriverWait(browser, limit).pollingEvery(Duration.ofSeconds(1)).until(d -> Boolean.TRUE.equals(js.executeScript(
                "var cells = Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code');"
                        + "return cells.every(c => typeof c.input_prompt_number === 'number') && !Jupyter.notebook.kernel_busy;")));
        js.executeScript("window.onbeforeunload = null;"); // the next test navigates away without a 'leave page?' dialog
        Files.write(OUT.resolve(notebook.replace(".ipynb", ".png")), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

        List<WebElement> errors = browser.findElements(By.cssSelector(".output_error"));
        assertEquals(0, errors.size(), () -> notebook + ": cell errors in the browser: " + errors.get(0).getText());
        return js;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void waitForServer() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI api = URI.create("http://127.0.0.1:" + port + "/api/status?token=" + TOKEN);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!jupyter.isAlive()) {
                throw new IllegalStateException("jupyter notebook exited; see " + OUT.resolve("jupyter.log"));
            }
            try {
                if (http.send(HttpRequest.newBuilder(api).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("jupyter notebook did not answer on port " + port + " within 60 s");
    }
}
