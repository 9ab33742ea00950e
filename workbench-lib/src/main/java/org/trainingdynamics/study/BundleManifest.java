package org.trainingdynamics.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code manifest.json} at the top of a study bundle ({@link StudyBundle}): what study it holds, in which
 * profile and at which git commit it ran, when the bundle was made, the SHA-256 and size of every other file in
 * the archive, and the data sets the study used, each embedded (its files are under {@code data/<name>/}) or
 * referenced by name and content hash ({@link ContentHash}).
 *
 * @param study          the study name (also the notebook's name, {@code notebooks/<study>.ipynb})
 * @param profile        scale profile it ran in ({@code smoke} or {@code paper})
 * @param gitCommit      commit of the checkout that ran it (may be null)
 * @param gitDirty       whether that checkout had uncommitted changes (may be null)
 * @param created        ISO-8601 instant the bundle was written
 * @param notebookSha256 SHA-256 of the unexecuted notebook that ran (may be null for a study run outside Jupyter)
 * @param checksPassed   PASS count of the study's checks (null when it recorded none)
 * @param checksFailed   FAIL count
 * @param status         the run's status from the reproduce runner ({@code ok}, {@code fail}, {@code error}; may be null)
 * @param files          every file of the archive except the manifest
 * @param data           the data sets the study used
 */
public record BundleManifest(String study, String profile, String gitCommit, Boolean gitDirty, String created,
                             String notebookSha256, Integer checksPassed, Integer checksFailed, String status,
                             List<FileEntry> files, List<DataEntry> data) {
    /** Format tag written to and required in every manifest. */
    public static final String FORMAT = "workbench-bundle/1";
    /** Name of the manifest entry in the archive. */
    public static final String NAME = "manifest.json";

    /** One archived file: its path in the archive, SHA-256 and size. */
    public record FileEntry(String path, String sha256, long bytes) {
    }

    /**
     * One data set the study used: {@code embedded} when its files are in the archive under {@code data/<name>},
     * else a reference that {@code verify} resolves in a local data folder and checks by {@code sha256}.
     */
    public record DataEntry(String name, String path, String sha256, long bytes, int files, boolean embedded) {
    }

    /** Defensive copies. */
    public BundleManifest {
        files = List.copyOf(files);
        data = List.copyOf(data);
    }

    /** Pretty-printed JSON. */
    public String toJson() {
        ObjectMapper om = new ObjectMapper();
        ObjectNode o = om.createObjectNode();
        o.put("format", FORMAT);
        o.put("study", study);
        o.put("profile", profile);
        o.put("git_commit", gitCommit);
        if (gitDirty == null) {
            o.putNull("git_dirty");
        } else {
            o.put("git_dirty", gitDirty);
        }
        o.put("created", created);
        o.put("notebook_sha256", notebookSha256);
        ObjectNode checks = o.putObject("checks");
        checks.put("passed", checksPassed);
        checks.put("failed", checksFailed);
        o.put("status", status);
        ArrayNode ds = o.putArray("data");
        for (DataEntry d : data) {
            ObjectNode n = ds.addObject();
            n.put("name", d.name());
            n.put("path", d.path());
            n.put("sha256", d.sha256());
            n.put("bytes", d.bytes());
            n.put("files", d.files());
            n.put("embedded", d.embedded());
        }
        ArrayNode fs = o.putArray("files");
        for (FileEntry f : files) {
            fs.addObject().put("path", f.path()).put("sha256", f.sha256()).put("bytes", f.bytes());
        }
        try {
            return om.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a manifest; {@code where} names the archive in error messages. */
    public static BundleManifest parse(byte[] json, String where) {
        JsonNode o;
        try {
            o = new ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(where + ": manifest.json is not valid JSON: " + e.getMessage());
        }
        if (o == null || !o.isObject() || !FORMAT.equals(text(o, "format"))) {
            throw new IllegalArgumentException(where + ": manifest.json is not a " + FORMAT + " manifest (format "
                    + (o == null ? null : text(o, "format")) + ")");
        }
        List<FileEntry> files = new ArrayList<>();
        for (JsonNode f : array(o, "files", where)) {
            files.add(new FileEntry(required(f, "path", where), required(f, "sha256", where), f.path("bytes").asLong(-1)));
        }
        List<DataEntry> data = new ArrayList<>();
        for (JsonNode d : array(o, "data", where)) {
            data.add(new DataEntry(DataSets.check(required(d, "name", where)), text(d, "path"), required(d, "sha256", where),
                    d.path("bytes").asLong(-1), d.path("files").asInt(-1), d.path("embedded").asBoolean(false)));
        }
        JsonNode checks = o.path("checks");
        return new BundleManifest(required(o, "study", where), required(o, "profile", where), text(o, "git_commit"),
                o.path("git_dirty").isBoolean() ? o.get("git_dirty").asBoolean() : null, text(o, "created"),
                text(o, "notebook_sha256"), checks.path("passed").isInt() ? checks.get("passed").asInt() : null,
                checks.path("failed").isInt() ? checks.get("failed").asInt() : null, text(o, "status"), files, data);
    }

    private static Iterable<JsonNode> array(JsonNode o, String field, String where) {
        JsonNode a = o.get(field);
        if (a == null || !a.isArray()) {
            throw new IllegalArgumentException(where + ": manifest.json has no '" + field + "' list");
        }
        return a;
    }

    private static String required(JsonNode o, String field, String where) {
        String v = text(o, field);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(where + ": manifest.json lacks '" + field + "'");
        }
        return v;
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
