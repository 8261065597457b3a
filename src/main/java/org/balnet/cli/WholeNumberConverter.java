package org.balnet.cli;

import org.balnet.model.BadInputException;
import org.balnet.model.WholeNumbers;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * picocli's side of {@link WholeNumbers}: every {@code long} and {@code int} option of every command
 * ({@code --n 1e9}, {@code --seed 1_000}, {@code --steps 1e3}, ...) is read by the same parser as the
 * whole numbers of a scenario file and of lists such as {@code validate --n 1e3,1e4}.
 *
 * <p>Registered once for the types on the root command line rather than on each option: an integral
 * option added to any command, or moved into a mixin, gets it without being annotated.
 */
final class WholeNumberConverter {
    /** Key of the exception a converter throws: picocli does not tell a converter which option it reads. */
    private static final String UNNAMED = "value";

    private WholeNumberConverter() {
    }

    /** Registers the converters on {@code cl} and the subcommands it has now. */
    static void register(CommandLine cl) {
        ITypeConverter<Long> asLong = text -> WholeNumbers.parse(text, UNNAMED);
        ITypeConverter<Integer> asInt = text -> WholeNumbers.parseInt(text, UNNAMED);
        cl.registerConverter(Long.class, asLong);
        cl.registerConverter(long.class, asLong);
        cl.registerConverter(Integer.class, asInt);
        cl.registerConverter(int.class, asInt);
    }

    /**
     * The refusal of a value these converters did not accept, with the option's name in place of
     * {@link #UNNAMED} (the same message a scenario key gets), or null when {@code ex} is another error.
     */
    static BadInputException refusal(CommandLine.ParameterException ex) {
        ArgSpec arg = ex.getArgSpec();
        if (!(ex.getCause() instanceof BadInputException) || arg == null || ex.getValue() == null) {
            return null;
        }
        String name = arg instanceof OptionSpec ? ((OptionSpec) arg).longestName() : arg.paramLabel();
        try {
            if (arg.type() == int.class || arg.type() == Integer.class) {
                WholeNumbers.parseInt(ex.getValue(), name);
            } else {
                WholeNumbers.parse(ex.getValue(), name);
            }
        } catch (BadInputException named) {
            return named;
        }
        return (BadInputException) ex.getCause();
    }
}
