package dev.lanes.bench;

import com.sun.management.ThreadMXBean;
import dev.lanes.core.Tensor;
import dev.lanes.core.parallel.Parallel;
import dev.lanes.dsl.Model;
import dev.lanes.layers.loss.SoftmaxCrossEntropy;
import dev.lanes.layers.optim.Adam;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes allocated by each training step of {@link TrainStepBench}'s models, step by step, from
 * the JVM's per-thread allocation counters (the calling thread and the pool's workers): shows
 * when a step reaches its steady state, which JMH's {@code -prof gc} averages away.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.lanes.bench.StepAllocation cnn 2 1500
 * </pre>
 * Arguments: model (mlp or cnn), threads, steps. Prints every 100th step and the last.
 */
public final class StepAllocation {
  private StepAllocation() {}

  public static void main(String[] args) {
    if (args.length != 3 || !(args[0].equals("mlp") || args[0].equals("cnn"))) {
      System.err.println("usage: StepAllocation mlp|cnn THREADS STEPS");
      System.exit(2);
    }
    int threads = Integer.parseInt(args[1]);
    int steps = Integer.parseInt(args[2]);
    Parallel.setThreads(threads);
    Model net = TrainStepBench.model(args[0]);
    Tensor x = TrainStepBench.features(net);
    Tensor labels = TrainStepBench.labels();
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    Adam adam = new Adam();
    ThreadMXBean counters = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    net.trainOnBatch(x, labels, loss, adam, 1e-3f, 0f); // starts the pool's workers
    long[] workers = workerIds();
    for (int step = 1; step <= steps; step++) {
      long workersBefore = sum(counters.getThreadAllocatedBytes(workers));
      long before = counters.getCurrentThreadAllocatedBytes();
      long start = System.nanoTime();
      net.trainOnBatch(x, labels, loss, adam, 1e-3f, 0f);
      long nanos = System.nanoTime() - start;
      long caller = counters.getCurrentThreadAllocatedBytes() - before;
      long pool = sum(counters.getThreadAllocatedBytes(workers)) - workersBefore;
      if (step % 100 == 0 || step == steps) {
        System.out.printf("step %5d: %7.2f ms, allocated %d B (calling thread), %d B (workers)%n",
            step, nanos / 1e6, caller, pool);
      }
    }
  }

  /** The ids of the shared pool's worker threads ("lanes-worker-N"). */
  private static long[] workerIds() {
    List<Long> ids = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("lanes-worker-")) {
        ids.add(t.threadId());
      }
    }
    return ids.stream().mapToLong(Long::longValue).toArray();
  }

  private static long sum(long[] values) {
    long total = 0;
    for (long v : values) {
      total += Math.max(0, v); // -1 for a thread that has ended
    }
    return total;
  }
}
