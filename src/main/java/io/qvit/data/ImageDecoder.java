package io.qvit.data;

import io.qvit.QvitException;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG, PNG and PNM (P2, P3, P5, P6) files to 8-bit RGB exactly as Pillow's
 * {@code Image.open(f).convert("RGB")} does: alpha is dropped (not composited over a background),
 * palettes are looked up, 16-bit colour and grey+alpha keep the high byte, 16-bit grey is clipped
 * to 255 (Pillow's I;16 to RGB), and Adobe CMYK JPEGs (stored inverted) become RGB by Pillow's cmyk2rgb. Embedded
 * ICC profiles are ignored, as Pillow ignores them. The format is chosen by content, not by name.
 */
public final class ImageDecoder {
    private ImageDecoder() {}

    public static RgbImage decode(Path file) {
        byte[] head = new byte[2];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 2) < 2) throw unreadable(file, "the file is empty or shorter than any image header");
        } catch (NoSuchFileException e) {
            throw new QvitException("cannot read image " + file + ": no such file");
        } catch (IOException e) {
            throw new QvitException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        if (head[0] == 'P' && "2356".indexOf(head[1]) >= 0) return PnmReader.read(file);
        if ((head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xD8) return readImageIo(file, "jpeg");
        if ((head[0] & 0xff) == 0x89 && head[1] == 'P') return readImageIo(file, "png");
        throw unreadable(file, "not a JPEG, PNG or PNM (P2/P3/P5/P6) file; convert it to one of those");
    }

    /** Pillow refuses images over twice its MAX_IMAGE_PIXELS (89,478,485) as decompression bombs, and so does qvit. */
    static final long MAX_PIXELS = 2L * 89_478_485;

    /** Refuses a declared size over {@link #MAX_PIXELS}; called with the header's numbers before anything is sized from them. */
    static void checkPixels(Path file, long width, long height) {
        if (width * height > MAX_PIXELS)
            throw unreadable(file, "its header declares " + width + "x" + height + " pixels, over the limit of " + MAX_PIXELS
                    + " (Pillow's decompression-bomb limit); the file is corrupt, or too large to classify: downscale it first");
    }

    static QvitException unreadable(Path file, String reason) {
        return new QvitException("cannot decode image " + file + ": " + reason);
    }

    private static RgbImage readImageIo(Path file, String format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) throw unreadable(file, "this Java runtime has no " + format + " reader");
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.setInput(in, true, true);
            checkDeclaredSize(file, format, reader);
            // libjpeg reports missing scan data as a warning ("premature end of data segment") and pads
            // with grey; Pillow refuses such files. A lone missing EOI marker is tolerated, as by libjpeg.
            List<String> truncation = new ArrayList<>();
            reader.addIIOReadWarningListener((r, warning) -> {
                if (warning.toLowerCase(Locale.ROOT).contains("premature end")) truncation.add(warning);
            });
            RgbImage rgb = format.equals("jpeg") && isFourChannelJpeg(reader)
                    ? AdobeCmyk.toRgb(file, reader.readRaster(0, null)) : toRgb(file, reader.read(0));
            if (!truncation.isEmpty()) throw unreadable(file, "truncated " + format + " (" + truncation.get(0) + ")");
            return rgb;
        } catch (IIOException e) {
            throw unreadable(file, "corrupt or truncated " + format + " (" + describe(e) + ")");
        } catch (IOException e) {
            throw unreadable(file, describe(e));
        } catch (QvitException e) {
            throw e;
        } catch (RuntimeException e) { // ImageIO's readers throw these too on malformed files
            throw unreadable(file, "corrupt " + format + " (" + e + ")");
        } finally {
            reader.dispose();
        }
    }

    /**
     * Refuses a header whose size the file cannot hold, before ImageIO allocates a raster of that size:
     * deflate expands at most 1032:1 and a PNG pixel takes at least 1 bit, and a Huffman-coded JPEG (all
     * that ImageIO reads) spends at least 1 bit on every 8x8 block.
     */
    private static void checkDeclaredSize(Path file, String format, ImageReader reader) throws IOException {
        long width = reader.getWidth(0), height = reader.getHeight(0);
        checkPixels(file, width, height);
        long perByte = format.equals("png") ? 8L * 1032 : 8L * 64;
        long bytes = Files.size(file);
        if (width * height > bytes * perByte)
            throw unreadable(file, "its header declares " + width + "x" + height + " pixels, more than its " + bytes
                    + " bytes can hold (a " + format + " holds at most " + perByte + " pixels per byte); the header is corrupt");
    }

    /**
     * CMYK/YCCK JPEGs are read as a raw raster and converted here: some JDKs cannot make a BufferedImage
     * of them at all, and JDK 17's CMYK BufferedImage already undoes the Adobe inversion its own way.
     */
    private static boolean isFourChannelJpeg(ImageReader reader) throws IOException {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        return !types.hasNext() || types.next().getNumBands() == 4;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null) m = m + ": " + cause.getMessage();
        return m != null ? m : e.getClass().getSimpleName();
    }

    /** Raw samples to RGB, Pillow's way; never through ImageIO's colour management (getRGB). */
    private static RgbImage toRgb(Path file, BufferedImage img) {
        Raster r = img.getRaster();
        int w = r.getWidth(), h = r.getHeight(), bands = r.getNumBands();
        int[] px = r.getPixels(0, 0, w, h, (int[]) null);
        byte[] rgb = new byte[w * h * 3];
        if (img.getColorModel() instanceof IndexColorModel icm) {
            // Palettes, and the 1/2/4-bit grey ramps ImageIO builds (0..255 evenly, as Pillow scales them).
            for (int i = 0; i < w * h; i++) {
                rgb[i * 3] = (byte) icm.getRed(px[i]);
                rgb[i * 3 + 1] = (byte) icm.getGreen(px[i]);
                rgb[i * 3 + 2] = (byte) icm.getBlue(px[i]);
            }
            return new RgbImage(w, h, rgb);
        }
        int bits = r.getSampleModel().getSampleSize(0);
        boolean grey = img.getColorModel().getNumColorComponents() == 1;
        // Pillow opens 16-bit grey as I;16 and clips it to 8 bits; 16-bit grey+alpha and colour keep the high byte.
        boolean clip16 = bits == 16 && bands == 1;
        if (bits != 8 && bits != 16) throw unreadable(file, bits + "-bit samples are not supported");
        for (int i = 0; i < w * h; i++) {
            for (int c = 0; c < 3; c++) {
                int v = px[i * bands + (grey ? 0 : c)];
                if (bits == 16) v = clip16 ? Math.min(v, 255) : v >> 8;
                rgb[i * 3 + c] = (byte) v;
            }
        }
        return new RgbImage(w, h, rgb);
    }
}
