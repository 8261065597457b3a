package org.balnet.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.jr.ob.JSON;
import com.fasterxml.jackson.jr.ob.JacksonJrExtension;
import com.fasterxml.jackson.jr.ob.api.ExtensionContext;
import com.fasterxml.jackson.jr.ob.api.ReaderWriterProvider;
import com.fasterxml.jackson.jr.ob.api.ValueWriter;
import com.fasterxml.jackson.jr.ob.impl.JSONWriter;
import com.fasterxml.jackson.jr.annotationsupport.JacksonAnnotationExtension;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;

/**
 * JSON for run.json, summary.json and bench's line, written by jackson-jr from typed records (their
 * components in declaration order, named by {@code @JsonProperty} where the key is not the component's
 * name), maps (in iteration order: use LinkedHashMap), collections, arrays, strings, numbers and
 * booleans.
 *
 * <p>What the files have always looked like, and tools may rely on: a record component or map value
 * that is null is left out; {@link Optional#empty()} is written as null; a non-finite number is
 * written as null (JSON has no NaN); every number as {@link #number}. {@link #write} puts each object
 * entry on its own line with a two-space indent per level of objects and arrays, arrays on one line.
 */
public final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JSON WRITER = JSON.builder()
            .register(JacksonAnnotationExtension.std)
            .register(new OptionalValues())
            .enable(JSON.Feature.WRITE_RECORD_FIELDS_IN_DECLARATION_ORDER)
            .build();
    /** Reads records back: a key the record does not have is an error (a misspelt key in a study's manifest). */
    private static final JSON READER = JSON.builder()
            .register(JacksonAnnotationExtension.std)
            .enable(JSON.Feature.FAIL_ON_UNKNOWN_BEAN_PROPERTY)
            .build();

    private Json() {
    }

    /** Indented, ending with a newline: run.json, summary.json. */
    public static String write(Object value) {
        return write(value, new Layout()) + "\n";
    }

    /** On one line, no spaces, e.g. for {@code bench} and the scenario hash. */
    public static String writeLine(Object value) {
        return write(value, null);
    }

    private static String write(Object value, PrettyPrinter layout) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new Numbers(FACTORY.createGenerator(out))) {
            if (layout != null) {
                g.setPrettyPrinter(layout);
            }
            WRITER.write(value, g);
        } catch (IOException e) {
            // A StringWriter does not fail; jackson-jr reports a type it cannot write as an IOException.
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
        return out.toString();
    }

    /**
     * A typed record read back from the JSON {@link #write} made of it (a study's manifest, its shard
     * files). Numbers read back to the doubles written; a key absent from the text leaves the component
     * null (0 for a primitive), so callers check what they require.
     *
     * @throws IllegalArgumentException when the text is not JSON of that shape, with the parser's reason
     */
    public static <T> T read(String text, Class<T> type) {
        try {
            T value = READER.beanFrom(type, text);
            if (value == null) {
                throw new IllegalArgumentException("empty JSON where a " + type.getSimpleName() + " was expected");
            }
            return value;
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage().lines().findFirst().orElse("not JSON"), e);
        }
    }

    /**
     * A JSON object read back (run.json, summary.json): objects as maps in file order, arrays as lists,
     * integers as Integer or Long, other numbers as Double.
     *
     * @throws IllegalArgumentException when the text is not a JSON object
     */
    public static java.util.Map<String, Object> readObject(String text) {
        try {
            return JSON.std.mapFrom(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
        }
    }

    /**
     * Shortest representation that reads back to the same double; integral values below 10^15 without
     * a decimal point ("5", not "5.0"), exponents with a small e ("1.0e-5").
     */
    public static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d).toLowerCase(Locale.ROOT);
    }

    /** Every double through {@link #number}, non-finite ones as null; arrays element by element. */
    private static final class Numbers extends JsonGeneratorDelegate {
        Numbers(JsonGenerator g) {
            super(g, false);
        }

        @Override
        public void writeNumber(double d) throws IOException {
            if (Double.isFinite(d)) {
                writeNumber(number(d));
            } else {
                writeNull();
            }
        }

        @Override
        public void writeNumber(float f) throws IOException {
            writeNumber((double) f);
        }

        @Override
        public void writeArray(double[] array, int offset, int length) throws IOException {
            writeStartArray(array, length);
            for (int i = offset; i < offset + length; i++) {
                writeNumber(array[i]);
            }
            writeEndArray();
        }
    }

    /** Objects one entry a line, indented two spaces per level of objects and arrays; arrays on one line. */
    private static final class Layout implements PrettyPrinter {
        private int depth;

        private void newline(JsonGenerator g) throws IOException {
            g.writeRaw('\n');
            g.writeRaw("  ".repeat(depth));
        }

        @Override
        public void writeRootValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw('\n');
        }

        @Override
        public void writeStartObject(JsonGenerator g) throws IOException {
            g.writeRaw('{');
            depth++;
        }

        @Override
        public void beforeObjectEntries(JsonGenerator g) throws IOException {
            newline(g);
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(',');
            newline(g);
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            depth--;
            if (entries > 0) {
                newline(g);
            }
            g.writeRaw('}');
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            g.writeRaw('[');
            depth++;
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) {
            // the first value follows '[' directly
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            depth--;
            g.writeRaw(']');
        }
    }

    /** {@link Optional}: its value, or null when empty (a value that is known to be missing, e.g. no interval). */
    private static final class OptionalValues extends JacksonJrExtension {
        private static final ValueWriter WRITER = new ValueWriter() {
            @Override
            public void writeValue(JSONWriter context, JsonGenerator g, Object value) throws IOException {
                Optional<?> o = (Optional<?>) value;
                if (o.isPresent()) {
                    context.writeValue(o.get());
                } else {
                    g.writeNull();
                }
            }

            @Override
            public Class<?> valueType() {
                return Optional.class;
            }
        };

        @Override
        protected void register(ExtensionContext ctxt) {
            ctxt.insertProvider(new ReaderWriterProvider() {
                @Override
                public ValueWriter findValueWriter(JSONWriter context, Class<?> type) {
                    return Optional.class.isAssignableFrom(type) ? WRITER : null;
                }
            });
        }
    }
}
