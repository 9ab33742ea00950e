package org.trainingdynamics.hmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline at a reduced size (research note §5): a hand-coded sparse-parity trainer (n=40, k=3, official
 * optimiser settings, width 64 instead of 1000, 100 epochs instead of 300, 6 seeds instead of 40) -> 14 metrics ->
 * HMM selection -> states -> map -> detours. At this size the replication criteria are reported, not asserted; the
 * invariants of every stage are.
 */
class SparseParityStudyTest {

    @Test
    void pipelineRunsEndToEndOnReducedSparseParity() {
        List<TrainingHmmStudy.Run> runs = SparseParityReplication.runs(64, 100, 6, null);
        assertThat(runs).hasSize(6);
        for (TrainingHmmStudy.Run r : runs) {
            assertThat(r.features().values()).hasNumberOfRows(10);
            assertThat(r.features().values()[0]).hasSize(14);
            // hidden-layer l2 norm changes during training
            assertThat(r.features().values()[9][1]).isNotEqualTo(r.features().values()[0][1]);
        }
        TrainingHmmStudy.Config cfg = TrainingHmmStudy.Config.defaults().withSelection(1, 3, 2).withStates(3);
        TrainingHmmStudy.Result res = TrainingHmmStudy.of(cfg).run(runs);
        System.out.println(res.selection().toTable().print());
        System.out.println(res.detours().toTable().print());
        System.out.println(res.criteriaTable().printAll());
        assertThat(res.states()).isEqualTo(3);
        assertThat(res.paths()).hasSize(6);
        assertThat(res.paths().get(0)).hasSize(10);
        assertThat(res.convergenceTimes()).hasSize(6);
        assertThat(java.util.Arrays.stream(res.convergenceTimes()).allMatch(c -> c >= 0 && c <= 10)).isTrue();
        assertThat(res.detours().rows()).hasSize(3);
        for (DetourAnalysis.Row row : res.detours().rows()) {
            assertThat(row.obligatory() || Double.isNaN(row.rho()) || (row.p() >= 0 && row.p() <= 1)).isTrue();
        }
        assertThat(res.criteria()).hasSize(5);
        assertThat(res.criteria().get(4).passed()).isNull();
        int starts = 0;
        for (int s : res.map().startCounts()) {
            starts += s;
        }
        assertThat(starts).isEqualTo(6);
        assertThat(res.map().graph().vertexSet()).hasSize(3);
        BadInputTest.assertFinite(res.model());
    }
}
