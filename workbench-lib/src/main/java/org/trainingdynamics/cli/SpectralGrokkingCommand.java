package org.trainingdynamics.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.factory.Nd4j;
import org.trainingdynamics.spectral.GrokkingCriteria;
import org.trainingdynamics.spectral.ModelEvaluator;
import org.trainingdynamics.spectral.SpectralConfig;
import org.trainingdynamics.spectral.SpectralDynamics;
import org.trainingdynamics.spectral.SpectralResult;
import org.trainingdynamics.train.GrokkingMlpSetup;
import org.trainingdynamics.train.Mlp;
import org.trainingdynamics.train.Model;
import org.trainingdynamics.train.Parameter;
import org.trainingdynamics.train.Setups;
import org.trainingdynamics.train.data.ModularArithmetic;
import org.trainingdynamics.trajectory.Trajectories;
import org.trainingdynamics.trajectory.Trajectory;
import org.trainingdynamics.viz.Figures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tech.tablesaw.api.Table;

/**
 * {@code workbench spectral-grokking --wd RUN… --control RUN… --out DIR}: Yunis et al. 2024's grokking claims
 * in the research note's CPU-scale form (criteria 1–6, {@link GrokkingCriteria}) on {@code grokking-mlp} runs
 * recorded by {@code workbench train}; the pruning probe re-evaluates each run's model (rebuilt from the run's
 * recorded configuration and seed) through the trainer's evaluation.
 */
@Command(name = "spectral-grokking", mixinStandardHelpOptions = true,
        description = "Grokking claims of the spectral-dynamics paper (rank drop, SVA, pruning, alignment) on grokking-mlp runs.")
public final class SpectralGrokkingCommand implements Callable<Integer> {

    @Option(names = "--wd", required = true, arity = "1..*", description = "runs with weight decay (grokking-mlp trajectories)")
    List<Path> wd = new ArrayList<>();

    @Option(names = "--control", required = true, arity = "1..*", description = "weight-decay-free control runs")
    List<Path> control = new ArrayList<>();

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--no-pruning", description = "skip the pruning probe (criterion 5)")
    boolean noPruning;

    @Override
    public Integer call() throws Exception {
        GrokkingCriteria.Thresholds th = GrokkingCriteria.Thresholds.defaults();
        SpectralConfig cfg = SpectralConfig.builder().esd(false).build();
        List<GrokkingCriteria.RunMeasures> wdM = new ArrayList<>();
        List<GrokkingCriteria.RunMeasures> ctlM = new ArrayList<>();
        Files.createDirectories(out);
        XYChart rank = Figures.xy("Effective rank of embed.weight", "step", "normalised effective rank");
        XYChart sva = Figures.xy("Top-10 SVA score of embed.weight vs final checkpoint", "step", "sva_score");
        for (List<Path> group : List.of(wd, control)) {
            for (Path dir : group) {
                Trajectory run = Trajectories.open(dir);
                SpectralResult r = SpectralDynamics.run(run, cfg);
                String name = (group == wd ? "wd" : "ctl") + "/" + dir.getFileName();
                if (rank.getSeriesMap().containsKey(name)) {
                    name = name + "#" + (wdM.size() + ctlM.size());
                }
                GrokkingCriteria.RunMeasures m = GrokkingCriteria.measure(name, run, r, r.layers(),
                        noPruning ? null : trainerEvaluator(run), th);
                (group == wd ? wdM : ctlM).add(m);
                double[] steps = java.util.Arrays.stream(r.steps()).asDoubleStream().toArray();
                rank.addSeries(name, steps, r.metric("embed.weight", "effective_rank"));
                sva.addSeries(name, steps, r.metric("embed.weight", "sva_score"));
                System.out.printf("%s: memorised %d, grokked %d, final val err %.3f%n", name, m.memorisedStep(),
                        m.grokkedStep(), m.finalValError());
            }
        }
        Table verdict = GrokkingCriteria.verdict(wdM, ctlM, th);
        List<GrokkingCriteria.RunMeasures> all = new ArrayList<>(wdM);
        all.addAll(ctlM);
        GrokkingCriteria.runTable(all).write().csv(out.resolve("runs.csv").toFile());
        verdict.write().csv(out.resolve("criteria.csv").toFile());
        Figures.save(rank, out.resolve("effective_rank_embed"));
        Figures.save(sva, out.resolve("sva_embed"));
        for (int i = 0; i < verdict.rowCount(); i++) {
            System.out.printf("%s %s%n  expected: %s%n  measured: %s%n", verdict.booleanColumn("pass").get(i) ? "PASS" : "FAIL",
                    verdict.stringColumn("criterion").get(i), verdict.stringColumn("expected").get(i),
                    verdict.stringColumn("measured").get(i));
        }
        return 0;
    }

    /**
     * The pruning probe's evaluator for a {@code grokking-mlp} run recorded by the trainer: the model and the
     * train/test split are rebuilt from the run's recorded configuration and seed, the given parameters are
     * loaded into it, and the trainer's full-set evaluation returns {@code train_error}, {@code val_error},
     * {@code train_loss}, {@code val_loss}. (Also used by notebook 03.)
     */
    public static ModelEvaluator trainerEvaluator(Trajectory run) {
        Map<String, Object> meta = run.metadata();
        if (!"grokking-mlp".equals(meta.get("setup")) || !(meta.get("config") instanceof Map<?, ?> c)) {
            throw new IllegalArgumentException("pruning needs a grokking-mlp run recorded by 'workbench train' (setup "
                    + meta.get("setup") + "); use --no-pruning");
        }
        long seed = ((Number) meta.get("seed")).longValue();
        GrokkingMlpSetup setup = Setups.grokkingMlp().p(((Number) c.get("p")).intValue())
                .trainFraction(((Number) c.get("train_fraction")).doubleValue())
                .width(((Number) c.get("width")).intValue()).build();
        Mlp model = setup.model(seed);
        ModularArithmetic.Split split = setup.data(seed);
        return params -> {
            for (Parameter p : model.parameters()) {
                double[] v = params.get(p.name());
                if (v == null || v.length != p.value().length()) {
                    throw new IllegalArgumentException("parameter '" + p.name() + "' missing or of the wrong size");
                }
                p.value().assign(Nd4j.createFromArray(v).castTo(p.value().dataType()).reshape(p.value().shape()));
            }
            Model.BatchStats tr = model.evaluate(split.train());
            Model.BatchStats te = model.evaluate(split.test());
            Map<String, Double> res = new LinkedHashMap<>();
            res.put("train_error", 1 - tr.accuracy());
            res.put("val_error", 1 - te.accuracy());
            res.put("train_loss", tr.loss());
            res.put("val_loss", te.loss());
            return res;
        };
    }
}
