package io.qvit.files;

import io.qvit.QvitException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One score per sample, from a {@code .npy} file (1-D, or 2-D with one column; recognised by its
 * magic bytes, whatever its name) or a text file with one decimal number per line (blank lines
 * ignored; {@code np.savetxt} output reads as is). Every score must be finite; the error names the
 * file and the line or index.
 */
public final class ScoreFile {
    /** Plain decimal numbers: Java's parser alone would also take "1f", "0x1p3" and "NaN". */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private ScoreFile() {}

    public static double[] read(Path file) {
        return isNpy(file) ? fromNpy(file) : fromText(file);
    }

    private static boolean isNpy(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(NpyHeader.MAGIC.length), NpyHeader.MAGIC);
        } catch (NoSuchFileException e) {
            throw new QvitException(file + ": no such file");
        } catch (IOException e) {
            throw new QvitException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static double[] fromNpy(Path file) {
        NpyArray array = Npy.read(file);
        if (array.columns() != 1)
            throw new QvitException(file + ": shape " + Arrays.toString(array.shape()) + " is not one score per sample;"
                    + " give a 1-D array or one column");
        double[] scores = array.values();
        for (int i = 0; i < scores.length; i++)
            if (!Double.isFinite(scores[i])) throw new QvitException(file + ": score [" + i + "] is " + scores[i] + ", not finite");
        return scores;
    }

    private static double[] fromText(Path file) {
        double[] scores = new double[1024];
        int n = 0, lineNumber = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                lineNumber++;
                String t = line.strip();
                if (t.isEmpty()) continue;
                double v = NUMBER.matcher(t).matches() ? Double.parseDouble(t) : Double.NaN;
                if (!Double.isFinite(v))
                    throw new QvitException(file + ": line " + lineNumber + ": '" + (t.length() > 40 ? t.substring(0, 40) + "..." : t)
                            + "' is not a finite decimal number");
                if (n == scores.length) scores = Arrays.copyOf(scores, n * 2);
                scores[n++] = v;
            }
        } catch (CharacterCodingException e) {
            throw new QvitException(file + " is neither text (UTF-8) nor a .npy file; give one decimal score per line, or a .npy array", e);
        } catch (IOException e) {
            throw new QvitException("cannot read " + file + " as text with one score per line: " + e.getMessage(), e);
        }
        return Arrays.copyOf(scores, n);
    }
}
