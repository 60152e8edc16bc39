package io.qvit.study;

import io.qvit.backend.Backend;
import io.qvit.files.AtomicFile;
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

    /** Returns the measured cells. Holds the lock on the output folder ({@link OutputLock}) throughout. */
    public static List<CellResult> run(StudyPlan plan, Backend backend, StudyProgress progress) {
        Path out = plan.out();
        try (OutputLock lock = OutputLock.acquire(out, "qvit study --out " + out)) {
            int stale = AtomicFile.removeStaleUnder(out);
            if (stale > 0) progress.note("study: removed " + stale + " temporary files left by a killed run");
            List<StudyModel> models = new StudyRunner(plan, backend, progress).run();
            List<CellResult> cells = new StudyEvaluator(plan).evaluate(models);
            List<Delta> deltas = Delta.of(cells);
            ResultsFile.write(out.resolve(ResultsFile.NAME), cells);
            List<String> figures = StudyFigures.write(out, cells, deltas);
            ReportWriter.write(out.resolve(ReportWriter.NAME), plan, cells, deltas, figures);
            progress.note("study: wrote " + out.resolve(ResultsFile.NAME) + ", " + out.resolve(ReportWriter.NAME) + " and "
                    + 2 * figures.size() + " figure files in " + out.resolve(StudyFigures.DIR));
            return cells;
        }
    }
}
