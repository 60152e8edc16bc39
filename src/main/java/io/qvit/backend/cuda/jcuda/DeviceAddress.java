package io.qvit.backend.cuda.jcuda;

import jcuda.driver.CUdeviceptr;

/** A CUdeviceptr that shows its address, and one made from an address (JCuda keeps both protected). */
final class DeviceAddress extends CUdeviceptr {
    private static final CUdeviceptr NULL = new CUdeviceptr();

    /** An empty pointer for cuMemAlloc to fill. */
    DeviceAddress() {}

    private DeviceAddress(long address) {
        super(NULL, address);
    }

    static DeviceAddress at(long address) {
        return new DeviceAddress(address);
    }

    long value() {
        return getNativePointer() + getByteOffset();
    }
}
