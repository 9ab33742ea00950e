package org.trainingdynamics.trajectory.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.trainingdynamics.study.Progress;
import org.trainingdynamics.trajectory.AtomicFiles;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.Globs;
import org.trainingdynamics.trajectory.Metrics;
import org.trainingdynamics.trajectory.NonFinitePolicy;
import org.trainingdynamics.trajectory.Npy;
import org.trainingdynamics.trajectory.NpyArray;
import org.trainingdynamics.trajectory.TensorSpec;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.TrajectoryFormatException;
import org.trainingdynamics.trajectory.TrajectoryRecorder;

/**
 * Converts checkpoint files into the native trajectory store (DESIGN.md "Data model").
 *
 * <p>Sources ({@link Format}): a folder of per-checkpoint {@code .npz} files (members = tensors), of
 * per-checkpoint {@code .npy} files (one tensor {@code weights} each) or of per-checkpoint sub-folders of
 * {@code <tensor>.npy} files; a folder of {@code .safetensors} files; a Hugging Face Trainer output folder
 * ({@code checkpoint-<step>/model.safetensors}, sharded {@code model-*.safetensors} or
 * {@code pytorch_model.bin}, epochs and metrics from {@code trainer_state.json}); a folder of PyTorch zip
 * checkpoints ({@code .pt}, {@code .pth}, {@code .bin}, {@code .ckpt}). A single file is a one-checkpoint
 * source. Checkpoint order comes from the step number in each file (or folder) name: the last run of
 * digits, e.g. {@code step_000100.npz} or {@code checkpoint-500}; a name without digits is an error.
 *
 * <p>Every checkpoint must hold the same floating-point tensors with the same shapes; integer and bool
 * tensors (e.g. BatchNorm's {@code num_batches_tracked}) are skipped and listed in the summary. Stored
 * dtype: float64 for float64 sources, float32 otherwise (float16/bfloat16 widened exactly), unless forced.
 * The store is built in a hidden temporary folder beside the target and swapped in only when complete, so
 * a failed import never replaces or damages an existing store.
 */
public final class Importer {
    /** Source kinds. */
    public enum Format { AUTO, NPZ, NPY, SAFETENSORS, HF_TRAINER, TORCH }

    private static final Pattern DIGITS = Pattern.compile("(\\d+)(?!.*\\d)");
    private static final Pattern HF_CHECKPOINT = Pattern.compile("checkpoint-(\\d+)");
    private static final Set<String> TORCH_EXT = Set.of("pt", "pth", "bin", "ckpt");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Format format;
    private final NonFinitePolicy nonFinite;
    private final List<String> include;
    private final List<String> exclude;
    private final DType dtype;
    private final List<Path> metricsLogs;
    private final boolean replaceExisting;

    private Importer(Builder b) {
        this.format = b.format;
        this.nonFinite = b.nonFinite;
        this.include = List.copyOf(b.include);
        this.exclude = List.copyOf(b.exclude);
        this.dtype = b.dtype;
        this.metricsLogs = List.copyOf(b.metricsLogs);
        this.replaceExisting = b.replaceExisting;
    }

    /** A builder with the defaults: auto-detect, reject NaN/Inf, all tensors, dtype by source, no extra logs. */
    public static Builder builder() {
        return new Builder();
    }

    /** Imports with default settings. */
    public static ImportSummary importTo(Path source, Path target) {
        return builder().build().run(source, target);
    }

    /** Options of an import. */
    public static final class Builder {
        private Format format = Format.AUTO;
        private NonFinitePolicy nonFinite = NonFinitePolicy.REJECT;
        private final List<String> include = new ArrayList<>();
        private final List<String> exclude = new ArrayList<>();
        private DType dtype;
        private final List<Path> metricsLogs = new ArrayList<>();
        private boolean replaceExisting = true;

        private Builder() {
        }

        /** Source kind; {@link Format#AUTO} (default) detects it. */
        public Builder format(Format f) {
            this.format = java.util.Objects.requireNonNull(f);
            return this;
        }

        /** NaN/Inf handling (default reject). */
        public Builder nonFinite(NonFinitePolicy p) {
            this.nonFinite = java.util.Objects.requireNonNull(p);
            return this;
        }

        /** Keeps only tensors matching any of these globs (default: all). */
        public Builder include(String... globs) {
            include.addAll(List.of(globs));
            return this;
        }

        /** Drops tensors matching any of these globs. */
        public Builder exclude(String... globs) {
            exclude.addAll(List.of(globs));
            return this;
        }

        /** Forces the stored dtype (float32 or float64); default: float64 for float64 sources, else float32. */
        public Builder dtype(DType d) {
            if (d != null && d != DType.FLOAT32 && d != DType.FLOAT64) {
                throw new IllegalArgumentException("the store holds float32 or float64, not " + d.manifestName());
            }
            this.dtype = d;
            return this;
        }

        /** Adds a CSV/JSON/JSONL metrics log to merge by step. */
        public Builder metrics(Path log) {
            metricsLogs.add(log);
            return this;
        }

        /** Whether an existing store at the target may be replaced (atomically; default true). */
        public Builder replaceExisting(boolean r) {
            this.replaceExisting = r;
            return this;
        }

        public Importer build() {
            return new Importer(this);
        }
    }

    /** One checkpoint of a source: its step, epoch (NaN when unknown) and the files holding its tensors. */
    record Checkpoint(long step, double epoch, Path location, List<Path> files) {
    }

    /** Detects the kind of a source file or folder. */
    public static Format detect(Path source) {
        if (!Files.exists(source)) {
            throw new TrajectoryFormatException(source, "source not found");
        }
        if (Files.isRegularFile(source)) {
            Format f = kindOfFile(source);
            if (f == null) {
                throw new TrajectoryFormatException(source, "unknown checkpoint file type (expected .npz, .npy, "
                        + ".safetensors, .pt, .pth, .bin or .ckpt)");
            }
            return f;
        }
        List<Path> children = list(source);
        if (children.stream().anyMatch(p -> Files.isDirectory(p) && HF_CHECKPOINT.matcher(name(p)).matches())) {
            return Format.HF_TRAINER;
        }
        Set<Format> kinds = new LinkedHashSet<>();
        for (Path p : children) {
            Format f = Files.isRegularFile(p) ? kindOfFile(p) : null;
            if (f != null) {
                kinds.add(f);
            }
        }
        if (kinds.isEmpty() && children.stream().anyMatch(p -> Files.isDirectory(p) && !list(p).isEmpty()
                && list(p).stream().anyMatch(q -> name(q).endsWith(".npy")))) {
            return Format.NPY;
        }
        if (kinds.isEmpty()) {
            throw new TrajectoryFormatException(source, "empty source: no checkpoint files (.npz, .npy, .safetensors, "
                    + ".pt/.pth/.bin/.ckpt) and no checkpoint-<step> folders");
        }
        if (kinds.size() > 1) {
            throw new TrajectoryFormatException(source, "mixed checkpoint file types " + kinds
                    + "; keep one kind per folder or choose one with --format");
        }
        return kinds.iterator().next();
    }

    private static Format kindOfFile(Path p) {
        String n = name(p).toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        String ext = dot < 0 ? "" : n.substring(dot + 1);
        return switch (ext) {
            case "npz" -> Format.NPZ;
            case "npy" -> Format.NPY;
            case "safetensors" -> Format.SAFETENSORS;
            default -> TORCH_EXT.contains(ext) ? Format.TORCH : null;
        };
    }

    /** Runs the import of {@code source} into a native store at {@code target}. */
    public ImportSummary run(Path source, Path target) {
        Format f = format == Format.AUTO ? detect(source) : format;
        checkTarget(target);
        List<Checkpoint> cps = checkpoints(source, f);
        MetricsLogs logs = new MetricsLogs();
        if (f == Format.HF_TRAINER) {
            Path state = trainerState(source, cps);
            if (state != null) {
                logs.add(state);
            }
        }
        metricsLogs.forEach(logs::add);

        Path parent = target.toAbsolutePath().getParent();
        Path tmp;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".import-");
            AtomicFiles.publicReadable(tmp, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder beside " + target + ": " + e.getMessage(), e);
        }
        boolean done = false;
        try {
            ImportSummary s = write(source, target, tmp, f, cps, logs);
            Trajectories.replaceDir(tmp, target);
            done = true;
            return s;
        } finally {
            if (!done) {
                Trajectories.deleteTree(tmp);
            }
        }
    }

    private void checkTarget(Path target) {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new IllegalArgumentException(target + ": exists and is not a folder; refusing to replace it");
        }
        if (list(target).isEmpty()) {
            return;
        }
        if (!Files.exists(target.resolve("trajectory.json"))) {
            throw new IllegalArgumentException(target + ": folder exists, is not empty and is not a trajectory store; "
                    + "refusing to replace it");
        }
        if (!replaceExisting) {
            throw new IllegalArgumentException(target + ": a trajectory store already exists (use --force to replace it)");
        }
    }

    private ImportSummary write(Path source, Path target, Path tmp, Format f, List<Checkpoint> cps, MetricsLogs logs) {
        List<TensorSpec> specs = null;
        Map<String, long[]> shapes = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("source", source.toAbsolutePath().toString());
        meta.put("source_format", f.name().toLowerCase(Locale.ROOT));
        meta.put("imported_by", "workbench import");
        long bytesRead = 0;
        long bytesWritten = 0;
        TrajectoryRecorder rec = null;
        try (Progress p = Progress.start("import", cps.size())) {
            for (Checkpoint cp : cps) {
                Map<String, Loaded> loaded = load(cp, f);
                if (specs == null) {
                    specs = new ArrayList<>();
                    for (Map.Entry<String, Loaded> e : loaded.entrySet()) {
                        String name = e.getKey();
                        NpyArray a = e.getValue().array;
                        if (!selected(name)) {
                            skipped.add(name + " (excluded)");
                        } else if (!a.dtype().isFloating()) {
                            skipped.add(name + " (" + a.dtype().manifestName() + ", not a float parameter)");
                        } else {
                            DType d = dtype != null ? dtype : a.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
                            specs.add(new TensorSpec(name, a.shape(), d));
                            shapes.put(name, a.shape());
                        }
                    }
                    if (specs.isEmpty()) {
                        throw new TrajectoryFormatException(cp.location(), "no floating-point tensors to import"
                                + (skipped.isEmpty() ? "" : " (skipped: " + skipped + ")"));
                    }
                    if (f == Format.SAFETENSORS || f == Format.HF_TRAINER) {
                        Map<String, String> sm = firstSafetensorsMeta(cp);
                        if (!sm.isEmpty()) {
                            meta.put("source_metadata", sm);
                        }
                    }
                    if (!skipped.isEmpty()) {
                        meta.put("skipped_tensors", skipped);
                    }
                    rec = TrajectoryRecorder.create(tmp, specs, meta).nonFinite(nonFinite);
                }
                Map<String, NpyArray> row = new LinkedHashMap<>();
                for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                    Loaded l = loaded.get(e.getKey());
                    if (l == null) {
                        throw new TrajectoryFormatException(cp.location(), e.getKey(), "missing in this checkpoint (step "
                                + cp.step() + ") but present in the first (step " + cps.get(0).step() + ")");
                    }
                    if (!Arrays.equals(l.array.shape(), e.getValue())) {
                        throw new TrajectoryFormatException(l.file, e.getKey(), "shape " + Arrays.toString(l.array.shape())
                                + " at step " + cp.step() + " differs from " + Arrays.toString(e.getValue())
                                + " in the first checkpoint (step " + cps.get(0).step() + ")");
                    }
                    if (!l.array.dtype().isFloating()) {
                        throw new TrajectoryFormatException(l.file, e.getKey(), "dtype " + l.array.dtype().manifestName()
                                + " at step " + cp.step() + " is not floating point, unlike the first checkpoint");
                    }
                    row.put(e.getKey(), l.array);
                }
                for (Map.Entry<String, Loaded> e : loaded.entrySet()) {
                    if (!shapes.containsKey(e.getKey()) && selected(e.getKey()) && e.getValue().array.dtype().isFloating()) {
                        throw new TrajectoryFormatException(e.getValue().file, e.getKey(), "present at step " + cp.step()
                                + " but not in the first checkpoint (step " + cps.get(0).step() + ")");
                    }
                }
                try {
                    rec.append(cp.step(), cp.epoch(), row);
                } catch (IllegalArgumentException ex) {
                    String msg = ex.getMessage();
                    if (msg != null && msg.contains("NaN/Inf")) {
                        msg += "; the import command takes --nonfinite allow";
                    }
                    throw new TrajectoryFormatException(cp.location(), msg);
                }
                for (Path file : cp.files()) {
                    bytesRead += size(file);
                }
                p.step();
            }
            if (!logs.isEmpty()) {
                Metrics.writeCsv(logs.toTable(), tmp.resolve("metrics.csv"));
            }
            Map<String, Long> bad = rec.nonFiniteCounts();
            rec.close();
            rec = null;
            long params = 0;
            for (TensorSpec s : specs) {
                params += s.size();
                bytesWritten += s.size() * s.dtype().size() * cps.size();
            }
            return new ImportSummary(source, target, f, cps.size(), specs.size(), params, bytesRead, bytesWritten,
                    logs.isEmpty() ? 0 : logs.toTable().rowCount(), bad, skipped);
        } finally {
            if (rec != null) {
                try {
                    rec.close();
                } catch (RuntimeException ignored) {
                    // the temporary folder is deleted by the caller
                }
            }
        }
    }

    private boolean selected(String name) {
        boolean in = include.isEmpty() || include.stream().anyMatch(g -> Globs.matches(g, name));
        return in && exclude.stream().noneMatch(g -> Globs.matches(g, name));
    }

    /** A tensor and the file it came from. */
    private record Loaded(NpyArray array, Path file) {
    }

    private static Map<String, Loaded> load(Checkpoint cp, Format f) {
        Map<String, Loaded> out = new LinkedHashMap<>();
        for (Path file : cp.files()) {
            Map<String, NpyArray> m = switch (kindOfLoad(file, f)) {
                case NPZ -> Npy.readNpz(file);
                case NPY -> Map.of(Files.isDirectory(cp.location()) ? stem(file) : "weights", Npy.open(file));
                case SAFETENSORS -> SafetensorsReader.read(file).tensors();
                case TORCH -> TorchZipReader.read(file);
                default -> throw new IllegalStateException();
            };
            for (Map.Entry<String, NpyArray> e : m.entrySet()) {
                if (out.put(e.getKey(), new Loaded(e.getValue(), file)) != null) {
                    throw new TrajectoryFormatException(file, e.getKey(), "appears in more than one file of checkpoint "
                            + cp.location());
                }
            }
        }
        return out;
    }

    private static Format kindOfLoad(Path file, Format f) {
        if (f == Format.HF_TRAINER) {
            return kindOfFile(file);
        }
        return f;
    }

    private static Map<String, String> firstSafetensorsMeta(Checkpoint cp) {
        for (Path file : cp.files()) {
            if (name(file).endsWith(".safetensors")) {
                return SafetensorsReader.read(file).metadata();
            }
        }
        return Map.of();
    }

    /** Lists the checkpoints of a source in step order. */
    static List<Checkpoint> checkpoints(Path source, Format f) {
        if (Files.isRegularFile(source)) {
            Matcher m = DIGITS.matcher(stem(source));
            long step = m.find() ? parseStep(source, m.group(1)) : 0;
            return List.of(new Checkpoint(step, Double.NaN, source, List.of(source)));
        }
        if (!Files.isDirectory(source)) {
            throw new TrajectoryFormatException(source, "source not found");
        }
        TreeMap<Long, Checkpoint> bySteps = new TreeMap<>();
        List<Path> children = list(source);
        for (Path p : children) {
            Checkpoint cp = switch (f) {
                case HF_TRAINER -> hfCheckpoint(p);
                case NPY -> Files.isDirectory(p) ? npyDirCheckpoint(p) : fileCheckpoint(p, f);
                default -> Files.isRegularFile(p) ? fileCheckpoint(p, f) : null;
            };
            if (cp == null) {
                continue;
            }
            Checkpoint prev = bySteps.put(cp.step(), cp);
            if (prev != null) {
                throw new TrajectoryFormatException(source, "two checkpoints with step " + cp.step() + ": "
                        + name(prev.location()) + " and " + name(cp.location()));
            }
        }
        if (bySteps.isEmpty()) {
            throw new TrajectoryFormatException(source, "empty source: no " + f.name().toLowerCase(Locale.ROOT)
                    + " checkpoints found");
        }
        return new ArrayList<>(bySteps.values());
    }

    private static Checkpoint fileCheckpoint(Path p, Format f) {
        Format k = kindOfFile(p);
        if (k != f) {
            return null;
        }
        return new Checkpoint(stepOf(p, stem(p)), Double.NaN, p, List.of(p));
    }

    private static Checkpoint npyDirCheckpoint(Path dir) {
        List<Path> files = list(dir).stream().filter(q -> name(q).endsWith(".npy")).toList();
        if (files.isEmpty()) {
            return null;
        }
        return new Checkpoint(stepOf(dir, name(dir)), Double.NaN, dir, files);
    }

    private static Checkpoint hfCheckpoint(Path dir) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        Matcher m = HF_CHECKPOINT.matcher(name(dir));
        if (!m.matches()) {
            return null;
        }
        long step = parseStep(dir, m.group(1));
        List<Path> all = list(dir);
        List<Path> files = all.stream().filter(q -> name(q).endsWith(".safetensors")).toList();
        if (files.isEmpty()) {
            files = all.stream().filter(q -> name(q).matches("pytorch_model(-\\d+-of-\\d+)?\\.bin")).toList();
        }
        if (files.isEmpty()) {
            throw new TrajectoryFormatException(dir, "Hugging Face checkpoint folder without model.safetensors or "
                    + "pytorch_model.bin");
        }
        double epoch = Double.NaN;
        Path state = dir.resolve("trainer_state.json");
        if (Files.exists(state)) {
            JsonNode e = readJson(state).path("epoch");
            if (e.isNumber()) {
                epoch = e.asDouble();
            }
        }
        return new Checkpoint(step, epoch, dir, files);
    }

    /** The trainer_state.json with the longest log history (the top-level one or the last checkpoint's). */
    private static Path trainerState(Path source, List<Checkpoint> cps) {
        Path best = null;
        int bestLen = -1;
        List<Path> candidates = new ArrayList<>();
        candidates.add(source.resolve("trainer_state.json"));
        candidates.add(cps.get(cps.size() - 1).location().resolve("trainer_state.json"));
        for (Path c : candidates) {
            if (Files.exists(c)) {
                int len = readJson(c).path("log_history").size();
                if (len > bestLen) {
                    best = c;
                    bestLen = len;
                }
            }
        }
        return best;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new TrajectoryFormatException(file, "invalid JSON: " + String.valueOf(e.getMessage()).split("\n")[0]);
        }
    }

    private static long stepOf(Path p, String stem) {
        Matcher m = DIGITS.matcher(stem);
        if (!m.find()) {
            throw new TrajectoryFormatException(p, "no numeric step in the name '" + name(p) + "'; checkpoint files "
                    + "are ordered by the step in their names (e.g. step_100.npz, checkpoint-100)");
        }
        return parseStep(p, m.group(1));
    }

    private static long parseStep(Path p, String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new TrajectoryFormatException(p, "step number '" + digits + "' in the name is too large");
        }
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    private static String stem(Path p) {
        String n = name(p);
        int dot = n.lastIndexOf('.');
        return dot <= 0 ? n : n.substring(0, dot);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !name(p).startsWith(".")).sorted(Comparator.comparing(Importer::name)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
