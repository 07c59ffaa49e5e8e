/**
 * Model files: one safetensors file (https://huggingface.co/docs/safetensors) per model.
 *
 * <p>{@link dev.lanes.dsl.io.SafetensorsWriter} writes named float32 tensors and a string
 * metadata map, atomically (temporary file, fsync, rename), so a crash never leaves half a
 * file. {@link dev.lanes.dsl.io.SafetensorsReader} validates a file the way the reference
 * implementation does before it allocates anything, and turns every problem into a checked
 * {@link dev.lanes.dsl.io.ModelFormatException} that names the file and the fault.
 *
 * <pre>{@code
 * SequencedMap<String, Tensor> weights = new LinkedHashMap<>();
 * for (Param p : dense.params()) {                         // weight (out, in), bias (out)
 *   weights.put("0." + p.name(), p.value());
 * }
 * SafetensorsWriter.write(path, weights, Map.of("lanes.architecture", json));
 *
 * Safetensors file = SafetensorsReader.read(path);
 * Tensor w = file.tensor("0.weight");
 * String json = file.metadata().get("lanes.architecture");
 * }</pre>
 *
 * <p>Limits: header at most 100,000,000 bytes (the reference's limit); JSON nesting at most 32
 * deep; a tensor holds at most 2³¹ − 1 elements (a Lanes tensor is one {@code float[]}). Read:
 * F32, F16, BF16 and F64 (converted to float32); written: F32 only.
 */
package dev.lanes.dsl.io;
