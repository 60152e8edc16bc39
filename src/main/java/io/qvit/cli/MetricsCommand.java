package io.qvit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qvit.QvitException;
import io.qvit.files.ScoreFile;
import io.qvit.metrics.OodMetrics;
import io.qvit.metrics.OodResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code qvit metrics}: OOD-detection metrics of two score files (ID and OOD; higher score = more
 * in-distribution), printed as one JSON object with the keys auroc, aupr_in, aupr_out and fpr95.
 */
final class MetricsCommand implements Command {
    @Override
    public String name() {
        return "metrics";
    }

    @Override
    public String summary() {
        return "AUROC, AUPR-In, AUPR-Out and FPR@95 (OpenOOD conventions) of ID and OOD score files, as JSON";
    }

    @Override
    public String usage() {
        return "--id FILE --ood FILE";
    }

    @Override
    public Options options() {
        Options o = new Options();
        String files = "a .npy file (1-D, or one column) or text with one number per line; higher = more in-distribution";
        o.addOption(Option.builder().longOpt("id").hasArg().argName("FILE").required()
                .desc("scores of the in-distribution samples: " + files).build());
        o.addOption(Option.builder().longOpt("ood").hasArg().argName("FILE").required()
                .desc("scores of the out-of-distribution samples, in the same form").build());
        return o;
    }

    @Override
    public int run(CommandLine line) throws Exception {
        if (!line.getArgList().isEmpty()) throw new ParseException("unexpected arguments " + line.getArgList() + "; give --id and --ood");
        Path idFile = CliOptions.existingFile(line, "id"), oodFile = CliOptions.existingFile(line, "ood");
        double[] id = scores(idFile, "id"), ood = scores(oodFile, "ood");
        OodResult r = OodMetrics.compute(id, ood);
        Map<String, Double> json = new LinkedHashMap<>();
        json.put("auroc", r.auroc());
        json.put("aupr_in", r.auprIn());
        json.put("aupr_out", r.auprOut());
        json.put("fpr95", r.fpr95());
        System.out.println(new ObjectMapper().writeValueAsString(json));
        return Main.OK;
    }

    private static double[] scores(Path file, String option) {
        double[] scores = CliOptions.named(option, () -> ScoreFile.read(file));
        if (scores.length == 0) throw new QvitException(file + " (--" + option + "): no scores in it");
        return scores;
    }
}
