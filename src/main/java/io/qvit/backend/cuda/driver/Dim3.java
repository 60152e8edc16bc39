package io.qvit.backend.cuda.driver;

/** A grid or block extent. */
public record Dim3(int x, int y, int z) {
    public Dim3 {
        if (x < 1 || y < 1 || z < 1) throw new IllegalArgumentException("extents must be >= 1, got " + x + "," + y + "," + z);
    }

    public static Dim3 of(int x) {
        return new Dim3(x, 1, 1);
    }

    public long volume() {
        return (long) x * y * z;
    }

    @Override
    public String toString() {
        return "(" + x + "," + y + "," + z + ")";
    }
}
