package io.qvit.hub;

import io.qvit.QvitException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where and how {@link HubClient} talks to the Hub.
 *
 * @param cacheDir root of the download cache (see {@link HubCache} for its layout)
 * @param endpoint the Hub's base URL, {@code https://huggingface.co} unless mirrored
 * @param token    access token sent as {@code Authorization: Bearer}, for private or gated repositories
 * @param offline  never touch the network; serve only from the cache
 * @param timeout  limit on connecting, on waiting for response headers, and on a download making no progress
 */
public record HubSettings(Path cacheDir, URI endpoint, Optional<String> token, boolean offline, Duration timeout) {
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Reads {@code QVIT_CACHE} (or the {@code qvit.cache} system property; default {@code ~/.cache/qvit}),
     * {@code HF_ENDPOINT}, {@code HF_TOKEN}, and {@code HF_HUB_OFFLINE=1} or {@code QVIT_OFFLINE=1}:
     * the Hugging Face names, so a shell already set up for huggingface_hub works unchanged.
     */
    public static HubSettings fromEnvironment() {
        return from(System.getenv(), System.getProperties());
    }

    static HubSettings from(Map<String, String> env, Properties props) {
        String cache = nonBlank(env.get("QVIT_CACHE"));
        if (cache == null) cache = nonBlank(props.getProperty("qvit.cache"));
        Path cacheDir = cache != null
                ? Path.of(cache)
                : Path.of(props.getProperty("user.home"), ".cache", "qvit");
        String endpoint = nonBlank(env.get("HF_ENDPOINT"));
        boolean offline = isOn(env.get("HF_HUB_OFFLINE")) || isOn(env.get("QVIT_OFFLINE"));
        return new HubSettings(cacheDir.toAbsolutePath(),
                endpoint != null ? parseEndpoint(endpoint) : DEFAULT_ENDPOINT,
                Optional.ofNullable(nonBlank(env.get("HF_TOKEN"))), offline, DEFAULT_TIMEOUT);
    }

    private static URI parseEndpoint(String value) {
        try {
            URI uri = new URI(value.replaceAll("/+$", ""));
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) return uri;
        } catch (URISyntaxException e) {
            // reported below with the expected form
        }
        throw new QvitException("HF_ENDPOINT '" + value + "' is not an http(s) URL; set it like https://huggingface.co"
                + " or unset it");
    }

    // huggingface_hub treats 1/true/yes/on as set; accept the same spellings.
    private static boolean isOn(String value) {
        return value != null && switch (value.trim().toLowerCase()) {
            case "1", "true", "yes", "on" -> true;
            default -> false;
        };
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
