package io.qvit.backend.cuda.emu.exec;

import io.qvit.backend.cuda.driver.CudaException;
import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.emu.profile.LaunchProfile;
import java.util.List;

/** A launch the sanitizers failed: its findings (at most one per CTA, the first CTAs first) and the profile of what ran. */
public final class LaunchFailure extends CudaException {
    private final transient List<Finding> findings;
    private final transient LaunchProfile profile;

    public LaunchFailure(String kernel, Dim3 grid, Dim3 block, List<Finding> findings, LaunchProfile profile) {
        super("launch of " + kernel + " grid " + grid + " block " + block + " failed " + findings.get(0).tool() + ":\n  "
                + String.join("\n  ", findings.stream().map(Finding::toString).toList()));
        this.findings = List.copyOf(findings);
        this.profile = profile;
    }

    public List<Finding> findings() {
        return findings;
    }

    public LaunchProfile profile() {
        return profile;
    }
}
