package io.qvit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qvit.testsupport.MetricFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qvit metrics} on score files written by numpy, checked against scikit-learn. */
class MetricsCommandTest {
    @Test
    void printsTheFourMetricsAsJson() throws IOException {
        // cli_id.npy (np.save) and cli_ood.txt (np.savetxt) hold the tied_saturated case's scores
        CliRun run = CliRun.of("metrics", "--id", MetricFixtures.DIR.resolve("cli_id.npy").toString(),
                "--ood", MetricFixtures.DIR.resolve("cli_ood.txt").toString());
        assertEquals(0, run.exit(), run.toString());
        JsonNode printed = new ObjectMapper().readTree(run.out());
        List<String> keys = new ArrayList<>();
        printed.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("auroc", "aupr_in", "aupr_out", "fpr95"), keys, run.toString());
        JsonNode expected = null;
        for (JsonNode c : MetricFixtures.cases("ood_cases.json")) if (c.get("name").asText().equals("tied_saturated")) expected = c;
        for (String key : keys)
            assertEquals(expected.get(key).asDouble(), printed.get(key).asDouble(), MetricFixtures.TOLERANCE, key);
        assertEquals(1, run.out().strip().lines().count(), "one line of JSON: " + run);
    }

    @Test
    void badInputIsAnErrorNamingTheFileOrOption(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.txt"), words = dir.resolve("words.txt"), empty = dir.resolve("empty.txt");
        Files.writeString(good, "0.9\n0.8\n");
        Files.writeString(words, "0.1\nfoo\n");
        Files.writeString(empty, "\n\n");

        CliRun missing = CliRun.of("metrics", "--id", good.toString());
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("missing --ood"), missing.toString());

        CliRun bad = CliRun.of("metrics", "--id", good.toString(), "--ood", words.toString());
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains(words.toString()) && bad.err().contains("line 2"), bad.toString());

        CliRun none = CliRun.of("metrics", "--id", empty.toString(), "--ood", good.toString());
        assertEquals(2, none.exit(), none.toString());
        assertTrue(none.err().contains(empty.toString()) && none.err().contains("--id") && none.err().contains("no scores"),
                none.toString());

        CliRun absent = CliRun.of("metrics", "--id", good.toString(), "--ood", dir.resolve("nope.npy").toString());
        assertEquals(2, absent.exit(), absent.toString());
        assertTrue(absent.err().contains("nope.npy"), absent.toString());

        CliRun help = CliRun.of("metrics", "--help");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().contains("qvit metrics") && help.out().contains("--ood"), help.toString());
    }
}
