package io.qvit.files;

import java.nio.file.Path;

/** A process that starts an atomic write of {@code args[0]} and never finishes it, for {@link AtomicFileTest}'s kill. */
public final class SlowAtomicWrite {
    private SlowAtomicWrite() {}

    public static void main(String[] args) {
        AtomicFile.write(Path.of(args[0]), out -> {
            out.write(new byte[] {1, 2, 3});
            out.flush();
            System.out.println("writing");
            System.out.flush();
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
