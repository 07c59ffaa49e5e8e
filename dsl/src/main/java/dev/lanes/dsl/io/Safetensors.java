package dev.lanes.dsl.io;

import dev.lanes.core.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

/**
 * The content of a safetensors file: named tensors, in the order of their bytes in the file
 * (which is the order {@link SafetensorsWriter} was given them), and the {@code __metadata__}
 * map (empty if the file has none). Both maps are unmodifiable; the tensors own their arrays.
 */
public record Safetensors(SequencedMap<String, Tensor> tensors, Map<String, String> metadata) {
  public Safetensors {
    tensors = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(tensors));
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** The tensor called {@code name}, or null. */
  public Tensor tensor(String name) {
    return tensors.get(name);
  }
}
