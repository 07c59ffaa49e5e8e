package dev.lanes.core.parallel;

/** The body of a parallel loop: processes the items {@code [start, end)}. */
@FunctionalInterface
public interface RangeBody {
  void run(int start, int end);
}
