package org.trainingdynamics.trajectory.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.NpyArray;
import org.trainingdynamics.trajectory.TrajectoryFormatException;

/**
 * The PyTorch zip reader on genuine torch.save files (Debian python3-torch 1.13, make_torch_fixtures.py):
 * every dtype, a transposed (non-contiguous) tensor, two views sharing one storage at offsets, a 0-d tensor,
 * a nested training checkpoint, an nn.Parameter, and the legacy format. Expected values were written by
 * NumPy from the same torch tensors.
 */
class TorchZipReaderTest {
    @TempDir
    Path tmp;

    @Test
    void mixedDtypesStridesAndSharedStoragesMatchTorch() {
        Map<String, NpyArray> t = TorchZipReader.read(ImporterTest.torch("mixed.pt"));
        Map<String, NpyArray> exp = Npy.readNpz(ImporterTest.torch("mixed_expected.npz"));
        assertThat(exp).hasSize(8);
        for (var e : exp.entrySet()) {
            NpyArray a = t.get(e.getKey());
            assertThat(a).as(e.getKey()).isNotNull();
            assertThat(a.shape()).as(e.getKey()).isEqualTo(e.getValue().shape());
            assertThat(a.toDoubleArray()).as(e.getKey()).containsExactly(e.getValue().toDoubleArray());
        }
        assertThat(t.get("f16").dtype()).isEqualTo(DType.FLOAT16);
        assertThat(t.get("bf16").dtype()).isEqualTo(DType.BFLOAT16);
        assertThat(t.get("f64").dtype()).isEqualTo(DType.FLOAT64);
        assertThat(t.get("transposed").toDoubleArray()).containsExactly(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
        assertThat(t.get("view_b").toDoubleArray()).containsExactly(2.5, 3.0);
        assertThat(t.get("scalar").shape()).isEmpty();
        assertThat(t.get("int_buffer").toLongArray()).containsExactly(1, 2, 3);
    }

    @Test
    void nestedCheckpointAndParameters() {
        Map<String, NpyArray> n = TorchZipReader.read(ImporterTest.torch("nested.pt"));
        assertThat(n).containsKeys("lin1.weight", "bn.num_batches_tracked", "lin2.bias");
        assertThat(n.get("lin1.weight").shape()).containsExactly(3, 4);
        Map<String, NpyArray> p = TorchZipReader.read(ImporterTest.torch("parameter.pt"));
        assertThat(p.get("p").toDoubleArray()).containsExactly(1.5, -2.0);
    }

    @Test
    void torch2LayoutWithArchivePrefixAndByteorder() throws Exception {
        Path f = tmp.resolve("t2.pt");
        Map<String, byte[]> e = new java.util.LinkedHashMap<>();
        Zips.entries(ImporterTest.torch("mixed.pt")).forEach((k, v) -> e.put(k.replace("mixed/", "archive/"), v));
        e.put("archive/byteorder", "little".getBytes());
        e.put("archive/.data/serialization_id", "1234".getBytes());
        Zips.write(f, e);
        assertThat(TorchZipReader.read(f).get("view_a").toDoubleArray()).containsExactly(1.0, 1.5, 2.0, 2.5, 3.0, 3.5);
        e.put("archive/byteorder", "big".getBytes());
        Zips.write(f, e);
        assertThatThrownBy(() -> TorchZipReader.read(f)).isInstanceOf(TrajectoryFormatException.class)
                .hasMessageContaining("t2.pt").hasMessageContaining("byteorder 'big'");
    }

    @Test
    void legacyFormatIsRejectedClearly() {
        assertThatThrownBy(() -> TorchZipReader.read(ImporterTest.torch("legacy.pt")))
                .isInstanceOf(TrajectoryFormatException.class)
                .hasMessageContaining("legacy.pt").hasMessageContaining("legacy (pre-1.6, non-zip)")
                .hasMessageContaining("not supported");
    }
}
