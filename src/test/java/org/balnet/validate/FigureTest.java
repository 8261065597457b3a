package org.balnet.validate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The figures are valid PNG and SVG files of the stated size. */
class FigureTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path tmp;

    /** Asserts a valid PNG (magic bytes, ImageIO reads it) of the given size. */
    static void assertPng(Path file, int width, int height) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(bytes, 8), file + " does not start with the PNG signature");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
        assertNotNull(img, "ImageIO cannot read " + file);
        if (width > 0) {
            assertEquals(width, img.getWidth(), "width of " + file);
            assertEquals(height, img.getHeight(), "height of " + file);
        }
    }

    /** Asserts an SVG document: XML that parses, with an svg root element. */
    static void assertSvg(Path file) throws Exception {
        String text = Files.readString(file);
        assertTrue(text.contains("<svg"), file + " has no <svg element");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        // the SVG's DOCTYPE points at w3.org: never fetch it
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = f.newDocumentBuilder().parse(file.toFile());
        assertEquals("svg", doc.getDocumentElement().getLocalName(), "root element of " + file);
    }

    @Test
    void trajectoryAndHistogramFiguresAreValidPngAndSvg() throws Exception {
        var lim = TheoremErrorTest.limit(2.0);
        Replica run = TheoremErrorTest.offsetRun(lim, lim.rows().size(), k -> new double[]{0.01 * k, 0, 0, 0});
        List<Path> files = Figures.trajectories("test", run, lim, lim).write(tmp, "panels");
        assertEquals(List.of(tmp.resolve("panels.png"), tmp.resolve("panels.svg")), files);
        assertPng(files.get(0), 2 * Figures.PANEL_WIDTH, 2 * Figures.PANEL_HEIGHT);
        assertSvg(files.get(1));
        // no temporary files left behind
        try (var s = Files.list(tmp)) {
            assertEquals(2, s.count());
        }

        double[] u = GaussianDistanceTest.quantiles(5000, -1, 0.5);
        StateHistogram h = GaussianDistanceTest.histogram(u);
        var d = GaussianDistance.compare(h, h.sampleMean(), Math.sqrt(h.sampleVariance()));
        List<Path> hist = Figures.histograms("test", List.of(h, h), List.of(d, d)).write(tmp, "hist");
        assertPng(hist.get(0), 2 * Figures.PANEL_WIDTH, Figures.PANEL_HEIGHT);
        assertSvg(hist.get(1));
    }

    @Test
    void convergenceFigureOnLogAxesIsValid() throws Exception {
        long[] sizes = {1000, 10_000, 100_000};
        double[] x = {1e3, 1e4, 1e5};
        double[][] le = {{0.4, 0.42}, {0.15, 0.14}, {0.047, 0.05}};
        double[][] ce = {{0.13, 0.12}, {0.05, 0.048}, {0.012, 0.013}};
        List<Path> f = Figures.convergence("test", "error", sizes, le, ce, PowerLawFit.bootstrap(x, le, 0.95, 1),
                PowerLawFit.bootstrap(x, ce, 0.95, 2)).write(tmp, "conv");
        assertPng(f.get(0), -1, -1);
        assertSvg(f.get(1));
    }
}
