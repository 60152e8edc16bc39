package io.qvit.data;

import io.qvit.QvitException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * A CSV list of labelled images with a header row, such as {@code class_index,wnid,label,file}.
 * Labels are class indices or ImageNet wnids; relative paths are resolved against the CSV's folder.
 */
public final class LabelledCsv {
    static final List<String> FILE_COLUMNS = List.of("file", "path", "filename", "image");
    static final List<String> LABEL_COLUMNS = List.of("label", "class", "target", "class_index");
    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private LabelledCsv() {}

    /**
     * @param fileColumn  the column holding image paths, or null for the first of file/path/filename/image
     * @param labelColumn the column holding labels, or null for the first of label/class/target/class_index
     *                    whose first value is a label (so a column of class names called "label" is
     *                    passed over)
     */
    public static List<Sample> read(Path csv, String fileColumn, String labelColumn) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new QvitException("list " + csv + " is not UTF-8 text; save it as a UTF-8 CSV with a header row such as file,label", e);
        } catch (IOException e) {
            throw new QvitException("cannot read list " + csv + ": " + e);
        }
        if (lines.isEmpty()) throw new QvitException("list " + csv + " is empty; it needs a header row such as file,label");
        if (lines.get(0).startsWith(BYTE_ORDER_MARK)) lines.set(0, lines.get(0).substring(1)); // Excel writes one; it is no part of the header
        List<String> header = lowerCase(split(csv, 1, lines.get(0)));
        List<String> first = lines.size() > 1 ? split(csv, 2, lines.get(1)) : List.of();
        int fileAt = column(csv, header, fileColumn, FILE_COLUMNS, null);
        int labelAt = column(csv, header, labelColumn, LABEL_COLUMNS, i -> i < first.size() && parseLabel(first.get(i)) >= 0);
        Path folder = csv.toAbsolutePath().getParent();
        List<Sample> samples = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) continue;
            List<String> row = split(csv, n + 1, lines.get(n));
            if (row.size() <= Math.max(fileAt, labelAt))
                throw new QvitException(csv + " line " + (n + 1) + ": " + row.size() + " columns, the header has " + header.size());
            int label = parseLabel(row.get(labelAt));
            if (label < 0 && row.get(labelAt).strip().chars().allMatch(Character::isDigit) && !row.get(labelAt).isBlank())
                throw new QvitException(csv + " line " + (n + 1) + ": class index " + row.get(labelAt).strip() + " is too large for any model");
            if (label < 0)
                throw new QvitException(csv + " line " + (n + 1) + ": label '" + row.get(labelAt)
                        + "' is neither a class index nor an ImageNet-1k wnid");
            if (row.get(fileAt).isBlank()) throw new QvitException(csv + " line " + (n + 1) + ": the file name is empty");
            samples.add(new Sample(folder.resolve(row.get(fileAt)).normalize(), label));
        }
        if (samples.isEmpty()) throw new QvitException("list " + csv + " has a header but no rows");
        return samples;
    }

    private static int column(Path csv, List<String> header, String wanted, List<String> defaults,
                              IntPredicate usable) {
        if (wanted != null) {
            int i = header.indexOf(wanted.toLowerCase(Locale.ROOT));
            if (i < 0) throw new QvitException("list " + csv + " has no column '" + wanted + "'; its header is " + header);
            return i;
        }
        int fallback = -1; // a present column whose first value is bad: read it, so the error names the line
        for (String name : defaults) {
            int i = header.indexOf(name);
            if (i >= 0 && (usable == null || usable.test(i))) return i;
            if (i >= 0 && fallback < 0) fallback = i;
        }
        if (fallback >= 0) return fallback;
        throw new QvitException("list " + csv + " has no column named one of " + defaults
                + "; its header is " + header + " (the first row must be a header)");
    }

    /** A class index (digits) or an ImageNet-1k wnid as its index; -1 if it is neither. */
    private static int parseLabel(String s) {
        String t = s.strip();
        if (!t.isEmpty() && t.length() <= 9 && t.chars().allMatch(Character::isDigit)) return Integer.parseInt(t);
        return ImageNetClasses.indexOfWnid(t);
    }

    private static List<String> lowerCase(List<String> cells) {
        List<String> out = new ArrayList<>();
        for (String c : cells) out.add(c.strip().toLowerCase(Locale.ROOT));
        return out;
    }

    /** One CSV record (RFC 4180 quoting, no line breaks inside fields). */
    static List<String> split(Path csv, int lineNumber, String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c != '"') cell.append(c);
                else if (i + 1 < line.length() && line.charAt(i + 1) == '"') cell.append(line.charAt(++i));
                else quoted = false;
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (quoted) throw new QvitException(csv + " line " + lineNumber + ": unterminated quote");
        cells.add(cell.toString());
        return cells;
    }
}
