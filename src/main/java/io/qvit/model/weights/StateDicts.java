package io.qvit.model.weights;

import io.qvit.QvitException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opens a checkpoint with the reader its content calls for; a file's extension is often wrong (.bin, .pt, .ckpt). */
public final class StateDicts {
    static final String SUPPORTED = "safetensors (.safetensors) and PyTorch zip checkpoints written by torch.save (.pth, .pt, .bin)";

    private StateDicts() {}

    public static StateDict open(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(9);
        } catch (NoSuchFileException e) {
            throw new QvitException(file + ": no such file; check the path");
        } catch (IOException e) {
            throw new QvitException(file + ": cannot read (" + e.getMessage() + "); check that it is a readable file", e);
        }
        if (head.length >= 2 && head[0] == 'P' && head[1] == 'K') return PthReader.open(file);
        // safetensors: an 8-byte header length, then the JSON header, which always opens with '{'.
        if (head.length == 9 && head[8] == '{') return SafetensorsReader.open(file);
        if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] <= 5) {
            throw new QvitException(file + ": a legacy (pre-zip) PyTorch pickle, which qvit does not read; load it in Python and "
                    + "re-save it with torch.save(state_dict, path) or safetensors. Supported formats: " + SUPPORTED);
        }
        throw new QvitException(file + ": not a recognised checkpoint (supported formats: " + SUPPORTED
                + "); if it should be one of these, it is truncated or corrupt, re-download it");
    }
}
