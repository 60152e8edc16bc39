package io.qvit.study;

import java.nio.file.Path;

/** A process that holds a study's lock on {@code args[0]} until killed, for {@link OutputLockTest}. */
public final class HoldOutputLock {
    private HoldOutputLock() {}

    public static void main(String[] args) throws InterruptedException {
        try (OutputLock lock = OutputLock.acquire(Path.of(args[0]), "qvit study --out " + args[0] + " (another process)")) {
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
