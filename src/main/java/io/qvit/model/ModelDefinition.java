package io.qvit.model;

/**
 * What a model is: its name (timm's {@code architecture.tag} where known), structure and
 * preprocessing.
 */
public record ModelDefinition(String name, VitConfig config, PretrainedCfg pretrained) {
    public static ModelDefinition of(ModelCatalog.Entry e) {
        return new ModelDefinition(e.fullName(), e.config(), e.pretrained());
    }
}
