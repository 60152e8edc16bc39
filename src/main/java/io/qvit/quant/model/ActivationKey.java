package io.qvit.quant.model;

/** One quantized activation of a model: a site, in a block, or with block -1 for the global sites. */
public record ActivationKey(int block, Site site) {
    public ActivationKey {
        if (site.global() != (block == -1)) throw new IllegalArgumentException(site + " with block " + block);
    }

    public static ActivationKey global(Site site) {
        return new ActivationKey(-1, site);
    }

    /** The inverse of {@link #toString()}; null for a string that is not a key. */
    public static ActivationKey parse(String s) {
        try {
            if (!s.startsWith("blocks.")) return global(Site.valueOf(s.toUpperCase(java.util.Locale.ROOT)));
            int dot = s.indexOf('.', 7);
            return new ActivationKey(Integer.parseInt(s.substring(7, dot)), Site.valueOf(s.substring(dot + 1).toUpperCase(java.util.Locale.ROOT)));
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return site.global() ? site.name().toLowerCase() : "blocks." + block + "." + site.name().toLowerCase();
    }
}
