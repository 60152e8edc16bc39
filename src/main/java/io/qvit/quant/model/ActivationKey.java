package io.qvit.quant.model;

/** One quantized activation of a model: a site, in a block, or with block -1 for the global sites. */
public record ActivationKey(int block, Site site) {
    public ActivationKey {
        if (site.global() != (block == -1)) throw new IllegalArgumentException(site + " with block " + block);
    }

    public static ActivationKey global(Site site) {
        return new ActivationKey(-1, site);
    }

    @Override
    public String toString() {
        return site.global() ? site.name().toLowerCase() : "blocks." + block + "." + site.name().toLowerCase();
    }
}
