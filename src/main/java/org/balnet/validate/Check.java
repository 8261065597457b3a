package org.balnet.validate;

/**
 * One pass/fail check of a validation or reproduction report.
 *
 * @param name      what is checked, in words
 * @param measured  the measured value(s), formatted
 * @param threshold the condition it must meet, formatted
 * @param pass      whether it does
 * @param why       where the threshold comes from
 */
public record Check(String name, String measured, String threshold, boolean pass, String why) {
    public String verdict() {
        return pass ? "PASS" : "FAIL";
    }

    /** The check as a Markdown table row; '|' inside a cell is escaped so it does not split the cell. */
    public String markdownRow() {
        return "| " + cell(name) + " | " + cell(measured) + " | " + cell(threshold) + " | **" + verdict() + "** |\n";
    }

    /** The check for summary.json: name, measured, threshold, pass. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("name", name);
        m.put("measured", measured);
        m.put("threshold", threshold);
        m.put("pass", pass);
        return m;
    }

    static String cell(String s) {
        return s.replace("|", "\\|");
    }
}
