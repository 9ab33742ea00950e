package org.trainingdynamics.study;

import java.nio.file.Path;
import java.util.List;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * What {@link StudyBundle#verify} found: one {@link Outcome} per archived file (integrity), per data set, per
 * re-generated table and for the re-run itself and its PASS/FAIL counts.
 *
 * @param archive        the archive checked
 * @param manifest       its manifest
 * @param manifestSha256 SHA-256 of its {@code manifest.json} (compare with the one quoted by whoever made it)
 * @param integrityOnly  whether the re-run was skipped on request
 * @param outcomes       every check, in order
 * @param workDir        the kept work folder (extracted bundle, re-run results, {@code rerun.log}), or null when deleted
 */
public record VerifyReport(Path archive, BundleManifest manifest, String manifestSha256, boolean integrityOnly,
                           List<Outcome> outcomes, Path workDir) {
    /** The verdict of one check. WARN and SKIP do not fail a verification. */
    public enum Result { PASS, FAIL, WARN, SKIP }

    /**
     * One check.
     *
     * @param kind   {@code file}, {@code data}, {@code notebook}, {@code commit}, {@code rerun}, {@code checks} or {@code table}
     * @param item   what was checked (archive path, data set name, table file)
     * @param result the verdict
     * @param detail a readable line: why it failed, or what matched
     */
    public record Outcome(String kind, String item, Result result, String detail) {
    }

    /** Defensive copy. */
    public VerifyReport {
        outcomes = List.copyOf(outcomes);
    }

    /** True when no check failed. */
    public boolean ok() {
        return outcomes.stream().noneMatch(o -> o.result() == Result.FAIL);
    }

    /** The failed checks. */
    public List<Outcome> failures() {
        return outcomes.stream().filter(o -> o.result() == Result.FAIL).toList();
    }

    /** How many checks had the given verdict. */
    public long count(Result r) {
        return outcomes.stream().filter(o -> o.result() == r).count();
    }

    /** The outcomes of one kind. */
    public List<Outcome> of(String kind) {
        return outcomes.stream().filter(o -> o.kind().equals(kind)).toList();
    }

    /** One row per check: kind, item, result, detail. */
    public Table toTable() {
        Table t = Table.create("verify " + archive.getFileName(), StringColumn.create("kind"), StringColumn.create("item"),
                StringColumn.create("result"), StringColumn.create("detail"));
        for (Outcome o : outcomes) {
            t.stringColumn(0).append(o.kind());
            t.stringColumn(1).append(o.item());
            t.stringColumn(2).append(o.result().name());
            t.stringColumn(3).append(o.detail());
        }
        return t;
    }

    /** One line: verdict and counts. */
    public String summary() {
        return (ok() ? "VERIFIED" : "NOT VERIFIED") + ": " + manifest.study() + " (" + manifest.profile() + "), "
                + count(Result.PASS) + " passed, " + count(Result.FAIL) + " failed, " + count(Result.WARN) + " warnings, "
                + count(Result.SKIP) + " skipped" + (integrityOnly ? " (integrity only, no re-run)" : "");
    }
}
