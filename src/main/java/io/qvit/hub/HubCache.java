package io.qvit.hub;

import io.qvit.files.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The on-disk cache of Hub downloads. Layout under the cache folder ({@code ~/.cache/qvit} unless
 * {@code QVIT_CACHE} or {@code -Dqvit.cache} says otherwise), modelled on huggingface_hub's:
 *
 * <pre>
 * hub/
 *   timm--vit_tiny_patch16_224.augreg_in21k_ft_in1k/    owner--name (the Hub forbids "--" in names)
 *     refs/main                  text: the commit "main" pointed to at the last complete download
 *     snapshots/&lt;commit&gt;/
 *       model.safetensors        verified; only ever moved here, atomically, from the .part file
 *       config.json
 *       model.safetensors.part   an interrupted download, resumed by the next run
 *       model.safetensors.lock   locked while some process downloads model.safetensors
 * </pre>
 *
 * A file under {@code snapshots/} is complete and verified by construction; a ref is written only once
 * every file of its snapshot is. So offline lookup is: read the ref (or take a commit hash as is) and
 * check that the snapshot's files exist. To fill a cache by hand, copy both files into
 * {@code snapshots/<commit>/} and write the commit into {@code refs/main}.
 */
final class HubCache {
    static final String WEIGHTS = "model.safetensors";
    static final String CONFIG = "config.json";

    private final Path root;

    HubCache(Path cacheDir) {
        this.root = cacheDir.resolve("hub");
    }

    Path root() {
        return root;
    }

    Path repoDir(String repoId) {
        return root.resolve(repoId.replace("/", "--"));
    }

    Path snapshotDir(String repoId, String commit) {
        return repoDir(repoId).resolve("snapshots").resolve(commit);
    }

    /** The complete cached snapshot the spec names, if there is one. */
    Optional<ResolvedModel> find(HubModelSpec spec) {
        return commitFor(spec).flatMap(commit -> {
            Path dir = snapshotDir(spec.repoId(), commit);
            Path weights = dir.resolve(WEIGHTS);
            Path config = dir.resolve(CONFIG);
            return Files.isRegularFile(weights) && Files.isRegularFile(config)
                    ? Optional.of(new ResolvedModel(weights, config, spec.repoId(), commit))
                    : Optional.empty();
        });
    }

    /** Records that the spec's revision now means {@code commit}; call once its snapshot is complete. */
    void recordRef(HubModelSpec spec, String commit) throws IOException {
        if (spec.pinned()) return;
        Path ref = refFile(spec);
        // atomic, so a reader never sees a half-written commit hash
        AtomicFile.write(ref, out -> out.write(commit.getBytes(StandardCharsets.US_ASCII)));
    }

    private Optional<String> commitFor(HubModelSpec spec) {
        if (spec.pinned()) return Optional.of(spec.revision());
        Path ref = refFile(spec);
        try {
            String commit = Files.readString(ref, StandardCharsets.US_ASCII).trim();
            return commit.matches("[0-9a-f]{40}") ? Optional.of(commit) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Path refFile(HubModelSpec spec) {
        return repoDir(spec.repoId()).resolve("refs").resolve(spec.revision());
    }
}
