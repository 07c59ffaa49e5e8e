package dev.lanes.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.Shape;
import dev.lanes.core.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A save that fails part-way (here: a value source that throws after some chunks were written,
 * as a crash or a full disk would stop it) leaves the previous file byte for byte, and no
 * temporary file behind.
 */
class SafetensorsAtomicWriteTest {
  @TempDir
  Path dir;

  /** 100,000 values: several write chunks, so the failure comes after bytes hit the disk. */
  private static final int SIZE = 100_000;

  /** A source of SIZE values that throws {@code failure} once {@code failAt} is reached. */
  private static SafetensorsWriter.Entry failingAt(int failAt, RuntimeException unchecked,
      IOException checked) {
    return new SafetensorsWriter.Entry("w", Shape.of(SIZE), (from, dst, count) -> {
      if (from + count > failAt) {
        if (checked != null) {
          throw checked;
        }
        throw unchecked;
      }
      java.util.Arrays.fill(dst, 0, count, 7f);
    });
  }

  private Path writeOld() throws IOException {
    Path file = dir.resolve("model.safetensors");
    SequencedMap<String, Tensor> old = new LinkedHashMap<>();
    old.put("w", Tensor.wrap(new float[] {1, 2, 3}, 3));
    SafetensorsWriter.write(file, old, Map.of("version", "old"));
    return file;
  }

  private void assertOnlyFile(Path file) throws IOException {
    try (var listing = Files.list(dir)) {
      assertEquals(List.of(file), listing.toList(), "no temporary file remains");
    }
  }

  @Test
  void aSourceThatThrowsMidWriteLeavesTheOldFileIntact() throws IOException {
    Path file = writeOld();
    byte[] before = Files.readAllBytes(file);
    IllegalStateException boom = new IllegalStateException("simulated crash");
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
        SafetensorsWriter.write(file, List.of(failingAt(SIZE / 2, boom, null)),
            Map.of("version", "new")));
    assertSame(boom, thrown, "the cause is not wrapped");
    assertArrayEquals(before, Files.readAllBytes(file));
    assertEquals(Map.of("version", "old"), SafetensorsReader.read(file).metadata());
    assertOnlyFile(file);
  }

  @Test
  void anIoErrorMidWriteLeavesTheOldFileIntact() throws IOException {
    Path file = writeOld();
    byte[] before = Files.readAllBytes(file);
    IOException full = new IOException("No space left on device (simulated)");
    IOException thrown = assertThrows(IOException.class, () ->
        SafetensorsWriter.write(file, List.of(failingAt(SIZE - 1, null, full)), Map.of()));
    assertSame(full, thrown);
    assertArrayEquals(before, Files.readAllBytes(file));
    assertOnlyFile(file);
  }

  @Test
  void aFailedFirstSaveCreatesNoFile() {
    Path file = dir.resolve("new.safetensors");
    assertThrows(UncheckedIOException.class, () -> SafetensorsWriter.write(file,
        List.of(failingAt(0, new UncheckedIOException(new IOException("gone")), null)),
        Map.of()));
    assertTrue(Files.notExists(file));
    try (var listing = Files.list(dir)) {
      assertEquals(0, listing.count(), "no temporary file remains");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theSameSourceWithoutTheFailureSavesAndReplaces() throws IOException {
    Path file = writeOld();
    SafetensorsWriter.write(file, List.of(failingAt(SIZE, null, null)), Map.of());
    Tensor w = SafetensorsReader.read(file).tensor("w");
    assertEquals(SIZE, w.size());
    assertEquals(7f, w.data()[SIZE - 1]);
    assertOnlyFile(file);
  }
}
