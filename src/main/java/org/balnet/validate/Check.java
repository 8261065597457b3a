package org.balnet.validate;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;

/**
 * One pass/fail check of a validation or reproduction report; summary.json lists it without its why.
 *
 * @param name      what is checked, in words
 * @param measured  the measured value(s), formatted
 * @param threshold the condition it must meet, formatted
 * @param pass      whether it does
 * @param why       where the threshold comes from
 */
public record Check(String name, String measured, String threshold, boolean pass, @JsonIgnore String why) {
    public String verdict() {
        return pass ? "PASS" : "FAIL";
    }

    /** The check as a Markdown table row; '|' inside a cell is escaped so it does not split the cell. */
    public String markdownRow() {
        return "| " + cell(name) + " | " + cell(measured) + " | " + cell(threshold) + " | **" + verdict() + "** |\n";
    }

    /**
     * A report's "Checks" section: the table of {@code checks}, then where the threshold of each of
     * {@code explained} comes from.
     */
    static String markdownSection(List<Check> checks, List<Check> explained) {
        StringBuilder md = new StringBuilder("## Checks\n\n| check | measured | threshold | result |\n"
                + "|---|---|---|---|\n");
        for (Check k : checks) {
            md.append(k.markdownRow());
        }
        md.append("\nWhy these thresholds:\n\n");
        for (Check k : explained) {
            md.append("- ").append(k.name()).append(": ").append(k.why()).append(".\n");
        }
        return md.toString();
    }

    static String cell(String s) {
        return s.replace("|", "\\|");
    }
}
