package io.qvit.backend.cuda.emu.semantics;

/** PTX rounding modifiers: {@code .rn .rz .rm .rp} for floating-point results, {@code .rni .rzi .rmi .rpi} for integral ones. */
public enum Rounding {
    RN, RZ, RM, RP, RNI, RZI, RMI, RPI
}
