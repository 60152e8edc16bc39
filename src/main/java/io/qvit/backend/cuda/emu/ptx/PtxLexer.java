package io.qvit.backend.cuda.emu.ptx;

import io.qvit.backend.cuda.driver.CudaException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits PTX text into words (identifiers, directives, registers, numbers and dotted opcodes are
 * one word each: {@code ld.global.u32}, {@code %tid.x}, {@code 0f3F800000}), punctuation and
 * strings, each with its line. Comments are dropped.
 */
final class PtxLexer {
    enum Kind { WORD, PUNCT, STRING, END }

    record Token(Kind kind, String text, int line) {
        boolean is(String s) {
            return kind != Kind.STRING && text.equals(s);
        }
    }

    private PtxLexer() {}

    static List<Token> tokens(String file, String text) {
        List<Token> out = new ArrayList<>();
        int line = 1, i = 0, n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                while (i < n && text.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) throw new CudaException(file + ":" + line + ": unterminated /* comment");
                for (int k = i; k < end; k++) if (text.charAt(k) == '\n') line++;
                i = end + 2;
            } else if (c == '"') {
                int end = text.indexOf('"', i + 1);
                if (end < 0) throw new CudaException(file + ":" + line + ": unterminated string");
                out.add(new Token(Kind.STRING, text.substring(i + 1, end), line));
                i = end + 1;
            } else if (wordChar(c)) {
                int start = i;
                // "::" belongs to the word: ld.shared::cta, L2::128B
                while (i < n && (wordChar(text.charAt(i)) || text.startsWith("::", i) && i + 2 < n && wordChar(text.charAt(i + 2))))
                    i += text.startsWith("::", i) ? 2 : 1;
                out.add(new Token(Kind.WORD, text.substring(start, i), line));
            } else if ("{}()[],;:+-!|<>=@".indexOf(c) >= 0) {
                out.add(new Token(Kind.PUNCT, String.valueOf(c), line));
                i++;
            } else {
                throw new CudaException(file + ":" + line + ": unexpected character '" + c + "'");
            }
        }
        out.add(new Token(Kind.END, "<end of file>", line));
        return out;
    }

    private static boolean wordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '%' || c == '.';
    }
}
