package io.qvit.model.weights;

import io.qvit.QvitException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Maps the tensor names that checkpoints in the wild use to the names of timm's VisionTransformer. */
public final class TimmNames {
    /** The original DeiT/DeiT3 repository named the LayerScale factors blocks.N.gamma_1/_2; timm calls them blocks.N.ls1/ls2.gamma. */
    private static final Pattern DEIT_GAMMA = Pattern.compile("^(blocks\\.\\d+\\.)gamma_([12])$");

    private TimmNames() {}

    public static String toTimm(String storedName) {
        String name = storedName;
        // torch.nn.DataParallel and DistributedDataParallel save the wrapped model's names under "module.".
        if (name.startsWith("module.")) name = name.substring("module.".length());
        // Wrappers (Lightning modules, EMA helpers) keep the network as self.model. No timm ViT has a
        // top-level submodule called "model", so the prefix cannot belong to a real name; it must be
        // the full "model." so that names like "norm.weight" are never touched.
        if (name.startsWith("model.")) name = name.substring("model.".length());
        return DEIT_GAMMA.matcher(name).replaceFirst("$1ls$2.gamma");
    }

    /** The tensors of a checkpoint under their timm names; two stored names that map to one timm name are an error. */
    public static Map<String, WeightTensor> renamed(StateDict stateDict) {
        Map<String, WeightTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, WeightTensor> e : stateDict.tensors().entrySet()) {
            WeightTensor previous = out.put(toTimm(e.getKey()), e.getValue());
            if (previous != null) {
                throw new QvitException(stateDict.source() + ": tensors '" + previous.name() + "' and '" + e.getKey()
                        + "' both map to timm name '" + toTimm(e.getKey()) + "'; the checkpoint mixes naming schemes, re-export it");
            }
        }
        return Collections.unmodifiableMap(out);
    }
}
