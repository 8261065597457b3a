package org.balnet.validate;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Mean and spread of a set of replica values (summary.json lists them without the count).
 *
 * @param mean  arithmetic mean
 * @param sd    sample standard deviation (n - 1 in the denominator; NaN for one value)
 * @param min   smallest value
 * @param max   largest value
 * @param count number of values
 */
public record Spread(double mean, double sd, double min, double max, @JsonIgnore int count) {
    public static Spread of(double[] values) {
        int k = values.length;
        if (k == 0) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double mean = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            mean += v / k;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        return new Spread(mean, k > 1 ? Math.sqrt(ss / (k - 1)) : Double.NaN, min, max, k);
    }
}
