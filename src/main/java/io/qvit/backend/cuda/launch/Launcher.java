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

    /** A grid-stride kernel over {@link #elements()}: enough 256-thread blocks to cover them, at most {@link Grid#MAX_STRIDE_BLOCKS}. */
    public interface Elementwise extends Config {
        long elements();

        @Override
        default Dim3 grid() {
            return Grid.strided(elements());
        }

        @Override
        default Dim3 block() {
            return Dim3.of(Grid.ELEMENTWISE_THREADS);
        }
    }

    /** An attention kernel with one warp per query row and {@link #ROWS} rows per block, their scores in shared memory. */
    public interface QueryTiles extends Config {
        int ROWS = 4;

        int batch();

        int tokens();

        int heads();

        @Override
        default Dim3 grid() {
            return Dim3.of(batch() * heads() * Grid.ceilDiv(tokens(), ROWS));
        }

        @Override
        default Dim3 block() {
            return Dim3.of(32 * ROWS);
        }

        @Override
        default int sharedBytes() {
            return 4 * ROWS * tokens();
        }
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
