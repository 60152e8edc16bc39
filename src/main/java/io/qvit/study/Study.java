package io.qvit.study;

import io.qvit.backend.Backend;
import java.nio.file.Path;
import java.util.List;

/**
 * A whole study: runs the network where outputs are missing ({@link StudyRunner}), measures every
 * cell from the cached outputs ({@link StudyEvaluator}), and rewrites {@code results.jsonl},
 * {@code report.md} and the figures from them. Running it again after a kill, or with more scores,
 * reuses every cached output.
 */
public final class Study {
    private Study() {}

    /** Returns the measured cells. */
    public static List<CellResult> run(StudyPlan plan, Backend cpu, StudyProgress progress) {
        List<StudyModel> models = new StudyRunner(plan, cpu, progress).run();
        List<CellResult> cells = new StudyEvaluator(plan).evaluate(models);
        List<Delta> deltas = Delta.of(cells);
        Path out = plan.out();
        ResultsFile.write(out.resolve(ResultsFile.NAME), cells);
        List<String> figures = StudyFigures.write(out, cells, deltas);
        ReportWriter.write(out.resolve(ReportWriter.NAME), plan, cells, deltas, figures);
        progress.note("study: wrote " + out.resolve(ResultsFile.NAME) + ", " + out.resolve(ReportWriter.NAME) + " and "
                + 2 * figures.size() + " figure files in " + out.resolve(StudyFigures.DIR));
        return cells;
    }
}
