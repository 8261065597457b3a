package org.balnet.validate;

import java.nio.file.Path;

/** The figure file checks of {@link FigureTest}, for tests in other packages. */
public final class FigureTestAccess {
    private FigureTestAccess() {
    }

    public static void assertPng(Path file) throws Exception {
        FigureTest.assertPng(file, -1, -1);
    }

    public static void assertSvg(Path file) throws Exception {
        FigureTest.assertSvg(file);
    }
}
