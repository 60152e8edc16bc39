package io.qvit.backend.cuda.driver;

/**
 * The limits a launch is checked against, as a GPU checks them.
 *
 * @param computeCapability for example 90
 * @param sharedBytesPerBlock without the opt-in attribute (48 KiB)
 * @param sharedBytesPerBlockOptIn with it (227 KiB on sm_90)
 */
public record DeviceLimits(int computeCapability, int maxThreadsPerBlock, Dim3 maxBlock, Dim3 maxGrid,
                           int sharedBytesPerBlock, int sharedBytesPerBlockOptIn, int maxParamBytes) {
    /** An H100 (sm_90). */
    public static DeviceLimits sm90() {
        return new DeviceLimits(90, 1024, new Dim3(1024, 1024, 64), new Dim3(Integer.MAX_VALUE, 65535, 65535),
                48 * 1024, 227 * 1024, 32764);
    }
}
