package io.qvit.backend.cuda.driver;

import io.qvit.QvitException;

/** A failed driver call, launch or sanitizer check; the message names the call or kernel and the error. */
public class CudaException extends QvitException {
    public CudaException(String message) {
        super(message);
    }
}
