package dev.lanes.dsl.io;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The checks of the reference implementation's {@code Metadata::validate} on the data offsets:
 * sorted by {@code (begin, end)}, the tensors tile the data exactly, starting at 0, with no gap
 * and no overlap; each range is as long as its shape and dtype need; the last one ends where
 * the file does. Nothing is allocated for a tensor before all of this holds, so a hostile shape
 * or offset cannot make the reader ask for more memory than the file's own size.
 */
final class Layout {
  private Layout() {}

  /**
   * The entries in the order of their bytes (ties, which only empty tensors can have, keep the
   * header's order).
   *
   * @param dataLength the bytes after the header: what the last tensor must end at
   */
  static List<TensorInfo> check(List<TensorInfo> entries, long dataLength, String file)
      throws ModelFormatException {
    List<TensorInfo> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end)
        .thenComparingInt(TensorInfo::index));
    long expected = 0;
    TensorInfo previous = null;
    for (TensorInfo t : sorted) {
      if (t.end() < t.begin()) {
        throw error(file, t, "data_offsets " + t.offsets() + " end before they begin");
      }
      if (t.begin() > expected) {
        throw error(file, t, "data_offsets " + t.offsets() + " leave a gap of "
            + (t.begin() - expected) + " bytes after "
            + (previous == null ? "the start of the data" : "tensor '" + previous.name()
            + "', which ends at " + expected));
      }
      if (t.begin() < expected) {
        throw error(file, t, "data_offsets " + t.offsets() + " overlap tensor '"
            + previous.name() + "', which ends at " + expected);
      }
      if (t.end() - t.begin() != t.bytes()) {
        throw error(file, t, "data_offsets " + t.offsets() + " hold " + (t.end() - t.begin())
            + " bytes but shape " + t.shape() + " of " + t.dtype() + " needs " + t.bytes());
      }
      expected = t.end();
      previous = t;
    }
    if (expected != dataLength) {
      throw new ModelFormatException(file, "the tensors' data ends at byte " + expected
          + " (counted from the end of the header) but the file has " + dataLength
          + " bytes of data");
    }
    return sorted;
  }

  private static ModelFormatException error(String file, TensorInfo t, String what) {
    return new ModelFormatException(file, "tensor '" + t.name() + "': " + what);
  }
}
