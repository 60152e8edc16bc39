package io.qvit.study;

import io.qvit.model.LoadedModel;
import io.qvit.ood.ClassifierHead;

/**
 * A model of a study as the scores need it once the network has run: its name (in the results and
 * as its folder name) and its classifier head.
 *
 * <p>For a distilled DeiT the logits are the mean of two heads (class token and distillation
 * token) and the features the mean of the two tokens (as timm's inference); no single linear head
 * maps those features to those logits, so the head given to ViM and ReAct is the class token's
 * {@code head}: ViM's principal space and ReAct's rectified logits then use that head only.
 */
public record StudyModel(String name, ClassifierHead head) {
    static StudyModel of(LoadedModel loaded) {
        return new StudyModel(folderName(loaded.definition().name()), ClassifierHead.of(loaded.weights()));
    }

    /** The model's name with anything but letters, digits, '.', '_' and '-' replaced by '_'. */
    static String folderName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.isEmpty() || safe.startsWith(".") ? "_" + safe : safe;
    }
}
