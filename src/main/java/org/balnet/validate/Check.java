package org.balnet.validate;

import com.fasterxml.jackson.annotation.JsonIgnore;

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

    static String cell(String s) {
        return s.replace("|", "\\|");
    }
}
