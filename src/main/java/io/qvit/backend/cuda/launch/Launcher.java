package io.qvit.backend.cuda.launch;

import io.qvit.backend.cuda.PtxModules;
import io.qvit.backend.cuda.driver.CudaDriver;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.driver.KernelArgs;

/**
 * One kernel's host side: a subclass per kernel, whose {@link Config} record (the kernel's params, as
 * flash-attention's params struct) checks its preconditions when it is built and derives the grid,
 * block and shared memory from the shapes.
 */
public abstract class Launcher<P extends Launcher.Config> {
    /** A launch of one kernel: its arguments in parameter order and the geometry they imply. */
    public interface Config {
        Dim3 grid();

        Dim3 block();

        /** Dynamic shared memory in bytes. */
        default int sharedBytes() {
            return 0;
        }

        KernelArgs args();
    }

    private final CudaDriver driver;
    private final CudaDriver.Kernel kernel;

    protected Launcher(PtxModules modules, String file, String entry) {
        this.driver = modules.driver();
        this.kernel = modules.kernel(file, entry);
    }

    public final void launch(P p) {
        driver.launch(kernel, p.grid(), p.block(), p.sharedBytes(), p.args());
    }
}
