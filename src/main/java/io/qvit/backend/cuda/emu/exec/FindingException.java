package io.qvit.backend.cuda.emu.exec;

/** Stops a CTA at its first finding; the launch collects them. */
final class FindingException extends RuntimeException {
    final Finding finding;
    final long cta;

    FindingException(Finding finding, long cta) {
        super(finding.toString(), null, false, false);
        this.finding = finding;
        this.cta = cta;
    }
}
