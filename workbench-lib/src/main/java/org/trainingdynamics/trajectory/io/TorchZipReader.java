package org.trainingdynamics.trajectory.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.NpyArray;
import org.trainingdynamics.trajectory.TrajectoryFormatException;

/**
 * Reads PyTorch zip checkpoints ({@code torch.save} of a state dict, the default format since PyTorch 1.6)
 * without a Python runtime.
 *
 * <p>The archive holds {@code <prefix>/data.pkl} (a pickle of the object), {@code <prefix>/data/<key>} (one
 * raw little-endian storage per key) and {@code <prefix>/version} (plus {@code byteorder} since 2.1). The
 * pickle ({@link Unpickler}) references storages through persistent ids
 * {@code ('storage', torch.<Type>Storage, key, location, numel)} and rebuilds tensors with
 * {@code torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks[, metadata])}
 * (and {@code _rebuild_parameter(tensor, ...)} for parameters). This reader rebuilds each tensor from storage,
 * element offset, shape and stride: contiguous tensors are views of the storage bytes, strided ones are
 * gathered into C order. The state dict is the top-level dict, or the first of its entries {@code state_dict},
 * {@code model_state_dict}, {@code model}, {@code module} that holds tensors. The legacy (pre-1.6, non-zip)
 * format is rejected with a clear error.
 */
public final class TorchZipReader {
    private static final List<String> NESTED_KEYS = List.of("state_dict", "model_state_dict", "model", "module");

    private TorchZipReader() {
    }

    /** Storage classes pickled by torch.save, by name, mapped to element types. */
    private static final Map<String, DType> STORAGE_TYPES = Map.ofEntries(
            Map.entry("DoubleStorage", DType.FLOAT64), Map.entry("FloatStorage", DType.FLOAT32),
            Map.entry("HalfStorage", DType.FLOAT16), Map.entry("BFloat16Storage", DType.BFLOAT16),
            Map.entry("LongStorage", DType.INT64), Map.entry("IntStorage", DType.INT32),
            Map.entry("ShortStorage", DType.INT16), Map.entry("CharStorage", DType.INT8),
            Map.entry("ByteStorage", DType.UINT8), Map.entry("BoolStorage", DType.BOOL),
            Map.entry("UntypedStorage", DType.UINT8));

    private record Storage(String key, DType dtype, String typeName, long numel) {
    }

    private record TensorRef(Storage storage, long offset, long[] shape, long[] stride) {
    }

    /** Reads the tensors of the state dict in a PyTorch zip checkpoint, in pickle order. */
    public static Map<String, NpyArray> read(Path file) {
        checkMagic(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return read(file, zip);
        } catch (NoSuchFileException e) {
            throw new TrajectoryFormatException(file, "file not found");
        } catch (ZipException e) {
            throw new TrajectoryFormatException(file, "corrupt PyTorch zip checkpoint: " + e.getMessage());
        } catch (IOException e) {
            throw new TrajectoryFormatException(file, "cannot read PyTorch checkpoint: " + e.getMessage());
        }
    }

    private static void checkMagic(Path file) {
        byte[] head = new byte[512];
        int n;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(head);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // fill
            }
            n = b.position();
        } catch (NoSuchFileException e) {
            throw new TrajectoryFormatException(file, "file not found");
        } catch (IOException e) {
            throw new TrajectoryFormatException(file, "cannot read: " + e.getMessage());
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return;
        }
        if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            throw new TrajectoryFormatException(file, "legacy (pre-1.6, non-zip) PyTorch checkpoint format is not "
                    + "supported; re-save it with torch.save(obj, path) from PyTorch >= 1.6");
        }
        if (n >= 262 && new String(head, 257, 5, StandardCharsets.ISO_8859_1).equals("ustar")) {
            throw new TrajectoryFormatException(file, "legacy tar-based PyTorch checkpoint format is not supported; "
                    + "re-save it with torch.save(obj, path) from PyTorch >= 1.6");
        }
        throw new TrajectoryFormatException(file, "not a PyTorch zip checkpoint (no zip signature"
                + (n < 4 ? "; file has only " + n + " bytes" : "") + ")");
    }

    private static Map<String, NpyArray> read(Path file, ZipFile zip) throws IOException {
        long fileSize = Files.size(file);
        String prefix = null;
        Map<String, ZipEntry> entries = new HashMap<>();
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            ZipEntry e = en.nextElement();
            entries.put(e.getName(), e);
            if (e.getName().endsWith("/data.pkl") && e.getName().indexOf('/') == e.getName().length() - 9) {
                if (prefix != null) {
                    throw new TrajectoryFormatException(file, "zip holds more than one data.pkl");
                }
                prefix = e.getName().substring(0, e.getName().length() - 8);
            } else if (e.getName().equals("data.pkl") && prefix == null) {
                prefix = "";
            }
        }
        if (prefix == null) {
            throw new TrajectoryFormatException(file, "zip archive has no <name>/data.pkl: not a PyTorch checkpoint");
        }
        ZipEntry bo = entries.get(prefix + "byteorder");
        if (bo != null) {
            String order = new String(entryBytes(file, zip, bo, fileSize), StandardCharsets.US_ASCII).trim();
            if (!order.equals("little")) {
                throw new TrajectoryFormatException(file, "byteorder '" + order + "' is not supported (only little-endian)");
            }
        }
        byte[] pkl = entryBytes(file, zip, entries.get(prefix + "data.pkl"), fileSize);
        Path pklName = Path.of(file + "[" + prefix + "data.pkl]");
        Object root = Unpickler.load(pklName, pkl);
        Map<Object, Object> dict = stateDict(file, root);
        Map<String, ByteBuffer> storages = new HashMap<>();
        Map<String, NpyArray> out = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                continue;
            }
            TensorRef ref = tensorRef(pklName, name, e.getValue());
            if (ref == null) {
                continue;
            }
            ByteBuffer data = storages.get(ref.storage.key);
            if (data == null) {
                ZipEntry se = entries.get(prefix + "data/" + ref.storage.key);
                if (se == null) {
                    throw new TrajectoryFormatException(file, name, "storage '" + ref.storage.key + "' missing from the zip ("
                            + prefix + "data/" + ref.storage.key + ")");
                }
                if (ref.storage.numel > fileSize) {
                    throw new TrajectoryFormatException(file, name, "storage '" + ref.storage.key + "' claims "
                            + ref.storage.numel + " elements, impossible in a " + fileSize + "-byte file");
                }
                long want = ref.storage.numel * ref.storage.dtype.size();
                if (se.getSize() >= 0 && se.getSize() < want) {
                    throw new TrajectoryFormatException(file, name, "storage '" + ref.storage.key + "' holds "
                            + se.getSize() + " bytes, " + ref.storage.numel + " elements of " + ref.storage.typeName
                            + " need " + want);
                }
                byte[] raw = entryBytes(file, zip, se, fileSize);
                if (raw.length < want) {
                    throw new TrajectoryFormatException(file, name, "storage '" + ref.storage.key + "' truncated: "
                            + raw.length + " of " + want + " bytes");
                }
                data = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                storages.put(ref.storage.key, data);
            }
            out.put(name, rebuild(file, name, ref, data));
        }
        if (out.isEmpty()) {
            throw new TrajectoryFormatException(file, "the checkpoint's state dict holds no tensors");
        }
        return Collections.unmodifiableMap(out);
    }

    private static byte[] entryBytes(Path file, ZipFile zip, ZipEntry e, long fileSize) throws IOException {
        long declared = e.getSize();
        long compressed = e.getCompressedSize();
        long cap = e.getMethod() == ZipEntry.STORED ? fileSize : Math.min(Integer.MAX_VALUE - 64L, fileSize * 1032L);
        if (declared > cap || declared > Integer.MAX_VALUE - 64L || compressed > fileSize) {
            throw new TrajectoryFormatException(file, "zip entry " + e.getName() + " claims " + declared
                    + " bytes, impossible in a " + fileSize + "-byte file (corrupt zip)");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = declared >= 0 ? in.readNBytes((int) declared) : in.readNBytes((int) Math.min(cap, Integer.MAX_VALUE - 64L));
            if (declared >= 0 && b.length != declared) {
                throw new TrajectoryFormatException(file, "zip entry " + e.getName() + " truncated: " + b.length + " of "
                        + declared + " bytes");
            }
            return b;
        } catch (ZipException | java.io.EOFException ex) {
            throw new TrajectoryFormatException(file, "zip entry " + e.getName() + " is corrupt: " + ex.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> stateDict(Path file, Object root) {
        if (root instanceof Map<?, ?> m) {
            Map<Object, Object> top = (Map<Object, Object>) m;
            if (top.values().stream().anyMatch(TorchZipReader::isTensor)) {
                return top;
            }
            for (String k : NESTED_KEYS) {
                if (top.get(k) instanceof Map<?, ?> inner && inner.values().stream().anyMatch(TorchZipReader::isTensor)) {
                    return (Map<Object, Object>) inner;
                }
            }
            throw new TrajectoryFormatException(file, "no state dict found: the top-level dict (keys "
                    + abbreviate(top.keySet().stream().map(k -> k instanceof String str ? str : Unpickler.typeName(k))
                    .toList().toString()) + ") holds no tensors, nor does any of " + NESTED_KEYS);
        }
        throw new TrajectoryFormatException(file, "no state dict found: the checkpoint holds a "
                + Unpickler.typeName(root) + ", not a dict of tensors (save model.state_dict(), not the model)");
    }

    private static boolean isTensor(Object o) {
        return o instanceof Unpickler.Call c && (c.funcName().equals("torch._utils._rebuild_tensor_v2")
                || c.funcName().equals("torch._utils._rebuild_parameter")
                || c.funcName().equals("torch._utils._rebuild_parameter_with_state"));
    }

    /** Interprets the rebuild call of one tensor; null for non-tensor values (ints, strings, nested dicts). */
    private static TensorRef tensorRef(Path pkl, String name, Object v) {
        if (!(v instanceof Unpickler.Call c)) {
            return null;
        }
        String f = c.funcName();
        if (f.equals("torch._utils._rebuild_parameter") || f.equals("torch._utils._rebuild_parameter_with_state")) {
            if (c.args.isEmpty()) {
                throw new TrajectoryFormatException(pkl, name, "_rebuild_parameter without arguments");
            }
            return tensorRef(pkl, name, c.args.get(0));
        }
        if (!f.equals("torch._utils._rebuild_tensor_v2")) {
            if (f.startsWith("torch.")) {
                throw new TrajectoryFormatException(pkl, name, "unsupported tensor kind " + f
                        + " (only dense strided tensors are supported)");
            }
            return null;
        }
        if (c.args.size() < 4) {
            throw new TrajectoryFormatException(pkl, name, "_rebuild_tensor_v2 with " + c.args.size() + " arguments (need >= 4)");
        }
        Storage st = storage(pkl, name, c.args.get(0));
        long offset = asLong(pkl, name, c.args.get(1), "storage_offset");
        long[] shape = longs(pkl, name, c.args.get(2), "size");
        long[] stride = longs(pkl, name, c.args.get(3), "stride");
        if (shape.length != stride.length) {
            throw new TrajectoryFormatException(pkl, name, "size " + Arrays.toString(shape) + " and stride "
                    + Arrays.toString(stride) + " differ in rank");
        }
        return new TensorRef(st, offset, shape, stride);
    }

    private static Storage storage(Path pkl, String name, Object o) {
        if (!(o instanceof Unpickler.PersistentId pid) || !(pid.pid() instanceof List<?> t) || t.size() < 5
                || !"storage".equals(t.get(0))) {
            throw new TrajectoryFormatException(pkl, name, "tensor storage is a " + Unpickler.typeName(o)
                    + ", expected a persistent id ('storage', type, key, location, numel)");
        }
        String typeName = t.get(1) instanceof Unpickler.Global g ? g.name() : String.valueOf(t.get(1));
        DType dtype = STORAGE_TYPES.get(typeName);
        if (dtype == null) {
            throw new TrajectoryFormatException(pkl, name, "unsupported dtype: storage type " + typeName
                    + " (supported: " + new java.util.TreeSet<>(STORAGE_TYPES.keySet()) + ")");
        }
        if (!(t.get(2) instanceof String key) || key.isEmpty() || key.contains("/") || key.contains("..")) {
            throw new TrajectoryFormatException(pkl, name, "bad storage key " + Unpickler.typeName(t.get(2)));
        }
        long numel = asLong(pkl, name, t.get(4), "storage numel");
        if (numel < 0) {
            throw new TrajectoryFormatException(pkl, name, "negative storage size " + numel);
        }
        return new Storage(key, dtype, typeName, numel);
    }

    private static long asLong(Path pkl, String name, Object o, String what) {
        if (o instanceof Long l) {
            return l;
        }
        throw new TrajectoryFormatException(pkl, name, what + " is a " + Unpickler.typeName(o) + ", expected an int");
    }

    private static long[] longs(Path pkl, String name, Object o, String what) {
        if (!(o instanceof List<?> l)) {
            throw new TrajectoryFormatException(pkl, name, what + " is a " + Unpickler.typeName(o) + ", expected a tuple");
        }
        long[] r = new long[l.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = asLong(pkl, name, l.get(i), what);
        }
        return r;
    }

    /** Builds the C-order array of a tensor from its storage, element offset, shape and stride. */
    private static NpyArray rebuild(Path file, String name, TensorRef ref, ByteBuffer storage) {
        long[] shape = ref.shape;
        long[] stride = ref.stride;
        int es = ref.storage.dtype.size();
        long count = 1;
        long maxIndex = ref.offset;
        try {
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0 || stride[i] < 0) {
                    throw new TrajectoryFormatException(file, name, "negative size or stride: size " + Arrays.toString(shape)
                            + ", stride " + Arrays.toString(stride));
                }
                count = Math.multiplyExact(count, shape[i]);
                if (shape[i] > 0) {
                    maxIndex = Math.addExact(maxIndex, Math.multiplyExact(shape[i] - 1, stride[i]));
                }
            }
        } catch (ArithmeticException e) {
            throw new TrajectoryFormatException(file, name, "size " + Arrays.toString(shape) + " overflows");
        }
        if (ref.offset < 0 || (count > 0 && maxIndex >= ref.storage.numel)) {
            throw new TrajectoryFormatException(file, name, "size " + Arrays.toString(shape) + ", stride "
                    + Arrays.toString(stride) + " at offset " + ref.offset + " reach element " + maxIndex
                    + " of a storage of " + ref.storage.numel + " elements");
        }
        if (count == 0) {
            return NpyArray.wrap(ref.storage.dtype, shape, ByteBuffer.allocate(0));
        }
        if (isContiguous(shape, stride)) {
            int from = Math.toIntExact(ref.offset * es);
            return NpyArray.wrap(ref.storage.dtype, shape, storage.slice(from, Math.toIntExact(count * es))
                    .order(ByteOrder.LITTLE_ENDIAN));
        }
        byte[] dst = new byte[Math.toIntExact(count * es)];
        int rank = shape.length;
        long[] idx = new long[rank];
        for (long k = 0; k < count; k++) {
            long src = ref.offset;
            for (int d = 0; d < rank; d++) {
                src += idx[d] * stride[d];
            }
            storage.get((int) (src * es), dst, (int) (k * es), es);
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return NpyArray.wrap(ref.storage.dtype, shape, ByteBuffer.wrap(dst).order(ByteOrder.LITTLE_ENDIAN));
    }

    private static boolean isContiguous(long[] shape, long[] stride) {
        long expect = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expect) {
                return false;
            }
            expect *= shape[d];
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }

}
