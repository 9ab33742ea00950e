package org.trainingdynamics.trajectory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code trajectory.json} manifest of the native store: format version, tensors (name, shape, dtype,
 * file), the committed checkpoint count with steps and epochs, and run metadata. The manifest is the
 * commit record: only the first {@code checkpoints} rows of each tensor file are part of the trajectory.
 *
 * @param checkpoints committed checkpoint count
 * @param steps       step of each checkpoint
 * @param epochs      epoch of each checkpoint
 * @param tensors     tensor specs in storage order
 * @param files       file (relative to the run folder) of each tensor, parallel to {@code tensors}
 * @param metadata    free-form run metadata
 */
record Manifest(int checkpoints, long[] steps, double[] epochs, List<TensorSpec> tensors, List<String> files,
                Map<String, Object> metadata) {

    static final String FILE = "trajectory.json";
    static final String FORMAT = "workbench-trajectory";
    static final int VERSION = 1;
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("checkpoints", checkpoints);
        ArrayNode st = root.putArray("steps");
        for (int i = 0; i < checkpoints; i++) {
            st.add(steps[i]);
        }
        ArrayNode ep = root.putArray("epochs");
        for (int i = 0; i < checkpoints; i++) {
            if (Double.isNaN(epochs[i])) {
                ep.addNull();
            } else {
                ep.add(epochs[i]);
            }
        }
        ArrayNode ts = root.putArray("tensors");
        for (int i = 0; i < tensors.size(); i++) {
            TensorSpec s = tensors.get(i);
            ObjectNode o = ts.addObject();
            o.put("name", s.name());
            ArrayNode sh = o.putArray("shape");
            for (long d : s.shape()) {
                sh.add(d);
            }
            o.put("dtype", s.dtype().manifestName());
            o.put("file", files.get(i));
        }
        root.set("metadata", JSON.valueToTree(metadata));
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata is not JSON-serialisable: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Manifest read(Path dir) {
        Path file = dir.resolve(FILE);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new TrajectoryFormatException(dir, "not a trajectory folder: no " + FILE);
        } catch (IOException e) {
            throw new TrajectoryFormatException(file, "unreadable manifest: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new TrajectoryFormatException(file, "not a workbench trajectory manifest (format must be '" + FORMAT + "')");
        }
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new TrajectoryFormatException(file, "unsupported manifest version " + version + " (this build reads "
                    + VERSION + ")");
        }
        int t = root.path("checkpoints").asInt(-1);
        JsonNode st = root.path("steps");
        JsonNode ep = root.path("epochs");
        if (t < 0 || !st.isArray() || st.size() != t || !ep.isArray() || ep.size() != t) {
            throw new TrajectoryFormatException(file, "manifest checkpoints/steps/epochs are missing or disagree");
        }
        long[] steps = new long[t];
        double[] epochs = new double[t];
        for (int i = 0; i < t; i++) {
            steps[i] = st.get(i).asLong();
            epochs[i] = ep.get(i).isNull() ? Double.NaN : ep.get(i).asDouble();
        }
        List<TensorSpec> specs = new ArrayList<>();
        List<String> files = new ArrayList<>();
        for (JsonNode o : root.path("tensors")) {
            String name = o.path("name").asText("");
            JsonNode sh = o.path("shape");
            if (name.isEmpty() || !sh.isArray()) {
                throw new TrajectoryFormatException(file, "tensor entry without name or shape: " + o);
            }
            long[] shape = new long[sh.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = sh.get(i).asLong();
            }
            DType dtype;
            try {
                dtype = DType.fromManifestName(o.path("dtype").asText());
            } catch (IllegalArgumentException e) {
                throw new TrajectoryFormatException(file, name, e.getMessage());
            }
            String f = o.path("file").asText("");
            if (f.isEmpty() || f.contains("..") || f.startsWith("/") || f.contains("\\") || f.contains(":")) {
                throw new TrajectoryFormatException(file, name, "bad file entry '" + f + "'");
            }
            specs.add(new TensorSpec(name, shape, dtype));
            files.add(f);
        }
        Map<String, Object> meta = root.has("metadata") ? JSON.convertValue(root.get("metadata"), LinkedHashMap.class)
                : new LinkedHashMap<>();
        return new Manifest(t, steps, epochs, specs, files, meta);
    }

    /** A file name for a tensor: safe characters only, unique among {@code taken}. */
    static String fileFor(String tensor, java.util.Set<String> taken) {
        String base = "params/" + tensor.replaceAll("[^A-Za-z0-9._-]", "_");
        String f = base + ".npy";
        for (int i = 2; taken.contains(f); i++) {
            f = base + "~" + i + ".npy";
        }
        taken.add(f);
        return f;
    }
}
