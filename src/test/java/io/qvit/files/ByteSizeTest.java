package io.qvit.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class ByteSizeTest {
    @Test
    void decimalUnitsWithOneDecimalInAnyLocale() {
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY); // a decimal comma would show here
        try {
            assertEquals("0 B", ByteSize.format(0));
            assertEquals("999 B", ByteSize.format(999));
            assertEquals("1.0 kB", ByteSize.format(1000));
            assertEquals("1.5 kB", ByteSize.format(1500));
            assertEquals("22.9 MB", ByteSize.format(22_900_000));
            assertEquals("3.0 GB", ByteSize.format(3_000_000_000L));
            assertEquals("5000.0 TB", ByteSize.format(5_000_000_000_000_000L));
        } finally {
            Locale.setDefault(saved);
        }
    }
}
