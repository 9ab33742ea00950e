package org.trainingdynamics.trajectory.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What an import did.
 *
 * @param source       the source file or folder
 * @param target       the native store written
 * @param format       the source kind (detected or given)
 * @param checkpoints  checkpoints imported
 * @param tensors      tensors per checkpoint
 * @param parameters   scalar parameters per checkpoint
 * @param bytesRead    bytes of checkpoint files read
 * @param bytesWritten bytes of tensor data written to the store
 * @param metricRows   rows of the merged metrics table (0 when no logs)
 * @param nonFinite    NaN/Inf count per tensor (only under {@code ALLOW_AND_REPORT}; empty when none)
 * @param skipped      tensors left out, each with the reason (non-float buffers, excluded by glob)
 */
public record ImportSummary(Path source, Path target, Importer.Format format, int checkpoints, int tensors,
                            long parameters, long bytesRead, long bytesWritten, int metricRows,
                            Map<String, Long> nonFinite, List<String> skipped) {

    public ImportSummary {
        nonFinite = Map.copyOf(nonFinite);
        skipped = List.copyOf(skipped);
    }

    /** A short human-readable report (what the CLI prints). */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("imported ").append(source).append(" (").append(format.name().toLowerCase(java.util.Locale.ROOT))
                .append(") -> ").append(target).append('\n');
        sb.append(String.format("  tensors:     %d%n", tensors));
        sb.append(String.format("  parameters:  %,d per checkpoint%n", parameters));
        sb.append(String.format("  checkpoints: %d%n", checkpoints));
        sb.append(String.format("  bytes:       %,d read, %,d written%n", bytesRead, bytesWritten));
        sb.append(String.format("  metrics:     %d rows%n", metricRows));
        if (!skipped.isEmpty()) {
            sb.append("  skipped:     ").append(String.join("; ", skipped)).append('\n');
        }
        if (!nonFinite.isEmpty()) {
            sb.append("  NaN/Inf kept: ").append(nonFinite).append('\n');
        }
        return sb.toString();
    }
}
