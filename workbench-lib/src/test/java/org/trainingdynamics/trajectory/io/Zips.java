package org.trainingdynamics.trajectory.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.NpyArray;

/** Test helpers: read and rewrite zip archives (torch checkpoints, npz), write npz files. */
final class Zips {
    private Zips() {
    }

    static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                m.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        }
        return m;
    }

    /** Writes entries as STORED (uncompressed, like torch.save and np.savez). */
    static void write(Path zip, Map<String, byte[]> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                ze.setCrc(crc.getValue());
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
    }

    /** Copies a zip, renaming entries and transforming their bytes. */
    static void rewrite(Path from, Path to, UnaryOperator<String> rename, Map<String, UnaryOperator<byte[]>> change)
            throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : entries(from).entrySet()) {
            byte[] b = e.getValue();
            for (Map.Entry<String, UnaryOperator<byte[]>> c : change.entrySet()) {
                if (e.getKey().endsWith(c.getKey())) {
                    b = c.getValue().apply(b);
                }
            }
            out.put(rename.apply(e.getKey()), b);
        }
        write(to, out);
    }

    /** Writes an .npz (as np.savez does: one STORED member name.npy per array). */
    static void npz(Path file, Map<String, NpyArray> arrays) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        arrays.forEach((k, v) -> m.put(k + ".npy", Npy.toBytes(v)));
        write(file, m);
    }

    static byte[] replace(byte[] b, String from, String to) {
        String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!s.contains(from)) {
            throw new IllegalArgumentException("'" + from + "' not in bytes");
        }
        return s.replace(from, to).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
