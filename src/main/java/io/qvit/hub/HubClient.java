package io.qvit.hub;

import io.qvit.QvitException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves {@code hf:} model specs to verified local files, downloading {@code model.safetensors}
 * and {@code config.json} from the Hugging Face Hub into the cache described in {@link HubCache}.
 *
 * <p>Online, each resolve asks the Hub (two HEAD requests) which commit the revision means and
 * downloads only files that commit's snapshot lacks. A spec pinned to a commit hash that is already
 * cached makes no request at all. Offline ({@code HF_HUB_OFFLINE=1} or {@code QVIT_OFFLINE=1}), or when
 * the Hub cannot be reached, the last complete download of the revision is used.
 */
public final class HubClient {
    private final HubSettings settings;
    private final HubCache cache;
    private final HubHttp http;
    private final FileDownloader downloader;

    public HubClient(HubSettings settings) {
        this.settings = settings;
        this.cache = new HubCache(settings.cacheDir());
        this.http = new HubHttp(settings);
        this.downloader = new FileDownloader(http, settings.timeout());
    }

    /** A client configured by the environment; see {@link HubSettings#fromEnvironment()}. */
    public static HubClient fromEnvironment() {
        return new HubClient(HubSettings.fromEnvironment());
    }

    public ResolvedModel resolve(HubModelSpec spec, DownloadProgress progress) {
        Optional<ResolvedModel> cached = cache.find(spec);
        if (settings.offline()) {
            return cached.orElseThrow(() -> notCached(spec, "offline mode is on (HF_HUB_OFFLINE or QVIT_OFFLINE)"));
        }
        if (spec.pinned() && cached.isPresent()) return cached.get();

        RemoteFile weights;
        RemoteFile config;
        try {
            weights = http.head(spec, spec.revision(), HubCache.WEIGHTS);
            config = http.head(spec, weights.commit(), HubCache.CONFIG); // same commit, even if main moves meanwhile
        } catch (IOException e) {
            return cached.orElseThrow(() -> notCached(spec, "the Hub at " + settings.endpoint()
                    + " cannot be reached or is failing (" + describe(e) + ")"));
        }
        Path dir = cache.snapshotDir(spec.repoId(), weights.commit());
        downloader.fetch(spec, weights, dir.resolve(HubCache.WEIGHTS), progress);
        downloader.fetch(spec, config, dir.resolve(HubCache.CONFIG), progress);
        try {
            cache.recordRef(spec, weights.commit());
        } catch (IOException e) {
            throw new QvitException("cannot record the revision of " + spec + " in " + cache.repoDir(spec.repoId())
                    + ": " + describe(e) + "; check that the cache folder is writable", e);
        }
        return new ResolvedModel(dir.resolve(HubCache.WEIGHTS), dir.resolve(HubCache.CONFIG), spec.repoId(),
                weights.commit());
    }

    private QvitException notCached(HubModelSpec spec, String why) {
        return new QvitException(spec + " is not in the cache " + cache.root() + " and " + why + ". Run once with"
                + " network access (unset HF_HUB_OFFLINE/QVIT_OFFLINE), or copy model.safetensors and config.json"
                + " into " + cache.snapshotDir(spec.repoId(), "<commit>") + " and write the commit hash into "
                + cache.repoDir(spec.repoId()).resolve("refs").resolve(spec.revision()));
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
