package io.qvit.model.weights;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The allow-list of Python globals a torch.save checkpoint of tensors may name, each mapped to a
 * data-only Java meaning. Anything else (os.system, builtins.eval, argparse.Namespace, a model
 * class) is refused: a pickle that needs it is either hostile or not a plain checkpoint.
 */
final class TorchGlobals implements Unpickler.Resolver {
    /** A torch storage class such as torch.FloatStorage: fixes the element type of a storage. */
    record StorageType(DType dtype) {}

    /** One storage of the archive: the zip entry {@code data/<key>} holding {@code numel} elements. */
    record StorageRef(DType dtype, String key, long numel) {}

    /** A tensor as pickled: a strided view of a storage, in elements. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    private static final Map<String, DType> STORAGES = Map.of(
            "FloatStorage", DType.F32, "HalfStorage", DType.F16, "BFloat16Storage", DType.BF16,
            "DoubleStorage", DType.F64, "LongStorage", DType.I64, "IntStorage", DType.I32,
            "ShortStorage", DType.I16, "CharStorage", DType.I8, "ByteStorage", DType.U8, "BoolStorage", DType.BOOL);

    @Override
    public Object global(String module, String name) throws PickleException {
        String qualified = module + "." + name;
        switch (qualified) {
            case "collections.OrderedDict":
                return (Unpickler.Callable) args -> {
                    if (!args.isEmpty()) throw new PickleException("OrderedDict with constructor arguments");
                    return new java.util.LinkedHashMap<Object, Object>();
                };
            case "torch._utils._rebuild_tensor_v2":
                return (Unpickler.Callable) TorchGlobals::rebuildTensor;
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                // A Parameter is its data; requires_grad, hooks and state do not matter for inference.
                return (Unpickler.Callable) args -> {
                    if (args.isEmpty() || !(args.get(0) instanceof TensorRef t)) throw new PickleException("_rebuild_parameter without a tensor");
                    return t;
                };
            case "torch.Size":
                return (Unpickler.Callable) args -> {
                    if (args.size() != 1 || !(args.get(0) instanceof Unpickler.Tuple t)) throw new PickleException("torch.Size without a tuple");
                    return t;
                };
            default:
                if (module.equals("torch") && STORAGES.containsKey(name)) return new StorageType(STORAGES.get(name));
                throw PickleException.refused("refusing to load Python global '" + qualified + "': a weights checkpoint may only reference "
                        + allowed() + " (this file is not a plain state_dict, or it is malicious; qvit never runs code from a pickle)."
                        + " Re-save it with torch.save(model.state_dict(), path) or convert it to safetensors");
        }
    }

    private static String allowed() {
        TreeSet<String> names = new TreeSet<>(List.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
                "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state", "torch.Size"));
        STORAGES.keySet().forEach(s -> names.add("torch." + s));
        return String.join(", ", names);
    }

    /** torch.save's persistent id of a storage: ('storage', storage_type, key, location, numel). */
    @Override
    public Object persistentLoad(Object pid) throws PickleException {
        if (pid instanceof Unpickler.Tuple t && t.items().size() == 5 && "storage".equals(t.items().get(0))
                && t.items().get(1) instanceof StorageType type && t.items().get(2) instanceof String key
                && t.items().get(4) instanceof Long numel && numel >= 0) {
            return new StorageRef(type.dtype(), key, numel);
        }
        throw new PickleException("unrecognised persistent id (expected a torch storage reference)");
    }

    /** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
    private static Object rebuildTensor(List<Object> args) throws PickleException {
        if (args.size() < 4 || !(args.get(0) instanceof StorageRef storage) || !(args.get(1) instanceof Long offset)
                || !(args.get(2) instanceof Unpickler.Tuple size) || !(args.get(3) instanceof Unpickler.Tuple stride)
                || size.items().size() != stride.items().size()) {
            throw new PickleException("malformed _rebuild_tensor_v2 arguments");
        }
        return new TensorRef(storage, offset, longs(size), longs(stride));
    }

    private static long[] longs(Unpickler.Tuple t) throws PickleException {
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.items().get(i) instanceof Long v)) throw new PickleException("tensor size or stride is not an integer");
            out[i] = v;
        }
        return out;
    }
}
