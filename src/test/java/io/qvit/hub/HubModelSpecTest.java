package io.qvit.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubModelSpecTest {
    @Test
    void parsesTimmSpecWithDefaultRevision() {
        HubModelSpec spec = HubModelSpec.parse("hf:timm/vit_tiny_patch16_224.augreg_in21k_ft_in1k");
        assertEquals("timm/vit_tiny_patch16_224.augreg_in21k_ft_in1k", spec.repoId());
        assertEquals("main", spec.revision());
        assertFalse(spec.pinned());
        assertEquals("hf:timm/vit_tiny_patch16_224.augreg_in21k_ft_in1k", spec.toString());
    }

    @Test
    void acceptsTimmPrefixAndRevisions() {
        assertEquals(new HubModelSpec("timm/deit3_small_patch16_224.fb_in1k", "refs/pr/3"),
                HubModelSpec.parse("hf-hub:timm/deit3_small_patch16_224.fb_in1k@refs/pr/3"));
        HubModelSpec pinned = HubModelSpec.parse("hf:timm/vit_small_patch16_224.augreg_in1k@" + "a".repeat(40));
        assertTrue(pinned.pinned());
    }

    @Test
    void recognisesHubSpecs() {
        assertTrue(HubModelSpec.isHubSpec("hf:timm/x"));
        assertTrue(HubModelSpec.isHubSpec("hf-hub:timm/x"));
        assertFalse(HubModelSpec.isHubSpec("models/vit.safetensors"));
        assertFalse(HubModelSpec.isHubSpec(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"timm/vit_tiny", "hf:", "hf:vit_tiny", "hf:timm/", "hf:/vit", "hf:a/b/c",
            "hf:timm/vit tiny", "hf:timm/vit@", "hf:timm/vit@../x", "hf:timm/a--b", "hf:timm/a..b", "hf:timm/vit@a//b"})
    void rejectsBadSpecsShowingTheExpectedForm(String spec) {
        QvitException e = assertThrows(QvitException.class, () -> HubModelSpec.parse(spec));
        assertTrue(e.getMessage().contains("'" + spec + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("hf:<owner>/<model>[@revision]"), e.getMessage());
        assertTrue(e.getMessage().contains(HubModelSpec.EXAMPLE), e.getMessage());
    }
}
