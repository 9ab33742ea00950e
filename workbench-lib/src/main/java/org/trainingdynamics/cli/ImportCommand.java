package org.trainingdynamics.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.trainingdynamics.trajectory.DType;
import org.trainingdynamics.trajectory.NonFinitePolicy;
import org.trainingdynamics.trajectory.io.ImportSummary;
import org.trainingdynamics.trajectory.io.Importer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code workbench import <source> <run-dir>}: converts checkpoints (npz/npy folders, safetensors, Hugging Face
 * Trainer output, PyTorch zip checkpoints) into the native trajectory store, with a progress bar and a summary.
 * See {@link Importer} and docs/trajectories.md.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Convert checkpoints into a native trajectory store (trajectory.json + params/*.npy + "
                + "metrics.csv). Sources: a folder of per-checkpoint .npz/.npy files, .safetensors files, a Hugging "
                + "Face Trainer output folder (checkpoint-<step>/), or PyTorch zip checkpoints (.pt/.pth/.bin). "
                + "Checkpoints are ordered by the step number in their names.")
public final class ImportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<source>", description = "checkpoint folder or file")
    Path source;

    @Parameters(index = "1", paramLabel = "<run-dir>", description = "native store folder to write")
    Path target;

    @Option(names = "--format", paramLabel = "KIND",
            description = "source kind: auto (default), npz, npy, safetensors, hf, torch")
    String format = "auto";

    @Option(names = "--nonfinite", paramLabel = "POLICY",
            description = "NaN/Inf values: reject (default) or allow (kept and reported)")
    String nonFinite = "reject";

    @Option(names = "--include", paramLabel = "GLOB", split = ",",
            description = "import only tensors matching these globs (e.g. 'layers.*.weight')")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", split = ",", description = "skip tensors matching these globs")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--dtype", paramLabel = "TYPE",
            description = "stored type: float32 or float64 (default: float64 for float64 sources, else float32)")
    String dtype;

    @Option(names = "--metrics", paramLabel = "FILE", description = "CSV/JSON/JSONL metrics log to merge by step (repeatable)")
    List<Path> metrics = new ArrayList<>();

    @Option(names = "--force", description = "replace an existing trajectory store at <run-dir> (atomically)")
    boolean force;

    @Override
    public Integer call() {
        Importer.Builder b = Importer.builder().format(parseFormat(format)).nonFinite(parsePolicy(nonFinite))
                .replaceExisting(force);
        b.include(include.toArray(String[]::new)).exclude(exclude.toArray(String[]::new));
        if (dtype != null) {
            b.dtype(switch (dtype.toLowerCase(Locale.ROOT)) {
                case "float32", "f32" -> DType.FLOAT32;
                case "float64", "f64" -> DType.FLOAT64;
                default -> throw new IllegalArgumentException("--dtype must be float32 or float64, not '" + dtype + "'");
            });
        }
        metrics.forEach(b::metrics);
        ImportSummary s = b.build().run(source, target);
        System.out.print(s.describe());
        return 0;
    }

    static Importer.Format parseFormat(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "auto" -> Importer.Format.AUTO;
            case "npz" -> Importer.Format.NPZ;
            case "npy" -> Importer.Format.NPY;
            case "safetensors" -> Importer.Format.SAFETENSORS;
            case "hf", "huggingface", "hf_trainer" -> Importer.Format.HF_TRAINER;
            case "torch", "pytorch", "pt" -> Importer.Format.TORCH;
            default -> throw new IllegalArgumentException("--format must be auto, npz, npy, safetensors, hf or torch, not '"
                    + s + "'");
        };
    }

    static NonFinitePolicy parsePolicy(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "reject" -> NonFinitePolicy.REJECT;
            case "allow", "allow_and_report", "report" -> NonFinitePolicy.ALLOW_AND_REPORT;
            default -> throw new IllegalArgumentException("--nonfinite must be reject or allow, not '" + s + "'");
        };
    }
}
