package io.qvit.hub;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback stand-in for huggingface.co serving one repository in the Hub's URL layout,
 * {@code /<owner>/<name>/resolve/<revision>/<file>}, with the Hub's headers: {@code X-Repo-Commit},
 * an {@code ETag} (git blob id) for config.json, and for model.safetensors a {@code 302} carrying
 * {@code X-Linked-Etag}/{@code X-Linked-Size} to a second server, the "CDN", which honours Range.
 */
final class FakeHub implements AutoCloseable {
    static final String REPO = "timm/vit_tiny_patch16_224.augreg_in21k_ft_in1k";
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    /** How the CDN misbehaves on the next weights download. */
    enum Fault { NONE, CUT_HALFWAY, CORRUPT, STALL }

    record Request(String server, String method, String path, String range, String authorization) {}

    final byte[] weights = new byte[300_000];
    final byte[] config = "{\"architecture\": \"vit_tiny_patch16_224\", \"num_classes\": 1000}"
            .getBytes(StandardCharsets.UTF_8);
    final List<Request> requests = new CopyOnWriteArrayList<>();

    volatile Fault fault = Fault.NONE;
    volatile String requiredToken; // when set, the Hub answers 401 without it, as for a private repo
    volatile boolean gated;        // 403 even with a token, as for a gated repo whose terms are not accepted
    volatile int cdnChunkDelayMillis;

    private final HttpServer hub;
    private final HttpServer cdn;
    private final String weightsSha256;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch closed = new CountDownLatch(1);

    FakeHub() throws IOException {
        new Random(42).nextBytes(weights);
        weightsSha256 = hex("SHA-256", weights, null);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        hub = HttpServer.create(loopback, 0);
        cdn = HttpServer.create(loopback, 0);
        hub.setExecutor(threads);
        cdn.setExecutor(threads);
        hub.createContext("/", this::serveHub);
        cdn.createContext("/", this::serveCdn);
        hub.start();
        cdn.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
    }

    List<Request> requests(String server, String method) {
        List<Request> out = new ArrayList<>();
        for (Request r : requests) {
            if (r.server().equals(server) && r.method().equals(method)) out.add(r);
        }
        return out;
    }

    @Override
    public void close() {
        closed.countDown();
        hub.stop(0);
        cdn.stop(0);
        threads.shutdownNow();
    }

    private void serveHub(HttpExchange ex) throws IOException {
        record(ex, "hub");
        String[] p = ex.getRequestURI().getPath().split("/");
        // "", owner, name, "resolve", revision, file
        Headers h = ex.getResponseHeaders();
        if (p.length != 6 || !"resolve".equals(p[3]) || !(p[1] + "/" + p[2]).equals(REPO)) {
            h.set("X-Error-Code", "RepoNotFound");
            send(ex, 404, null);
            return;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
            h.set("X-Error-Code", "RepoNotFound");
            send(ex, 401, null);
            return;
        }
        if (gated) {
            h.set("X-Error-Code", "GatedRepo");
            send(ex, 403, null);
            return;
        }
        if (!p[4].equals("main") && !p[4].equals(COMMIT)) {
            h.set("X-Error-Code", "RevisionNotFound");
            send(ex, 404, null);
            return;
        }
        h.set("X-Repo-Commit", COMMIT);
        switch (p[5]) {
            case "model.safetensors" -> {
                h.set("X-Linked-Etag", "\"" + weightsSha256 + "\"");
                h.set("X-Linked-Size", String.valueOf(weights.length));
                h.set("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/lfs/" + weightsSha256
                        + "?signature=abc");
                send(ex, 302, null);
            }
            case "config.json" -> {
                h.set("ETag", "\"" + hex("SHA-1", config, "blob " + config.length + "\0") + "\"");
                send(ex, 200, config);
            }
            default -> {
                h.set("X-Error-Code", "EntryNotFound");
                send(ex, 404, null);
            }
        }
    }

    private void serveCdn(HttpExchange ex) throws IOException {
        record(ex, "cdn");
        if (!ex.getRequestURI().getPath().equals("/lfs/" + weightsSha256)) {
            send(ex, 404, null);
            return;
        }
        byte[] body = weights;
        Fault now = fault;
        fault = Fault.NONE; // each fault hits one download; the retry is served properly
        if (now == Fault.CORRUPT) {
            body = weights.clone();
            body[body.length / 2] ^= 1;
        }
        int from = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && range.matches("bytes=\\d+-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
        }
        ex.sendResponseHeaders(from > 0 ? 206 : 200, body.length - from);
        OutputStream out = ex.getResponseBody();
        int half = body.length / 2;
        try {
            if (now == Fault.CUT_HALFWAY || now == Fault.STALL) {
                out.write(body, from, half - from);
                out.flush();
                if (now == Fault.STALL) closed.await(10, TimeUnit.SECONDS);
                ex.close(); // short of the promised length: the server drops the connection
                return;
            }
            for (int off = from; off < body.length; off += 30_000) {
                out.write(body, off, Math.min(30_000, body.length - off));
                if (cdnChunkDelayMillis > 0) Thread.sleep(cdnChunkDelayMillis);
            }
            out.close();
        } catch (IOException e) {
            // the client went away or the connection was cut on purpose
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void record(HttpExchange ex, String server) {
        Headers h = ex.getRequestHeaders();
        requests.add(new Request(server, ex.getRequestMethod(), ex.getRequestURI().getPath(), h.getFirst("Range"),
                h.getFirst("Authorization")));
    }

    /** Sends a body, or for HEAD only its length, as the Hub does. */
    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        byte[] b = body == null ? new byte[0] : body;
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", String.valueOf(b.length));
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
            ex.getResponseBody().write(b);
        }
        ex.close();
    }

    private static String hex(String algorithm, byte[] data, String prefix) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            if (prefix != null) md.update(prefix.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
