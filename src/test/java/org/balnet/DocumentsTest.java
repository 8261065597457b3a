package org.balnet;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The project explains itself from its own files: its design is docs/design.md, and nothing that ships or
 * that a user reads points at a document outside the repository. A plain scan of the files, run from the
 * repository root as every test is.
 */
class DocumentsTest {
    /** What is scanned: the code and everything a user or a maintainer reads. */
    private static final List<String> SCANNED = List.of("src/main", "src/jmh", "kernels", "validation", "hosts",
            "docs", ".ci", "README.md", "pom.xml");
    /**
     * References to the design the project started from, which lived outside the repository; built from
     * parts so that this file does not hold them.
     */
    private static final List<String> OUTSIDE = List.of("DESIGN" + ".md", ".." + "/shared");
    /** Markdown files whose relative links must resolve. */
    private static final List<String> MARKDOWN = List.of("README.md", "docs", "validation", "src/jmh");
    /** A markdown link or image: ](target). */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    /** A markdown heading. */
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$");

    @Test
    void noFileReferencesADocumentOutsideTheRepository() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : files(SCANNED)) {
            String text = read(file);
            if (text == null) {
                continue;
            }
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                for (String bad : OUTSIDE) {
                    if (lines[i].contains(bad)) {
                        found.add(file + ":" + (i + 1) + ": " + lines[i].strip());
                    }
                }
            }
        }
        assertTrue(found.isEmpty(), "references to " + OUTSIDE + " (cite docs/design.md instead):\n"
                + String.join("\n", found));
        assertTrue(Files.isRegularFile(Path.of("docs/design.md")), "docs/design.md, the project's design");
    }

    @Test
    void everyRelativeLinkInTheDocumentsResolvesAnchorsIncluded() throws IOException {
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path file : files(MARKDOWN)) {
            if (!file.toString().endsWith(".md")) {
                continue;
            }
            Matcher m = LINK.matcher(Files.readString(file));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue; // http:, https:, mailto:
                }
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path resolved = path.isEmpty() ? file : file.resolveSibling(path).normalize();
                links++;
                if (!Files.exists(resolved)) {
                    broken.add(file + " -> " + target + ": no such file");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(file + " -> " + target + ": no such heading in " + resolved);
                }
            }
        }
        assertTrue(broken.isEmpty(), String.join("\n", broken));
        assertTrue(links >= 20, "the scan found only " + links + " links: is it run from the repository root?");
    }

    @Test
    void anchorsAreGitHubsSlugsOfTheHeadings() {
        assertEquals("3-the-common-mode-schemes-and-the-step-size",
                slug("3 The common mode: schemes and the step size"));
        assertEquals("10-a-runs-lifecycle", slug("10 A run's lifecycle"));
        assertEquals("checkpoint-file-format-version-3", slug("Checkpoint file format (version 3)"));
    }

    /** The anchors GitHub gives the headings of a markdown file. */
    private static List<String> anchors(Path md) throws IOException {
        Matcher m = HEADING.matcher(Files.readString(md));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(slug(m.group(1)));
        }
        return out;
    }

    /** GitHub's heading slug: lower case, punctuation dropped, spaces to hyphens. */
    static String slug(String heading) {
        StringBuilder b = new StringBuilder();
        for (char c : heading.strip().toLowerCase(Locale.ROOT).toCharArray()) {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                b.append(c);
            } else if (c == ' ') {
                b.append('-');
            }
        }
        return b.toString();
    }

    private static List<Path> files(List<String> roots) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String root : roots) {
            Path p = Path.of(root);
            if (Files.isRegularFile(p)) {
                out.add(p);
            } else if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    out.addAll(s.filter(Files::isRegularFile).sorted().collect(Collectors.toList()));
                }
            }
        }
        assertTrue(out.size() > 10, "found only " + out + ": is the test run from the repository root?");
        return out;
    }

    /** The file as UTF-8 text, or null for a binary file (figures). */
    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (MalformedInputException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
