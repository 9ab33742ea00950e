package org.trainingdynamics.trajectory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every one of the 65,536 float16 bit patterns widens exactly as NumPy widens it (NaN payloads aside). */
class HalfsTest {
    @TempDir
    Path tmp;

    @Test
    void allHalfPatternsMatchNumpy() {
        Path f = tmp.resolve("halfs.npy");
        PythonSupport.runCode("import numpy as np, sys\n"
                + "np.save(sys.argv[1], np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(np.float64))",
                f.toString());
        double[] expect = Npy.read(f).toDoubleArray();
        for (int bits = 0; bits < 65536; bits++) {
            float got = Halfs.halfToFloat((short) bits);
            if (Double.isNaN(expect[bits])) {
                assertThat(Float.isNaN(got)).as("bits %04x", bits).isTrue();
            } else {
                assertThat((double) got).as("bits %04x", bits).isEqualTo(expect[bits]);
            }
        }
        // bfloat16 is the top half of a float32
        assertThat(Halfs.bf16ToFloat((short) 0x3f80)).isEqualTo(1.0f);
        assertThat(Halfs.bf16ToFloat((short) 0xc040)).isEqualTo(-3.0f);
    }
}
