package org.trainingdynamics.trajectory;

import java.util.Locale;

/**
 * Element types the workbench reads and writes. Each constant knows its NumPy descriptor (little-endian)
 * and its safetensors / PyTorch names, so every importer maps foreign types through one table.
 */
public enum DType {
    FLOAT64(8, "<f8", "F64", true),
    FLOAT32(4, "<f4", "F32", true),
    FLOAT16(2, "<f2", "F16", true),
    /** bfloat16 has no NumPy descriptor; it is widened to float32 on import. */
    BFLOAT16(2, null, "BF16", true),
    INT64(8, "<i8", "I64", false),
    INT32(4, "<i4", "I32", false),
    INT16(2, "<i2", "I16", false),
    INT8(1, "|i1", "I8", false),
    UINT8(1, "|u1", "U8", false),
    BOOL(1, "|b1", "BOOL", false);

    private final int size;
    private final String numpy;
    private final String safetensors;
    private final boolean floating;

    DType(int size, String numpy, String safetensors, boolean floating) {
        this.size = size;
        this.numpy = numpy;
        this.safetensors = safetensors;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** NumPy little-endian descriptor such as {@code <f4}; null for bfloat16. */
    public String numpyDescr() {
        return numpy;
    }

    /** Name used in safetensors headers ({@code F32}, {@code BF16}, ...). */
    public String safetensorsName() {
        return safetensors;
    }

    /** True for floating-point types. */
    public boolean isFloating() {
        return floating;
    }

    /** The manifest name ({@code float32}, ...). */
    public String manifestName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a manifest name such as {@code float32}. */
    public static DType fromManifestName(String s) {
        for (DType d : values()) {
            if (d.manifestName().equals(s)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + s + "' (expected one of float64, float32, float16, ...)");
    }

    /**
     * Parses a NumPy descriptor. Big-endian descriptors are rejected with a clear message rather than
     * silently byte-swapped; '=' (native) is accepted as little-endian since x86-64 and ARM64 are.
     *
     * @return the type, or null when the descriptor is not supported
     */
    public static DType fromNumpyDescr(String descr) {
        if (descr.length() < 2) {
            return null;
        }
        char order = descr.charAt(0);
        String body = descr.substring(1);
        if (order == '>' && !body.endsWith("1")) {
            return null;
        }
        for (DType d : values()) {
            if (d.numpy != null && d.numpy.substring(1).equals(body)) {
                return d;
            }
        }
        return null;
    }

    /** Parses a safetensors dtype name, or null when unsupported. */
    public static DType fromSafetensorsName(String s) {
        for (DType d : values()) {
            if (d.safetensors.equals(s)) {
                return d;
            }
        }
        return null;
    }
}
