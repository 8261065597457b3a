package org.balnet.sim.monitor;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.WholeNumbers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The neurons whose states {@code simulate --record-neurons} records: ranges of indices per population,
 * written {@code e:0-9,i:0-9} (a comma-separated list of {@code P:A} or {@code P:A-B}, P = e or i, A and B
 * inclusive neuron indices in [0, n), written as any whole number: {@code e:0-1e3}). Overlapping and adjacent ranges are merged, so each neuron is
 * recorded once, and the ranges are read from the engine as they are: a few contiguous reads, never the
 * whole state.
 */
public final class NeuronSelection {
    /** The option this selection is given with. */
    public static final String OPTION = "--record-neurons";

    /** P:A or P:A-B; A and B in balnet's one syntax for whole numbers ({@link WholeNumbers}: 1000, 1_000, 1e3). */
    private static final Pattern ITEM = Pattern.compile("([ei]):([^-]+)(?:-([^-]+))?");

    /**
     * Neurons {@code [from, to)} of one population.
     *
     * @param population alpha
     * @param from       first index
     * @param to         one past the last index
     */
    public record Range(Population population, long from, long to) {
        public long length() {
            return to - from;
        }
    }

    private final List<Range> ranges;

    private NeuronSelection(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /**
     * Parses a selection for a network of n neurons per population.
     *
     * @throws org.balnet.model.BadInputException naming {@value #OPTION}, the value and what is allowed
     */
    public static NeuronSelection parse(String spec, long n) {
        String allowed = String.format(Locale.ROOT, "a comma-separated list of P:A or P:A-B with P = e or i and "
                + "0 <= A <= B < n = %d, e.g. e:0-9,i:0-9", n);
        if (spec == null || spec.isBlank()) {
            throw InputError.outOfRange(OPTION, "\"" + spec + "\"", allowed);
        }
        List<Range> items = new ArrayList<>();
        for (String item : spec.split(",", -1)) {
            Matcher m = ITEM.matcher(item.strip());
            if (!m.matches()) {
                throw InputError.outOfRange(OPTION, "\"" + spec + "\" (item \"" + item + "\")", allowed);
            }
            Population p = m.group(1).equals("e") ? Population.E : Population.I;
            long a = index(m.group(2), spec, allowed);
            long b = m.group(3) != null ? index(m.group(3), spec, allowed) : a;
            if (a < 0 || a > b || b >= n) {
                throw InputError.outOfRange(OPTION, "\"" + spec + "\" (item \"" + item + "\")", allowed);
            }
            items.add(new Range(p, a, b + 1));
        }
        items.sort(Comparator.comparing(Range::population).thenComparingLong(Range::from));
        List<Range> merged = new ArrayList<>();
        for (Range r : items) {
            Range last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last.population() == r.population() && r.from() <= last.to()) {
                merged.set(merged.size() - 1, new Range(r.population(), last.from(), Math.max(last.to(), r.to())));
            } else {
                merged.add(r);
            }
        }
        return new NeuronSelection(merged);
    }

    private static long index(String text, String spec, String allowed) {
        try {
            return WholeNumbers.parse(text, OPTION);
        } catch (BadInputException e) {
            throw InputError.outOfRange(OPTION, "\"" + spec + "\"", allowed);
        }
    }

    /** The merged ranges: population e first, then i, each in increasing index order. */
    public List<Range> ranges() {
        return ranges;
    }

    /** Neurons selected, both populations. */
    public long count() {
        return ranges.stream().mapToLong(Range::length).sum();
    }

    /** The canonical spelling: merged ranges, e first, e.g. {@code e:0-9,i:0-9}. {@link #parse} reads it back. */
    public String spec() {
        StringBuilder b = new StringBuilder();
        for (Range r : ranges) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(r.population().label).append(':').append(r.from());
            if (r.length() > 1) {
                b.append('-').append(r.to() - 1);
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return spec();
    }
}
