package io.qvit.hub;

import io.qvit.QvitException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The Hub's HTTP protocol: a HEAD that describes a file, and a GET that fetches it. Redirects are
 * followed here rather than by HttpClient for two reasons: the HEAD must read the Hub's own
 * {@code 302} (its {@code X-Linked-*} headers vanish once the CDN answers), and the access token
 * must not travel to the CDN host the Hub redirects to.
 *
 * <p>{@link IOException} means the Hub could not be reached or failed (5xx, 429) and a cached copy may
 * serve instead; {@link QvitException} means it answered and said no.
 */
final class HubHttp {
    private static final int MAX_REDIRECTS = 5;
    private static final String USER_AGENT = "qvit/0.1 (java.net.http)";

    private final HubSettings settings;
    private final HttpClient client;

    HubHttp(HubSettings settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Describes {@code file} at {@code revision} (a branch, tag or commit) without downloading it. */
    RemoteFile head(HubModelSpec spec, String revision, String file) throws IOException {
        URI url = resolveUrl(spec.repoId(), revision, file);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<Void> response = send(request(url, "HEAD", -1), HttpResponse.BodyHandlers.discarding());
            HttpHeaders h = response.headers();
            int status = response.statusCode();
            // The Hub answers an LFS file with a 302 to its CDN that already carries the metadata;
            // other redirects (a renamed repository) are followed to the real answer.
            if (h.firstValue("X-Repo-Commit").isPresent() && (status < 300 || isRedirect(status))) {
                return describe(spec, file, url, h);
            }
            if (isRedirect(status)) {
                url = location(url, response);
                continue;
            }
            throw refusal(spec, file, url, status, h);
        }
        throw new IOException("too many redirects from " + url);
    }

    /** GETs the file's bytes from {@code offset} on (a Range request when above 0); status 200 or 206. */
    HttpResponse<InputStream> get(HubModelSpec spec, RemoteFile file, long offset) throws IOException {
        URI url = file.url();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<InputStream> response = send(request(url, "GET", offset), HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            if (status == 200 || status == 206) return response;
            response.body().close();
            if (isRedirect(status)) {
                url = location(url, response);
                continue;
            }
            throw refusal(spec, file.name(), url, status, response.headers());
        }
        throw new IOException("too many redirects from " + file.url());
    }

    URI resolveUrl(String repoId, String revision, String file) {
        // A revision such as refs/pr/1 is one path segment on the Hub, its slashes encoded.
        String rev = URLEncoder.encode(revision, StandardCharsets.UTF_8);
        return URI.create(settings.endpoint() + "/" + repoId + "/resolve/" + rev + "/" + file);
    }

    private RemoteFile describe(HubModelSpec spec, String file, URI url, HttpHeaders h) {
        String commit = h.firstValue("X-Repo-Commit").orElseThrow();
        if (!commit.matches("[0-9a-f]{40}")) {
            throw notAHub(url, "an X-Repo-Commit that is not a commit hash: '" + commit + "'");
        }
        long size = h.firstValue("X-Linked-Size").or(() -> h.firstValue("Content-Length"))
                .filter(v -> v.matches("\\d{1,18}"))
                .map(Long::parseLong)
                .orElseThrow(() -> notAHub(url, "no file size (X-Linked-Size or Content-Length) for " + file));
        ContentDigest digest = ContentDigest.fromEtag(h.firstValue("X-Linked-Etag").orElse(null))
                .or(() -> ContentDigest.fromEtag(h.firstValue("ETag").orElse(null)))
                .orElseThrow(() -> notAHub(url, "no checksum (X-Linked-Etag or ETag) for " + file
                        + ", and qvit verifies every download"));
        return new RemoteFile(file, commit, size, digest, resolveUrl(spec.repoId(), commit, file));
    }

    /** Throws IOException for server trouble (a cached copy may serve); returns the Hub's refusal otherwise. */
    private QvitException refusal(HubModelSpec spec, String file, URI url, int status, HttpHeaders h)
            throws IOException {
        if (status >= 500 || status == 429) throw new IOException("HTTP " + status + " from " + url);
        return HubErrors.forStatus(spec, file, url, status, h, sendsToken(url));
    }

    private QvitException notAHub(URI url, String what) {
        return new QvitException(url + " sent " + what + "; is HF_ENDPOINT (" + settings.endpoint()
                + ") a Hugging Face Hub or mirror?");
    }

    private HttpRequest request(URI url, String method, long offset) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .timeout(settings.timeout())
                .header("User-Agent", USER_AGENT)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (offset > 0) b.header("Range", "bytes=" + offset + "-");
        if (sendsToken(url)) b.header("Authorization", "Bearer " + settings.token().orElseThrow());
        return b.build();
    }

    /** The token goes only to the configured Hub itself, never to a host it redirects to. */
    private boolean sendsToken(URI url) {
        URI hub = settings.endpoint();
        return settings.token().isPresent()
                && Objects.equals(url.getScheme(), hub.getScheme())
                && Objects.equals(url.getHost(), hub.getHost())
                && url.getPort() == hub.getPort();
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return client.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while requesting " + request.uri());
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI location(URI from, HttpResponse<?> response) throws IOException {
        String location = response.headers().firstValue("Location")
                .orElseThrow(() -> new IOException("HTTP " + response.statusCode() + " without Location from " + from));
        return from.resolve(location);
    }
}
