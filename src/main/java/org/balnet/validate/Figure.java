package org.balnet.validate;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import org.balnet.io.AtomicFiles;
import org.knowm.xchart.internal.chartpart.Chart;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A figure: XChart charts laid out on a grid, written as PNG (raster) and SVG (vector, through
 * VectorGraphics2D, the library XChart's own {@code VectorGraphicsEncoder} uses) from the same drawing
 * code. Each file is rendered in memory and written atomically (temporary file, then rename), so a
 * figure on disk is always complete.
 */
public final class Figure {
    static {
        // Before any AWT class initialises: figures are drawn on servers and in CI with no display.
        System.setProperty("java.awt.headless", "true");
    }

    private final List<? extends Chart<?, ?>> panels;
    private final int columns;
    private final int panelWidth;
    private final int panelHeight;

    /**
     * @param panels      the charts, filled row by row
     * @param columns     panels per row
     * @param panelWidth  width of one panel in pixels (SVG: points)
     * @param panelHeight height of one panel
     */
    public Figure(List<? extends Chart<?, ?>> panels, int columns, int panelWidth, int panelHeight) {
        if (panels.isEmpty() || columns < 1) {
            throw new IllegalArgumentException("a figure needs at least one panel and one column");
        }
        this.panels = List.copyOf(panels);
        this.columns = columns;
        this.panelWidth = panelWidth;
        this.panelHeight = panelHeight;
    }

    public int width() {
        return Math.min(columns, panels.size()) * panelWidth;
    }

    public int height() {
        return ((panels.size() + columns - 1) / columns) * panelHeight;
    }

    private void paint(Graphics2D g) {
        for (int p = 0; p < panels.size(); p++) {
            Graphics2D sub = (Graphics2D) g.create();
            sub.translate((p % columns) * panelWidth, (p / columns) * panelHeight);
            panels.get(p).paint(sub, panelWidth, panelHeight);
            sub.dispose();
        }
    }

    /** The figure as PNG bytes. */
    public byte[] png() {
        BufferedImage image = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width(), height());
        paint(g);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode PNG: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** The figure as an SVG document (UTF-8 bytes). */
    public byte[] svg() {
        VectorGraphics2D g = new VectorGraphics2D();
        paint(g);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, width(), height())).writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode SVG: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Writes {@code base}.png and {@code base}.svg into {@code dir}, each atomically.
     *
     * @return the two paths, PNG first
     */
    public List<Path> write(Path dir, String base) {
        Path png = dir.resolve(base + ".png");
        Path svg = dir.resolve(base + ".svg");
        AtomicFiles.write(png, png());
        AtomicFiles.write(svg, svg());
        return List.of(png, svg);
    }
}
