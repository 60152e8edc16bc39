package io.qvit.hub;

/**
 * Hears about one file download at a time: {@code start}, then {@code resumed} if bytes from an
 * earlier attempt are reused, then {@code advance} per chunk, then {@code done} when the transfer
 * ends, whether it completed or failed.
 */
public interface DownloadProgress {
    /** @param totalBytes the file's full size, or -1 when the server did not say */
    void start(String file, long totalBytes);

    /** Bytes already on disk from an interrupted attempt; they count toward the total but not the rate. */
    default void resumed(long bytesOnDisk) {}

    void advance(long bytes);

    void done();

    static DownloadProgress none() {
        return new DownloadProgress() {
            @Override
            public void start(String file, long totalBytes) {}

            @Override
            public void advance(long bytes) {}

            @Override
            public void done() {}
        };
    }
}
