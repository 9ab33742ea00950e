package org.trainingdynamics.trajectory.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.NpyArray;
import org.trainingdynamics.trajectory.TrajectoryFormatException;

/**
 * Feeds seeded mutations of valid files (random byte flips, truncations, inflated length fields, random
 * 32/64-bit values written over the header) to every parser: .npy, .npz, safetensors, the PyTorch zip reader
 * and the pickle interpreter. Each mutation must parse or fail with a TrajectoryFormatException /
 * IllegalArgumentException: no other exception, no OutOfMemoryError, no hang (the whole run has a
 * preemptive time limit).
 */
class ParserFuzzTest {
    private static final int ROUNDS = 200;
    @TempDir
    Path tmp;

    private record Outcome(int ok, int rejected) {
    }

    private Outcome fuzz(String what, byte[] seed, long rngSeed, int lengthFieldAt, Consumer<byte[]> parse) {
        Random rnd = new Random(rngSeed);
        int ok = 0;
        int rejected = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] b = mutate(seed, rnd, lengthFieldAt);
            try {
                parse.accept(b);
                ok++;
            } catch (TrajectoryFormatException | IllegalArgumentException e) {
                assertThat(e.getMessage()).as(what).isNotBlank();
                rejected++;
            } catch (Throwable t) {
                throw new AssertionError(what + " round " + round + " (seed " + rngSeed + "): unclean " + t, t);
            }
        }
        return new Outcome(ok, rejected);
    }

    /** One of: flip 1-8 bytes, truncate, inflate a length field, write random ints/longs over the first 512 bytes. */
    static byte[] mutate(byte[] seed, Random rnd, int lengthFieldAt) {
        byte[] b = seed.clone();
        switch (rnd.nextInt(5)) {
            case 0 -> {
                for (int i = 0, n = 1 + rnd.nextInt(8); i < n; i++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            case 2 -> {
                if (lengthFieldAt >= 0) {
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(lengthFieldAt,
                            rnd.nextBoolean() ? Integer.MAX_VALUE - rnd.nextInt(100) : rnd.nextInt(1 << 20));
                } else {
                    b[rnd.nextInt(b.length)] = (byte) 0xff;
                }
            }
            case 3 -> {
                ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                int at = rnd.nextInt(Math.max(1, Math.min(b.length, 512) - 8));
                if (rnd.nextBoolean()) {
                    bb.putInt(at, rnd.nextInt());
                } else {
                    bb.putLong(at, rnd.nextLong());
                }
            }
            default -> {
                int at = rnd.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + rnd.nextInt(64));
                byte[] junk = new byte[len];
                rnd.nextBytes(junk);
                System.arraycopy(junk, 0, b, at, len);
            }
        }
        return b;
    }

    private Path file(String name, byte[] b) {
        try {
            return Files.write(tmp.resolve(name), b);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyParserFailsCleanly() throws Exception {
        byte[] npy = Npy.toBytes(NpyArray.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3));
        Path npzFile = tmp.resolve("seed.npz");
        Map<String, NpyArray> members = new LinkedHashMap<>();
        members.put("a", NpyArray.of(new double[]{1, 2, 3}, 3));
        members.put("b", NpyArray.of(new float[]{4, 5}, 2));
        Zips.npz(npzFile, members);
        byte[] npz = Files.readAllBytes(npzFile);
        byte[] st = BadInputTest.safetensors("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"h\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[16,22]}}", new byte[22]);
        byte[] pt = Files.readAllBytes(ImporterTest.torch("mixed.pt"));
        byte[] pkl = Zips.entries(ImporterTest.torch("mixed.pt")).get("mixed/data.pkl");

        List<Outcome> outcomes = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            outcomes.add(fuzz("npy", npy, 1, 8, b -> Npy.fromBytes(Path.of("fuzz.npy"), b).toDoubleArray()));
            outcomes.add(fuzz("npz", npz, 2, -1, b -> Npy.readNpz(file("f.npz", b)).values().forEach(NpyArray::toDoubleArray)));
            outcomes.add(fuzz("safetensors", st, 3, 0, b -> SafetensorsReader.parse(Path.of("fuzz.safetensors"), ByteBuffer.wrap(b))
                    .tensors().values().forEach(NpyArray::toDoubleArray)));
            outcomes.add(fuzz("safetensors file", st, 4, 0, b -> SafetensorsReader.read(file("f.safetensors", b))
                    .tensors().values().forEach(NpyArray::toDoubleArray)));
            outcomes.add(fuzz("torch zip", pt, 5, -1, b -> TorchZipReader.read(file("f.pt", b)).values()
                    .forEach(NpyArray::toDoubleArray)));
            outcomes.add(fuzz("pickle", pkl, 6, -1, b -> Unpickler.load(Path.of("data.pkl"), b)));
            outcomes.add(fuzz("torch pickle in zip", pkl, 7, -1, b -> {
                try {
                    Map<String, byte[]> e = new LinkedHashMap<>(Zips.entries(ImporterTest.torch("mixed.pt")));
                    e.put("mixed/data.pkl", b);
                    Path f = tmp.resolve("p.pt");
                    Zips.write(f, e);
                    TorchZipReader.read(f).values().forEach(NpyArray::toDoubleArray);
                } catch (java.io.IOException x) {
                    throw new java.io.UncheckedIOException(x);
                }
            }));
        });
        // the mutations must actually exercise the error paths
        for (Outcome o : outcomes) {
            assertThat(o.rejected()).isGreaterThan(ROUNDS / 4);
        }
    }
}
