package org.balnet.sim.opencl;

import org.balnet.model.ScenarioLoader;
import org.balnet.sim.Precision;
import org.balnet.sim.opencl.KernelArguments.Parameter;
import org.balnet.sim.opencl.KernelArguments.Signature;
import org.balnet.sim.opencl.KernelArguments.Type;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_program;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels' parameter lists against {@link KernelArguments}, by which {@link OpenClEngine} binds
 * them: read from kernels/*.cl (no device needed), and, on the test device, from the compiled
 * program itself (clGetKernelArgInfo, built with -cl-kernel-arg-info).
 */
class KernelArgumentsTest {
    /** The state buffers every kernel takes first (StateLayout.openClSource). */
    private static final String STATE_PARAMS = "STATE_PARAMS";

    /** One parameter as written in the kernel: its name and how it binds. */
    record Declared(String name, Type type) {
    }

    /**
     * The parameters of {@code kernel} in {@code source}, in order, after STATE_PARAMS (which must come
     * first). Comments and preprocessor lines are dropped, so parameters under {@code #ifdef} count.
     */
    static List<Declared> parameters(String source, String kernel) {
        String text = source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ")
                .replaceAll("(?m)^\\s*#.*$", " ");
        Matcher m = Pattern.compile("__kernel\\b[^;{]*?\\bvoid\\s+" + kernel + "\\s*\\(([^)]*)\\)").matcher(text);
        assertTrue(m.find(), "kernel " + kernel + " not found");
        List<Declared> out = new ArrayList<>();
        String[] parts = m.group(1).split(",");
        assertEquals(STATE_PARAMS, parts[0].trim(), kernel + ": the state buffers must come first");
        for (int k = 1; k < parts.length; k++) {
            String p = parts[k].trim().replaceAll("\\s+", " ");
            String name = p.substring(p.lastIndexOf(' ') + 1).replace("*", "");
            out.add(new Declared(name, typeOf(p)));
        }
        return out;
    }

    private static Type typeOf(String declaration) {
        if (declaration.contains("__global") || declaration.contains("__constant")) {
            return Type.BUFFER;
        }
        if (declaration.contains("__local")) {
            return Type.LOCAL;
        }
        String base = declaration.replace("const ", "").trim().split(" ")[0];
        return switch (base) {
            case "ulong" -> Type.ULONG;
            case "uint" -> Type.UINT;
            case "int" -> Type.INT;
            case "double" -> Type.DOUBLE;
            default -> throw new AssertionError("no binding for parameter type of \"" + declaration + "\"");
        };
    }

    private static List<Declared> expected(Signature signature) {
        List<Declared> out = new ArrayList<>();
        for (Parameter p : signature.parameters()) {
            out.add(new Declared(p.kernelName(), p.type));
        }
        return out;
    }

    private static void assertDeclares(String file, Signature signature) {
        assertEquals(expected(signature), parameters(KernelProgram.file(file), signature.kernel()),
                file + " vs KernelArguments.Signature of " + signature.kernel());
    }

    @Test
    void kernelSourcesDeclareTheParametersTheEngineBinds() {
        assertDeclares("init.cl", Signature.INIT);
        assertDeclares("step.cl", Signature.STEP);
        assertDeclares("histogram.cl", Signature.HISTOGRAM);
    }

    @Test
    void aReorderedOrRetypedParameterListIsSeen() {
        String step = KernelProgram.file("step.cl");
        String swapped = step.replace("const ulong segment_length, const ulong replica_stride",
                "const ulong replica_stride, const ulong segment_length");
        assertFalse(swapped.equals(step), "step.cl no longer declares segment_length before replica_stride: update "
                + "this test");
        assertFalse(expected(Signature.STEP).equals(parameters(swapped, Signature.STEP.kernel())));
        String retyped = step.replace("const uint tables_in_local", "const int tables_in_local");
        assertFalse(retyped.equals(step), "step.cl no longer declares tables_in_local as uint: update this test");
        assertFalse(expected(Signature.STEP).equals(parameters(retyped, Signature.STEP.kernel())));
    }

    /** The compiled kernels' own argument names, with the tests' count recording on, so every parameter is there. */
    @Test
    @Tag("opencl")
    void compiledKernelsHaveTheParametersTheEngineBinds() {
        StateLayout layout = StateLayout.plan(4096, Precision.FP64, 4, 1L << 30);
        String[] sources = KernelProgram.sources(ScenarioLoader.load("mv-6.1").withN(4096), layout);
        String options = "-DBALNET_WORK_GROUP_SIZE=64 -DBALNET_SAMPLER_TABLE -D" + OpenClEngine.RECORD_COUNTS
                + " -cl-kernel-arg-info";
        try (OpenClTestDevice device = OpenClTestDevice.open()) {
            cl_program program = device.build(options, sources);
            int stateArgs = 2 * layout.segments();
            for (Signature signature : new Signature[]{Signature.INIT, Signature.STEP, Signature.HISTOGRAM}) {
                check(device.kernel(program, signature.kernel()), stateArgs, signature);
            }
        }
    }

    private static void check(cl_kernel kernel, int stateArgs, Signature signature) {
        int[] count = new int[1];
        CL.clGetKernelInfo(kernel, CL.CL_KERNEL_NUM_ARGS, Sizeof.cl_uint, Pointer.to(count), null);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count[0]; i++) {
            names.add(argumentName(kernel, i));
        }
        List<String> wanted = new ArrayList<>();
        for (String pop : new String[]{"e", "i"}) {
            for (int s = 0; s < stateArgs / 2; s++) {
                wanted.add("state_" + pop + s);
            }
        }
        for (Parameter p : signature.parameters()) {
            wanted.add(p.kernelName());
        }
        assertEquals(wanted, names, "compiled arguments of " + signature.kernel() + " vs KernelArguments.Signature");
    }

    private static String argumentName(cl_kernel kernel, int index) {
        long[] size = new long[1];
        CL.clGetKernelArgInfo(kernel, index, CL.CL_KERNEL_ARG_NAME, 0, null, size);
        byte[] name = new byte[(int) size[0]];
        CL.clGetKernelArgInfo(kernel, index, CL.CL_KERNEL_ARG_NAME, name.length, Pointer.to(name), null);
        return KernelProgram.text(name);
    }
}
