package org.trainingdynamics.study;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * SHA-256 content hashes of files and of folders (a trajectory store, a data set).
 *
 * <p>The hash of a folder is the SHA-256 of its {@code sha256sum}-style listing: one line
 * {@code <sha256 of file>  <path relative to the folder, '/'-separated>\n} per regular file, sorted by path.
 * So it changes when any file's content, name or presence changes, not with timestamps or permissions, and
 * {@code (cd DIR && find . -type f | sed 's|^./||' | LC_ALL=C sort | xargs sha256sum) | sha256sum} reproduces
 * it outside Java. The hash of a single file is its plain SHA-256.
 */
public final class ContentHash {
    private ContentHash() {
    }

    /** A file found under a hashed folder: its '/'-separated relative path and size. */
    public record Entry(String relativePath, Path file, long bytes) {
    }

    /** SHA-256 of a file's bytes, lower-case hex. */
    public static String ofFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return ofStream(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of everything readable from {@code in}, lower-case hex (the stream is read to its end). */
    public static String ofStream(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) >= 0; ) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** SHA-256 of a string's UTF-8 bytes. */
    public static String ofString(String s) {
        return HexFormat.of().formatHex(sha256().digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Content hash of a file (its SHA-256) or a folder (SHA-256 of the sorted listing described in the class
     * comment). Throws {@link IllegalArgumentException} when the path does not exist.
     */
    public static String of(Path fileOrFolder) {
        if (Files.isRegularFile(fileOrFolder)) {
            return ofFile(fileOrFolder);
        }
        if (!Files.isDirectory(fileOrFolder)) {
            throw new IllegalArgumentException("cannot hash " + fileOrFolder + ": no such file or folder");
        }
        StringBuilder listing = new StringBuilder();
        for (Entry e : files(fileOrFolder)) {
            listing.append(ofFile(e.file())).append("  ").append(e.relativePath()).append('\n');
        }
        return ofString(listing.toString());
    }

    /** Total size in bytes of a file or of every regular file under a folder. */
    public static long size(Path fileOrFolder) {
        if (Files.isRegularFile(fileOrFolder)) {
            try {
                return Files.size(fileOrFolder);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + fileOrFolder + ": " + e.getMessage(), e);
            }
        }
        return files(fileOrFolder).stream().mapToLong(Entry::bytes).sum();
    }

    /**
     * The regular files under {@code folder} (following symbolic links to files), sorted by their
     * '/'-separated relative path (byte order of the UTF-16 strings, which is {@code LC_ALL=C} order for ASCII names).
     */
    public static List<Entry> files(Path folder) {
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(folder, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    String rel = folder.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                    out.add(new Entry(rel, p, Files.size(p)));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(),
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
        out.sort(java.util.Comparator.comparing(Entry::relativePath));
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
