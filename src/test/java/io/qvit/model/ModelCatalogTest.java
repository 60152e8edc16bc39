package io.qvit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {
    @Test
    void knowsEveryArchitectureOfTheStudyWithItsTags() {
        for (String arch : new String[] {"vit_tiny_patch16_224", "vit_small_patch16_224", "vit_base_patch16_224",
                "deit_tiny_patch16_224", "deit_small_patch16_224", "deit_base_patch16_224", "deit_tiny_distilled_patch16_224",
                "deit_small_distilled_patch16_224", "deit_base_distilled_patch16_224", "deit3_small_patch16_224",
                "deit3_base_patch16_224"}) {
            ModelCatalog.Entry e = ModelCatalog.lookup(arch);
            assertEquals(224, e.config().imgSize(), arch);
            assertEquals(arch.contains("distilled"), e.config().distilled(), arch);
            assertEquals(arch.startsWith("deit3"), e.config().layerScale() && e.config().noEmbedClass(), arch);
            e.pretrained().preprocessing(); // every tag's preprocessing is usable
        }
        assertEquals(3, ModelCatalog.lookup("vit_tiny_patch16_224").config().numHeads());
        assertEquals(198, ModelCatalog.lookup("deit_small_distilled_patch16_224").config().numTokens());
        assertEquals(196, ModelCatalog.lookup("deit3_small_patch16_224").config().posEmbedTokens());
    }

    @Test
    void pretrainedConfigsAreTimms() {
        PretrainedCfg augreg = ModelCatalog.lookup("vit_tiny_patch16_224.augreg_in21k_ft_in1k").pretrained();
        assertEquals(0.9, augreg.cropPct(), 0);
        assertEquals(0.5f, augreg.mean()[0]);
        PretrainedCfg deit3in22k = ModelCatalog.lookup("deit3_base_patch16_224.fb_in22k_ft_in1k").pretrained();
        assertEquals(1.0, deit3in22k.cropPct(), 0);
        assertEquals(0.485f, deit3in22k.mean()[0]);
    }

    @Test
    void unknownNamesAndTagsSayWhatIsKnown() {
        QvitException arch = assertThrows(QvitException.class, () -> ModelCatalog.lookup("vit_giant_patch99_224"));
        assertTrue(arch.getMessage().contains("vit_tiny_patch16_224"), arch.getMessage());
        QvitException tag = assertThrows(QvitException.class, () -> ModelCatalog.lookup("deit_tiny_patch16_224.augreg_in1k"));
        assertTrue(tag.getMessage().contains("fb_in1k"), tag.getMessage());
    }

    @Test
    void countsParametersAsTheRealCheckpointHas() {
        java.nio.file.Path file = io.qvit.testsupport.SharedData.require("models/vit_tiny_patch16_224.augreg_in21k_ft_in1k.safetensors");
        try (io.qvit.model.weights.StateDict dict = io.qvit.model.weights.StateDicts.open(file)) {
            long inFile = dict.tensors().values().stream().mapToLong(t -> t.numel()).sum();
            assertEquals(inFile, ModelWeights.parameterCount(ModelCatalog.lookup("vit_tiny_patch16_224").config()));
        }
    }
}
